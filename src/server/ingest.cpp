#include "server/ingest.hpp"

#include <map>
#include <optional>
#include <set>

#include "domain/fields.hpp"
#include "server/record_check.hpp"

namespace cockpit::server {

using sync::json;

namespace {

// Why a manager record of the document may not be applied, or "" when it equals the
// stored one. `pos`: its place in the document's list of managers.
std::string manager_refusal(const std::optional<StoredRecord>& existing, const std::string& id, std::size_t pos,
                            const std::vector<std::string>& changed) {
  const std::string where = "managers[" + std::to_string(pos) + "] " + id;
  const char* why = ": only the admin commands (cockpit-server add-manager, reset-password) manage accounts";
  if (!existing) return where + ": ingest cannot create a manager" + why;
  return where + ": field \"" + changed.front() + "\": ingest cannot change a manager" + why;
}

}  // namespace

IngestOutcome ingest_document(ServerStorage& storage, std::string_view text, const std::string& actor,
                              const std::string& ip, ManagerRecords managers) {
  auto txn = storage.begin();
  IngestOutcome out = ingest_in(*txn, text, actor, ip, managers);
  if (out.ok) txn->commit();
  return out;  // else rolled back: nothing of it applied
}

namespace {

// Records looked up ahead at a time (StorageTxn::prefetch_records): one round trip per
// chunk on PostgreSQL instead of two per record. Also the records whose canonical forms
// are held at once: built a chunk at a time, a big book's never all are.
constexpr std::size_t kLookAhead = 2000;

void look_ahead(StorageTxn& txn, const std::vector<KindBody>& records) {
  std::vector<std::pair<RecordKind, std::string>> keys;
  std::set<std::string> customers;
  for (const KindBody& r : records) {
    keys.emplace_back(r.kind, r.id);
    if (r.kind != RecordKind::manager) customers.insert(sync::customer_of(r.kind, r.id, r.body));
  }
  txn.prefetch_records(keys, std::vector<std::string>(customers.begin(), customers.end()));
}

// One ingest: which of Cockpit's own fields each record names, its outcome so far.
struct Ingest {
  StorageTxn& txn;
  const decltype(ParsedDocument::own_named)& own_named;
  const std::string& actor;
  const std::string& ip;
  ManagerRecords managers;
  IngestOutcome& out;
};

// The record's body as it will be stored: Cockpit's own fields the document does not
// name keep their stored value (the contract reader noted which each record names,
// ParsedDocument::own_named), and the server's fields are the server's.
json merged_body(Ingest& in, KindBody& kb, std::size_t pos, const std::optional<StoredRecord>& existing) {
  json body = std::move(kb.body);
  const auto& named = in.own_named[static_cast<std::size_t>(kb.kind)];
  if (existing && pos < named.size()) {
    const auto& own = own_fields(kb.kind);
    for (std::size_t i = 0; i < own.size() && i < 32; ++i)
      if (!(named[pos] & (std::uint32_t{1} << i)) && existing->rec.body.contains(own[i]))
        body[own[i]] = existing->rec.body[own[i]];
  }
  keep_server_fields(kb.kind, body, existing ? &existing->rec.body : nullptr);
  return body;
}

// Applies one record; false when it is refused (the outcome says why).
bool apply_record(Ingest& in, KindBody& kb, std::size_t pos) {
  StorageTxn& txn = in.txn;
  IngestOutcome& out = in.out;
  auto existing = txn.record(kb.kind, kb.id);
  json body = merged_body(in, kb, pos, existing);
  const auto changed = sync::diff_fields(existing ? existing->rec.body : json::object(), body);
  if (changed.empty()) return true;
  if (kb.kind == RecordKind::manager && in.managers == ManagerRecords::read_only) {
    out.status = 403;
    out.code = "managers_read_only";
    out.errors = {manager_refusal(existing, kb.id, pos, changed)};
    return false;  // the caller rolls back: nothing of the document applied
  }
  StoredRecord rec;
  rec.kind = kb.kind;
  rec.id = kb.id;
  rec.customer = sync::customer_of(kb.kind, kb.id, body);
  if (existing) rec.rec = existing->rec;
  std::string old_owner = existing && kb.kind == RecordKind::customer ? existing->rec.body.value("owner", "") : "";
  rec.rec.body = std::move(body);
  const std::int64_t seq = txn.write_record(rec, changed, in.actor, "");
  ++out.changed;
  if (kb.kind == RecordKind::manager) {
    out.affected.everyone = true;
    return true;
  }
  const std::string new_owner = kb.kind == RecordKind::customer ? rec.rec.body.value("owner", "") : "";
  if (!old_owner.empty() && old_owner != new_owner) {
    txn.log_owner_change(OwnerChange{seq, rec.id, old_owner, new_owner});
    txn.audit(AuditEntry{0, "reassigned", in.actor, "customer " + rec.id, "from " + old_owner + " to " + new_owner,
                         in.ip});
    out.affected.managers.insert(old_owner);
  }
  if (auto owner = txn.owner_of(rec.customer)) out.affected.managers.insert(*owner);
  return true;
}

}  // namespace

IngestOutcome ingest_in(StorageTxn& txn, std::string_view text, const std::string& actor, const std::string& ip,
                        ManagerRecords managers) {
  IngestOutcome out;
  ParsedDocument parsed = parse_document(text, &txn);
  if (!parsed.ok()) {
    out.errors = std::move(parsed.errors);
    return out;  // nothing of it written
  }
  out.records = record_count(parsed.book);
  Ingest in{txn, parsed.own_named, actor, ip, managers, out};
  std::map<RecordKind, std::size_t> index;
  for (std::size_t from = 0; from < out.records; from += kLookAhead) {
    auto records = canonical_records(parsed.book, from, kLookAhead);
    look_ahead(txn, records);
    for (KindBody& r : records)
      if (!apply_record(in, r, index[r.kind]++)) return out;
  }
  txn.audit(AuditEntry{0, "ingest", actor, std::to_string(out.records) + " records",
                       std::to_string(out.changed) + " changed", ip});
  out.cursor = txn.cursor();
  out.ok = true;
  return out;
}

}  // namespace cockpit::server
