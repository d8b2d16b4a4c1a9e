#include "server/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace cockpit::server {

bool RateLimiter::take(const std::string& key, int& retry_after_s) { return take_or_peek(key, retry_after_s, true); }

bool RateLimiter::available(const std::string& key, int& retry_after_s) {
  return take_or_peek(key, retry_after_s, false);
}

bool RateLimiter::take_or_peek(const std::string& key, int& retry_after_s, bool take) {
  if (rate_ <= 0) return true;  // disabled
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (buckets_.size() > 100'000) {
    // Idle buckets are full again: dropping them changes nothing for their keys.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double idle = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + idle * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double dt = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + dt * rate_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    if (take) b.tokens -= 1.0;
    return true;
  }
  retry_after_s = std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate_)));
  return false;
}

}  // namespace cockpit::server
