// apply_push: read current facts inside the transaction, let the pure plan decide,
// validate the result against the contract, write, audit.
#include "server/sync_apply.hpp"

#include <optional>
#include <string>

#include "server/record_check.hpp"

namespace cockpit::server {

using sync::json;
using sync::MutationResult;
using sync::MutationStatus;

namespace {

MutationResult refused(std::int64_t id, std::string code, std::string message) {
  MutationResult r;
  r.mutation_id = id;
  r.status = MutationStatus::refused;
  r.code = std::move(code);
  r.message = std::move(message);
  return r;
}

// One mutation being applied: who sends it, from which device, what it touches.
struct Applying {
  StorageTxn& txn;
  const sync::Identity& who;
  const std::string& client_id;
  const sync::Mutation& m;
  Affected& affected;
  const std::string& ip;
  std::optional<StoredRecord> existing;  // the record as stored (nullopt: new)
};

// What the plan needs to know about the record's customer, read inside the transaction.
sync::CustomerFacts customer_facts(StorageTxn& txn, const sync::Identity& who, const std::string& cust) {
  sync::CustomerFacts facts;
  if (auto owner = txn.owner_of(cust)) {
    facts.exists = true;
    facts.owner = *owner;
    if (*owner != who.manager) {
      if (auto ch = txn.last_owner_change_from(cust, who.manager)) {
        facts.reassigned_away_seq = ch->seq;
        facts.reassigned_to = *owner;
      }
    }
  }
  return facts;
}

// Whether the manager a reassignment (or a customer's `owner` field) names exists.
bool new_owner_exists(StorageTxn& txn, const sync::Mutation& m) {
  if (m.kind == sync::MutationKind::reassign) return txn.has_manager(m.new_owner);
  if (m.record_kind == RecordKind::customer && m.fields.contains("owner") && m.fields["owner"].is_string())
    return txn.has_manager(m.fields["owner"].get<std::string>());
  return false;
}

sync::Plan plan_for(const Applying& a) {
  const sync::Mutation& m = a.m;
  const std::string cust =
      a.existing ? a.existing->customer : sync::customer_of(m.record_kind, m.record_id, m.fields);
  const sync::CustomerFacts facts = customer_facts(a.txn, a.who, cust);
  const bool owner_exists = new_owner_exists(a.txn, m);
  std::optional<sync::ServerRecord> current;
  if (a.existing) current = a.existing->rec;
  return sync::plan_mutation(a.who, a.client_id, m, current, facts, owner_exists);
}

// A refusal, audited unless the mutation was merely malformed or about nothing.
MutationResult refuse_plan(const Applying& a, const sync::Plan& plan) {
  if (plan.code != sync::codes::invalid && plan.code != sync::codes::not_found)
    a.txn.audit(AuditEntry{0, "denied", a.who.manager, std::string(to_string(a.m.record_kind)) + " " + a.m.record_id,
                           plan.code + ": " + plan.message, a.ip});
  return refused(a.m.mutation_id, plan.code, plan.message);
}

// The answer for a mutation that changes nothing: the record as stored. A delete of a
// record that is gone already has no record to answer with (and no seq: 0, as for a
// record that does not exist).
MutationResult answer_as_stored(const Applying& a) {
  MutationResult r;
  r.mutation_id = a.m.mutation_id;
  if (!a.existing) return r;
  r.seq = a.existing->rec.seq;
  r.record = a.existing->rec.body;
  return r;
}

MutationResult remove_record(Applying& a) {
  MutationResult r;
  r.mutation_id = a.m.mutation_id;
  r.seq = a.txn.delete_record(*a.existing, a.who.manager, a.client_id);
  r.record = json();  // gone
  if (auto owner = a.txn.owner_of(a.existing->customer)) a.affected.managers.insert(*owner);
  return r;
}

// A reassignment written at `seq`: logged for the devices, audited, and the old owner told.
void record_owner_change(Applying& a, const sync::Plan& plan, const std::string& customer_id, std::int64_t seq) {
  a.txn.log_owner_change(OwnerChange{seq, customer_id, plan.old_owner, plan.new_owner});
  a.txn.audit(AuditEntry{0, "reassigned", a.who.manager, "customer " + customer_id,
                         "from " + plan.old_owner + " to " + plan.new_owner, a.ip});
  a.affected.managers.insert(plan.old_owner);
}

void audit_conflicts(Applying& a, const sync::Plan& plan, const std::string& record_id) {
  json detail = json::array();
  for (const auto& c : plan.conflicts) detail.push_back(json{{"field", c.field}, {"yours", c.yours}, {"theirs", c.theirs}});
  a.txn.audit(AuditEntry{0, "conflict", a.who.manager, std::string(to_string(a.m.record_kind)) + " " + record_id,
                         detail.dump(), a.ip});
}

// Validates the planned record against the contract and writes the fields that change.
MutationResult write_planned(Applying& a, sync::Plan& plan) {
  const sync::Mutation& m = a.m;
  auto checked = check_record(m.record_kind, plan.body, a.txn);
  if (!checked.body) return refused(m.mutation_id, sync::codes::invalid, checked.error);
  keep_server_fields(m.record_kind, *checked.body, a.existing ? &a.existing->rec.body : nullptr);

  StoredRecord rec;
  rec.kind = m.record_kind;
  rec.id = m.record_id;
  rec.customer = sync::customer_of(m.record_kind, m.record_id, *checked.body);
  if (a.existing) rec.rec = a.existing->rec;
  const auto changed = sync::diff_fields(a.existing ? a.existing->rec.body : json::object(), *checked.body);
  if (changed.empty()) return answer_as_stored(a);
  rec.rec.body = std::move(*checked.body);
  const std::int64_t seq = a.txn.write_record(rec, changed, a.who.manager, a.client_id);

  if (plan.owner_changes) record_owner_change(a, plan, rec.id, seq);
  if (auto owner = a.txn.owner_of(rec.customer)) a.affected.managers.insert(*owner);
  MutationResult r;
  r.mutation_id = m.mutation_id;
  if (!plan.conflicts.empty()) {
    audit_conflicts(a, plan, rec.id);
    r.message = "applied over a change made on another device";
  }
  r.seq = seq;
  r.record = rec.rec.body;
  r.conflicts = std::move(plan.conflicts);
  return r;
}

// Reads the facts, lets the pure plan decide, then refuses, answers, removes or writes.
MutationResult apply_one(StorageTxn& txn, const sync::Identity& who, const std::string& client_id,
                         const sync::Mutation& m, Affected& affected, const std::string& ip) {
  Applying a{txn, who, client_id, m, affected, ip, txn.record(m.record_kind, m.record_id)};
  sync::Plan plan = plan_for(a);
  if (!plan.apply) return refuse_plan(a, plan);
  if (plan.noop) return answer_as_stored(a);
  if (plan.remove) return remove_record(a);
  return write_planned(a, plan);
}

}  // namespace

PushOutcome apply_push(StorageTxn& txn, const sync::Identity& who, const sync::PushRequest& req,
                       const std::string& ip) {
  PushOutcome out;
  auto client = txn.client(req.client_id);
  if (client && client->manager_id != who.manager) {
    out.http_status = 403;
    out.error = "client_id " + req.client_id + " belongs to another account: use a new client id";
    txn.audit(AuditEntry{0, "denied", who.manager, "client " + req.client_id, out.error, ip});
    return out;
  }
  std::int64_t last = client ? client->last_mutation_id : 0;
  for (const auto& m : req.mutations) {
    MutationResult r;
    if (m.mutation_id <= last) {
      // Already processed (a retry after a lost response): the same answer, no effect.
      if (auto stored = txn.mutation_result(req.client_id, m.mutation_id)) {
        auto d = sync::decode_result(json::parse(*stored));
        if (d.ok()) r = std::move(*d.value);
      } else {
        r = refused(m.mutation_id, "already_processed", "processed long ago; its result is no longer kept");
      }
      r.mutation_id = m.mutation_id;
      r.replayed = true;
      out.response.results.push_back(std::move(r));
      continue;
    }
    r = apply_one(txn, who, req.client_id, m, out.affected, ip);
    txn.put_mutation_result(req.client_id, m.mutation_id, sync::to_json(r).dump());
    last = m.mutation_id;
    out.response.results.push_back(std::move(r));
  }
  txn.put_client(ClientState{req.client_id, who.manager, last});
  out.response.cursor = txn.cursor();
  return out;
}

}  // namespace cockpit::server
