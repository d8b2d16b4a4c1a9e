// The protocol's JSON codec: round trips, and hostile or malformed messages refused
// with a message naming the field.
#include <doctest/doctest.h>

#include "sync/protocol.hpp"

using namespace cockpit::sync;
using cockpit::RecordKind;

TEST_CASE("push request round-trips through JSON") {
  PushRequest r;
  r.client_id = "dev-1";
  r.schema_version = kSchemaVersion;
  Mutation a;
  a.mutation_id = 1;
  a.record_kind = RecordKind::promise;
  a.record_id = "p-1";
  a.fields = json{{"status", "kept"}};
  a.base_seq = 12;
  Mutation b;
  b.mutation_id = 2;
  b.kind = MutationKind::reassign;
  b.record_kind = RecordKind::customer;
  b.record_id = "c-1";
  b.new_owner = "m-ben";
  r.mutations = {a, b};
  auto d = decode_push(to_json(r));
  REQUIRE(d.ok());
  CHECK(d.value->client_id == "dev-1");
  REQUIRE(d.value->mutations.size() == 2);
  CHECK(d.value->mutations[0] == a);
  CHECK(d.value->mutations[1] == b);
}

TEST_CASE("malformed pushes name the field") {
  struct Row {
    const char* doc;
    const char* error_starts;
  };
  const Row rows[] = {
      {R"([])", "expected an object"},
      {R"({"schema_version":1,"mutations":[]})", "client_id: missing"},
      {R"({"client_id":"","schema_version":1,"mutations":[]})", "client_id: empty"},
      {R"({"client_id":"d","schema_version":"1","mutations":[]})", "schema_version: expected an integer"},
      {R"({"client_id":"d","schema_version":1,"mutations":{}})", "mutations: expected an array"},
      {R"({"client_id":"d","schema_version":1,"mutations":[5]})", "mutations[0]: expected an object"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":0,"kind":"upsert"}]})",
       "mutations[0].mutation_id: must be positive"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"drop"}]})",
       "mutations[0].kind: unknown mutation kind"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"upsert","record_kind":"table","record_id":"x"}]})",
       "mutations[0].record_kind: unknown record kind"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"upsert","record_kind":"case","record_id":"x","fields":[]}]})",
       "mutations[0].fields: expected an object"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"reassign","record_kind":"case","record_id":"x","new_owner":"m"}]})",
       "mutations[0].record_kind: only a customer"},
      {R"({"client_id":"d","schema_version":1,"mutations":[
          {"mutation_id":2,"kind":"upsert","record_kind":"case","record_id":"x","fields":{}},
          {"mutation_id":2,"kind":"upsert","record_kind":"case","record_id":"y","fields":{}}]})",
       "mutations[1].mutation_id: not increasing"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.doc);
    auto d = decode_push(json::parse(row.doc));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error.rfind(row.error_starts, 0) == 0);
  }
}

TEST_CASE("too many mutations or too long ids are refused") {
  json muts = json::array();
  for (int i = 1; i <= 3; ++i)
    muts.push_back(json{{"mutation_id", i}, {"kind", "upsert"}, {"record_kind", "case"}, {"record_id", "k"}, {"fields", json::object()}});
  PushLimits limits;
  limits.max_mutations = 2;
  CHECK_FALSE(decode_push(json{{"client_id", "d"}, {"schema_version", 1}, {"mutations", muts}}, limits).ok());
  limits = {};
  limits.max_id = 4;
  auto d = decode_push(json{{"client_id", "device-1"}, {"schema_version", 1}, {"mutations", json::array()}}, limits);
  REQUIRE_FALSE(d.ok());
  CHECK(d.error.find("client_id: longer than 4 bytes") == 0);
}

