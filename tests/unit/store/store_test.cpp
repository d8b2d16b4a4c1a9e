// The local store on real SQLite files under COCKPIT_TEST_TMP: opening and migrating,
// idempotent all-or-nothing imports, the change log, slices, transactions, the audit.
// Runs natively and in wasm (node): journal mode DELETE unless a test is about WAL.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;

namespace {

const Time kNow = *parse_time("2026-11-22T09:00:00Z");
const Stamp kWho{"m-test", kNow};

std::string tmp_path(const std::string& name) { return std::string(COCKPIT_TEST_TMP) + "/" + name; }

// A fresh database path (removes leftovers of an earlier run).
std::string fresh(const std::string& name) {
  const std::string p = tmp_path(name);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

OpenOptions test_options() {
  OpenOptions o;
  o.journal_mode = "DELETE";  // works everywhere, wasm included
  return o;
}

Store open_ok(const std::string& path) {
  auto s = Store::open(path, test_options());
  INFO(s.error());
  REQUIRE(s.ok());
  return std::move(s).value();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The built-in demo book (assets/demo/demo.json, compiled in) as of kNow.
Book demo_book() {
  Book b = demo_book_at(kNow);
  REQUIRE_FALSE(b.customers.empty());
  return b;
}

template <typename R>
void sort_by_id(std::vector<R>& v) {
  std::sort(v.begin(), v.end(), [](const R& a, const R& b) { return a.id < b.id; });
}

Book sorted(Book b) {
  sort_by_id(b.managers);
  sort_by_id(b.customers);
  sort_by_id(b.cases);
  sort_by_id(b.promises);
  sort_by_id(b.exceptions);
  sort_by_id(b.touchpoints);
  sort_by_id(b.scheduled);
  sort_by_id(b.decisions);
  return b;
}

std::size_t total_records(const Book& b) {
  return b.managers.size() + b.customers.size() + b.cases.size() + b.promises.size() + b.exceptions.size() +
         b.touchpoints.size() + b.scheduled.size() + b.decisions.size();
}

std::size_t change_count(Store& s) { return s.changes(0, 10'000'000).value().size(); }

// The reference for load_slice: filter the whole book in plain C++.
Book reference_slice(const Book& all, const std::string& manager) {
  Book out;
  out.managers = all.managers;
  bool lead = false;
  for (const auto& m : all.managers) lead = lead || (m.id == manager && m.role == Role::lead);
  std::set<std::string> seen;
  for (const auto& c : all.customers)
    if (lead || c.owner == manager) {
      out.customers.push_back(c);
      seen.insert(c.id);
    }
  auto keep = [&](const auto& list, auto& into) {
    for (const auto& r : list)
      if (seen.count(r.customer)) into.push_back(r);
  };
  keep(all.cases, out.cases);
  keep(all.promises, out.promises);
  keep(all.exceptions, out.exceptions);
  keep(all.touchpoints, out.touchpoints);
  keep(all.scheduled, out.scheduled);
  keep(all.decisions, out.decisions);
  return sorted(out);
}

}  // namespace

TEST_CASE("a new store is created at the latest schema version") {
  const auto path = fresh("new.db");
  Store s = open_ok(path);
  CHECK(s.schema_version() == Store::latest_schema_version());
  CHECK(s.schema_version() >= 2);
  auto all = s.export_all();
  REQUIRE(all.ok());
  CHECK(*all == Book{});
  auto again = Store::open(path, test_options());
  CHECK(again.ok());
}

TEST_CASE("open refuses bad journal modes and missing files when told not to create") {
  OpenOptions bad = test_options();
  bad.journal_mode = "WAL; DROP TABLE x";
  CHECK_FALSE(Store::open(fresh("mode.db"), bad).ok());
  OpenOptions no_create = test_options();
  no_create.create = false;
  auto r = Store::open(fresh("missing.db"), no_create);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.error().empty());
}

TEST_CASE("demo import, export and re-import are lossless") {
  const Book demo = demo_book();
  Store s = open_ok(fresh("roundtrip.db"));
  auto r = s.import_document(demo, kWho);
  REQUIRE(r.ok());
  CHECK(r->unchanged == 0);
  auto out = s.export_all();
  REQUIRE(out.ok());
  CHECK(*out == sorted(demo));

  // Through the JSON text as well, into a second store.
  Store t = open_ok(fresh("roundtrip2.db"));
  auto r2 = t.import_text(to_json(*out), kWho);
  INFO(r2.error());
  REQUIRE(r2.ok());
  CHECK(*t.export_all() == *out);
}

TEST_CASE("importing the same document twice changes nothing, not even the change log") {
  const Book demo = demo_book();
  Store s = open_ok(fresh("idempotent.db"));
  REQUIRE(s.import_document(demo, kWho).ok());
  const auto before = *s.export_all();
  const auto logged = change_count(s);
  CHECK(logged == total_records(demo));
  auto again = s.import_document(demo, kWho);
  REQUIRE(again.ok());
  CHECK(again->changed == 0);
  CHECK(again->unchanged == logged);
  CHECK(change_count(s) == logged);
  CHECK(*s.export_all() == before);

  // Changing one field of one record logs exactly one change.
  Book edited = demo;
  edited.promises[0].text += " (edited)";
  auto third = s.import_document(edited, kWho);
  REQUIRE(third.ok());
  CHECK(third->changed == 1);
  auto log = s.changes(logged, 100).value();
  REQUIRE(log.size() == 1);
  CHECK(log[0].entity == RecordKind::promise);
  CHECK(log[0].entity_id == edited.promises[0].id);
  CHECK(log[0].op == "upsert");
  REQUIRE(log[0].record);
  CHECK(log[0].record->find("(edited)") != std::string::npos);
  CHECK(log[0].actor == "m-test");
  CHECK(log[0].at == kNow);
  CHECK_FALSE(log[0].synced);
}

TEST_CASE("change ids are 128-bit hex and unique") {
  Store s = open_ok(fresh("changeids.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  std::set<std::string> ids;
  const auto log = s.changes(0, 100000).value();
  for (const auto& c : log) {
    CHECK(c.change_id.size() == 32);
    CHECK(c.change_id.find_first_not_of("0123456789abcdef") == std::string::npos);
    ids.insert(c.change_id);
    // The logged JSON is the record in contract form.
    if (c.entity == RecordKind::touchpoint) {
      REQUIRE(c.record);
      auto doc = parse_document("{\"touchpoints\":[" + *c.record + "]}", &s.known());
      CHECK(doc.ok());
      CHECK(doc.book.touchpoints.at(0) == s.get_touchpoint(c.entity_id).value().value());
    }
  }
  CHECK(ids.size() == change_count(s));
}

TEST_CASE("an import that fails half-way leaves nothing") {
  Book demo = demo_book();
  Store s = open_ok(fresh("allornothing.db"));
  Book bad = demo;
  Touchpoint orphan = bad.touchpoints.back();
  orphan.id = "t-orphan";
  orphan.customer = "c-nobody";  // violates a foreign key after hundreds of good rows
  orphan.case_id.reset();
  bad.touchpoints.push_back(orphan);
  auto r = s.import_document(bad, kWho);
  CHECK_FALSE(r.ok());
  CHECK(r.error().find("FOREIGN KEY") != std::string::npos);
  CHECK(*s.export_all() == Book{});
  CHECK(change_count(s) == 0);

  // And with existing data: the store is exactly as before.
  REQUIRE(s.import_document(demo, kWho).ok());
  const auto before = *s.export_all();
  const auto logged = change_count(s);
  bad.customers[0].name = "Changed, then rolled back";
  CHECK_FALSE(s.import_document(bad, kWho).ok());
  CHECK(*s.export_all() == before);
  CHECK(change_count(s) == logged);
}

TEST_CASE("import_text refuses a bad document with its messages, nothing applied") {
  Store s = open_ok(fresh("importtext.db"));
  auto r = s.import_text(R"({"customers": [{"id": "c-1", "name": "X", "owner": "m-none", "stage": "active",
                              "preferred_channel": "email", "since": "2027-02-29"}]})",
                         kWho);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("customers[0] (id \"c-1\"): field \"owner\": no manager \"m-none\"") != std::string::npos);
  CHECK(r.error().find("field \"since\": \"2027-02-29\" is not a valid time") != std::string::npos);
  CHECK(*s.export_all() == Book{});

  // A later document may refer to records already in the store.
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  auto later = s.import_text(R"({"touchpoints": [{"id": "t-new", "customer": "c-bike", "case": "k-bike",
                                  "at": "2026-11-22T08:00Z", "channel": "phone", "direction": "out",
                                  "sender": "m-anna", "kind": "status_update", "subject": "New date"}]})",
                             kWho);
  INFO(later.error());
  CHECK(later.ok());
  auto wrong_case = s.import_text(R"({"promises": [{"id": "p-new", "customer": "c-hoffmann", "case": "k-bike",
                                      "kind": "other", "text": "x", "made_at": "2026-11-01", "due_at": "2026-11-30",
                                      "status": "open"}]})",
                                  kWho);
  CHECK_FALSE(wrong_case.ok());
  CHECK(wrong_case.error().find("belongs to customer \"c-bike\"") != std::string::npos);
}

