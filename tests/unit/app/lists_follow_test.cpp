// The lists a session keeps after a change recompute only the changed customers'
// part (engine/lists.hpp, update_lists); they must equal the lists computed afresh.
// Random changes of every kind on a synthetic book, for a manager and for the lead.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "app/session.hpp"
#include "engine/lists.hpp"
#include "fixtures.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937& rng) {
  REQUIRE_FALSE(v.empty());
  return v[rng() % v.size()];
}

// One random change of someone's records, as sync would bring it.
AnyRecord random_change(const Book& slice, const Lists& lists, std::mt19937& rng, int n) {
  const Time now = kNow;
  switch (rng() % 7) {
    case 0: {  // a promise moved (maybe into the past), told or not
      Promise p = pick(slice.promises, rng);
      p.history.push_back({p.due_at, now - kHour, rng() % 2 == 0});
      p.due_at = now + (static_cast<Time>(rng() % 20) - 10) * kDay;
      return p;
    }
    case 1: {  // a promise kept
      Promise p = pick(slice.promises, rng);
      p.status = PromiseStatus::kept;
      p.kept_at = now - kHour;
      return p;
    }
    case 2: {  // an exception resolved
      Exception x = pick(slice.exceptions, rng);
      x.status = ExceptionStatus::resolved;
      x.resolved_at = now - 2 * kHour;
      return x;
    }
    case 3: {  // the manager wrote to the customer
      Touchpoint t = pick(slice.touchpoints, rng);
      const Customer* c = nullptr;
      for (const Customer& x : slice.customers)
        if (x.id == t.customer) c = &x;
      t.id = "t-follow-" + std::to_string(n);
      t.at = now - static_cast<Time>(rng() % 48) * kHour;
      t.direction = Direction::out;
      t.sender = c ? c->owner : t.sender;
      t.kind = TouchKind::status_update;
      return t;
    }
    case 4: {  // a scheduled message cancelled
      Scheduled s = pick(slice.scheduled, rng);
      s.status = ScheduledStatus::cancelled;
      return s;
    }
    case 5: {  // a suggestion dismissed
      if (lists.suggestions.empty()) return pick(slice.promises, rng);
      const Suggestion& s = pick(lists.suggestions, rng);
      SuggestionDecision d;
      d.id = "d-follow-" + std::to_string(n);
      d.suggestion_key = s.key;
      d.customer = s.customer;
      d.at = now - kHour;
      d.reason = "handled by phone";
      d.by = "m-lead";
      return d;
    }
    default: {  // a customer who left
      Customer c = pick(slice.customers, rng);
      c.stage = Stage::former;
      c.former_at = now - kDay;
      return c;
    }
  }
}

}  // namespace

TEST_CASE("a session's lists after changes from elsewhere equal the lists computed afresh") {
  SyntheticSpec spec;
  spec.seed = 11;
  spec.customers = 120;
  spec.managers = 3;
  spec.now = kNow;
  const Book book = generate_book(spec);
  for (const char* who : {"m-001", "m-lead"}) {
    CAPTURE(who);
    const std::string path = std::string(COCKPIT_TEST_TMP) + "/lists_follow_" + who + ".db";
    for (const char* ext : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + ext);
    OpenOptions o;
#ifdef __EMSCRIPTEN__
    o.journal_mode = "DELETE";
#endif
    auto store = Store::open(path, o);
    REQUIRE_MESSAGE(store.ok(), store.error());
    REQUIRE(store->import_document(book, Stamp{"import", kNow - kDay}).ok());
    const Role role = std::string(who) == "m-lead" ? Role::lead : Role::manager;
    Session s(*store, {who, role}, Settings{}, builtin_templates());
    REQUIRE(s.load(kNow).ok());
    REQUIRE(s.lists().suggestions.size() > 10);
    std::mt19937 rng(5);
    for (int n = 0; n < 150; ++n) {
      CAPTURE(n);
      RemoteApplied applied;
      const int changes = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < changes; ++k) applied.writes.push_back({random_change(s.slice(), s.lists(), rng, n * 3 + k)});
      s.follow(applied, kNow);
      const Lists fresh = compute_lists(s.slice(), who, kNow, Settings{}, builtin_templates());
      REQUIRE(s.lists().customers == fresh.customers);
      REQUIRE(s.lists().suggestions == fresh.suggestions);
      REQUIRE(s.lists().overdue_promises == fresh.overdue_promises);
      REQUIRE(s.lists().due_soon_promises == fresh.due_soon_promises);
      REQUIRE(s.lists().pending_exceptions == fresh.pending_exceptions);
      REQUIRE(s.lists().held_messages == fresh.held_messages);
      REQUIRE(s.lists().verdicts == fresh.verdicts);
      REQUIRE(s.lists().hidden_suggestions == fresh.hidden_suggestions);
      REQUIRE(s.lists() == fresh);
    }
    // A manager record signs every draft: changing it recomputes everything.
    Manager m = s.slice().managers.front();
    m.name = "Renamed Manager";
    RemoteApplied renamed;
    renamed.writes.push_back({m});
    s.follow(renamed, kNow);
    CHECK(s.lists() == compute_lists(s.slice(), who, kNow, Settings{}, builtin_templates()));
  }
}
