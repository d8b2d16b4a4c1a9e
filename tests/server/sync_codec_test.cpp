// The protocol's JSON codec: round trips, and hostile or malformed messages refused
// with a message naming the field.
#include <doctest/doctest.h>

#include "sync/protocol.hpp"

using namespace cockpit::sync;

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
