// plan_mutation by tables: authorization against the current owner, immutable fields,
// and the per-field merge with its conflict reports.
#include <doctest/doctest.h>

#include "sync/plan.hpp"

using namespace cockpit;
using namespace cockpit::sync;

namespace {

const Identity anna{"m-anna", Role::manager};
const Identity ben{"m-ben", Role::manager};
const Identity lena{"m-lena", Role::lead};

CustomerFacts owned_by(const std::string& owner) { return CustomerFacts{true, owner, 0, ""}; }

Mutation upsert(RecordKind k, const std::string& id, json fields, std::int64_t base = 0) {
  Mutation m;
  m.mutation_id = 1;
  m.record_kind = k;
  m.record_id = id;
  m.fields = std::move(fields);
  m.base_seq = base;
  return m;
}

ServerRecord promise_p1() {
  ServerRecord r;
  r.body = json{{"id", "p-1"}, {"customer", "c-1"}, {"text", "deliver"}, {"due_at", "2026-11-20T10:00:00Z"},
                {"status", "open"}};
  r.seq = 10;
  r.fields = {{"due_at", {10, "dev-B"}}, {"text", {3, ""}}, {"status", {3, ""}}};
  return r;
}

}  // namespace

TEST_CASE("authorization is decided against the current owner") {
  struct Row {
    const char* name;
    Identity who;
    Mutation m;
    bool exists;
    CustomerFacts facts;
    bool owner_exists;
    const char* code;  // "" = applied
  };
  const Row rows[] = {
      {"own promise", anna, upsert(RecordKind::promise, "p-1", {{"text", "x"}}, 10), true, owned_by("m-anna"), false, ""},
      {"other's promise", anna, upsert(RecordKind::promise, "p-1", {{"text", "x"}}, 10), true, owned_by("m-ben"), false,
       codes::not_owner},
      {"lead edits anyone's", lena, upsert(RecordKind::promise, "p-1", {{"text", "x"}}, 10), true, owned_by("m-ben"),
       false, ""},
      {"reassigned away", anna, upsert(RecordKind::promise, "p-1", {{"text", "x"}}, 10), true,
       CustomerFacts{true, "m-ben", 11, "m-ben"}, false, codes::reassigned},
      {"new case for other's customer", anna, upsert(RecordKind::case_, "k-9", {{"customer", "c-1"}}), false,
       owned_by("m-ben"), false, codes::not_owner},
      // A manager cannot tell a missing customer from someone else's (issue 16): the same refusal.
      {"new case for missing customer", anna, upsert(RecordKind::case_, "k-9", {{"customer", "c-x"}}), false,
       CustomerFacts{}, false, codes::not_owner},
      {"lead: new case for missing customer", lena, upsert(RecordKind::case_, "k-9", {{"customer", "c-x"}}), false,
       CustomerFacts{}, false, codes::not_found},
      {"new customer for someone else", anna, upsert(RecordKind::customer, "c-9", {{"owner", "m-ben"}}), false,
       CustomerFacts{}, true, codes::not_owner},
      {"new customer for self", anna, upsert(RecordKind::customer, "c-9", {{"owner", "m-anna"}}), false,
       CustomerFacts{}, true, ""},
      {"manager records are not synced", lena, upsert(RecordKind::manager, "m-x", {{"name", "x"}}), false,
       CustomerFacts{}, false, codes::forbidden},
      {"touchpoint sent as another manager", anna,
       upsert(RecordKind::touchpoint, "t-9", {{"customer", "c-1"}, {"sender", "m-ben"}}), false, owned_by("m-anna"),
       false, codes::forbidden},
      {"decision by another manager", anna,
       upsert(RecordKind::decision, "d-9", {{"customer", "c-1"}, {"by", "m-ben"}}), false, owned_by("m-anna"), false,
       codes::forbidden},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    std::optional<ServerRecord> cur;
    if (row.exists) cur = promise_p1();
    Plan p = plan_mutation(row.who, "dev-A", row.m, cur, row.facts, row.owner_exists);
    if (*row.code) {
      CHECK_FALSE(p.apply);
      CHECK(p.code == row.code);
      CHECK_FALSE(p.message.empty());
    } else {
      CHECK(p.apply);
    }
  }
}

