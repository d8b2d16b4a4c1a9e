#pragma once
// Time in Cockpit: milliseconds since the Unix epoch, UTC. The contract's times are
// ISO 8601 extended format; a date alone means the last instant of that day (UTC).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cockpit {

using Time = std::int64_t;  // ms since 1970-01-01T00:00:00Z

constexpr Time kSecond = 1000;
constexpr Time kMinute = 60 * kSecond;
constexpr Time kHour = 60 * kMinute;
constexpr Time kDay = 24 * kHour;

// Parses the contract's time forms: `2026-11-20`, `2026-11-20T14:00Z`,
// `2026-11-20T14:00:00.5+01:00`. No offset means UTC. Refuses impossible dates,
// 24:00, a space for T and the basic format. Fractions finer than 1 ms are truncated.
std::optional<Time> parse_time(std::string_view text);

// `2026-11-20T14:00:00Z`, with `.mmm` only when the milliseconds are not zero.
std::string format_time(Time t);

// `2026-11-20`
std::string format_date(Time t);

// Whole days elapsed from `from` to `to`, rounded down; 0 when `to` is not after `from`.
std::int64_t whole_days(Time from, Time to);

// Days since the epoch for a civil date and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

// The current wall-clock time.
Time now_utc();

}  // namespace cockpit
