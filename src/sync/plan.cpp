// plan_mutation: authorization, immutable fields and the per-field merge of one
// mutation. Order of checks matters: authorization first (a refusal must not leak
// whether a field would have conflicted), then immutables, then the merge. A manager is
// refused alike for another manager's customer and for one that does not exist: a
// refusal must not confirm that someone else's customer is there.
#include "sync/plan.hpp"

#include <set>
#include <utility>

namespace cockpit::sync {

namespace {

Plan refuse(const char* code, std::string message) {
  Plan p;
  p.code = code;
  p.message = std::move(message);
  return p;
}

std::string str_field(const json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool is_manager_sender(const std::string& sender) {
  return !sender.empty() && sender != "customer" && !is_system_sender(sender);
}

// Refusal for someone who does not own the customer now.
Plan refuse_owner(const Identity& who, const Mutation& m, const std::string& customer,
                  const CustomerFacts& facts) {
  // "reassigned": the customer was this manager's and moved away after the device last
  // saw it; the queued edit is refused and the device must show it to the manager.
  if (facts.reassigned_away_seq > 0 && facts.reassigned_away_seq > m.base_seq)
    return refuse(codes::reassigned, "customer " + customer + " was reassigned to " + facts.reassigned_to +
                                         "; this change to " + std::string(to_string(m.record_kind)) + " " +
                                         m.record_id + " was not applied");
  (void)who;
  return refuse(codes::not_owner, "customer " + customer + " is not one of your customers");
}

}  // namespace

json stamps_to_json(const std::map<std::string, FieldStamp>& stamps) {
  json j = json::object();
  for (const auto& [k, v] : stamps) j[k] = json::array({v.seq, v.client});
  return j;
}

std::map<std::string, FieldStamp> stamps_from_json(const json& j) {
  std::map<std::string, FieldStamp> out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const json& v = it.value();
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_string())
      out[it.key()] = FieldStamp{v[0].get<std::int64_t>(), v[1].get<std::string>()};
  }
  return out;
}

std::string customer_of(RecordKind kind, const std::string& id, const json& body) {
  if (kind == RecordKind::manager) return {};
  if (kind == RecordKind::customer) return id;
  return str_field(body, "customer");
}

std::vector<std::string> diff_fields(const json& before, const json& after) {
  std::set<std::string> keys;
  if (before.is_object())
    for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
  if (after.is_object())
    for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
  std::vector<std::string> out;
  static const json kMissing;  // null: a field absent on one side
  for (const auto& k : keys) {
    const json& a = before.is_object() && before.contains(k) ? before[k] : kMissing;
    const json& b = after.is_object() && after.contains(k) ? after[k] : kMissing;
    if (a != b) out.push_back(k);
  }
  return out;
}

