#pragma once
// The milter's memory across restarts, in STATE_DIR/state.db (SQLite, WAL, synchronous
// FULL: a hold is on disk before Postfix is told to quarantine): every mail it holds
// (queue id, Message-ID, the scheduled records it stands for) and the verdict feed's
// cursor. One connection behind a mutex, shared by the milter's threads and the follower.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "milter/feed.hpp"
#include "milter/held.hpp"

struct sqlite3;

namespace cockpit::milter {

class State {
 public:
  // Opens (creating) DIR/state.db; nullptr + `error` when it cannot.
  static std::unique_ptr<State> open(const std::string& dir, std::string& error);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Remembers a held mail (its id set). A record whose standing is older than what the
  // follower has read of the feed is marked `refresh`: a change of it may have gone by
  // before this entry existed, so the follower asks for its standing by id. False when
  // it could not be written.
  bool add(HeldEntry& entry, std::int64_t now_ms);
  // One page of the feed: each change that is newer than what a record knows updates it
  // and makes its entry due; then the cursor moves. One transaction.
  bool apply_feed(const FeedPage& page);
  std::int64_t cursor();
  // Entries to look at now (due at or before `now_ms`), oldest first.
  std::vector<HeldEntry> due(std::int64_t now_ms, std::size_t limit);
  // Writes an entry's records and attempts back; `next_due` kNever: until the feed moves it.
  bool update(const HeldEntry& entry, std::int64_t next_due);
  bool forget(std::int64_t entry_id);
  std::int64_t count();  // held mails remembered

 private:
  explicit State(sqlite3* db) : db_(db) {}
  bool exec(const char* sql);
  bool write_records(const HeldEntry& entry);
  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace cockpit::milter