TEST_CASE("pull and push responses decode what the server writes") {
  PullResponse p;
  p.cursor = 42;
  p.changes.push_back(Change{RecordKind::customer, "c-1", 40, json{{"id", "c-1"}}});
  p.removed.push_back(Removal{"c-9", 41, "reassigned", "m-ben"});
  auto d = decode_pull(to_json(p));
  REQUIRE(d.ok());
  CHECK(d.value->cursor == 42);
  CHECK(d.value->changes[0].record["id"] == "c-1");
  CHECK(d.value->removed[0].new_owner == "m-ben");

  PushResponse r;
  r.cursor = 7;
  MutationResult ok;
  ok.mutation_id = 1;
  ok.seq = 7;
  ok.record = json{{"id", "p-1"}};
  ok.conflicts.push_back(Conflict{"due_at", "a", "b"});
  MutationResult no;
  no.mutation_id = 2;
  no.status = MutationStatus::refused;
  no.code = codes::reassigned;
  no.message = "customer c-1 was reassigned to m-ben";
  r.results = {ok, no};
  auto e = decode_push_response(to_json(r));
  REQUIRE(e.ok());
  CHECK(e.value->results[0].conflicts.size() == 1);
  CHECK(e.value->results[1].code == "reassigned");
}

// ---------------------------------------------------------------- delete, since, pull in push, deleted

TEST_CASE("a delete, a push's since and the pull in its answer round-trip through JSON") {
  PushRequest r;
  r.client_id = "dev-1";
  r.schema_version = kSchemaVersion;
  r.since = 118;
  Mutation del;
  del.mutation_id = 7;
  del.kind = MutationKind::remove;
  del.record_kind = RecordKind::touchpoint;
  del.record_id = "t-9";
  del.base_seq = 120;
  r.mutations = {del};
  const json j = to_json(r);
  CHECK(j["mutations"][0]["kind"] == "delete");
  CHECK_FALSE(j["mutations"][0].contains("fields"));  // a delete names the record only
  CHECK_FALSE(j["mutations"][0].contains("new_owner"));
  CHECK(j["since"] == 118);
  auto d = decode_push(j);
  REQUIRE(d.ok());
  REQUIRE(d.value->since.has_value());
  CHECK(*d.value->since == 118);
  REQUIRE(d.value->mutations.size() == 1);
  CHECK(d.value->mutations[0] == del);

  // Without since: none (an older client), and it is not written either.
  r.since.reset();
  CHECK_FALSE(to_json(r).contains("since"));
  auto old = decode_push(to_json(r));
  REQUIRE(old.ok());
  CHECK_FALSE(old.value->since.has_value());
  // since = 0 is a cursor like any other (a new device), not "absent".
  r.since = 0;
  auto zero = decode_push(to_json(r));
  REQUIRE(zero.ok());
  REQUIRE(zero.value->since.has_value());
  CHECK(*zero.value->since == 0);

  // The push answer with the pull inside, deletions included.
  PushResponse resp;
  resp.cursor = 131;
  MutationResult gone;
  gone.mutation_id = 7;
  gone.seq = 130;  // a delete answers with no record
  resp.results = {gone};
  auto pull = std::make_shared<PullResponse>();
  pull->cursor = 131;
  pull->changes.push_back(Change{RecordKind::promise, "p-1", 129, json{{"id", "p-1"}}});
  pull->removed.push_back(Removal{"c-7", 128, "reassigned", "m-ben"});
  pull->deleted.push_back(Deletion{RecordKind::touchpoint, "t-9", 130});
  pull->deleted.push_back(Deletion{RecordKind::decision, "d-3", 131});
  resp.pull = pull;
  const json rj = to_json(resp);
  CHECK(rj["pull"]["deleted"][1]["kind"] == "decision");
  auto e = decode_push_response(rj);
  REQUIRE_MESSAGE(e.ok(), e.error);
  CHECK(e.value->cursor == 131);
  REQUIRE(e.value->results.size() == 1);
  CHECK(e.value->results[0].seq == 130);
  CHECK(e.value->results[0].record.is_null());
  REQUIRE(e.value->pull);
  CHECK(e.value->pull->cursor == 131);
  REQUIRE(e.value->pull->changes.size() == 1);
  CHECK(e.value->pull->changes[0].id == "p-1");
  REQUIRE(e.value->pull->removed.size() == 1);
  CHECK(e.value->pull->removed[0].customer == "c-7");
  REQUIRE(e.value->pull->deleted.size() == 2);
  CHECK(e.value->pull->deleted[0].kind == RecordKind::touchpoint);
  CHECK(e.value->pull->deleted[0].id == "t-9");
  CHECK(e.value->pull->deleted[0].seq == 130);
  CHECK(e.value->pull->deleted[1].kind == RecordKind::decision);
  // A push answer without a pull has none.
  resp.pull.reset();
  CHECK_FALSE(to_json(resp).contains("pull"));
  auto f = decode_push_response(to_json(resp));
  REQUIRE(f.ok());
  CHECK_FALSE(f.value->pull);
}

