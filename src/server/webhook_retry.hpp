#pragma once
// When a failed webhook delivery is tried again. Pure. Exponential backoff with jitter:
// after the n-th failed attempt the next waits first_delay × 2^(n-1), at most max_delay,
// spread by ±20 % (`jitter` in [0, 1) picks the point) so that endpoints coming back
// after an outage are not hit by every queued event at once. No retry once the event is
// older than give_up (3 days by default).
#include <optional>

#include "domain/time.hpp"

namespace cockpit::server {

struct RetryPolicy {
  Time first_delay = 5 * kSecond;
  Time max_delay = 6 * kHour;
  Time give_up = 3 * kDay;
};

// The time of the next attempt after `failed_attempts` failures (>= 1) of an event
// created at `created`, the last failure at `now`; nullopt: give up.
std::optional<Time> next_attempt(const RetryPolicy& p, int failed_attempts, Time created, Time now, double jitter);

}  // namespace cockpit::server