TEST_CASE("hostile strings are stored verbatim") {
  Store s = open_ok(fresh("hostile.db"));
  Book demo = demo_book();
  REQUIRE(s.import_document(demo, kWho).ok());
  Customer c = demo.customers[0];
  c.name = "Robert'); DROP TABLE customers;--";
  c.email = std::string("nul\0inside", 10);
  c.phone = std::string(1 << 20, 'x');  // 1 MB
  REQUIRE(s.put(c, kWho).value());
  auto back = s.get_customer(c.id);
  REQUIRE(back.ok());
  REQUIRE(back->has_value());
  CHECK(**back == c);
  CHECK(s.export_all()->customers.size() == demo.customers.size());
}

TEST_CASE("put reports whether a row changed, and logs only then") {
  Store s = open_ok(fresh("put.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  const auto logged = change_count(s);
  Promise p = s.get_promise("p-bike").value().value();
  CHECK(s.put(p, kWho).value() == false);
  CHECK(change_count(s) == logged);
  p.history.push_back({p.due_at, kNow, false});
  p.due_at = kNow + 3 * kDay;
  CHECK(s.put(p, kWho).value() == true);
  CHECK(change_count(s) == logged + 1);
  CHECK(s.get_promise("p-bike").value().value() == p);
  CHECK_FALSE(s.get_promise("p-nope").value().has_value());

  // A reference to a missing record fails and logs nothing.
  Promise orphan = p;
  orphan.id = "p-orphan";
  orphan.customer = "c-nobody";
  orphan.case_id.reset();
  auto r = s.put(orphan, kWho);
  CHECK_FALSE(r.ok());
  CHECK(change_count(s) == logged + 1);
}

TEST_CASE("remove: logged, refused while referenced") {
  Store s = open_ok(fresh("remove.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  const auto logged = change_count(s);
  auto gone = s.remove(RecordKind::touchpoint, "t-chairs-1", kWho);
  REQUIRE(gone.ok());
  CHECK(*gone);
  CHECK_FALSE(s.get_touchpoint("t-chairs-1").value().has_value());
  auto log = s.changes(logged, 10).value();
  REQUIRE(log.size() == 1);
  CHECK(log[0].op == "delete");
  CHECK_FALSE(log[0].record);
  CHECK(s.remove(RecordKind::touchpoint, "t-chairs-1", kWho).value() == false);

  auto busy = s.remove(RecordKind::customer, "c-hoffmann", kWho);  // still has cases, promises…
  CHECK_FALSE(busy.ok());
  CHECK(s.get_customer("c-hoffmann").value().has_value());
  CHECK(change_count(s) == logged + 1);
}

TEST_CASE("transactions commit or roll back whole, and nest") {
  Store s = open_ok(fresh("tx.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  const auto before = *s.export_all();
  const auto logged = change_count(s);

  Status failed = s.transaction([&]() -> Status {
    Customer c = s.get_customer("c-hoffmann").value().value();
    c.name = "Renamed";
    if (auto r = s.put(c, kWho); !r) return Error{r.error()};
    if (auto a = s.append_audit(kWho, "rename"); !a) return a;
    return Error{"the user cancelled"};
  });
  CHECK_FALSE(failed.ok());
  CHECK(failed.error() == "the user cancelled");
  CHECK(*s.export_all() == before);
  CHECK(change_count(s) == logged);
  CHECK(s.audit().value().empty());

  // A failing SQL statement in the middle: everything before it is undone too.
  Status sql_failed = s.transaction([&]() -> Status {
    Customer c = s.get_customer("c-hoffmann").value().value();
    c.name = "Renamed";
    if (auto r = s.put(c, kWho); !r) return Error{r.error()};
    Case k = s.get_case("k-olsen").value().value();
    k.customer = "c-missing";
    if (auto r = s.put(k, kWho); !r) return Error{r.error()};
    return Status::success();
  });
  CHECK_FALSE(sql_failed.ok());
  CHECK(*s.export_all() == before);

  // An exception thrown by the caller's function also rolls back.
  Status thrown = s.transaction([&]() -> Status {
    Customer c = s.get_customer("c-hoffmann").value().value();
    c.name = "Renamed";
    (void)s.put(c, kWho);
    throw std::runtime_error("boom");
  });
  CHECK(thrown.error() == "boom");
  CHECK(*s.export_all() == before);

  // Nested: the inner failure is undone, the outer work commits.
  Status ok = s.transaction([&]() -> Status {
    Customer c = s.get_customer("c-hoffmann").value().value();
    c.name = "Outer";
    if (auto r = s.put(c, kWho); !r) return Error{r.error()};
    Status inner = s.transaction([&]() -> Status {
      Customer q = s.get_customer("c-quinn").value().value();
      q.name = "Inner";
      (void)s.put(q, kWho);
      return Error{"inner refused"};
    });
    CHECK_FALSE(inner.ok());
    return s.append_audit(kWho, "rename", R"({"customer":"c-hoffmann"})");
  });
  CHECK(ok.ok());
  CHECK(s.get_customer("c-hoffmann").value()->name == "Outer");
  CHECK(s.get_customer("c-quinn").value()->name != "Inner");
  CHECK(change_count(s) == logged + 1);
  auto audit = s.audit().value();
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "rename");
  CHECK(audit[0].actor == "m-test");
  CHECK(audit[0].detail == R"({"customer":"c-hoffmann"})");
}

TEST_CASE("audit trail: append, read in order, refuse non-JSON detail") {
  Store s = open_ok(fresh("audit.db"));
  CHECK(s.append_audit({"m-anna", kNow}, "send", R"({"touchpoint":"t-1"})").ok());
  CHECK(s.append_audit({"m-ben", kNow + 1}, "dismiss").ok());
  CHECK_FALSE(s.append_audit({"m-ben", kNow}, "dismiss", "{not json").ok());
  auto all = s.audit().value();
  REQUIRE(all.size() == 2);
  CHECK(all[0].actor == "m-anna");
  CHECK(all[1].detail == "{}");
  CHECK(all[1].at == kNow + 1);
  CHECK(s.audit(all[0].seq).value().size() == 1);
}

TEST_CASE("change log cursor: unsynced rows and mark_synced") {
  Store s = open_ok(fresh("sync.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  auto all = s.changes(0, 1'000'000).value();
  REQUIRE(all.size() > 10);
  CHECK(s.mark_synced(all[9].seq).ok());
  auto pending = s.changes(0, 1'000'000, true).value();
  CHECK(pending.size() == all.size() - 10);
  CHECK(pending.front().seq == all[10].seq);
  CHECK(s.changes(0, 5).value().size() == 5);
}

TEST_CASE("load_slice equals a plain filter of the whole book") {
  SyntheticSpec spec;
  spec.customers = 300;
  spec.managers = 6;
  spec.seed = 42;
  spec.now = kNow;
  const Book book = generate_book(spec);
  CHECK(validate_book(book).empty());
  Store s = open_ok(fresh("slice.db"));
  REQUIRE(s.import_document(book, kWho).ok());
  for (const char* who : {"m-001", "m-004", "m-006", "m-lead"}) {
    CAPTURE(who);
    auto slice = s.load_slice(who);
    REQUIRE(slice.ok());
    CHECK(sorted(*slice) == reference_slice(book, who));
  }
  auto nobody = s.load_slice("m-nobody");
  CHECK_FALSE(nobody.ok());
  CHECK(nobody.error() == "unknown manager \"m-nobody\"");
}

TEST_CASE("a reassigned customer moves with all their records") {
  Store s = open_ok(fresh("reassign.db"));
  REQUIRE(s.import_document(demo_book(), kWho).ok());
  Customer c = s.get_customer("c-bike").value().value();
  c.owner = "m-ben";
  REQUIRE(s.put(c, kWho).value());
  auto anna = s.load_slice("m-anna").value();
  auto ben = s.load_slice("m-ben").value();
  auto owns = [](const Book& b, const std::string& id) {
    return std::any_of(b.customers.begin(), b.customers.end(), [&](const Customer& x) { return x.id == id; });
  };
  CHECK_FALSE(owns(anna, "c-bike"));
  CHECK(owns(ben, "c-bike"));
  CHECK(std::count_if(ben.touchpoints.begin(), ben.touchpoints.end(),
                      [](const Touchpoint& t) { return t.customer == "c-bike"; }) == 12);
}

TEST_CASE("an older database is upgraded, keeping its data") {
  const auto path = fresh("old.db");
  {
    // Build a version-1 file by hand, exactly as the first release wrote it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string v1 = schema::migrations()[0] + "PRAGMA application_id = " +
                           std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 1;" +
                           "INSERT INTO managers VALUES ('m-old', 'Old Manager', '', 'manager');";
    REQUIRE(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  Store s = open_ok(path);
  CHECK(s.schema_version() == Store::latest_schema_version());
  auto m = s.get_manager("m-old");
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  CHECK((*m)->name == "Old Manager");
  // The tables of later versions exist and work.
  CHECK(s.append_audit(kWho, "after-upgrade").ok());
  CHECK(s.changes().ok());
}

TEST_CASE("a database from a newer Cockpit is refused and not touched") {
  const auto path = fresh("newer.db");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string sql = "CREATE TABLE future (x); PRAGMA application_id = " +
                            std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 999;";
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string bytes = read_bytes(path);
  auto r = Store::open(path, test_options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("newer Cockpit (schema version 999") != std::string::npos);
  CHECK(read_bytes(path) == bytes);
}

TEST_CASE("files that are not Cockpit databases are refused and not touched") {
  const auto text = fresh("notadb.db");
  write_bytes(text, "this is not a database, it is a text file long enough to have a header........\n");
  auto r = Store::open(text, test_options());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("not a database") != std::string::npos);
  CHECK(read_bytes(text) == "this is not a database, it is a text file long enough to have a header........\n");

  const auto other = fresh("other.db");
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE notes (x); INSERT INTO notes VALUES (1);", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  const std::string bytes = read_bytes(other);
  auto o = Store::open(other, test_options());
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().find("not a Cockpit database") != std::string::npos);
  CHECK(read_bytes(other) == bytes);
}

#ifndef __EMSCRIPTEN__
TEST_CASE("natively the default journal mode is WAL") {
  const auto path = fresh("wal.db");
  auto s = Store::open(path);
  REQUIRE(s.ok());
  REQUIRE(s->import_document(demo_book(), kWho).ok());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}
#endif