TEST_CASE("reassignment: only a lead, only to an existing manager") {
  ServerRecord c;
  c.body = json{{"id", "c-1"}, {"owner", "m-anna"}, {"name", "Hoffmann"}};
  c.seq = 4;
  Mutation m;
  m.kind = MutationKind::reassign;
  m.record_kind = RecordKind::customer;
  m.record_id = "c-1";
  m.new_owner = "m-ben";
  CHECK(plan_mutation(anna, "d", m, c, owned_by("m-anna"), true).code == codes::forbidden);
  // Someone else's customer and one that does not exist read the same to a manager.
  const Plan others = plan_mutation(anna, "d", m, c, owned_by("m-ben"), true);
  const Plan missing = plan_mutation(anna, "d", m, std::nullopt, CustomerFacts{}, true);
  CHECK(others.code == codes::not_owner);
  CHECK(missing.code == others.code);
  CHECK(missing.message == others.message);
  CHECK(plan_mutation(lena, "d", m, c, owned_by("m-anna"), false).code == codes::not_found);
  Plan p = plan_mutation(lena, "d", m, c, owned_by("m-anna"), true);
  REQUIRE(p.apply);
  CHECK(p.owner_changes);
  CHECK(p.old_owner == "m-anna");
  CHECK(p.new_owner == "m-ben");
  CHECK(p.body["owner"] == "m-ben");
  // Changing "owner" through an upsert is a reassignment too, with the same rule.
  auto u = upsert(RecordKind::customer, "c-1", {{"owner", "m-ben"}}, 4);
  CHECK(plan_mutation(anna, "d", u, c, owned_by("m-anna"), true).code == codes::forbidden);
  CHECK(plan_mutation(lena, "d", u, c, owned_by("m-anna"), true).owner_changes);
}

TEST_CASE("a record cannot move to another customer") {
  auto m = upsert(RecordKind::promise, "p-1", {{"customer", "c-2"}}, 10);
  Plan p = plan_mutation(anna, "dev-A", m, promise_p1(), owned_by("m-anna"), false);
  CHECK(p.code == codes::immutable);
}

