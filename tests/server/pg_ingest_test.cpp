// The PostgreSQL store's batched writes and bulk look-ups (pg_write_batch.hpp,
// pg_prefetch.hpp) against the SQLite store as the reference: the same documents
// ingested into both (the real stores, in this process, the guard installed) must leave
// the same book: every record with its seq, body and field stamps, the owners' log as
// pulls see it, the guard's verdict feed, the audit lines; refusals leave both as they
// were. Then a transaction's reads see its own held-back writes, whatever was read ahead.
#include <doctest/doctest.h>

#include <algorithm>

#include "domain/document.hpp"
#include "harness.hpp"
#include "server/guard_apply.hpp"
#include "server/ingest.hpp"
#include "server/storage.hpp"
#include "store/synthetic.hpp"
#include "test_store.hpp"

using namespace cockpit;
using namespace cockpit::test;
using server::ServerStorage;

namespace {

constexpr Time kNow = 1'780'000'000'000;  // 2026-05-28: a fixed clock for the guard

std::unique_ptr<ServerStorage> with_guard(std::unique_ptr<ServerStorage> s) {
  server::GuardSettings settings;
  settings.as_of = kNow;
  server::install_guard(*s, settings, nullptr);
  return s;
}

// Everything a reader of the book can see, one line per fact, in a stable order.
std::vector<std::string> book_lines(ServerStorage& s, std::int64_t since_for_m001) {
  std::vector<std::string> out;
  {
    auto txn = s.begin();
    for (const std::string& c : txn->all_customers())
      for (const auto& r : txn->customer_records(c))
        out.push_back("record " + std::string(to_string(r.kind)) + " " + r.id + " seq " + std::to_string(r.seq) +
                      " " + r.body + " " + r.fields);
  }  // rolled back: read only
  const auto all = s.read_since(server::Scope{"", true}, 0, 0);
  out.push_back("cursor " + std::to_string(all.cursor) + " records " + std::to_string(all.records.size()));
  for (const auto& r : all.records)
    if (r.kind == RecordKind::manager) out.push_back("manager " + r.id + " " + std::to_string(r.seq) + " " + r.body);
  const auto m = s.read_since(server::Scope{"m-001", false}, since_for_m001, 0);
  out.push_back("m-001 since " + std::to_string(since_for_m001) + ": " + std::to_string(m.records.size()) +
                " records, cursor " + std::to_string(m.cursor));
  for (const auto& o : m.removed)
    out.push_back("removed " + o.customer + " " + o.old_owner + "->" + o.new_owner + " @" + std::to_string(o.seq));
  for (const auto& v : s.verdict_changes(0, 1'000'000)) {
    std::string reasons;
    for (const auto& r : v.reasons) reasons += r + ",";
    out.push_back("verdict " + std::to_string(v.cursor) + " " + v.scheduled + " " + v.customer + " " +
                  std::string(server::to_string(v.state)) + " " + reasons + " " + v.decided_by.value_or("-"));
  }
  for (const auto& a : s.audit_log(100'000))
    if (a.kind == "ingest" || a.kind == "reassigned")
      out.push_back("audit " + a.kind + " " + a.actor + " " + a.subject + " " + a.detail);
  return out;
}

// The first line where the stores differ, for a readable failure.
void check_same(const std::vector<std::string>& ref, const std::vector<std::string>& pg) {
  const auto [a, b] = std::mismatch(ref.begin(), ref.end(), pg.begin(), pg.end());
  if (a == ref.end() && b == pg.end()) return;
  FAIL_CHECK("SQLite: " << (a == ref.end() ? "(end)" : *a) << "\nPostgreSQL: " << (b == pg.end() ? "(end)" : *b)
                        << "\n(" << ref.size() << " and " << pg.size() << " lines)");
}

struct Pair {
  std::unique_ptr<ServerStorage> ref, pg;
  // Ingests into both; the outcomes must agree. Returns the PostgreSQL one. The first
  // ingest brings the managers as the admin commands would (writable), later ones are
  // the API's (managers read-only).
  server::IngestOutcome ingest(const std::string& doc,
                               server::ManagerRecords managers = server::ManagerRecords::read_only) {
    const auto a = server::ingest_document(*ref, doc, "integration:test", "127.0.0.1", managers);
    const auto b = server::ingest_document(*pg, doc, "integration:test", "127.0.0.1", managers);
    CHECK(a.ok == b.ok);
    if (!b.ok) MESSAGE("refused: " << (b.errors.empty() ? b.code : b.errors.front()));
    CHECK(a.status == b.status);
    CHECK(a.errors == b.errors);
    CHECK(a.records == b.records);
    CHECK(a.changed == b.changed);
    CHECK(a.cursor == b.cursor);
    CHECK(a.affected.everyone == b.affected.everyone);
    CHECK(a.affected.managers == b.affected.managers);
    return b;
  }
  void check(std::int64_t since) { check_same(book_lines(*ref, since), book_lines(*pg, since)); }
};

Pair fresh_pair(const std::string& name) {
  const std::string path = temp_path(name + ".db");
  Pair p;
  p.ref = with_guard(server::open_sqlite_storage(temp_path(name + "-ref.sqlite")));
  p.pg = with_guard(server::open_postgres_storage(store_for(path)));
  return p;
}

json synthetic_doc(int customers) {
  SyntheticSpec spec;
  spec.customers = customers;
  spec.now = kNow;
  return json::parse(to_json(generate_book(spec)));
}

// A second delivery of the book: customers moved to other managers, records changed,
// a scheduled message that no longer names Cockpit's own field (its stored status must
// stay), a new customer with a case.
json changed_doc(json doc) {
  for (int i = 0; i < 12; ++i) {
    json& c = doc["customers"][static_cast<std::size_t>(i * 7)];
    c["owner"] = c["owner"] == "m-002" ? "m-001" : "m-002";
  }
  for (std::size_t i = 0; i < doc["promises"].size(); i += 9) doc["promises"][i]["text"] = "changed " + std::to_string(i);
  for (auto& s : doc["scheduled"]) s.erase("status");
  json c = doc["customers"][0];
  c["id"] = "c-new";
  c["name"] = "A New Customer";
  c["email"] = "new@example.com";
  c.erase("external_ids");
  doc["customers"].push_back(c);
  json k = doc["cases"][0];
  k["id"] = "k-new";
  k["customer"] = "c-new";
  doc["cases"].push_back(k);
  return doc;
}

}  // namespace

TEST_CASE("ingest into PostgreSQL leaves the same book as into SQLite") {
  REQUIRE(testing_postgres());
  Pair p = fresh_pair("pg-ingest-same");
  const json doc = synthetic_doc(300);  // ~9,000 records: several look-ahead chunks and flushes

  const auto first = p.ingest(doc.dump(), server::ManagerRecords::writable);
  REQUIRE(first.ok);
  CHECK(first.changed > 8000);
  p.check(0);

  // The same document again changes nothing.
  const auto again = p.ingest(doc.dump());
  CHECK(again.ok);
  CHECK(again.changed == 0);

  // Reassignments, changes, an own field left out, new records.
  const auto second = p.ingest(changed_doc(doc).dump());
  REQUIRE(second.ok);
  CHECK(second.changed > 12);
  p.check(first.cursor);

  // Refused whole, on both alike: a bad record late in the document, and a manager
  // the ingest may not create. Nothing of either is applied.
  json bad = changed_doc(doc);
  bad["promises"].back()["customer"] = "c-missing";
  bad["customers"][1]["name"] = "applied?";
  const auto refused = p.ingest(bad.dump());
  CHECK_FALSE(refused.ok);
  REQUIRE_FALSE(refused.errors.empty());
  json manager = changed_doc(doc);
  manager["customers"][1]["name"] = "applied?";
  manager["managers"].push_back(json{{"id", "m-new"}, {"name", "New"}, {"email", "m-new@example.com"},
                                     {"role", "manager"}});
  const auto forbidden = p.ingest(manager.dump());
  CHECK(forbidden.status == 403);
  CHECK(p.pg->cursor() == second.cursor);
  p.check(first.cursor);
}

TEST_CASE("a PostgreSQL transaction reads its own held-back writes, whatever it read ahead") {
  REQUIRE(testing_postgres());
  Pair p = fresh_pair("pg-ingest-own");
  REQUIRE(p.ingest(synthetic_doc(3).dump(), server::ManagerRecords::writable).ok);
  ServerStorage& s = *p.pg;
  const std::int64_t before = s.cursor();

  auto txn = s.begin();
  txn->prefetch_records({{RecordKind::customer, "c-00001"}, {RecordKind::customer, "c-nobody"}}, {"c-00001"});
  txn->prefetch_customers({"c-00001", "c-00002"});
  auto c = txn->record(RecordKind::customer, "c-00001");
  REQUIRE(c);
  CHECK_FALSE(txn->record(RecordKind::customer, "c-nobody"));
  const std::string old_owner = c->rec.body["owner"];
  const std::string new_owner = old_owner == "m-001" ? "m-002" : "m-001";
  c->rec.body["owner"] = new_owner;
  const std::int64_t seq = txn->write_record(*c, {"owner"}, "test", "");
  CHECK(seq == before + 1);
  // Read back after the write, though read ahead before it.
  CHECK(txn->owner_of("c-00001") == new_owner);
  CHECK(txn->record(RecordKind::customer, "c-00001")->rec.body["owner"] == new_owner);
  const auto recs = txn->customer_records("c-00001");
  REQUIRE_FALSE(recs.empty());
  CHECK(recs.front().seq == seq);
  CHECK(txn->cursor() == seq);

  // Undone with its savepoint, a write is gone from what the transaction reads.
  txn->prefetch_records({{RecordKind::customer, "c-00002"}}, {"c-00002"});
  txn->savepoint();
  auto c2 = txn->record(RecordKind::customer, "c-00002");
  REQUIRE(c2);
  const std::string name2 = c2->rec.body["name"];
  c2->rec.body["name"] = "undone";
  txn->write_record(*c2, {"name"}, "test", "");
  CHECK(txn->record(RecordKind::customer, "c-00002")->rec.body["name"] == "undone");
  txn->undo_savepoint();
  CHECK(txn->record(RecordKind::customer, "c-00002")->rec.body["name"] == name2);
  txn->commit();

  // The sequence moved with the batch: another process's writer (a second store on the
  // same database) numbers on from there, never twice the same seq.
  auto other = server::open_postgres_storage(store_for(temp_dir() + "/pg-ingest-own.db"));
  auto t2 = other->begin();
  auto c3 = t2->record(RecordKind::customer, "c-00003");
  REQUIRE(c3);
  c3->rec.body["name"] = "numbered on";
  const std::int64_t seq3 = t2->write_record(*c3, {"name"}, "test", "");
  CHECK(seq3 > seq + 1);  // the undone write's number stays unused, as a rolled-back nextval
  t2->commit();
  CHECK(s.cursor() == seq3);
}
