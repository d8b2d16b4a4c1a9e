#pragma once
// The server's verdict feed (GET /api/guard/verdicts) and policy (GET /api/guard/policy)
// as the follower reads them. Pure: no I/O. Entries it cannot read are skipped, not
// fatal: a page always moves the cursor on.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cockpit::milter {

struct FeedChange {
  std::string scheduled, verdict;  // verdict "send", "hold" or "cancel"
  std::int64_t cursor = 0;
};

struct FeedPage {
  std::vector<FeedChange> changes;
  std::int64_t cursor = 0;
  bool more = false;
};

// nullopt + `error` when the page is not the feed's shape (no cursor).
std::optional<FeedPage> parse_feed(std::string_view body, std::string& error);

// The policy's safe_kinds (kinds that may go without an answer); nullopt if unreadable.
std::optional<std::vector<std::string>> parse_safe_kinds(std::string_view body);

}  // namespace cockpit::milter
