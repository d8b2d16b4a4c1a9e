#pragma once
// The push/pull load of issue 6 for the benchmarks (not a test): 100 concurrent
// keep-alive clients against the real server, 1 push in 5 requests, the rest pulls.
#include <cstdint>
#include <string>
#include <vector>

#include "harness.hpp"

namespace cockpit::test {

struct LoadResult {
  double per_s = 0;        // requests answered 200 per second
  long ok = 0, failed = 0, pushes_ok = 0;
  std::int64_t cursor_moved = 0;  // the server's cursor after minus before: one per push applied
};

// Runs the load for `seconds` with the clients' bearer tokens (round robin); every push
// edits promise `promise_id` with a new text, so each applied push moves the cursor.
// `run` names this run's client ids (distinct runs on one server must not share them).
// Each client pulls from its own cursor, as a device does. `per_client_rate` > 0 paces
// every client to that many requests per second; 0 sends the next as soon as one returns.
LoadResult run_load(const Server& s, const std::vector<std::string>& tokens, const std::string& promise_id,
                    const std::string& run, int seconds, int clients = 100, double per_client_rate = 0);
// The same against any base URL (a load balancer in front of several processes).
LoadResult run_load_at(const std::string& base_url, const std::vector<std::string>& tokens, const std::string& pid,
                       const std::string& run, int seconds, int clients = 100, double per_client_rate = 0);

}  // namespace cockpit::test