TEST_CASE("a pull without `deleted` (a server from before it) still decodes") {
  auto d = decode_pull(json::parse(R"({"cursor":5,"full":false,"changes":[],"removed":[]})"));
  REQUIRE_MESSAGE(d.ok(), d.error);
  CHECK(d.value->deleted.empty());
  PullResponse p;
  p.cursor = 5;
  p.deleted.push_back(Deletion{RecordKind::scheduled, "s-1", 4});
  auto back = decode_pull(to_json(p));
  REQUIRE(back.ok());
  REQUIRE(back.value->deleted.size() == 1);
  CHECK(back.value->deleted[0].kind == RecordKind::scheduled);
  CHECK(back.value->deleted[0].id == "s-1");
  CHECK(back.value->deleted[0].seq == 4);
}

TEST_CASE("a page of a lead's share says more follow; a whole answer says nothing of it") {
  auto d = decode_pull(json::parse(R"({"cursor":5,"full":true,"more":true,"changes":[],"removed":[]})"));
  REQUIRE_MESSAGE(d.ok(), d.error);
  CHECK(d.value->more);
  CHECK(d.value->full);
  auto plain = decode_pull(json::parse(R"({"cursor":5,"full":false,"changes":[],"removed":[]})"));
  REQUIRE(plain.ok());
  CHECK_FALSE(plain.value->more);
  PullResponse p;
  p.cursor = 9;
  CHECK_FALSE(to_json(p).contains("more"));
  p.more = true;
  CHECK(to_json(p)["more"] == true);
  auto back = decode_pull(to_json(p));
  REQUIRE(back.ok());
  CHECK(back.value->more);
}