TEST_CASE("per-field merge: last writer by server order, concurrent edits reported") {
  struct Row {
    const char* name;
    json fields;
    std::int64_t base;
    const char* client;
    std::vector<std::string> conflicts;
    std::vector<std::string> changed;
  };
  const Row rows[] = {
      // dev-B moved due_at at seq 10; dev-A started from seq 5.
      {"other field: no conflict", {{"status", "kept"}}, 5, "dev-A", {}, {"status"}},
      {"same field, other device", {{"due_at", "2026-12-01T10:00:00Z"}}, 5, "dev-A", {"due_at"}, {"due_at"}},
      {"same field, same value", {{"due_at", "2026-11-20T10:00:00Z"}}, 5, "dev-A", {}, {}},
      {"same field, device saw it", {{"due_at", "2026-12-01T10:00:00Z"}}, 10, "dev-A", {}, {"due_at"}},
      {"same field, own earlier write", {{"due_at", "2026-12-01T10:00:00Z"}}, 5, "dev-B", {}, {"due_at"}},
      // kept_at has no stamp: not changed since the record was created, whatever its seq.
      {"unstamped field: no conflict", {{"kept_at", "2026-11-21T10:00:00Z"}}, 5, "dev-A", {}, {"kept_at"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    auto m = upsert(RecordKind::promise, "p-1", row.fields, row.base);
    Plan p = plan_mutation(anna, row.client, m, promise_p1(), owned_by("m-anna"), false);
    REQUIRE(p.apply);
    std::vector<std::string> got;
    for (const auto& c : p.conflicts) got.push_back(c.field);
    CHECK(got == row.conflicts);
    CHECK(p.changed_fields == row.changed);
    CHECK(p.noop == row.changed.empty());
    for (auto it = row.fields.begin(); it != row.fields.end(); ++it) CHECK(p.body[it.key()] == it.value());
    CHECK(p.body["text"] == "deliver");  // fields not sent keep the server's value
  }
  // The conflict carries both values so the manager can be shown what was replaced.
  auto m = upsert(RecordKind::promise, "p-1", {{"due_at", "2026-12-01T10:00:00Z"}}, 5);
  Plan p = plan_mutation(anna, "dev-A", m, promise_p1(), owned_by("m-anna"), false);
  REQUIRE(p.conflicts.size() == 1);
  CHECK(p.conflicts[0].yours == "2026-12-01T10:00:00Z");
  CHECK(p.conflicts[0].theirs == "2026-11-20T10:00:00Z");
}

TEST_CASE("field stamps survive their JSON form") {
  std::map<std::string, FieldStamp> s{{"a", {3, "dev"}}, {"b", {9, ""}}};
  CHECK(stamps_from_json(stamps_to_json(s)) == s);
  CHECK(stamps_from_json(json::parse(R"({"a":"bad","b":[1]})")).empty());
}

// ---------------------------------------------------------------- delete ("remove")

namespace {

Mutation removal(RecordKind k, const std::string& id, std::int64_t base = 0) {
  Mutation m;
  m.mutation_id = 1;
  m.kind = MutationKind::remove;
  m.record_kind = k;
  m.record_id = id;
  m.base_seq = base;
  return m;
}

ServerRecord touchpoint_t1() {
  ServerRecord r;
  r.body = json{{"id", "t-1"}, {"customer", "c-1"}, {"subject", "Your new date"}, {"sender", "m-anna"}};
  r.seq = 20;
  return r;
}

ServerRecord customer_c1() {
  ServerRecord r;
  r.body = json{{"id", "c-1"}, {"owner", "m-anna"}, {"name", "Hoffmann"}};
  r.seq = 4;
  return r;
}

}  // namespace

TEST_CASE("delete: authorized against the current owner like an upsert, customers and managers never") {
  struct Row {
    const char* name;
    Identity who;
    Mutation m;
    std::optional<ServerRecord> current;
    CustomerFacts facts;
    const char* code;  // "" = applied
    bool remove;       // applied as a removal (false: a no-op)
  };
  const Row rows[] = {
      {"owner deletes her message", anna, removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
       owned_by("m-anna"), "", true},
      {"owner deletes a decision", anna, removal(RecordKind::decision, "d-1", 20), touchpoint_t1(), owned_by("m-anna"),
       "", true},
      {"lead deletes anyone's", lena, removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(), owned_by("m-anna"),
       "", true},
      {"someone else's customer", ben, removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(), owned_by("m-anna"),
       codes::not_owner, false},
      {"reassigned away after the device saw it", anna, removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
       CustomerFacts{true, "m-ben", 25, "m-ben"}, codes::reassigned, false},
      // The reassignment is older than what the device started from: plainly not hers.
      {"reassigned away before the device saw it", anna, removal(RecordKind::touchpoint, "t-1", 30), touchpoint_t1(),
       CustomerFacts{true, "m-ben", 25, "m-ben"}, codes::not_owner, false},
      {"customer missing on the server", anna, removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
       CustomerFacts{}, codes::not_owner, false},
      {"a customer, by its owner", anna, removal(RecordKind::customer, "c-1", 4), customer_c1(), owned_by("m-anna"),
       codes::forbidden, false},
      {"a customer, by a lead", lena, removal(RecordKind::customer, "c-1", 4), customer_c1(), owned_by("m-anna"),
       codes::forbidden, false},
      {"a customer that is gone already", anna, removal(RecordKind::customer, "c-9"), std::nullopt, CustomerFacts{},
       codes::forbidden, false},
      {"a manager, by a lead", lena, removal(RecordKind::manager, "m-ben"), std::nullopt, CustomerFacts{},
       codes::forbidden, false},
      {"a case (others refer to it)", anna, removal(RecordKind::case_, "k-1", 20), touchpoint_t1(),
       owned_by("m-anna"), codes::forbidden, false},
      {"already gone: deleting twice is deleting once", anna, removal(RecordKind::touchpoint, "t-1", 20),
       std::nullopt, owned_by("m-anna"), "", false},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Plan p = plan_mutation(row.who, "dev-A", row.m, row.current, row.facts, false);
    if (*row.code) {
      CHECK_FALSE(p.apply);
      CHECK(p.code == row.code);
      CHECK_FALSE(p.message.empty());
      CHECK_FALSE(p.remove);
    } else {
      REQUIRE(p.apply);
      CHECK(p.remove == row.remove);
      CHECK(p.noop == !row.remove);
      CHECK(p.conflicts.empty());
      CHECK_FALSE(p.owner_changes);
      if (row.remove) CHECK(p.body == row.current->body);  // what is taken away (its customer: the tombstone's)
    }
  }
}

TEST_CASE("delete refusals say what and whose") {
  Plan moved = plan_mutation(anna, "dev-A", removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
                             CustomerFacts{true, "m-ben", 25, "m-ben"}, false);
  CHECK(moved.code == codes::reassigned);
  CHECK(moved.message.find("c-1") != std::string::npos);
  CHECK(moved.message.find("m-ben") != std::string::npos);
  CHECK(moved.message.find("t-1") != std::string::npos);
  Plan other = plan_mutation(ben, "dev-B", removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
                             owned_by("m-anna"), false);
  CHECK(other.message.find("c-1") != std::string::npos);
  // A refusal must not depend on the fields the delete does not carry: the customer is
  // the STORED record's, whatever the mutation says.
  Mutation m = removal(RecordKind::touchpoint, "t-1", 20);
  m.fields = json{{"customer", "c-2"}};
  CHECK(plan_mutation(anna, "dev-A", m, touchpoint_t1(), owned_by("m-anna"), false).remove);
}