namespace {

// Kinds and operations no device may ask for, whatever it owns.
std::optional<Plan> refuse_by_kind(const Mutation& m) {
  if (m.record_kind == RecordKind::manager)
    return refuse(codes::forbidden, "managers are administered on the server, not synced from devices");
  // Only what an action creates is ever taken back (undo of a message, a note, a
  // dismissal). A customer ends by becoming former, a case by being fulfilled or
  // cancelled: never by deletion, whatever the state (the other records point to them,
  // and a deleted case would leave them pointing at nothing on every device).
  if (m.kind == MutationKind::remove && m.record_kind == RecordKind::customer)
    return refuse(codes::forbidden, "customers are not deleted: mark them former instead");
  if (m.kind == MutationKind::remove && m.record_kind == RecordKind::case_)
    return refuse(codes::forbidden, "cases are not deleted: mark them fulfilled or cancelled instead");
  return std::nullopt;
}

// A reassignment (a lead only), by its own mutation or by an upsert that changes owner.
std::optional<Plan> check_reassignment(const Identity& who, const Mutation& m, const std::optional<ServerRecord>& current,
                                       const CustomerFacts& customer, bool new_owner_exists) {
  if (!who.is_lead()) {
    // A manager's queued edit of a customer reassigned away reads better as that.
    if (!current || customer.owner != who.manager) return refuse_owner(who, m, m.record_id, customer);
    return refuse(codes::forbidden, "only a lead may reassign customers");
  }
  if (!current) return refuse(codes::not_found, "no customer " + m.record_id);
  const std::string new_owner = m.kind == MutationKind::reassign ? m.new_owner : str_field(m.fields, "owner");
  if (!new_owner_exists) return refuse(codes::not_found, "no manager \"" + new_owner + "\"");
  return std::nullopt;
}

// Authorization against the CURRENT owner of the record's customer `cust`.
std::optional<Plan> check_owner(const Identity& who, const Mutation& m, const std::optional<ServerRecord>& current,
                                const CustomerFacts& customer, const std::string& cust) {
  if (m.record_kind == RecordKind::customer && !current) {
    if (m.kind != MutationKind::upsert) return refuse(codes::not_found, "no customer " + m.record_id);
    const std::string owner = str_field(m.fields, "owner");
    if (owner.empty()) return refuse(codes::invalid, "customers " + m.record_id + ": field \"owner\" missing");
    if (!who.is_lead() && owner != who.manager)
      return refuse(codes::not_owner, "a new customer must be owned by you, not " + owner);
    return std::nullopt;
  }
  if (cust.empty())
    return refuse(codes::invalid, std::string(list_name(m.record_kind)) + " " + m.record_id +
                                      ": field \"customer\" missing");
  if (!customer.exists && !who.is_lead()) return refuse_owner(who, m, cust, customer);
  if (!customer.exists) return refuse(codes::not_found, "no customer " + cust);
  if (!who.is_lead() && customer.owner != who.manager) return refuse_owner(who, m, cust, customer);
  return std::nullopt;
}

Plan plan_reassign(const Mutation& m, const ServerRecord& current) {
  Plan p;
  p.apply = true;
  p.body = current.body;
  p.old_owner = str_field(p.body, "owner");
  p.new_owner = m.new_owner;
  if (p.old_owner == p.new_owner) {
    p.noop = true;
    return p;
  }
  p.body["owner"] = m.new_owner;
  p.changed_fields = {"owner"};
  p.owner_changes = true;
  return p;
}

// Fields an upsert may not set: another id, another customer, another sender or decider.
std::optional<Plan> check_upsert_fields(const Identity& who, const Mutation& m,
                                        const std::optional<ServerRecord>& current, const std::string& cust) {
  const json& f = m.fields;
  if (f.contains("id") && f["id"] != json(m.record_id))
    return refuse(codes::invalid, "fields.id \"" + str_field(f, "id") + "\" differs from record_id");
  if (current && m.record_kind != RecordKind::customer && f.contains("customer") &&
      f["customer"] != current->body.value("customer", json()))
    return refuse(codes::immutable, std::string(list_name(m.record_kind)) + " " + m.record_id +
                                        ": field \"customer\" cannot change (it belongs to " + cust + ")");
  // A manager speaks only for themselves: messages and decisions carry their own id.
  if (m.record_kind == RecordKind::touchpoint || m.record_kind == RecordKind::scheduled) {
    const std::string sender = str_field(f, "sender");
    if (is_manager_sender(sender) && sender != who.manager && !who.is_lead())
      return refuse(codes::forbidden, "field \"sender\": a manager may only send as themselves");
  }
  if (m.record_kind == RecordKind::decision && f.contains("by") && f["by"] != json(who.manager))
    return refuse(codes::forbidden, "field \"by\": a decision is recorded as made by you");
  return std::nullopt;
}

// Merge per field, last writer by server order; a field changed since the device's
// base_seq by another client is a conflict (applied, and reported).
Plan plan_upsert(const std::string& client_id, const Mutation& m, const std::optional<ServerRecord>& current) {
  Plan p;
  p.apply = true;
  const json& f = m.fields;
  if (!current) {
    p.body = f;
    p.body["id"] = m.record_id;
    for (auto it = p.body.begin(); it != p.body.end(); ++it) p.changed_fields.push_back(it.key());
    return p;
  }
  p.body = current->body;
  for (auto it = f.begin(); it != f.end(); ++it) {
    const std::string& k = it.key();
    if (k == "id") continue;
    json theirs = p.body.contains(k) ? p.body[k] : json();
    if (theirs == it.value()) continue;
    // Every write stamps the fields it changes, so a field without a stamp has not
    // changed since the record was created (e.g. created null): no edit can have
    // crossed this one.
    FieldStamp stamp{0, ""};
    if (auto s = current->fields.find(k); s != current->fields.end()) stamp = s->second;
    const bool concurrent = stamp.seq > m.base_seq && (stamp.client.empty() || stamp.client != client_id);
    if (concurrent) p.conflicts.push_back(Conflict{k, it.value(), theirs});
    p.body[k] = it.value();
    p.changed_fields.push_back(k);
  }
  p.noop = p.changed_fields.empty();
  return p;
}

}  // namespace

Plan plan_mutation(const Identity& who, const std::string& client_id, const Mutation& m,
                   const std::optional<ServerRecord>& current, const CustomerFacts& customer,
                   bool new_owner_exists) {
  if (auto no = refuse_by_kind(m)) return *no;
  if (m.kind == MutationKind::remove && !current) {
    Plan p;  // already gone: deleting twice is deleting once
    p.apply = true;
    p.noop = true;
    return p;
  }
  const bool owner_in_upsert = m.kind == MutationKind::upsert && m.record_kind == RecordKind::customer &&
                               current && m.fields.contains("owner") &&
                               m.fields["owner"] != current->body.value("owner", json());
  if (m.kind == MutationKind::reassign || owner_in_upsert)
    if (auto no = check_reassignment(who, m, current, customer, new_owner_exists)) return *no;
  const std::string cust = current ? customer_of(m.record_kind, m.record_id, current->body)
                                   : customer_of(m.record_kind, m.record_id, m.fields);
  if (auto no = check_owner(who, m, current, customer, cust)) return *no;

  if (m.kind == MutationKind::remove) {
    Plan p;
    p.apply = true;
    p.remove = true;
    p.body = current->body;
    return p;
  }
  if (m.kind == MutationKind::reassign) return plan_reassign(m, *current);
  if (auto no = check_upsert_fields(who, m, current, cust)) return *no;
  Plan p = plan_upsert(client_id, m, current);
  if (owner_in_upsert) {
    p.owner_changes = true;
    p.old_owner = str_field(current->body, "owner");
    p.new_owner = str_field(p.body, "owner");
  }
  return p;
}

}  // namespace cockpit::sync
