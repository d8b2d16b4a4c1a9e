// The device side of sync as storage (store.hpp, "replica"): migration 3, the outbox
// with its before-images and bases, apply_remote (acks, stashes, removals, deletions,
// full shares, the cursor, all or nothing), notices. Real SQLite files under
// COCKPIT_TEST_TMP; runs natively and in wasm (node), journal mode DELETE.
//
// Every test starts from a small share as the server would send it (replica_book(),
// applied as a full share, so nothing of it is in the outbox) and then edits locally,
// or answers as the server would, one batch at a time.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/document.hpp"
#include "domain/record_write.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "../record_builders.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

const Stamp kAnna{"m-anna", kT0};
const Stamp kSync{"sync", kT0 + 1000};

std::string fresh_db(const std::string& name) {
  const std::string p = std::string(COCKPIT_TEST_TMP) + "/replica-" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

OpenOptions journal_delete() {
  OpenOptions o;
  o.journal_mode = "DELETE";
  return o;
}

Store open_store(const std::string& path) {
  auto s = Store::open(path, journal_delete());
  INFO(s.error());
  REQUIRE(s.ok());
  return std::move(s).value();
}





Scheduled scheduled(const std::string& id, const std::string& cust) {
  Scheduled s;
  s.id = id;
  s.customer = cust;
  s.scheduled_at = kT0 + kDay;
  s.sender = "system:shop";
  s.kind = TouchKind::marketing;
  s.subject = "Winter sale";
  return s;
}

SuggestionDecision decision(const std::string& id, const std::string& cust) {
  SuggestionDecision d;
  d.id = id;
  d.suggestion_key = "tell_new_date:" + cust;
  d.customer = cust;
  d.at = kT0 - kHour;
  d.by = "m-anna";
  return d;
}

// What the server shares with Anna's device at the start of every test.
std::vector<AnyRecord> replica_records() {
  Manager anna{"m-anna", "Anna", "anna@example.com", Role::manager};
  Manager ben{"m-ben", "Ben", "ben@example.com", Role::manager};
  Manager lena{"m-lena", "Lena", "lena@example.com", Role::lead};
  return {anna,
          ben,
          lena,
          customer("c-1", "m-anna"),
          customer("c-2", "m-anna"),
          a_case("k-1", "c-1"),
          promise("p-1", "c-1", "k-1"),
          touchpoint("t-1", "c-1"),
          touchpoint("t-2", "c-2"),
          scheduled("s-1", "c-1"),
          decision("d-1", "c-1")};
}

// A device holding the share, with the server's seq of every record.
struct Device {
  Store store;
  std::map<std::string, std::int64_t> seq;  // record id -> the server's seq
  std::int64_t cursor = 0;

  explicit Device(const std::string& name) : store(open_store(fresh_db(name))) {
    RemoteBatch b;
    b.full = true;
    for (const auto& r : replica_records()) {
      ++cursor;
      seq[record_id(r)] = cursor;
      b.records.push_back(RemoteRecord{r, cursor});
    }
    b.cursor = cursor;
    auto done = store.apply_remote(b, kSync);
    INFO(done.error());
    REQUIRE(done.ok());
    REQUIRE(store.set_replica_value("client_id", "dev-A").ok());
    REQUIRE(store.set_replica_value("manager", "m-anna").ok());
  }

  Promise p1() { return store.get_promise("p-1").value().value(); }
  Customer cust(const std::string& id) { return store.get_customer(id).value().value(); }
  bool has_touchpoint(const std::string& id) { return store.get_touchpoint(id).value().has_value(); }

  std::vector<OutboxEntry> outbox() {
    auto o = store.outbox();
    REQUIRE(o.ok());
    return o.value();
  }

  RemoteApplied apply(const RemoteBatch& b) {
    auto done = store.apply_remote(b, kSync);
    INFO(done.error());
    REQUIRE(done.ok());
    return std::move(done).value();
  }

  template <typename R>
  void edit(const R& r) {
    auto w = store.put(r, kAnna);
    INFO(w.error());
    REQUIRE(w.ok());
    REQUIRE(w.value());
  }
};

RemoteAck ack(const OutboxEntry& e, AckStatus status) {
  RemoteAck a;
  a.change_seq = e.seq;
  a.entity = e.entity;
  a.id = e.id;
  a.status = status;
  return a;
}

RemoteAck applied(const OutboxEntry& e, std::optional<AnyRecord> server, std::int64_t seq) {
  RemoteAck a = ack(e, AckStatus::applied);
  a.record = std::move(server);
  a.seq = seq;
  return a;
}

RemoteBatch acks(std::vector<RemoteAck> a) {
  RemoteBatch b;
  b.acks = std::move(a);
  return b;
}

SyncNotice notice(const std::string& kind, const std::string& entity_id, const std::string& message) {
  SyncNotice n;
  n.kind = kind;
  n.code = kind == "conflict" ? "conflict" : "not_owner";
  n.entity = "promise";
  n.entity_id = entity_id;
  n.customer = "c-1";
  n.message = message;
  return n;
}

// "c-1,c-2": vectors of ids compare with readable failures.
std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

// ---------------------------------------------------------------- migration 3

TEST_CASE("replica: a version-2 database is upgraded, keeping everything, with the sync tables added") {
  const auto path = fresh_db("v2.db");
  {
    // Exactly what the version before the replica wrote: steps 0 and 1, some records,
    // a change not yet sent and one that was.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string v2 =
        schema::migrations()[0] + schema::migrations()[1] + "PRAGMA application_id = " +
        std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 2;" +
        "INSERT INTO managers VALUES ('m-old', 'Old Manager', 'old@example.com', 'manager');"
        "INSERT INTO customers VALUES ('c-old', 'Old Customer', 'm-old', 'active', '', '', 'email', 0, NULL);"
        "INSERT INTO change_log (change_id, entity, entity_id, op, record, at, actor, synced) VALUES "
        "  ('00000000000000000000000000000001', 'manager', 'm-old', 'upsert', '{\"id\":\"m-old\"}', 5, 'import', 1),"
        "  ('00000000000000000000000000000002', 'customer', 'c-old', 'upsert', '{\"id\":\"c-old\"}', 6, 'm-old', 0);"
        "INSERT INTO audit (at, actor, action) VALUES (7, 'm-old', 'import');";
    char* err = nullptr;
    const int rc = sqlite3_exec(db, v2.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    REQUIRE(rc == SQLITE_OK);
    sqlite3_close(db);
  }
  {
    Store s = open_store(path);
    CHECK(s.schema_version() == Store::latest_schema_version());
    CHECK(s.get_manager("m-old").value().value().name == "Old Manager");
    CHECK(s.get_customer("c-old").value().value().name == "Old Customer");
    CHECK(s.audit().value().size() == 1);
    auto log = s.changes(0, 100).value();
    REQUIRE(log.size() == 2);
    CHECK(log[0].synced);
    CHECK_FALSE(log[1].synced);
    // The old unsent change is in the outbox, with no base (it was logged before bases).
    auto out = s.outbox().value();
    REQUIRE(out.size() == 1);
    CHECK(out[0].entity == RecordKind::customer);
    CHECK(out[0].id == "c-old");
    CHECK(out[0].op == "upsert");
    CHECK(out[0].record == std::optional<std::string>("{\"id\":\"c-old\"}"));
    CHECK_FALSE(out[0].base);
    CHECK(out[0].base_seq == 0);
    CHECK(s.outbox_size().value() == 1);
    // The new tables work.
    CHECK(s.replica_value("cursor").value() == "");
    REQUIRE(s.set_replica_value("cursor", "12").ok());
    CHECK(s.replica_value("cursor").value() == "12");
    CHECK(s.notice_count().value() == 0);
    CHECK(s.notices().value().empty());
    // And a local edit now keeps its before-image.
    Customer c = s.get_customer("c-old").value().value();
    c.phone = "+49 1";
    REQUIRE(s.put(c, kAnna).value());
    auto out2 = s.outbox().value();
    REQUIRE(out2.size() == 2);
    REQUIRE(out2[1].base);
    CHECK(out2[1].base->find("\"phone\":\"\"") != std::string::npos);
  }
  // What migration 3 added, as SQLite sees it.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto count = [&](const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  };
  for (const char* table : {"replica_meta", "replica_base", "sync_notices"}) {
    CAPTURE(table);
    CHECK(count(std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") + table + "'") == 1);
  }
  CHECK(count("SELECT count(*) FROM pragma_table_info('change_log') WHERE name='base'") == 1);
  CHECK(count("SELECT count(*) FROM sqlite_master WHERE type='index' AND name='change_log_pending'") == 1);
  // Partial: only unsent rows are in it (the pull's "is this record pending?" stays small).
  CHECK(count("SELECT count(*) FROM sqlite_master WHERE name='change_log_pending' AND sql LIKE '%WHERE synced = 0%'") ==
        1);
  CHECK(count("PRAGMA user_version") == Store::latest_schema_version());
  sqlite3_close(db);
}

// ---------------------------------------------------------------- migration 4

TEST_CASE("replica: a version-3 database's \"suggestion_decision\" rows become \"decision\", the kind's one name") {
  const auto path = fresh_db("v3.db");
  {
    // What a version-3 device holds: a decision synced once (its base), edited since
    // (an unsent change), and a notice about it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string v3 =
        schema::migrations()[0] + schema::migrations()[1] + schema::migrations()[2] +
        "PRAGMA application_id = " + std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 3;" +
        "INSERT INTO managers VALUES ('m-anna', 'Anna', '', 'manager');"
        "INSERT INTO customers VALUES ('c-1', 'One', 'm-anna', 'active', '', '', 'email', 0, NULL);"
        "INSERT INTO suggestion_decisions VALUES ('d-1', 'key', 'c-1', 'dismissed', 5, NULL, 'seen', 'm-anna', "
        "'m-anna');"
        "INSERT INTO replica_base (entity, id, customer, seq) VALUES ('suggestion_decision', 'd-1', 'c-1', 41);"
        "INSERT INTO change_log (change_id, entity, entity_id, op, record, at, actor) VALUES "
        "  ('00000000000000000000000000000001', 'suggestion_decision', 'd-1', 'upsert', "
        "   '{\"id\":\"d-1\"}', 6, 'm-anna');"
        "INSERT INTO sync_notices (at, kind, entity, entity_id, message) VALUES "
        "  (7, 'refused', 'suggestion_decision', 'd-1', 'Not applied.');";
    char* err = nullptr;
    const int rc = sqlite3_exec(db, v3.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    REQUIRE(rc == SQLITE_OK);
    sqlite3_close(db);
  }
  Store s = open_store(path);
  CHECK(s.schema_version() == Store::latest_schema_version());
  // The unsent change is a decision's, and still finds its base (the join is on the name).
  auto out = s.outbox().value();
  REQUIRE(out.size() == 1);
  CHECK(out[0].entity == RecordKind::decision);
  CHECK(out[0].id == "d-1");
  CHECK(out[0].base_seq == 41);
  auto log = s.changes(0, 10).value();
  REQUIRE(log.size() == 1);
  CHECK(log[0].entity == RecordKind::decision);
  auto notes = s.notices().value();
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].entity == "decision");
  // A pull's deletion of it waits for the unsent change, as for any record with one.
  RemoteBatch gone;
  gone.deletions = {{RecordKind::decision, "d-1"}};
  REQUIRE(s.apply_remote(gone, kSync).ok());
  CHECK(s.get_decision("d-1").value().has_value());
}

// ---------------------------------------------------------------- the outbox

TEST_CASE("replica: a local edit is logged with its before-image, an import without, the server's versions not at all") {
  Device d("logmode.db");
  CHECK(d.store.changes(0, 1000).value().empty());  // a share arriving is not ours to send
  CHECK(d.store.outbox_size().value() == 0);
  CHECK(d.store.replica_value("cursor").value() == std::to_string(d.cursor));

  const Promise before = d.p1();
  Promise p = before;
  p.text = "Delivery on Friday";
  d.edit(p);
  const Touchpoint created = touchpoint("t-new", "c-1", "Your new date");
  d.edit(created);
  const Touchpoint t2 = d.store.get_touchpoint("t-2").value().value();
  REQUIRE(d.store.remove(RecordKind::touchpoint, "t-2", kAnna).value());
  Book doc;
  Customer c2 = d.cust("c-2");
  c2.phone = "+49 30 1";
  doc.customers = {c2};
  REQUIRE(d.store.import_document(doc, kAnna).ok());

  auto out = d.outbox();
  REQUIRE(out.size() == 4);
  CHECK(d.store.outbox_size().value() == 4);
  for (std::size_t i = 1; i < out.size(); ++i) CHECK(out[i - 1].seq < out[i].seq);  // in order

  CHECK(out[0].entity == RecordKind::promise);
  CHECK(out[0].id == "p-1");
  CHECK(out[0].op == "upsert");
  CHECK(out[0].record == std::optional<std::string>(to_json(p)));
  CHECK(out[0].base == std::optional<std::string>(to_json(before)));  // edited an existing record
  CHECK(out[0].base_seq == d.seq["p-1"]);

  CHECK(out[1].entity == RecordKind::touchpoint);
  CHECK(out[1].id == "t-new");
  CHECK(out[1].record == std::optional<std::string>(to_json(created)));
  CHECK_FALSE(out[1].base);  // created: no before-image
  CHECK(out[1].base_seq == 0);

  CHECK(out[2].id == "t-2");
  CHECK(out[2].op == "delete");
  CHECK_FALSE(out[2].record);
  CHECK(out[2].base == std::optional<std::string>(to_json(t2)));
  CHECK(out[2].base_seq == d.seq["t-2"]);

  CHECK(out[3].entity == RecordKind::customer);
  CHECK(out[3].id == "c-2");
  CHECK_FALSE(out[3].base);  // an import has no before-image
  CHECK(out[3].base_seq == d.seq["c-2"]);

  auto first = d.store.outbox(2).value();
  REQUIRE(first.size() == 2);
  CHECK(first[0].seq == out[0].seq);
  CHECK(first[1].seq == out[1].seq);
}

TEST_CASE("replica: replica values") {
  Device d("values.db");
  CHECK(d.store.replica_value("client_id").value() == "dev-A");
  CHECK(d.store.replica_value("nothing").value() == "");
  REQUIRE(d.store.set_replica_value("client_id", "dev-B").ok());
  CHECK(d.store.replica_value("client_id").value() == "dev-B");
}

// ---------------------------------------------------------------- acks

TEST_CASE("replica: an applied ack puts the server's version in place and makes its seq the base") {
  Device d("ack-applied.db");
  Promise p = d.p1();
  p.text = "Delivery on Friday";
  d.edit(p);
  const auto out = d.outbox();
  REQUIRE(out.size() == 1);
  // The server merged it with another device's change of another field.
  Promise server = p;
  server.due_at = kT0 + 5 * kDay;
  auto done = d.apply(acks({applied(out[0], server, 50)}));
  CHECK(d.p1() == server);
  CHECK(d.store.outbox_size().value() == 0);
  CHECK(d.store.changes(0, 100, true).value().empty());
  REQUIRE(done.writes.size() == 1);
  CHECK(done.writes[0].record == AnyRecord{server});
  CHECK_FALSE(done.writes[0].erase);
  // The answer to this device's own change is not a change "from elsewhere".
  CHECK(done.customers.empty());
  CHECK_FALSE(done.reload);
  CHECK(done.dropped == 0);

  // The next edit starts from the server's seq and from what the server holds.
  Promise again = d.p1();
  again.text = "Delivery on Monday";
  d.edit(again);
  auto out2 = d.outbox();
  REQUIRE(out2.size() == 1);
  CHECK(out2[0].base_seq == 50);
  CHECK(out2[0].base == std::optional<std::string>(to_json(server)));
  // An answer equal to what the device holds changes nothing to show.
  auto same = d.apply(acks({applied(out2[0], again, 51)}));
  CHECK(same.writes.empty());
  CHECK(same.customers.empty());
  CHECK(d.store.outbox_size().value() == 0);

  // A delete the server applied: nothing comes back, the record stays gone.
  REQUIRE(d.store.remove(RecordKind::touchpoint, "t-2", kAnna).value());
  auto del = d.outbox();
  REQUIRE(del.size() == 1);
  auto gone = d.apply(acks({applied(del[0], std::nullopt, 52)}));
  CHECK_FALSE(d.has_touchpoint("t-2"));
  CHECK(gone.writes.empty());
  CHECK(d.store.outbox_size().value() == 0);
}

TEST_CASE("replica: an applied ack while a later change of the record is pending waits for that change's answer") {
  enum class Fate { applied, refused };
  for (Fate fate : {Fate::applied, Fate::refused}) {
    CAPTURE(static_cast<int>(fate));
    Device d(fate == Fate::applied ? "later-applied.db" : "later-refused.db");
    Promise a = d.p1();
    a.text = "First edit";
    d.edit(a);
    Promise b = a;
    b.due_at = kT0 + 3 * kDay;
    d.edit(b);
    const auto out = d.outbox();
    REQUIRE(out.size() == 2);
    // The server's answer to the first edit (merged with another device's change).
    Promise server_a = a;
    server_a.kind = PromiseKind::callback;
    auto first = d.apply(acks({applied(out[0], server_a, 50)}));
    CHECK(d.p1() == b);  // the later edit is still unsent: the local state stays
    CHECK(first.writes.empty());
    auto left = d.outbox();
    REQUIRE(left.size() == 1);
    CHECK(left[0].seq == out[1].seq);
    CHECK(left[0].base_seq == 50);  // it goes on from the server's answer to our own first edit

    if (fate == Fate::applied) {
      Promise server_b = b;
      server_b.kind = PromiseKind::callback;
      auto second = d.apply(acks({applied(out[1], server_b, 52)}));
      CHECK(d.p1() == server_b);
      REQUIRE(second.writes.size() == 1);
      CHECK(second.writes[0].record == AnyRecord{server_b});
      CHECK(d.store.outbox_size().value() == 0);
      Promise c = d.p1();
      c.text = "Third";
      d.edit(c);
      CHECK(d.outbox().at(0).base_seq == 52);
    } else {
      auto second = d.apply(acks({ack(out[1], AckStatus::refused)}));
      CHECK(d.p1() == server_a);  // what the server holds: the first edit, merged
      REQUIRE(second.writes.size() == 1);
      CHECK(second.writes[0].record == AnyRecord{server_a});
      CHECK(d.store.outbox_size().value() == 0);
    }
  }
}

TEST_CASE("replica: a refused change is undone") {
  struct Row {
    const char* name;
    std::function<void(Device&)> change;
    std::function<void(Device&)> undone;  // checks the state after the refusal
    bool erase;                           // the slice is told to erase (else: upsert the old one)
    const char* record_id;
  };
  const Row rows[] = {
      {"an edit goes back to the before-image",
       [](Device& d) {
         Promise p = d.p1();
         p.text = "Mine";
         d.edit(p);
       },
       [](Device& d) { CHECK(d.p1() == promise("p-1", "c-1", "k-1")); }, false, "p-1"},
      {"an edit of a customer goes back",
       [](Device& d) {
         Customer c = d.cust("c-2");
         c.name = "Renamed";
         d.edit(c);
       },
       [](Device& d) { CHECK(d.cust("c-2") == customer("c-2", "m-anna")); }, false, "c-2"},
      {"a created record is removed",
       [](Device& d) { d.edit(touchpoint("t-new", "c-1")); },
       [](Device& d) { CHECK_FALSE(d.has_touchpoint("t-new")); }, true, "t-new"},
      {"a deleted record comes back",
       [](Device& d) { REQUIRE(d.store.remove(RecordKind::touchpoint, "t-2", kAnna).value()); },
       [](Device& d) { CHECK(d.store.get_touchpoint("t-2").value() == touchpoint("t-2", "c-2")); }, false, "t-2"},
  };
  int i = 0;
  for (const auto& row : rows) {
    CAPTURE(row.name);
    Device d("refused-" + std::to_string(i++) + ".db");
    row.change(d);
    auto out = d.outbox();
    REQUIRE(out.size() == 1);
    RemoteBatch b = acks({ack(out[0], AckStatus::refused)});
    b.notices.push_back(notice("refused", out[0].id, "Not applied: customer c-1 is not yours."));
    auto done = d.apply(b);
    row.undone(d);
    CHECK(d.store.outbox_size().value() == 0);
    REQUIRE(done.writes.size() == 1);
    CHECK(done.writes[0].erase == row.erase);
    CHECK(record_id(done.writes[0].record) == row.record_id);
    CHECK(d.store.notice_count().value() == 1);
    CHECK(d.store.notices().value().at(0).message == "Not applied: customer c-1 is not yours.");
    // Nothing of it is left to send, and a new edit starts from the server's version.
    Customer c = d.cust("c-1");
    c.phone = "+1";
    d.edit(c);
    CHECK(d.outbox().at(0).base_seq == d.seq["c-1"]);
  }
}

TEST_CASE("replica: a settled ack (answered long ago) just leaves the outbox") {
  Device d("settled.db");
  Promise p = d.p1();
  p.text = "Mine";
  d.edit(p);
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  auto done = d.apply(acks({ack(out[0], AckStatus::settled)}));
  CHECK(d.p1() == p);
  CHECK(done.writes.empty());
  CHECK(d.store.outbox_size().value() == 0);
  CHECK(d.store.notice_count().value() == 0);
}

// ---------------------------------------------------------------- pulled records vs pending changes

TEST_CASE("replica: a pulled record with a change still unsent is held back, then the server's answer is put in place") {
  Device d("stash.db");
  Promise mine = d.p1();
  mine.text = "Mine";
  d.edit(mine);
  // Another device moved the due date; the server sends its version in a pull.
  Promise theirs = promise("p-1", "c-1", "k-1");
  theirs.due_at = kT0 + 7 * kDay;
  Customer c2 = d.cust("c-2");
  c2.name = "Renamed elsewhere";
  RemoteBatch pull;
  pull.records = {RemoteRecord{theirs, 60}, RemoteRecord{c2, 61}};
  pull.cursor = 61;
  auto done = d.apply(pull);
  CHECK(d.p1() == mine);  // not overwritten
  CHECK(d.cust("c-2") == c2);
  REQUIRE(done.writes.size() == 1);
  CHECK(done.writes[0].record == AnyRecord{c2});
  CHECK(joined(done.customers) == "c-2");
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  // The edit was made from the version before the pull: the server must be able to
  // tell that the other device's change came after it (a conflict to report), so the
  // base stays the one the edit started from.
  CHECK(out[0].base_seq == d.seq["p-1"]);
  CHECK(out[0].base == std::optional<std::string>(to_json(promise("p-1", "c-1", "k-1"))));
  // The server's answer to the edit (both changes merged) is what stays.
  Promise merged = mine;
  merged.due_at = theirs.due_at;
  auto acked = d.apply(acks({applied(out[0], merged, 62)}));
  CHECK(d.p1() == merged);
  REQUIRE(acked.writes.size() == 1);
  CHECK(acked.writes[0].record == AnyRecord{merged});
  Promise next = d.p1();
  next.text = "Mine again";
  d.edit(next);
  CHECK(d.outbox().at(0).base_seq == 62);
}

TEST_CASE("replica: a refusal after a pull held the server's version back puts that version in place") {
  Device d("stash-refused.db");
  Promise mine = d.p1();
  mine.text = "Mine";
  d.edit(mine);
  Promise theirs = promise("p-1", "c-1", "k-1");
  theirs.due_at = kT0 + 7 * kDay;
  RemoteBatch pull;
  pull.records = {RemoteRecord{theirs, 60}};
  pull.cursor = 60;
  d.apply(pull);
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  auto done = d.apply(acks({ack(out[0], AckStatus::refused)}));
  CHECK(d.p1() == theirs);  // the server's, not the before-image of the edit
  REQUIRE(done.writes.size() == 1);
  CHECK(done.writes[0].record == AnyRecord{theirs});
  CHECK(d.store.outbox_size().value() == 0);
}

// ---------------------------------------------------------------- removals, deletions, full shares

TEST_CASE("replica: a customer that left the view goes with every record of theirs; unsent changes become notices") {
  Device d("removed.db");
  Promise p = d.p1();
  p.text = "Mine";
  d.edit(p);                                   // an edit of a record of c-1
  d.edit(touchpoint("t-new", "c-1"));          // a record created for c-1
  REQUIRE(d.store.remove(RecordKind::decision, "d-1", kAnna).value());  // a deletion of one
  Customer c1 = d.cust("c-1");
  c1.phone = "+49 1";
  d.edit(c1);                                  // and of the customer itself
  Touchpoint t2 = d.store.get_touchpoint("t-2").value().value();
  t2.subject = "Still mine";
  d.edit(t2);                                  // c-2: stays
  REQUIRE(d.outbox().size() == 5);

  RemoteBatch pull;
  pull.removed_customers = {"c-1"};
  pull.cursor = 70;
  auto done = d.apply(pull);
  CHECK_FALSE(d.store.get_customer("c-1").value());
  CHECK_FALSE(d.store.get_case("k-1").value());
  CHECK_FALSE(d.store.get_promise("p-1").value());
  CHECK_FALSE(d.store.get_touchpoint("t-1").value());
  CHECK_FALSE(d.store.get_touchpoint("t-new").value());
  CHECK_FALSE(d.store.get_scheduled("s-1").value());
  CHECK_FALSE(d.store.get_decision("d-1").value());
  CHECK(d.store.get_customer("c-2").value());
  CHECK(d.store.get_touchpoint("t-2").value() == t2);
  CHECK(d.store.get_manager("m-anna").value());
  CHECK(done.reload);
  CHECK(done.dropped == 4);
  CHECK(contains(done.customers, "c-1"));
  CHECK_FALSE(contains(done.customers, "c-2"));
  // Only c-2's change is left to send.
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  CHECK(out[0].id == "t-2");
  // One notice per dropped change, saying whose and what.
  auto ns = d.store.notices().value();
  REQUIRE(ns.size() == 4);
  CHECK(d.store.notice_count().value() == 4);
  std::set<std::string> ids;
  for (const auto& n : ns) {
    CHECK(n.kind == "dropped");
    CHECK(n.code == "reassigned");
    CHECK(n.customer == "c-1");
    CHECK(n.message.find("c-1") != std::string::npos);
    CHECK(n.message.find(n.entity_id) != std::string::npos);
    CHECK(n.at == kSync.at);
    ids.insert(n.entity_id);
  }
  CHECK(ids == std::set<std::string>{"p-1", "t-new", "d-1", "c-1"});
  CHECK(d.store.replica_value("cursor").value() == "70");
  // Removing it again (a repeated pull) changes nothing and tells nothing new.
  auto again = d.apply(pull);
  CHECK(again.dropped == 0);
  CHECK(d.store.notice_count().value() == 4);
}

TEST_CASE("replica: deletions remove records, except one with a change still unsent (until it is answered)") {
  Device d("deleted.db");
  Scheduled s = d.store.get_scheduled("s-1").value().value();
  s.status = ScheduledStatus::cancelled;
  d.edit(s);
  RemoteBatch pull;
  pull.deletions = {{RecordKind::touchpoint, "t-2"}, {RecordKind::decision, "d-1"}, {RecordKind::scheduled, "s-1"},
                    {RecordKind::touchpoint, "t-never-here"}};
  pull.cursor = 80;
  auto done = d.apply(pull);
  CHECK_FALSE(d.has_touchpoint("t-2"));
  CHECK_FALSE(d.store.get_decision("d-1").value());
  CHECK(d.store.get_scheduled("s-1").value() == s);  // our unsent edit waits for its answer
  REQUIRE(done.writes.size() == 2);
  CHECK(done.writes[0].erase);
  CHECK(record_id(done.writes[0].record) == "t-2");
  CHECK(std::holds_alternative<Touchpoint>(done.writes[0].record));
  CHECK(done.writes[1].erase);
  CHECK(record_id(done.writes[1].record) == "d-1");
  CHECK(std::holds_alternative<SuggestionDecision>(done.writes[1].record));
  // The customers whose records went, so the slice can show it.
  CHECK(joined(done.customers) == "c-1,c-2");
  CHECK_FALSE(done.reload);
  // The edit of the deleted message is refused by the server: then it goes here too.
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  auto refused = d.apply(acks({ack(out[0], AckStatus::refused)}));
  CHECK_FALSE(d.store.get_scheduled("s-1").value());
  REQUIRE(refused.writes.size() == 1);
  CHECK(refused.writes[0].erase);
  CHECK(record_id(refused.writes[0].record) == "s-1");
}

TEST_CASE("replica: a full share replaces everything but the records with changes still unsent") {
  Device d("full.db");
  Promise mine = d.p1();
  mine.text = "Mine";
  d.edit(mine);
  RemoteBatch full;
  full.full = true;
  std::int64_t seq = 100;
  Promise theirs = promise("p-1", "c-1", "k-1");
  theirs.due_at = kT0 + 9 * kDay;
  for (auto r : replica_records()) {
    const std::string id = record_id(r);
    if (id == "t-2") continue;  // gone from the server
    if (id == "p-1") r = theirs;
    full.records.push_back(RemoteRecord{r, ++seq});
  }
  full.records.push_back(RemoteRecord{touchpoint("t-3", "c-2", "New"), ++seq});
  full.cursor = seq;
  auto done = d.apply(full);
  CHECK(done.reload);
  CHECK_FALSE(d.has_touchpoint("t-2"));
  CHECK(d.has_touchpoint("t-3"));
  CHECK(d.p1() == mine);
  CHECK(d.store.replica_value("cursor").value() == std::to_string(seq));
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  // Once answered, the server's version stands.
  Promise merged = mine;
  merged.due_at = theirs.due_at;
  d.apply(acks({applied(out[0], merged, seq + 1)}));
  CHECK(d.p1() == merged);
  // Every other record is the server's.
  auto all = d.store.export_all().value();
  CHECK(all.touchpoints.size() == 2);
  CHECK(all.customers.size() == 2);
  CHECK(all.managers.size() == 3);
}

// ---------------------------------------------------------------- cursor, all or nothing

TEST_CASE("replica: the cursor is kept only when a batch carries one") {
  Device d("cursor.db");
  RemoteBatch b;
  b.cursor = 1234;
  d.apply(b);
  CHECK(d.store.replica_value("cursor").value() == "1234");
  d.apply(RemoteBatch{});  // acks only: no cursor
  CHECK(d.store.replica_value("cursor").value() == "1234");
}

TEST_CASE("replica: a batch that breaks a reference at commit changes nothing at all") {
  Device d("atomic.db");
  Promise mine = d.p1();
  mine.text = "Mine";
  d.edit(mine);
  auto out = d.outbox();
  REQUIRE(out.size() == 1);
  const auto before = d.store.export_all().value();
  Promise bad = promise("p-bad", "c-1", "k-missing");  // its case is nowhere
  Customer c2 = d.cust("c-2");
  c2.name = "Renamed";
  RemoteBatch b;
  b.acks = {applied(out[0], mine, 90)};
  b.records = {RemoteRecord{c2, 91}, RemoteRecord{bad, 92}};
  b.deletions = {{RecordKind::touchpoint, "t-2"}};
  b.removed_customers = {"c-nobody"};
  b.cursor = 92;
  b.notices = {notice("conflict", "p-1", "Your change replaced another")};
  auto r = d.store.apply_remote(b, kSync);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("FOREIGN KEY") != std::string::npos);
  CHECK(d.store.export_all().value() == before);
  CHECK(d.store.outbox_size().value() == 1);  // the ack did not count either
  CHECK(d.store.replica_value("cursor").value() == std::to_string(d.cursor));
  CHECK(d.store.notice_count().value() == 0);
  // The store still works: the same answer without the broken record applies.
  b.records.pop_back();
  auto ok = d.store.apply_remote(b, kSync);
  INFO(ok.error());
  REQUIRE(ok.ok());
  CHECK(d.store.replica_value("cursor").value() == "92");
  CHECK(d.store.outbox_size().value() == 0);
}

// ---------------------------------------------------------------- notices

TEST_CASE("replica: notices are kept newest first until dismissed") {
  Device d("notices.db");
  RemoteBatch b;
  SyncNotice n1 = notice("conflict", "p-1", "first");
  n1.detail = R"({"field":"due_at","yours":"a","theirs":"b"})";
  n1.at = kT0 + 1;
  SyncNotice n2 = notice("refused", "p-2", "second");
  n2.detail = "";  // nothing to add: stored as {}
  SyncNotice n3 = notice("dropped", "p-3", "third");
  b.notices = {n1, n2, n3};
  d.apply(b);
  auto ns = d.store.notices().value();
  REQUIRE(ns.size() == 3);
  CHECK(ns[0].message == "third");
  CHECK(ns[1].message == "second");
  CHECK(ns[2].message == "first");
  CHECK(ns[0].seq > ns[1].seq);
  CHECK(ns[2].kind == "conflict");
  CHECK(ns[2].code == "conflict");
  CHECK(ns[2].entity == "promise");
  CHECK(ns[2].entity_id == "p-1");
  CHECK(ns[2].customer == "c-1");
  CHECK(ns[2].detail == n1.detail);
  CHECK(ns[2].at == kT0 + 1);
  CHECK(ns[1].detail == "{}");
  CHECK(ns[1].at == kSync.at);  // unstamped: the batch's time
  CHECK_FALSE(ns[0].dismissed);
  CHECK(d.store.notice_count().value() == 3);
  CHECK(d.store.notices(false, 1).value().size() == 1);

  REQUIRE(d.store.dismiss_notice(ns[1].seq).ok());
  CHECK(d.store.notice_count().value() == 2);
  auto open = d.store.notices().value();
  REQUIRE(open.size() == 2);
  CHECK(open[0].message == "third");
  CHECK(open[1].message == "first");
  auto all = d.store.notices(true).value();
  REQUIRE(all.size() == 3);
  CHECK(all[1].dismissed);
  REQUIRE(d.store.dismiss_notice(0).ok());  // all of them
  CHECK(d.store.notice_count().value() == 0);
  CHECK(d.store.notices().value().empty());
  CHECK(d.store.notices(true).value().size() == 3);

  // A notice the table cannot hold (an unknown kind) fails the whole batch.
  RemoteBatch bad;
  bad.cursor = 999;
  bad.notices = {notice("oops", "p-1", "x")};
  CHECK_FALSE(d.store.apply_remote(bad, kSync).ok());
  CHECK(d.store.replica_value("cursor").value() == std::to_string(d.cursor));
}

// ---------------------------------------------------------------- what the slice is told

TEST_CASE("replica: RemoteApplied says exactly what changed, parents first") {
  Device d("applied.db");
  Manager ben{"m-ben", "Ben B.", "ben@example.com", Role::manager};
  Customer c2 = d.cust("c-2");
  c2.name = "Renamed";
  const Case k1 = d.store.get_case("k-1").value().value();  // unchanged
  const Touchpoint t3 = touchpoint("t-3", "c-2", "New");
  RemoteBatch pull;
  // Children before parents on purpose: the store writes parents first.
  pull.records = {RemoteRecord{t3, 200}, RemoteRecord{k1, d.seq["k-1"]}, RemoteRecord{c2, 201},
                  RemoteRecord{ben, 202}};
  pull.deletions = {{RecordKind::touchpoint, "t-1"}};
  pull.cursor = 202;
  auto done = d.apply(pull);
  CHECK_FALSE(done.reload);
  REQUIRE(done.writes.size() == 4);
  // Deletions come first, then records parents first; the unchanged case is not there.
  CHECK(done.writes[0].erase);
  CHECK(record_id(done.writes[0].record) == "t-1");
  CHECK(done.writes[1].record == AnyRecord{ben});
  CHECK(done.writes[2].record == AnyRecord{c2});
  CHECK(done.writes[3].record == AnyRecord{t3});
  for (std::size_t i = 1; i < 4; ++i) CHECK_FALSE(done.writes[i].erase);
  // Sorted, once each, no "" for the manager.
  CHECK(joined(done.customers) == "c-1,c-2");
  // The same pull again: nothing changes.
  pull.deletions.clear();
  auto again = d.apply(pull);
  CHECK(again.writes.empty());
  CHECK(again.customers.empty());
}
