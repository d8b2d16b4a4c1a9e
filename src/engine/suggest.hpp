#pragma once
// The suggestion rules for one customer (see suggestions.hpp for the table, the
// priorities and the keys). Internal to the engine: lists.cpp calls it per customer.
#include <vector>

#include "engine/drafts.hpp"
#include "engine/suggestions.hpp"

namespace cockpit {

// Appends every suggestion owed to the customer of `cx.records` (hidden or not).
// `promises` are promise_facts(…) and `verdicts` guard_customer(…) of that customer.
void suggest_for_customer(const DraftContext& cx, const std::vector<PromiseFacts>& promises,
                          const std::vector<Verdict>& verdicts, const Settings& st, std::vector<Suggestion>& out);

}  // namespace cockpit
