#include "server/webhook_retry.hpp"

#include <algorithm>

namespace cockpit::server {

std::optional<Time> next_attempt(const RetryPolicy& p, int failed_attempts, Time created, Time now, double jitter) {
  Time delay = p.first_delay;
  for (int i = 1; i < failed_attempts && delay < p.max_delay; ++i) delay *= 2;
  delay = std::min(delay, p.max_delay);
  const double spread = 0.8 + 0.4 * std::clamp(jitter, 0.0, 1.0);
  const Time at = now + std::max<Time>(1, static_cast<Time>(static_cast<double>(delay) * spread));
  if (at > created + p.give_up) return std::nullopt;
  return at;
}

}  // namespace cockpit::server
