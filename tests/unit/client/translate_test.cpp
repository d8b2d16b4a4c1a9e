// client/translate by tables: outbox entries to mutations (only what changed), push
// results to acks and notices, pulls to one checked batch.
#include <doctest/doctest.h>

#include "client/translate.hpp"
#include "client_fixtures.hpp"

using namespace cockpit;
using namespace cockpit::test;
using cockpit::client::acks_of;
using cockpit::client::batch_of;
using cockpit::client::describe_conflict;
using cockpit::client::to_mutation;

namespace {

OutboxEntry entry(std::int64_t seq, const AnyRecord& after, std::optional<AnyRecord> before, std::int64_t base_seq) {
  OutboxEntry e;
  e.seq = seq;
  e.entity = static_cast<RecordKind>(after.index());
  e.id = record_id(after);
  e.op = "upsert";
  e.record = contract(after).dump();
  if (before) e.base = contract(*before).dump();
  e.base_seq = base_seq;
  return e;
}

OutboxEntry deletion(std::int64_t seq, const AnyRecord& before, std::int64_t base_seq) {
  OutboxEntry e = entry(seq, before, before, base_seq);
  e.op = "delete";
  e.record.reset();
  return e;
}

sync::MutationResult applied(std::int64_t id, std::int64_t seq, json record) {
  sync::MutationResult r;
  r.mutation_id = id;
  r.seq = seq;
  r.record = std::move(record);
  return r;
}

sync::MutationResult refused(std::int64_t id, const std::string& code, const std::string& message) {
  sync::MutationResult r;
  r.mutation_id = id;
  r.status = sync::MutationStatus::refused;
  r.code = code;
  r.message = message;
  return r;
}

}  // namespace

TEST_CASE("to_mutation sends only the fields an edit changed, all of a created record, nothing of a delete") {
  const Promise before = promise("p-1", "c-1", "k-1");
  struct Row {
    const char* name;
    AnyRecord after;
    std::optional<AnyRecord> before;
    json fields;
  };
  Promise status = before;
  status.status = PromiseStatus::cancelled;
  Promise moved = before;
  moved.history.push_back({before.due_at, kT0, false});
  moved.due_at = kT0 + 5 * kDay;
  Promise unlinked = before;
  unlinked.case_id.reset();
  Customer renamed = customer("c-1", "m-anna");
  renamed.name = "Hoffmann GmbH";
  renamed.phone = "+49 89 1";
  const Touchpoint created = touchpoint("t-new", "c-1", "Your new date");
  const Row rows[] = {
      {"an edit of status sends status, not due_at", status, before, json{{"status", "cancelled"}}},
      {"a new date sends due_at and its history",
       moved,
       before,
       json{{"due_at", contract(moved)["due_at"]}, {"history", contract(moved)["history"]}}},
      {"a cleared field is sent as null", unlinked, before, json{{"case", nullptr}}},
      {"two fields of a customer", renamed, customer("c-1", "m-anna"),
       json{{"name", "Hoffmann GmbH"}, {"phone", "+49 89 1"}}},
      {"a created record sends all of it", created, std::nullopt, contract(created)},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    std::string error;
    auto m = to_mutation(entry(41, row.after, row.before, row.before ? 118 : 0), &error);
    REQUIRE_MESSAGE(m, error);
    CHECK(m->mutation_id == 41);
    CHECK(m->kind == sync::MutationKind::upsert);
    CHECK(m->record_kind == kind_of(row.after));
    CHECK(m->record_id == record_id(row.after));
    CHECK(m->base_seq == (row.before ? 118 : 0));
    CHECK(m->fields == row.fields);
  }
  // A delete names the record and the seq it started from.
  auto d = to_mutation(deletion(42, touchpoint("t-1", "c-1"), 77));
  REQUIRE(d);
  CHECK(d->kind == sync::MutationKind::remove);
  CHECK(d->record_kind == RecordKind::touchpoint);
  CHECK(d->record_id == "t-1");
  CHECK(d->base_seq == 77);
  CHECK(d->fields == json::object());
  CHECK(sync::to_json(*d)["kind"] == "delete");
  // Every kind has one wire name (a suggestion decision is a "decision").
  SuggestionDecision dec;
  dec.id = "d-1";
  dec.customer = "c-1";
  dec.suggestion_key = "k";
  dec.by = "m-anna";
  auto dm = to_mutation(entry(43, dec, std::nullopt, 0));
  REQUIRE(dm);
  CHECK(dm->record_kind == RecordKind::decision);
  CHECK(to_string(RecordKind::decision) == "decision");
  for (auto k : all_record_kinds()) CHECK(parse_RecordKind(to_string(k)) == k);
  // An unreadable stored record is an error naming the change, not a crash.
  OutboxEntry bad = entry(44, status, before, 3);
  bad.record = "{not json";
  std::string error;
  CHECK_FALSE(to_mutation(bad, &error));
  CHECK(error.find("change 44") != std::string::npos);
  bad.record.reset();
  CHECK_FALSE(to_mutation(bad));
}

