// The server re-decides a touched customer from part of its records (GUARD.md, "What a
// decision reads"): only the kinds a rule reads, each text read by scan_record
// (domain/record_scan.hpp), nothing at all for a customer with no scheduled message.
// Here, in process on the store under test (SQLite, or PostgreSQL under pg.*), against
// the full re-decision it stands for: every record of every customer read back through
// the contract's reader (parse_document), then the engine and plan_standings. The demo
// book (the five seed stories), then rounds of random edits ingested into the store, of
// kinds the guard reads and kinds it does not, each re-decided the way the server does
// (install_guard: one cache of parsed texts across rounds, so cached texts are checked too).
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "engine/guard.hpp"
#include "harness.hpp"
#include "server/guard_apply.hpp"
#include "server/ingest.hpp"
#include "test_store.hpp"

using namespace cockpit;
using namespace cockpit::server;
using namespace cockpit::test;

namespace {

// Every record in the store (a lead's whole share), through the contract's reader.
Book stored_book(ServerStorage& storage) {
  const PullData all = storage.read_since(Scope{"", true}, 0, 0);
  std::map<RecordKind, std::string> lists;
  for (const RecordRow& r : all.records) lists[r.kind] += (lists[r.kind].empty() ? "[" : ",") + r.body;
  std::string doc = "{";
  for (const auto& [kind, list] : lists)
    doc += (doc.size() > 1 ? ",\"" : "\"") + std::string(list_name(kind)) + "\":" + list + "]";
  ParsedDocument p = parse_document(doc + "}");
  REQUIRE_MESSAGE(p.ok(), p.errors.front());
  return std::move(p.book);
}

// The standing of every scheduled message, decided from all of its customer's records.
std::map<std::string, VerdictRow> full_decision(const Book& book, Time now, const Settings& settings) {
  std::map<std::string, VerdictRow> out;
  for (const Customer& c : book.customers) {
    const CustomerRecords r = index_customer(book, c.id, now);
    for (VerdictRow& v : plan_standings(r.scheduled, guard_customer(r, settings))) out[v.scheduled] = std::move(v);
  }
  return out;
}

// Every standing the server keeps equals the full decision's (state, reasons, kind,
// sender, customer), and it keeps one for every scheduled message. Returns how many.
std::size_t require_same(ServerStorage& storage, Time now, const Settings& settings) {
  const Book book = stored_book(storage);
  const auto want = full_decision(book, now, settings);
  auto txn = storage.begin();
  std::size_t kept = 0;
  for (const Customer& c : book.customers)
    for (const VerdictRow& have : txn->verdicts_of(c.id)) {
      ++kept;
      CAPTURE(have.scheduled);
      auto it = want.find(have.scheduled);
      REQUIRE(it != want.end());
      CHECK(to_string(have.state) == to_string(it->second.state));
      CHECK(have.reasons == it->second.reasons);
      CHECK(have.kind == it->second.kind);
      CHECK(have.sender == it->second.sender);
      CHECK(have.customer == it->second.customer);
    }
  CHECK(kept == want.size());
  return want.size();
}

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

// One random edit of `b` (a record changed in a way a rule may notice, or one no rule
// reads, or a new scheduled message or touchpoint), as a contract document of that record.
std::string random_edit(std::mt19937& rng, Book& b, Time now, int n) {
  const std::vector<TouchKind> kinds = {TouchKind::order_confirmation, TouchKind::review_request, TouchKind::marketing,
                                        TouchKind::renewal_notice, TouchKind::status_update};
  auto when = [&] { return now + std::uniform_int_distribution<int>(-3 * 24 * 60, 3 * 24 * 60)(rng) * kMinute; };
  const Customer& who = pick(rng, b.customers);
  switch (std::uniform_int_distribution<int>(0, 8)(rng)) {
    case 0: {
      Touchpoint t = pick(rng, b.touchpoints);
      t.at = when(), t.kind = pick(rng, kinds);
      t.direction = rng() % 4 ? Direction::out : Direction::in;
      t.sender = t.direction == Direction::in ? "customer" : rng() % 2 ? "system:shop" : who.owner;
      return "{\"touchpoints\":[" + to_json(t) + "]}";
    }
    case 1: {
      Case k = pick(rng, b.cases);
      k.status = static_cast<CaseStatus>(rng() % 3);
      k.fulfilled_at = k.status == CaseStatus::fulfilled ? std::optional<Time>(now - kHour) : std::nullopt;
      return "{\"cases\":[" + to_json(k) + "]}";
    }
    case 2: {
      if (b.exceptions.empty()) return "{}";
      Exception x = pick(rng, b.exceptions);
      x.status = rng() % 2 ? ExceptionStatus::open : ExceptionStatus::resolved;
      x.resolved_at = x.status == ExceptionStatus::resolved ? std::optional<Time>(now - kHour) : std::nullopt;
      return "{\"exceptions\":[" + to_json(x) + "]}";
    }
    case 3: {
      Customer c = who;
      c.stage = static_cast<Stage>(rng() % 3);
      c.former_at = c.stage == Stage::former ? std::optional<Time>(now - kDay) : std::nullopt;
      if (rng() % 2) c.external_ids = {{"stripe", "cus_" + std::to_string(n)}};
      return "{\"customers\":[" + to_json(c) + "]}";
    }
    case 4: case 5: {
      Scheduled s = pick(rng, b.scheduled);
      s.scheduled_at = when(), s.kind = pick(rng, kinds);
      return "{\"scheduled\":[" + to_json(s) + "]}";
    }
    case 6: {  // a new scheduled message, often for a customer that had none
      Scheduled s;
      s.id = "s-edit-" + std::to_string(n), s.customer = who.id, s.scheduled_at = when(), s.kind = pick(rng, kinds);
      s.sender = "system:crm", s.subject = rng() % 2 ? "Same" : "Other " + std::to_string(n);
      return "{\"scheduled\":[" + to_json(s) + "]}";
    }
    case 7: {  // a new touchpoint, in or out, maybe dated after now
      Touchpoint t;
      t.id = "t-edit-" + std::to_string(n), t.customer = who.id, t.at = when(), t.kind = pick(rng, kinds);
      t.direction = rng() % 2 ? Direction::out : Direction::in;
      t.sender = t.direction == Direction::in ? "customer" : "system:shop", t.subject = "Same";
      return "{\"touchpoints\":[" + to_json(t) + "]}";
    }
    default: {  // a promise: no rule of the guard reads one
      if (b.promises.empty()) return "{}";
      Promise p = pick(rng, b.promises);
      p.text += " (edited)";
      return "{\"promises\":[" + to_json(p) + "]}";
    }
  }
}

}  // namespace

TEST_CASE("the narrowed re-decision gives the full re-decision's standings: seed stories and random edits") {
  const Time now = now_utc() / kSecond * kSecond;
  const std::string db = store_for(temp_path("guard-narrow.db"));
  auto storage = open_storage(db, false);
  GuardSettings settings;
  settings.as_of = now;
  install_guard(*storage, settings, nullptr);
  REQUIRE(ingest_document(*storage, to_json(demo_book_at(now)), "test", "", ManagerRecords::writable).ok);
  CHECK(require_same(*storage, now, settings.engine) == 8);  // the demo's eight scheduled messages
  std::mt19937 rng(20);
  int applied = 0;
  for (int round = 0; round < 12; ++round) {
    CAPTURE(round);
    for (int i = 0; i < 25; ++i) {
      Book b = stored_book(*storage);
      const std::string edit = random_edit(rng, b, now, round * 100 + i);
      applied += ingest_document(*storage, edit, "test", "").ok;  // one the contract refuses changes nothing
    }
    require_same(*storage, now, settings.engine);
  }
  CHECK(applied > 150);
}
