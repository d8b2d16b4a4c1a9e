#pragma once
// The headless report (src/domain/CONTRACT.md, "The report"): the
// engine's lists for one manager as one JSON object, or as plain text for a terminal.
// Pure formatting; the caller loads the slice and computes the lists.
#include <string>

#include "engine/lists.hpp"

namespace cockpit {

// The contract's object: manager, as_of, customers, pending_exceptions,
// overdue_promises, suggestions, held_messages (each list most urgent first, as the
// engine orders them) with the contract's fields first and a few extra ones after.
// Pretty-printed with `indent` spaces (< 0: one line).
std::string report_json(const Lists& lists, int indent = 2);

// The same facts for a person reading a terminal.
std::string report_text(const Lists& lists);

}  // namespace cockpit