TEST_CASE("acks_of: results matched by mutation id, conflicts and refusals become notices") {
  const Known known;
  const Promise p1 = promise("p-1", "c-1", "k-1");
  Promise mine = p1;
  mine.text = "Mine";
  const std::vector<OutboxEntry> sent = {
      entry(5, mine, p1, 40),                               // an edit
      entry(6, touchpoint("t-new", "c-1"), std::nullopt, 0),  // a new message
      entry(7, customer("c-2", "m-anna"), customer("c-2", "m-anna"), 12),
      deletion(8, touchpoint("t-2", "c-2"), 20),
      entry(9, touchpoint("t-9", "c-1"), std::nullopt, 0),
  };
  Promise server = mine;
  server.due_at = kT0 + 4 * kDay;
  sync::PushResponse resp;
  resp.cursor = 60;
  auto a5 = applied(5, 50, contract(server));
  a5.conflicts.push_back(sync::Conflict{"due_at", "2026-11-24T09:00:00.000Z", "2026-11-26T09:00:00.000Z"});
  a5.message = "applied over a change made on another device";
  resp.results = {a5,
                  refused(6, "not_owner", "customer c-1 is not yours"),
                  refused(7, "already_processed", "processed long ago; its result is no longer kept"),
                  applied(8, 52, json()),  // a delete: no record
                  refused(9, "forbidden", ""),
                  applied(99, 53, contract(server))};  // not sent by this device: ignored
  auto out = acks_of(resp, sent, known, kT0);
  REQUIRE_MESSAGE(out.error.empty(), out.error);
  REQUIRE(out.acks.size() == 5);
  CHECK(out.acks[0].change_seq == 5);
  CHECK(out.acks[0].entity == RecordKind::promise);
  CHECK(out.acks[0].id == "p-1");
  CHECK(out.acks[0].status == AckStatus::applied);
  CHECK(out.acks[0].seq == 50);
  REQUIRE(out.acks[0].record);
  CHECK(*out.acks[0].record == AnyRecord{server});
  CHECK(out.acks[1].status == AckStatus::refused);
  CHECK(out.acks[1].id == "t-new");
  CHECK(out.acks[2].status == AckStatus::settled);
  CHECK(out.acks[3].status == AckStatus::applied);
  CHECK(out.acks[3].entity == RecordKind::touchpoint);
  CHECK_FALSE(out.acks[3].record);  // deleted on the server
  CHECK(out.acks[4].status == AckStatus::refused);

  // Notices: the conflict, the two refusals; nothing for the settled one.
  REQUIRE(out.notices.size() == 3);
  const SyncNotice& c = out.notices[0];
  CHECK(c.kind == "conflict");
  CHECK(c.entity == "promise");
  CHECK(c.entity_id == "p-1");
  CHECK(c.customer == "c-1");
  CHECK(c.at == kT0);
  CHECK(json::parse(c.detail) == json{{"field", "due_at"},
                                      {"yours", "2026-11-24T09:00:00.000Z"},
                                      {"theirs", "2026-11-26T09:00:00.000Z"}});
  CHECK(c.message == describe_conflict(a5.conflicts[0], RecordKind::promise, "p-1"));
  const SyncNotice& r = out.notices[1];
  CHECK(r.kind == "refused");
  CHECK(r.code == "not_owner");
  CHECK(r.entity == "touchpoint");
  CHECK(r.entity_id == "t-new");
  CHECK(r.message == "Not applied: customer c-1 is not yours.");
  // A refusal without a sentence still says what was not applied.
  CHECK(out.notices[2].code == "forbidden");
  CHECK(out.notices[2].message == "The server did not apply your change to touchpoint t-9.");
}

