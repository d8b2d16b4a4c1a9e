#pragma once
// A mail the relay holds, as the milter remembers it (state.hpp keeps these on disk):
// where Postfix has it (queue id, checked against its Message-ID, since Postfix reuses
// queue ids) and the scheduled records of Cockpit it stands for.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cockpit::milter {

// One check of the mail: a scheduled record and its last known verdict, or a check
// still to make (the server did not answer when the mail came in).
struct HeldRecord {
  std::string scheduled;      // "relay:<id>"; "" while unanswered
  std::string verdict;        // "send", "hold", "cancel"; "" while unanswered
  std::int64_t cursor = 0;    // the standing's place in the verdict feed
  std::string check_body;     // the check to ask again; "" once answered
  bool refresh = false;       // the feed may have passed a change of it: ask by id
};

struct HeldEntry {
  std::int64_t id = 0;        // the state's row
  std::string queue_id, message_id;
  std::int64_t held_at = 0;   // ms since the epoch
  int attempts = 0;           // failed queue actions or checks in a row (for backoff)
  std::vector<HeldRecord> records;
};

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

}  // namespace cockpit::milter
