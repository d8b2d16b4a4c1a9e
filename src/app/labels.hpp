#pragma once
// The words and tones every screen uses: dates relative and absolute, enum names in
// words, what a colour means. Pure (`now` is given); the view models and the views
// both speak through these, so a label is written once.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.hpp"
#include "engine/lists.hpp"

namespace cockpit::vm {

// What a colour means, the same on every screen: overdue (a date passed), at risk
// (due soon, waiting, held), fine (nothing open); info for neutral accents, muted for
// what is done or noise.
enum class Tone { fine, at_risk, overdue, info, muted };
Tone tone_of(Severity s);
std::string_view tone_word(Tone t);  // "Overdue", "At risk", "Fine", "", ""

// "Fri 20 Nov" (with the year when it is not now's year: "Fri 20 Nov 2025").
std::string day_label(Time t, Time now);
// "Fri 20 Nov, 14:05"
std::string day_time_label(Time t, Time now);
// "10:02" (UTC, like every time on screen).
std::string clock_label(Time t);
// "just now", "5 minutes ago", "in 3 hours", "yesterday", "tomorrow", "3 days ago",
// "in 2 days", "2 months ago": calendar days (UTC) beyond the same day.
std::string relative_label(Time t, Time now);
// "3 days ago · Fri 20 Nov"
std::string when_label(Time t, Time now);
// "1 day", "3 days"
std::string days_text(std::int64_t n);
// A settings' window in words: "2 days", "36 hours", "90 minutes".
std::string window_text(Time window);
// "1 message", "3 messages"
std::string plural(std::int64_t n, const char* one, const char* many);

std::string_view stage_label(Stage s);               // "Active", "Prospect", "Former"
std::string_view channel_label(Channel c);           // "Email", "Phone", "SMS", …
std::string_view promise_kind_label(PromiseKind k);  // "Delivery", …
std::string_view touch_kind_label(TouchKind k);      // "Order confirmation", …
std::string_view suggestion_kind_label(SuggestionKind k);  // "Overdue promise", …
std::string_view hold_reason_label(HoldReason r);    // "before fulfilment", …
std::string hold_reasons_label(const std::vector<HoldReason>& reasons);  // "duplicate, open exception"
// "address_change" -> "Address change"
std::string humanize(std::string_view id_like);

// Case-insensitive (ASCII) substring test; an empty needle matches.
bool contains_folded(std::string_view hay, std::string_view needle);
// Lower-case ASCII (search keys).
std::string folded(std::string_view s);

}  // namespace cockpit::vm