TEST_CASE("acks_of: a record the device cannot read makes the whole answer unusable") {
  const Known known;
  const Promise p1 = promise("p-1", "c-1", "k-1");
  const std::vector<OutboxEntry> sent = {entry(5, p1, p1, 40), entry(6, touchpoint("t-1", "c-1"), std::nullopt, 0)};
  struct Row {
    const char* name;
    json record;
  };
  const Row rows[] = {
      {"a required field missing", json{{"id", "p-1"}, {"customer", "c-1"}}},
      {"a customer the device does not know", [&] {
         json j = contract(p1);
         j["customer"] = "c-unknown";
         j["case"] = nullptr;
         return j;
       }()},
      {"a time that is not one", [&] {
         json j = contract(p1);
         j["due_at"] = "soon";
         return j;
       }()},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    sync::PushResponse resp;
    resp.results = {applied(6, 9, contract(touchpoint("t-1", "c-1"))), applied(5, 10, row.record)};
    auto out = acks_of(resp, sent, known, kT0);
    CHECK(out.error.find("change 5") != std::string::npos);
  }
}

TEST_CASE("batch_of: a pull as one checked batch") {
  Known known;
  sync::PullResponse pull;
  pull.cursor = 90;
  // A customer new to the device with its case and a promise of that case: readable
  // only together, so they come as one document.
  const Customer c9 = customer("c-9", "m-anna");
  const Case k9 = a_case("k-9", "c-9");
  const Promise p9 = promise("p-9", "c-9", "k-9");
  Exception x9;
  x9.id = "k-9";  // the same id as the case, another kind: its own seq
  x9.customer = "c-9";
  x9.kind = "payment_failed";
  x9.summary = "Card declined";
  x9.raised_at = kT0;
  x9.waiting_on = "customer";
  pull.changes = {{RecordKind::promise, "p-9", 83, contract(p9)},
                  {RecordKind::case_, "k-9", 82, contract(k9)},
                  {RecordKind::exception, "k-9", 84, contract(x9)},
                  {RecordKind::customer, "c-9", 81, contract(c9)},
                  {RecordKind::manager, "m-ben", 80, json{{"id", "m-ben"}, {"name", "Ben B."}, {"role", "manager"}}}};
  pull.removed = {{"c-2", 85, "reassigned", "m-ben"}};
  pull.deleted = {{RecordKind::touchpoint, "t-1", 86}, {RecordKind::decision, "d-1", 87}};
  auto out = batch_of(pull, known);
  REQUIRE_MESSAGE(out.error.empty(), out.error);
  const RemoteBatch& b = out.batch;
  CHECK_FALSE(b.full);
  CHECK(b.cursor == std::optional<std::int64_t>(90));
  REQUIRE(b.records.size() == 5);
  std::map<std::pair<std::size_t, std::string>, std::int64_t> seqs;
  for (const auto& r : b.records) seqs[{r.record.index(), record_id(r.record)}] = r.seq;
  CHECK(seqs[{1, "c-9"}] == 81);
  CHECK(seqs[{2, "k-9"}] == 82);
  CHECK(seqs[{3, "p-9"}] == 83);
  CHECK(seqs[{4, "k-9"}] == 84);
  CHECK(seqs[{0, "m-ben"}] == 80);
  for (const auto& r : b.records) {
    if (std::holds_alternative<Promise>(r.record)) CHECK(std::get<Promise>(r.record) == p9);
    if (std::holds_alternative<Customer>(r.record)) CHECK(std::get<Customer>(r.record) == c9);
  }
  CHECK(joined(b.removed_customers) == "c-2");
  REQUIRE(b.deletions.size() == 2);
  CHECK(b.deletions[0] == std::pair<RecordKind, std::string>{RecordKind::touchpoint, "t-1"});
  CHECK(b.deletions[1] == std::pair<RecordKind, std::string>{RecordKind::decision, "d-1"});
  CHECK(b.acks.empty());
  CHECK(b.notices.empty());

  // A full share says so.
  sync::PullResponse whole;
  whole.cursor = 5;
  whole.full = true;
  auto w = batch_of(whole, known);
  REQUIRE(w.error.empty());
  CHECK(w.batch.full);
  CHECK(w.batch.records.empty());
}

