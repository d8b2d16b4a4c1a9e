#pragma once
// The live channel across processes: a commit's news ("up to cursor N, these managers,
// pushed by that device") as a short text that one process announces and every other
// process serving the same book hears (PostgreSQL's NOTIFY, pg_listen.hpp), so that a
// push to one process wakes the polls parked on all of them.
//
// NOTIFY carries at most 8000 bytes: news about more managers than fit says "everyone"
// instead (more polls wake and pull, none misses a change).
#include <cstdint>
#include <optional>
#include <string>

#include "server/live.hpp"

namespace cockpit::server {

struct LiveNews {
  std::int64_t cursor = 0;
  Affected who;
  std::string origin;
};

inline constexpr std::size_t kMaxNewsBytes = 7000;

std::string encode_news(const LiveNews& n);
// nullopt: not news (a stranger's text on the channel, or cut short).
std::optional<LiveNews> decode_news(const std::string& text);

}  // namespace cockpit::server
