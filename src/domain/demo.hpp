#pragma once
// Demo and test documents are written with times relative to "today", so a demo always
// shows something overdue whatever the date. Pure: no I/O.
//
// A relative time is a string value of the form
//   "@now"            the given now
//   "@-5d" "@+2d"     now moved by whole days (also h for hours, m for minutes)
//   "@-5d 14:00"      that day (UTC) at 14:00
// Every other string is left exactly as it is.
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace cockpit {

// nullopt when `text` is not of the forms above.
std::optional<Time> parse_relative_time(std::string_view text, Time now);

// Rewrites every relative time in a JSON document into a contract time
// (format_time). On malformed JSON returns nullopt and sets `error`.
std::optional<std::string> resolve_relative_times(std::string_view json_text, Time now, std::string* error = nullptr);

}  // namespace cockpit
