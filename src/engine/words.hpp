#pragma once
// Facts in the customer's words: dates, counts, durations. Used by drafts and reasons.
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/records.hpp"

namespace cockpit {

// "Friday 20 November", with the year appended when it is not the year of `now`.
std::string long_date(Time t, Time now);
// "Fri 20 Nov", with the year appended when it is not the year of `now`.
std::string short_date(Time t, Time now);
// "1 day", "7 days"; 0 gives "less than a day".
std::string days_text(std::int64_t days);
// "12 days ago", "1 day ago", "less than a day ago" (whole days elapsed).
std::string days_ago_text(std::int64_t days);
// "once", "twice", "3 times"; 0 gives "".
std::string times_text(std::int64_t n);
// "today" (within the day), "tomorrow", "in 2 days", from the time left.
std::string due_in_text(Time due_at, Time now);
// The first word of a name ("Marco Rossi" -> "Marco"); the whole name if one word.
std::string first_name(std::string_view name);
// "address_change" -> "address change".
std::string humanize(std::string_view word);
// "review request", "order confirmation", "marketing message", … (the kind, in words).
std::string kind_words(TouchKind k);
std::string kind_words(PromiseKind k);
// "your order", "your policy", … for a case without a title or no case at all.
std::string case_words(const Case* c);

}  // namespace cockpit
