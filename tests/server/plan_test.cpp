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

CustomerFacts owned_by(const std::string& owner) { return CustomerFacts{.exists = true, .owner = owner}; }
// A customer that was reassigned away from the asking manager at `seq`, now `owner`'s.
CustomerFacts reassigned_away(const std::string& owner, std::int64_t seq) {
  return CustomerFacts{.exists = true, .owner = owner, .reassigned_away_seq = seq, .reassigned_to = owner};
}
// No such customer on the server (or a new customer).
const CustomerFacts kNoCustomer{};
// plan_mutation's last argument, for the calls that name it.
constexpr bool kNewOwnerExists = true, kNoSuchNewOwner = false;

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
    std::optional<ServerRecord> current;  // nullopt: a new record
    CustomerFacts customer;
    bool new_owner_exists = false;
    const char* refused_with = "";  // "" = applied
  };
  const auto edit_p1 = upsert(RecordKind::promise, "p-1", {{"text", "x"}}, 10);
  const auto new_case_for = [](const char* customer) {
    return upsert(RecordKind::case_, "k-9", {{"customer", customer}});
  };
  const Row rows[] = {
      {.name = "own promise", .who = anna, .m = edit_p1, .current = promise_p1(), .customer = owned_by("m-anna")},
      {.name = "other's promise", .who = anna, .m = edit_p1, .current = promise_p1(), .customer = owned_by("m-ben"),
       .refused_with = codes::not_owner},
      {.name = "lead edits anyone's", .who = lena, .m = edit_p1, .current = promise_p1(),
       .customer = owned_by("m-ben")},
      {.name = "reassigned away", .who = anna, .m = edit_p1, .current = promise_p1(),
       .customer = reassigned_away("m-ben", 11), .refused_with = codes::reassigned},
      {.name = "new case for other's customer", .who = anna, .m = new_case_for("c-1"), .customer = owned_by("m-ben"),
       .refused_with = codes::not_owner},
      // A manager cannot tell a missing customer from someone else's (issue 16): the same refusal.
      {.name = "new case for missing customer", .who = anna, .m = new_case_for("c-x"), .customer = kNoCustomer,
       .refused_with = codes::not_owner},
      {.name = "lead: new case for missing customer", .who = lena, .m = new_case_for("c-x"), .customer = kNoCustomer,
       .refused_with = codes::not_found},
      {.name = "new customer for someone else", .who = anna,
       .m = upsert(RecordKind::customer, "c-9", {{"owner", "m-ben"}}), .customer = kNoCustomer,
       .new_owner_exists = true, .refused_with = codes::not_owner},
      {.name = "new customer for self", .who = anna, .m = upsert(RecordKind::customer, "c-9", {{"owner", "m-anna"}}),
       .customer = kNoCustomer, .new_owner_exists = true},
      {.name = "manager records are not synced", .who = lena, .m = upsert(RecordKind::manager, "m-x", {{"name", "x"}}),
       .customer = kNoCustomer, .refused_with = codes::forbidden},
      {.name = "touchpoint sent as another manager", .who = anna,
       .m = upsert(RecordKind::touchpoint, "t-9", {{"customer", "c-1"}, {"sender", "m-ben"}}),
       .customer = owned_by("m-anna"), .refused_with = codes::forbidden},
      {.name = "decision by another manager", .who = anna,
       .m = upsert(RecordKind::decision, "d-9", {{"customer", "c-1"}, {"by", "m-ben"}}),
       .customer = owned_by("m-anna"), .refused_with = codes::forbidden},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    Plan p = plan_mutation(row.who, "dev-A", row.m, row.current, row.customer, row.new_owner_exists);
    if (*row.refused_with) {
      CHECK_FALSE(p.apply);
      CHECK(p.code == row.refused_with);
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
  CHECK(plan_mutation(anna, "d", m, c, owned_by("m-anna"), kNewOwnerExists).code == codes::forbidden);
  // Someone else's customer and one that does not exist read the same to a manager.
  const Plan others = plan_mutation(anna, "d", m, c, owned_by("m-ben"), kNewOwnerExists);
  const Plan missing = plan_mutation(anna, "d", m, std::nullopt, kNoCustomer, kNewOwnerExists);
  CHECK(others.code == codes::not_owner);
  CHECK(missing.code == others.code);
  CHECK(missing.message == others.message);
  CHECK(plan_mutation(lena, "d", m, c, owned_by("m-anna"), kNoSuchNewOwner).code == codes::not_found);
  Plan p = plan_mutation(lena, "d", m, c, owned_by("m-anna"), kNewOwnerExists);
  REQUIRE(p.apply);
  CHECK(p.owner_changes);
  CHECK(p.old_owner == "m-anna");
  CHECK(p.new_owner == "m-ben");
  CHECK(p.body["owner"] == "m-ben");
  // Changing "owner" through an upsert is a reassignment too, with the same rule.
  auto u = upsert(RecordKind::customer, "c-1", {{"owner", "m-ben"}}, 4);
  CHECK(plan_mutation(anna, "d", u, c, owned_by("m-anna"), kNewOwnerExists).code == codes::forbidden);
  CHECK(plan_mutation(lena, "d", u, c, owned_by("m-anna"), kNewOwnerExists).owner_changes);
}

TEST_CASE("a record cannot move to another customer") {
  auto m = upsert(RecordKind::promise, "p-1", {{"customer", "c-2"}}, 10);
  Plan p = plan_mutation(anna, "dev-A", m, promise_p1(), owned_by("m-anna"), kNoSuchNewOwner);
  CHECK(p.code == codes::immutable);
}

TEST_CASE("per-field merge: last writer by server order, concurrent edits reported") {
  struct Row {
    const char* name;
    json sent;                           // the fields the mutation carries
    std::int64_t base_seq;               // what the device had seen
    const char* from;                    // the device it comes from
    std::vector<std::string> conflicts;  // reported to the device
    std::vector<std::string> changed;    // what the server stores anew
  };
  const json new_due = {{"due_at", "2026-12-01T10:00:00Z"}};
  const Row rows[] = {
      // dev-B moved due_at at seq 10; dev-A started from seq 5.
      {.name = "other field: no conflict", .sent = {{"status", "kept"}}, .base_seq = 5, .from = "dev-A",
       .conflicts = {}, .changed = {"status"}},
      {.name = "same field, other device", .sent = new_due, .base_seq = 5, .from = "dev-A", .conflicts = {"due_at"},
       .changed = {"due_at"}},
      {.name = "same field, same value", .sent = {{"due_at", "2026-11-20T10:00:00Z"}}, .base_seq = 5, .from = "dev-A",
       .conflicts = {}, .changed = {}},
      {.name = "same field, device saw it", .sent = new_due, .base_seq = 10, .from = "dev-A", .conflicts = {},
       .changed = {"due_at"}},
      {.name = "same field, own earlier write", .sent = new_due, .base_seq = 5, .from = "dev-B", .conflicts = {},
       .changed = {"due_at"}},
      // kept_at has no stamp: not changed since the record was created, whatever its seq.
      {.name = "unstamped field: no conflict", .sent = {{"kept_at", "2026-11-21T10:00:00Z"}}, .base_seq = 5,
       .from = "dev-A", .conflicts = {}, .changed = {"kept_at"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    auto m = upsert(RecordKind::promise, "p-1", row.sent, row.base_seq);
    Plan p = plan_mutation(anna, row.from, m, promise_p1(), owned_by("m-anna"), kNoSuchNewOwner);
    REQUIRE(p.apply);
    std::vector<std::string> got;
    for (const auto& c : p.conflicts) got.push_back(c.field);
    CHECK(got == row.conflicts);
    CHECK(p.changed_fields == row.changed);
    CHECK(p.noop == row.changed.empty());
    for (auto it = row.sent.begin(); it != row.sent.end(); ++it) CHECK(p.body[it.key()] == it.value());
    CHECK(p.body["text"] == "deliver");  // fields not sent keep the server's value
  }
  // The conflict carries both values so the manager can be shown what was replaced.
  auto m = upsert(RecordKind::promise, "p-1", {{"due_at", "2026-12-01T10:00:00Z"}}, 5);
  Plan p = plan_mutation(anna, "dev-A", m, promise_p1(), owned_by("m-anna"), kNoSuchNewOwner);
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
    std::optional<ServerRecord> current;  // nullopt: not (or no longer) on the server
    CustomerFacts customer;
    const char* refused_with = "";  // "" = applied
    bool removes = false;           // applied as a removal (false: a no-op)
  };
  const auto remove_t1 = removal(RecordKind::touchpoint, "t-1", 20);
  const Row rows[] = {
      {.name = "owner deletes her message", .who = anna, .m = remove_t1, .current = touchpoint_t1(),
       .customer = owned_by("m-anna"), .removes = true},
      {.name = "owner deletes a decision", .who = anna, .m = removal(RecordKind::decision, "d-1", 20),
       .current = touchpoint_t1(), .customer = owned_by("m-anna"), .removes = true},
      {.name = "lead deletes anyone's", .who = lena, .m = remove_t1, .current = touchpoint_t1(),
       .customer = owned_by("m-anna"), .removes = true},
      {.name = "someone else's customer", .who = ben, .m = remove_t1, .current = touchpoint_t1(),
       .customer = owned_by("m-anna"), .refused_with = codes::not_owner},
      {.name = "reassigned away after the device saw it", .who = anna, .m = remove_t1, .current = touchpoint_t1(),
       .customer = reassigned_away("m-ben", 25), .refused_with = codes::reassigned},
      // The reassignment is older than what the device started from: plainly not hers.
      {.name = "reassigned away before the device saw it", .who = anna,
       .m = removal(RecordKind::touchpoint, "t-1", 30), .current = touchpoint_t1(),
       .customer = reassigned_away("m-ben", 25), .refused_with = codes::not_owner},
      {.name = "customer missing on the server", .who = anna, .m = remove_t1, .current = touchpoint_t1(),
       .customer = kNoCustomer, .refused_with = codes::not_owner},
      {.name = "a customer, by its owner", .who = anna, .m = removal(RecordKind::customer, "c-1", 4),
       .current = customer_c1(), .customer = owned_by("m-anna"), .refused_with = codes::forbidden},
      {.name = "a customer, by a lead", .who = lena, .m = removal(RecordKind::customer, "c-1", 4),
       .current = customer_c1(), .customer = owned_by("m-anna"), .refused_with = codes::forbidden},
      {.name = "a customer that is gone already", .who = anna, .m = removal(RecordKind::customer, "c-9"),
       .customer = kNoCustomer, .refused_with = codes::forbidden},
      {.name = "a manager, by a lead", .who = lena, .m = removal(RecordKind::manager, "m-ben"),
       .customer = kNoCustomer, .refused_with = codes::forbidden},
      {.name = "a case (others refer to it)", .who = anna, .m = removal(RecordKind::case_, "k-1", 20),
       .current = touchpoint_t1(), .customer = owned_by("m-anna"), .refused_with = codes::forbidden},
      {.name = "already gone: deleting twice is deleting once", .who = anna, .m = remove_t1,
       .customer = owned_by("m-anna")},
  };
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Plan p = plan_mutation(row.who, "dev-A", row.m, row.current, row.customer, kNoSuchNewOwner);
    if (*row.refused_with) {
      CHECK_FALSE(p.apply);
      CHECK(p.code == row.refused_with);
      CHECK_FALSE(p.message.empty());
      CHECK_FALSE(p.remove);
    } else {
      REQUIRE(p.apply);
      CHECK(p.remove == row.removes);
      CHECK(p.noop == !row.removes);
      CHECK(p.conflicts.empty());
      CHECK_FALSE(p.owner_changes);
      if (row.removes) CHECK(p.body == row.current->body);  // what is taken away (its customer: the tombstone's)
    }
  }
}

TEST_CASE("delete refusals say what and whose") {
  Plan moved = plan_mutation(anna, "dev-A", removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
                             reassigned_away("m-ben", 25), kNoSuchNewOwner);
  CHECK(moved.code == codes::reassigned);
  CHECK(moved.message.find("c-1") != std::string::npos);
  CHECK(moved.message.find("m-ben") != std::string::npos);
  CHECK(moved.message.find("t-1") != std::string::npos);
  Plan other = plan_mutation(ben, "dev-B", removal(RecordKind::touchpoint, "t-1", 20), touchpoint_t1(),
                             owned_by("m-anna"), kNoSuchNewOwner);
  CHECK(other.message.find("c-1") != std::string::npos);
  // A refusal must not depend on the fields the delete does not carry: the customer is
  // the STORED record's, whatever the mutation says.
  Mutation m = removal(RecordKind::touchpoint, "t-1", 20);
  m.fields = json{{"customer", "c-2"}};
  CHECK(plan_mutation(anna, "dev-A", m, touchpoint_t1(), owned_by("m-anna"), kNoSuchNewOwner).remove);
}
