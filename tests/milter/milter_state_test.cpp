// The milter's state file (src/milter/state.hpp), a real SQLite file: held mails survive
// a reopen, the feed's changes reach the records they name, and a change the feed passed
// before the entry existed is not lost (the record is marked for a refresh).
#include <doctest/doctest.h>

#include <filesystem>

#include "milter/state.hpp"

using namespace cockpit::milter;

namespace {

std::string fresh_dir(const std::string& name) {
  const std::string d = std::string(COCKPIT_TEST_TMP) + "/milter-state-" + name;
  std::filesystem::remove_all(d);
  return d;
}

HeldEntry held(const std::string& qid, std::vector<HeldRecord> records) {
  return {0, qid, qid + "@mid", 0, 0, std::move(records)};
}

}  // namespace

TEST_CASE("held mails, feed changes and the cursor survive a restart") {
  const std::string dir = fresh_dir("restart");
  std::string error;
  {
    auto s = State::open(dir, error);
    REQUIRE_MESSAGE(s, error);
    HeldEntry e = held("4F2A91C03B", {{"relay:a", "hold", 10, "", false}});
    REQUIRE(s->add(e, 1000));
    CHECK(e.id > 0);
    CHECK(s->due(2000, 10).empty());  // all held: nothing to do until the feed moves
    REQUIRE(s->apply_feed({{{"relay:a", "send", 12}, {"relay:other", "hold", 13}}, 13, false}));
  }
  auto s = State::open(dir, error);
  REQUIRE(s);
  CHECK(s->cursor() == 13);
  const auto due = s->due(2000, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].queue_id == "4F2A91C03B");
  CHECK(due[0].message_id == "4F2A91C03B@mid");
  REQUIRE(due[0].records.size() == 1);
  CHECK(due[0].records[0].verdict == "send");
  CHECK(due[0].records[0].cursor == 12);
  // An older change (a page read again) never wins over a newer one.
  REQUIRE(s->apply_feed({{{"relay:a", "hold", 11}}, 11, false}));
  CHECK(s->due(2000, 10)[0].records[0].verdict == "send");
  CHECK(s->cursor() == 13);  // the cursor never goes back
  CHECK(s->forget(due[0].id));
  CHECK(s->count() == 0);
}

TEST_CASE("a verdict the feed passed before the held mail was written is not lost") {
  std::string error;
  auto s = State::open(fresh_dir("race"), error);
  REQUIRE(s);
  // The follower has read the feed up to 20; meanwhile the milter got an answer at
  // cursor 15, and the manager's release (cursor 18) went by with no entry to update.
  REQUIRE(s->apply_feed({{{"relay:late", "send", 18}}, 20, false}));
  HeldEntry late = held("5A0000000B", {{"relay:late", "hold", 15, "", false}});
  HeldEntry fresh = held("6B0000000C", {{"relay:fresh", "hold", 21, "", false}});
  REQUIRE(s->add(late, 1000));
  REQUIRE(s->add(fresh, 1000));
  const auto due = s->due(1000, 10);
  REQUIRE(due.size() == 1);  // only the one whose changes may have gone by
  CHECK(due[0].queue_id == "5A0000000B");
  CHECK(due[0].records[0].refresh);  // the follower asks the server for its standing
  // A later feed change of the fresh one reaches it directly.
  REQUIRE(s->apply_feed({{{"relay:fresh", "cancel", 22}}, 22, false}));
  const auto after = s->due(1000, 10);
  CHECK(after.size() == 2);
  // Written back after the refresh: no longer due until the feed moves it.
  HeldEntry done = due[0];
  done.records[0] = {"relay:late", "send", 18, "", false};
  REQUIRE(s->update(done, kNever));
  CHECK(s->due(1000, 10).size() == 1);
}

TEST_CASE("an unanswered check is due at once, and a state folder that cannot be made is an error, not a crash") {
  std::string error;
  auto s = State::open(fresh_dir("unanswered"), error);
  REQUIRE(s);
  HeldEntry e = held("7C0000000D", {{"", "", 0, R"({"message":{}})", false}});
  REQUIRE(s->add(e, 5000));
  const auto due = s->due(5000, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].records[0].check_body == R"({"message":{}})");
  CHECK_FALSE(State::open("/proc/no-such-place/state", error));
  CHECK_FALSE(error.empty());
}
