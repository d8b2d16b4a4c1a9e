// apply_push: read current facts inside the transaction, let the pure plan decide,
// validate the result against the contract, write, audit.
#include "server/sync_apply.hpp"

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

MutationResult apply_one(StorageTxn& txn, const sync::Identity& who, const std::string& client_id,
                         const sync::Mutation& m, Affected& affected, const std::string& ip) {
  auto existing = txn.record(m.record_kind, m.record_id);
  const std::string cust =
      existing ? existing->customer : sync::customer_of(m.record_kind, m.record_id, m.fields);

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
  bool new_owner_exists = false;
  if (m.kind == sync::MutationKind::reassign) {
    new_owner_exists = txn.has_manager(m.new_owner);
  } else if (m.record_kind == RecordKind::customer && m.fields.contains("owner") &&
             m.fields["owner"].is_string()) {
    new_owner_exists = txn.has_manager(m.fields["owner"].get<std::string>());
  }

  std::optional<sync::ServerRecord> current;
  if (existing) current = existing->rec;
  sync::Plan plan = sync::plan_mutation(who, client_id, m, current, facts, new_owner_exists);
  if (!plan.apply) {
    if (plan.code != sync::codes::invalid && plan.code != sync::codes::not_found)
      txn.audit(AuditEntry{0, "denied", who.manager, std::string(to_string(m.record_kind)) + " " + m.record_id,
                           plan.code + ": " + plan.message, ip});
    return refused(m.mutation_id, plan.code, plan.message);
  }

  MutationResult r;
  r.mutation_id = m.mutation_id;
  if (plan.noop) {
    // A delete of a record that is gone already has no record to answer with (and no
    // seq: 0, as for a record that does not exist).
    if (!existing) return r;
    r.seq = existing->rec.seq;
    r.record = existing->rec.body;
    return r;
  }
  if (plan.remove) {
    r.seq = txn.delete_record(*existing, who.manager, client_id);
    r.record = json();  // gone
    if (auto owner = txn.owner_of(existing->customer)) affected.managers.insert(*owner);
    return r;
  }
  auto checked = check_record(m.record_kind, plan.body, txn);
  if (!checked.body) return refused(m.mutation_id, sync::codes::invalid, checked.error);
  keep_server_fields(m.record_kind, *checked.body, existing ? &existing->rec.body : nullptr);

  StoredRecord rec;
  rec.kind = m.record_kind;
  rec.id = m.record_id;
  rec.customer = sync::customer_of(m.record_kind, m.record_id, *checked.body);
  if (existing) rec.rec = existing->rec;
  const auto changed = sync::diff_fields(existing ? existing->rec.body : json::object(), *checked.body);
  if (changed.empty()) {
    r.seq = existing->rec.seq;
    r.record = existing->rec.body;
    return r;
  }
  rec.rec.body = std::move(*checked.body);
  const std::int64_t seq = txn.write_record(rec, changed, who.manager, client_id);

  if (plan.owner_changes) {
    txn.log_owner_change(OwnerChange{seq, rec.id, plan.old_owner, plan.new_owner});
    txn.audit(AuditEntry{0, "reassigned", who.manager, "customer " + rec.id,
                         "from " + plan.old_owner + " to " + plan.new_owner, ip});
    affected.managers.insert(plan.old_owner);
  }
  if (auto owner = txn.owner_of(rec.customer)) affected.managers.insert(*owner);
  if (!plan.conflicts.empty()) {
    json detail = json::array();
    for (const auto& c : plan.conflicts) detail.push_back(json{{"field", c.field}, {"yours", c.yours}, {"theirs", c.theirs}});
    txn.audit(AuditEntry{0, "conflict", who.manager, std::string(to_string(m.record_kind)) + " " + rec.id,
                         detail.dump(), ip});
    r.message = "applied over a change made on another device";
  }
  r.seq = seq;
  r.record = rec.rec.body;
  r.conflicts = std::move(plan.conflicts);
  return r;
}

}  // namespace

PushOutcome apply_push(ServerStorage& storage, const sync::Identity& who, const sync::PushRequest& req,
                       const std::string& ip) {
  PushOutcome out;
  auto txn = storage.begin();
  auto client = txn->client(req.client_id);
  if (client && client->manager_id != who.manager) {
    out.http_status = 403;
    out.error = "client_id " + req.client_id + " belongs to another account: use a new client id";
    txn->audit(AuditEntry{0, "denied", who.manager, "client " + req.client_id, out.error, ip});
    txn->commit();
    return out;
  }
  std::int64_t last = client ? client->last_mutation_id : 0;
  for (const auto& m : req.mutations) {
    MutationResult r;
    if (m.mutation_id <= last) {
      // Already processed (a retry after a lost response): the same answer, no effect.
      if (auto stored = txn->mutation_result(req.client_id, m.mutation_id)) {
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
    r = apply_one(*txn, who, req.client_id, m, out.affected, ip);
    txn->put_mutation_result(req.client_id, m.mutation_id, sync::to_json(r).dump());
    last = m.mutation_id;
    out.response.results.push_back(std::move(r));
  }
  txn->put_client(ClientState{req.client_id, who.manager, last});
  out.response.cursor = txn->cursor();
  txn->commit();
  return out;
}

}  // namespace cockpit::server
