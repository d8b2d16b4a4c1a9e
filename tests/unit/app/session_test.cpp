// The session against a real SQLite file: each action changes exactly what it should,
// is in the change log and the audit trail, survives reopening, and undo restores.
#include <doctest/doctest.h>

#include <filesystem>

#include "app/session.hpp"
#include "fixtures.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string fresh_db(const char* name) {
  std::string path = std::string(COCKPIT_TEST_TMP) + "/" + name + ".db";
  for (const char* ext : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + ext);
  return path;
}

OpenOptions opts() {
  OpenOptions o;
#ifdef __EMSCRIPTEN__
  o.journal_mode = "DELETE";
#endif
  return o;
}

Store open_with_book(const std::string& path) {
  auto s = Store::open(path, opts());
  REQUIRE_MESSAGE(s.ok(), s.error());
  auto imp = s->import_document(small_book(), Stamp{"import", kNow - kDay});
  REQUIRE_MESSAGE(imp.ok(), imp.error());
  return std::move(s.value());
}

}  // namespace

TEST_CASE("an action is one transaction: records, change log, audit; it survives reopening") {
  const std::string path = fresh_db("session_new_date");
  {
    Store store = open_with_book(path);
    const auto log_before = store.changes()->size();
    Session s(store, {"m-anna", Role::manager}, Settings{}, builtin_templates());
    REQUIRE(s.load(kNow).ok());
    REQUIRE(s.lists().overdue_promises.size() == 1);

    Outcome out = s.apply(NewDate{"p-1", kNow + 3 * kDay, "supplier delay"}, kNow);
    REQUIRE_MESSAGE(out.ok, out.message);
    CHECK(s.lists().overdue_promises.empty());  // the lists follow at once
    CHECK(store.changes()->size() == log_before + 1);
    auto audit = store.audit();
    REQUIRE(audit.ok());
    REQUIRE_FALSE(audit->empty());
    CHECK(audit->back().action == "new_date");
    CHECK(audit->back().actor == "m-anna");
  }
  auto reopened = Store::open(path, opts());
  REQUIRE(reopened.ok());
  auto p = reopened->get_promise("p-1");
  REQUIRE(p.ok());
  REQUIRE(p.value().has_value());
  CHECK(p.value()->due_at == kNow + 3 * kDay);
  CHECK(p.value()->history.size() == 1);
}

TEST_CASE("a refused action changes nothing, in the store or in memory") {
  Store store = open_with_book(fresh_db("session_refused"));
  Session s(store, {"m-ben", Role::manager}, Settings{}, builtin_templates());
  REQUIRE(s.load(kNow).ok());
  const auto log_before = store.changes()->size();
  Outcome out = s.apply(MarkKept{"p-1"}, kNow);  // Anna's promise
  CHECK_FALSE(out.ok);
  CHECK(store.changes()->size() == log_before);
  CHECK_FALSE(s.can_undo());
}

TEST_CASE("sending a suggestion makes it leave the list; undo brings it back") {
  Store store = open_with_book(fresh_db("session_send"));
  Session s(store, {"m-anna", Role::manager}, Settings{}, builtin_templates());
  REQUIRE(s.load(kNow).ok());
  const auto before = s.lists().suggestions;
  REQUIRE_FALSE(before.empty());
  const Suggestion sug = before.front();

  Outcome out = s.apply(SendMessage{sug.customer, std::nullopt, sug.about, sug.key, sug.channel, TouchKind::status_update,
                                    sug.subject, sug.body},
                        kNow);
  REQUIRE_MESSAGE(out.ok, out.message);
  for (const auto& x : s.lists().suggestions) CHECK(x.key != sug.key);
  CHECK(s.slice().touchpoints.size() == 1);

  REQUIRE(s.can_undo());
  Outcome undone = s.apply(Undo{}, kNow);
  REQUIRE_MESSAGE(undone.ok, undone.message);
  CHECK(s.slice().touchpoints.empty());
  CHECK(s.lists().suggestions == before);
  CHECK_FALSE(s.can_undo());

  // And the store agrees after a reload.
  REQUIRE(s.load(kNow).ok());
  CHECK(s.slice().touchpoints.empty());
  CHECK(s.lists().suggestions == before);
}

TEST_CASE("release a held message: it is no longer held, and the note is kept") {
  Store store = open_with_book(fresh_db("session_release"));
  Session s(store, {"m-anna", Role::manager}, Settings{}, builtin_templates());
  REQUIRE(s.load(kNow).ok());
  REQUIRE(s.lists().held_messages.size() == 1);  // review request before fulfilment
  Outcome out = s.apply(ReleaseHeld{"s-1", "customer asked for the survey"}, kNow);
  REQUIRE_MESSAGE(out.ok, out.message);
  CHECK(s.lists().held_messages.empty());
  auto stored = store.get_scheduled("s-1");
  REQUIRE(stored.ok());
  CHECK(stored.value()->status == ScheduledStatus::released);
  CHECK(stored.value()->decision_note == "customer asked for the survey");
}

TEST_CASE("a lead's reassignment moves the customer between managers' slices") {
  Store store = open_with_book(fresh_db("session_reassign"));
  Session lead(store, {"m-lea", Role::lead}, Settings{}, builtin_templates());
  REQUIRE(lead.load(kNow).ok());
  REQUIRE(lead.apply(ReassignCustomer{"c-1", "m-ben"}, kNow).ok);
  Session ben(store, {"m-ben", Role::manager}, Settings{}, builtin_templates());
  REQUIRE(ben.load(kNow).ok());
  CHECK(ben.slice().customers.size() == 2);
  Session anna(store, {"m-anna", Role::manager}, Settings{}, builtin_templates());
  REQUIRE(anna.load(kNow).ok());
  CHECK(anna.slice().customers.empty());
}
