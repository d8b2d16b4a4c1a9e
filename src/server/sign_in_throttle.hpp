#pragma once
// How sign-in guessing is slowed (POST /api/session), three limits at once:
//  1. per address AND manager id: a token bucket (sign-in-rate/s, burst sign-in-burst);
//     one address guessing one account.
//  2. per account, from ALL addresses: after sign-in-free-failures failures in a row, each
//     further failure blocks the account's sign-in for 1 s, 2 s, 4 s, … up to
//     sign-in-max-delay; a success ends it, so does 15 minutes without a failure. Many
//     addresses cannot grind one account (a few guesses a minute at most), and an attacker
//     cannot lock its owner out for longer than the ceiling.
//  3. per address, failures against ANY account: a bucket that only failures drain
//     (sign-in-address-rate/s, burst sign-in-address-burst); one address spraying many
//     accounts. Successes cost nothing, so people behind one NAT who type their own
//     passwords right do not lock each other out, and one person's typos only delay
//     their own account.
// A refusal is 429 {"code": "rate_limited"} with Retry-After in seconds, without checking
// the password. Unknown ids are throttled exactly like known ones (nothing is revealed).
// Documented for clients in src/server/LIMITS.md.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/rate_limit.hpp"

namespace cockpit::server {

struct SignInLimits {
  double per_pair_rate = 0.2, per_pair_burst = 10;
  double address_rate = 0.5, address_burst = 50;
  unsigned free_failures = 5;
  unsigned max_delay_s = 60;
};

// The block after the `failures`-th failure in a row: 0 below `free_failures`, then 1 s
// doubling up to `max_delay_s`.
std::chrono::seconds account_delay(unsigned failures, unsigned free_failures, unsigned max_delay_s);

class SignInThrottle {
 public:
  explicit SignInThrottle(const SignInLimits& limits);
  // 0: go ahead and check the password; otherwise refuse, retry after this many seconds.
  int admit(const std::string& address, const std::string& id);
  void failed(const std::string& address, const std::string& id);
  void succeeded(const std::string& id);

 private:
  using Clock = std::chrono::steady_clock;
  struct Account {
    unsigned failures = 0;
    Clock::time_point blocked_until, last_failure;
  };
  void forget_stale(Clock::time_point now);

  const SignInLimits limits_;
  RateLimiter per_pair_, per_address_;
  std::mutex mu_;
  std::unordered_map<std::string, Account> accounts_;
};

}  // namespace cockpit::server
