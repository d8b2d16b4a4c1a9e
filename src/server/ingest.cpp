#include "server/ingest.hpp"

#include <map>
#include <optional>

#include "domain/fields.hpp"
#include "server/record_check.hpp"

namespace cockpit::server {

using sync::json;

namespace {

// The raw record with this id in the document's list (to see which keys it names).
const json* raw_record(const json& doc, RecordKind k, const std::string& id, std::size_t hint) {
  auto it = doc.find(std::string(list_name(k)));
  if (it == doc.end() || !it->is_array()) return nullptr;
  if (hint < it->size() && (*it)[hint].is_object() && (*it)[hint].value("id", "") == id) return &(*it)[hint];
  for (const auto& r : *it)
    if (r.is_object() && r.value("id", "") == id) return &r;
  return nullptr;
}

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

IngestOutcome ingest_in(StorageTxn& txn_ref, std::string_view text, const std::string& actor, const std::string& ip,
                        ManagerRecords managers) {
  IngestOutcome out;
  StorageTxn* txn = &txn_ref;
  ParsedDocument parsed = parse_document(text, txn);
  if (!parsed.ok()) {
    out.errors = std::move(parsed.errors);
    return out;  // nothing of it written
  }
  // Which keys the document sent, needed only for stored records with Cockpit's own
  // fields: parsed on first need (a first load of a big book never pays for it).
  std::optional<json> raw;
  auto records = canonical_records(parsed.book);
  out.records = records.size();
  std::map<RecordKind, std::size_t> index;
  for (auto& kb : records) {
    const std::size_t pos = index[kb.kind]++;
    auto existing = txn->record(kb.kind, kb.id);
    json body = std::move(kb.body);
    if (existing && !own_fields(kb.kind).empty()) {
      if (!raw) raw = json::parse(text, nullptr, false);
      const json* sent = raw_record(*raw, kb.kind, kb.id, pos);
      for (const auto& f : own_fields(kb.kind))
        if (sent && !sent->contains(f) && existing->rec.body.contains(f)) body[f] = existing->rec.body[f];
    }
    keep_server_fields(kb.kind, body, existing ? &existing->rec.body : nullptr);
    const auto changed = sync::diff_fields(existing ? existing->rec.body : json::object(), body);
    if (changed.empty()) continue;
    if (kb.kind == RecordKind::manager && managers == ManagerRecords::read_only) {
      out.status = 403;
      out.code = "managers_read_only";
      out.errors = {manager_refusal(existing, kb.id, pos, changed)};
      return out;  // the caller rolls back: nothing of the document applied
    }
    StoredRecord rec;
    rec.kind = kb.kind;
    rec.id = kb.id;
    rec.customer = sync::customer_of(kb.kind, kb.id, body);
    if (existing) rec.rec = existing->rec;
    std::string old_owner = existing && kb.kind == RecordKind::customer ? existing->rec.body.value("owner", "") : "";
    rec.rec.body = std::move(body);
    const std::int64_t seq = txn->write_record(rec, changed, actor, "");
    ++out.changed;
    if (kb.kind == RecordKind::manager) {
      out.affected.everyone = true;
      continue;
    }
    const std::string new_owner = kb.kind == RecordKind::customer ? rec.rec.body.value("owner", "") : "";
    if (!old_owner.empty() && old_owner != new_owner) {
      txn->log_owner_change(OwnerChange{seq, rec.id, old_owner, new_owner});
      txn->audit(AuditEntry{0, "reassigned", actor, "customer " + rec.id, "from " + old_owner + " to " + new_owner, ip});
      out.affected.managers.insert(old_owner);
    }
    if (auto owner = txn->owner_of(rec.customer)) out.affected.managers.insert(*owner);
  }
  txn->audit(AuditEntry{0, "ingest", actor, std::to_string(out.records) + " records",
                        std::to_string(out.changed) + " changed", ip});
  out.cursor = txn->cursor();
  out.ok = true;
  return out;
}

}  // namespace cockpit::server