TEST_CASE("batch_of refuses a record that refers to nothing known, or breaks the contract") {
  Known known;
  struct Row {
    const char* name;
    sync::Change change;
    const char* mentions;
  };
  json orphan = contract(touchpoint("t-x", "c-unknown"));
  json wrong_case = contract(promise("p-x", "c-2", "k-1"));  // k-1 is c-1's
  json bad_enum = contract(touchpoint("t-y", "c-1"));
  bad_enum["channel"] = "pigeon";
  const Row rows[] = {
      {"a customer the device has never heard of", {RecordKind::touchpoint, "t-x", 3, orphan}, "t-x"},
      {"a case of another customer", {RecordKind::promise, "p-x", 3, wrong_case}, "p-x"},
      {"a value outside the contract", {RecordKind::touchpoint, "t-y", 3, bad_enum}, "pigeon"},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    sync::PullResponse pull;
    pull.cursor = 9;
    pull.changes = {{RecordKind::customer, "c-1", 1, contract(customer("c-1", "m-anna"))}, row.change};
    auto out = batch_of(pull, known);
    CAPTURE(out.error);
    CHECK(out.error.rfind("the server sent a record this device cannot read: ", 0) == 0);
    CHECK(out.error.find(row.mentions) != std::string::npos);
  }
}

TEST_CASE("describe_conflict reads as a sentence with both values") {
  struct Row {
    sync::Conflict c;
    RecordKind kind;
    const char* id;
    std::vector<std::string> contains;
  };
  const std::string long_text(200, 'x');
  const Row rows[] = {
      {{"due_at", "2026-12-01T17:00:00Z", "2026-11-28T17:00:00Z"}, RecordKind::promise, "p-1",
       {"Your change to the due date of promise p-1", "(2026-12-01 17:00 UTC)", "replaced 2026-11-28 17:00 UTC",
        "set on another device", "Put it back"}},
      {{"subject", "Hello", "Good day"}, RecordKind::touchpoint, "t-1",
       {"of touchpoint t-1", "(\"Hello\")", "replaced \"Good day\""}},
      {{"case", nullptr, "k-1"}, RecordKind::promise, "p-1", {"(nothing)", "\"k-1\""}},
      {{"text", long_text, "short"}, RecordKind::decision, "d-1", {"of decision d-1", "...\")"}},
  };
  for (const auto& row : rows) {
    const std::string s = describe_conflict(row.c, row.kind, row.id);
    CAPTURE(s);
    for (const auto& part : row.contains) CHECK(s.find(part) != std::string::npos);
    CHECK(s.size() < 300);  // a long value is shortened
  }
  // Both times are in it, in UTC (the client layer knows no time zone); a date alone
  // (the end of that day) reads as the date.
  const std::string d = describe_conflict({"due_at", "2026-12-01T17:00:00.000Z", "2026-11-28T17:00:00+01:00"},
                                          RecordKind::promise, "p-1");
  CHECK(d.find("2026-12-01 17:00 UTC") != std::string::npos);
  CHECK(d.find("2026-11-28 16:00 UTC") != std::string::npos);
  const std::string e = describe_conflict({"due_at", "2026-12-04", "2026-12-02T09:30:00Z"}, RecordKind::promise, "p-1");
  CHECK(e.find("(2026-12-04)") != std::string::npos);
}
