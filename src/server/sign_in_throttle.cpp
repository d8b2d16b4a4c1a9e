#include "server/sign_in_throttle.hpp"

#include <algorithm>

namespace cockpit::server {

namespace {
constexpr auto kForgetAfter = std::chrono::minutes(15);  // without a failure: the account starts over
constexpr std::size_t kMaxAccounts = 100'000;            // ids tracked at once (memory bound)
}  // namespace

std::chrono::seconds account_delay(unsigned failures, unsigned free_failures, unsigned max_delay_s) {
  if (failures == 0 || failures < free_failures) return std::chrono::seconds(0);
  const unsigned doublings = failures - free_failures;
  if (doublings >= 31) return std::chrono::seconds(max_delay_s);
  return std::chrono::seconds(std::min<std::uint64_t>(std::uint64_t{1} << doublings, max_delay_s));
}

SignInThrottle::SignInThrottle(const SignInLimits& limits)
    : limits_(limits),
      per_pair_(limits.per_pair_rate, limits.per_pair_burst),
      per_address_(limits.address_rate, limits.address_burst) {}

int SignInThrottle::admit(const std::string& address, const std::string& id) {
  int retry = 0;
  if (!per_pair_.take(address + "|" + id, retry)) return retry;
  if (!per_address_.available("ip:" + address, retry)) return retry;
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  auto it = accounts_.find(id);
  if (it == accounts_.end() || it->second.blocked_until <= now) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.blocked_until - now);
  return static_cast<int>((left.count() + 999) / 1000);
}

void SignInThrottle::failed(const std::string& address, const std::string& id) {
  int retry = 0;
  (void)per_address_.take("ip:" + address, retry);
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (accounts_.size() >= kMaxAccounts) forget_stale(now);
  Account& a = accounts_[id];
  if (a.failures > 0 && now - a.last_failure > kForgetAfter) a.failures = 0;
  ++a.failures;
  a.last_failure = now;
  a.blocked_until = now + account_delay(a.failures, limits_.free_failures, limits_.max_delay_s);
}

void SignInThrottle::succeeded(const std::string& id) {
  std::lock_guard lock(mu_);
  accounts_.erase(id);
}

void SignInThrottle::forget_stale(Clock::time_point now) {
  for (auto it = accounts_.begin(); it != accounts_.end();)
    it = now - it->second.last_failure > kForgetAfter ? accounts_.erase(it) : std::next(it);
  // Still full (a flood of made-up ids): start over; limits 1 and 3 still hold.
  if (accounts_.size() >= kMaxAccounts) accounts_.clear();
}

}  // namespace cockpit::server
