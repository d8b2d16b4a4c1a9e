#pragma once
// Token buckets per key (an identity, or an IP address before sign-in): `rate` tokens
// per second up to `burst`. A request without a token is answered 429 with
// Retry-After; memory stays bounded by dropping full (idle) buckets when the table grows.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cockpit::server {

class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // true: go ahead. false: wait `retry_after_s` seconds (whole, at least 1).
  bool take(const std::string& key, int& retry_after_s);
  // Whether take() would go ahead now, without taking (for limits that only failures drain).
  bool available(const std::string& key, int& retry_after_s);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  bool take_or_peek(const std::string& key, int& retry_after_s, bool take);
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace cockpit::server