TEST_CASE("malformed since and deleted entries are refused, naming the field") {
  struct Row {
    const char* doc;
    const char* error_starts;
  };
  const Row pushes[] = {
      {R"({"client_id":"d","schema_version":1,"since":-1,"mutations":[]})", "since: must not be negative"},
      {R"({"client_id":"d","schema_version":1,"since":"12","mutations":[]})", "since: expected an integer"},
      {R"({"client_id":"d","schema_version":1,"since":1.5,"mutations":[]})", "since: expected an integer"},
      {R"({"client_id":"d","schema_version":1,"since":null,"mutations":[]})", "since: expected an integer"},
      {R"({"client_id":"d","schema_version":1,"since":18446744073709551615,"mutations":[]})",
       "since: must not be negative"},
      // A delete carries no fields to check, but still a record kind and id.
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"delete","record_kind":"note","record_id":"x"}]})",
       "mutations[0].record_kind: unknown record kind"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"delete","record_kind":"touchpoint","record_id":""}]})",
       "mutations[0].record_id: empty"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"delete","record_kind":"touchpoint"}]})",
       "mutations[0].record_id: missing"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"delete","record_kind":"touchpoint","record_id":"t","base_seq":-3}]})",
       "mutations[0].base_seq: must not be negative"},
      {R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":1,"kind":"remove","record_kind":"touchpoint","record_id":"t"}]})",
       "mutations[0].kind: unknown mutation kind \"remove\""},
  };
  for (const auto& row : pushes) {
    CAPTURE(row.doc);
    auto d = decode_push(json::parse(row.doc));
    REQUIRE_FALSE(d.ok());
    CAPTURE(d.error);
    CHECK(d.error.rfind(row.error_starts, 0) == 0);
  }
  const Row pulls[] = {
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":{}})", "deleted: expected an array"},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[7]})", "deleted[0]: expected an object"},
      {R"({"cursor":5,"changes":[7],"removed":[]})", "changes[0]: expected an object"},
      {R"({"cursor":5,"changes":[{"kind":"promise","id":"p-1","seq":3}],"removed":[]})",
       "changes[0].record: expected an object"},
      {R"({"cursor":5,"changes":[{"kind":"memo","id":"p-1","seq":3,"record":{}}],"removed":[]})",
       "changes[0].kind: unknown \"memo\""},
      {R"({"cursor":5,"changes":[],"removed":["c-1"]})", "removed[0]: expected an object"},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[{"id":"t-1","seq":4}]})", "deleted[0].kind: missing"},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[{"kind":"note","id":"t-1","seq":4}]})",
       "deleted[0].kind: unknown \"note\""},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[{"kind":"touchpoint","id":7,"seq":4}]})",
       "deleted[0].id: expected a string"},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[{"kind":"touchpoint","id":"t-1"}]})",
       "deleted[0].seq: missing"},
      {R"({"cursor":5,"changes":[],"removed":[],"deleted":[{"kind":"touchpoint","id":"t-1","seq":4},{"kind":"touchpoint","id":"t-2","seq":"5"}]})",
       "deleted[1].seq: expected an integer"},
  };
  for (const auto& row : pulls) {
    CAPTURE(row.doc);
    auto d = decode_pull(json::parse(row.doc));
    REQUIRE_FALSE(d.ok());
    CAPTURE(d.error);
    CHECK(d.error.rfind(row.error_starts, 0) == 0);
  }
  // Inside a push answer the path says where: "pull.deleted[0]…".
  auto e = decode_push_response(json::parse(
      R"({"cursor":5,"results":[],"pull":{"cursor":5,"changes":[],"removed":[],"deleted":[{"kind":"touchpoint","id":"t-1"}]}})"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error == "pull.deleted[0].seq: missing");
  auto f = decode_push_response(json::parse(R"({"cursor":5,"results":[],"pull":[]})"));
  REQUIRE_FALSE(f.ok());
  CHECK(f.error.rfind("pull.", 0) == 0);
}

TEST_CASE("decode_live: the live poll's answer, wrong types refused without a throw") {
  struct Row {
    const char* text;
    bool ok;
    std::int64_t cursor;
    bool changed, heartbeat;
  };
  const Row rows[] = {
      {R"({"cursor":7,"changed":true})", true, 7, true, false},
      {R"({"cursor":7,"changed":false,"heartbeat":true})", true, 7, false, true},
      {R"({"cursor":7})", true, 7, false, false},
      {R"({"cursor":7,"changed":"yes"})", false, 0, false, false},  // json::value() threw here
      {R"({"cursor":7,"heartbeat":1})", false, 0, false, false},
      {R"({"cursor":"7","changed":true})", false, 0, false, false},
      {R"({"changed":true})", false, 0, false, false},
      {R"([1])", false, 0, false, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto d = cockpit::sync::decode_live(nlohmann::json::parse(r.text));
    REQUIRE(d.ok() == r.ok);
    if (!r.ok) {
      CHECK(!d.error.empty());
      continue;
    }
    CHECK(d.value->cursor == r.cursor);
    CHECK(d.value->changed == r.changed);
    CHECK(d.value->heartbeat == r.heartbeat);
  }
}
