#include "client/translate.hpp"

#include <map>
#include <utility>

#include "sync/plan.hpp"

namespace cockpit::client {

using sync::json;

namespace {

// The records of a parsed document with their kind, in document order.
std::vector<AnyRecord> records_of(Book&& b) {
  std::vector<AnyRecord> out;
  std::size_t n = 0;
  for_each_kind([&]<class R>(std::type_identity<R>) { n += (b.*RecordInfo<R>::book).size(); });
  out.reserve(n);
  for_each_kind([&]<class R>(std::type_identity<R>) {
    for (auto& r : b.*RecordInfo<R>::book) out.emplace_back(std::move(r));
  });
  return out;
}

// Parses records given as (kind, JSON) into one document and checks it whole.
std::optional<std::vector<AnyRecord>> parse_records(const std::vector<std::pair<RecordKind, const json*>>& in,
                                                    const KnownRecords& known, std::string& error) {
  std::map<RecordKind, std::vector<const json*>> by_kind;
  for (const auto& [k, j] : in) by_kind[k].push_back(j);
  json doc = json::object();
  for (auto& [k, list] : by_kind) {
    json arr = json::array();
    for (const json* j : list) arr.push_back(*j);
    doc[std::string(list_name(k))] = std::move(arr);
  }
  ParsedDocument parsed = parse_document(doc.dump(), &known);
  if (!parsed.ok()) {
    error = parsed.errors.front();
    return std::nullopt;
  }
  return records_of(std::move(parsed.book));
}

std::string kind_words(RecordKind k) {
  switch (k) {
    case RecordKind::case_: return "case";
    case RecordKind::decision: return "decision";
    default: return std::string(to_string(k));
  }
}

// A field as a manager says it: "due_at" -> "due date".
std::string field_words(const std::string& f) {
  static const std::pair<const char*, const char*> kWords[] = {
      {"due_at", "due date"},        {"kept_at", "kept date"},       {"made_at", "promise date"},
      {"waiting_on", "waiting on"},  {"resolved_at", "resolved date"}, {"raised_at", "raised date"},
      {"fulfilled_at", "fulfilment date"}, {"former_at", "end date"}, {"scheduled_at", "send time"},
      {"decision_note", "note"},     {"preferred_channel", "preferred channel"}, {"until", "snooze end"},
  };
  for (const auto& [k, w] : kWords)
    if (f == k) return w;
  std::string out = f;
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

std::string value_words(const json& v) {
  if (v.is_null()) return "nothing";
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    // Contract times as a person reads them, in UTC (this layer knows no time zone):
    // "2026-11-28T17:00:00+01:00" -> "2026-11-28 16:00 UTC"; the end of a day -> the date.
    if (auto t = parse_time(s)) {
      const std::string iso = format_time(*t);
      if (iso.compare(11, 12, "23:59:59.999") == 0) return iso.substr(0, 10);
      return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
    }
    return "\"" + (s.size() > 60 ? s.substr(0, 57) + "..." : s) + "\"";
  }
  std::string d = v.dump();
  return d.size() > 60 ? d.substr(0, 57) + "..." : d;
}

}  // namespace

std::optional<sync::Mutation> to_mutation(const OutboxEntry& e, std::string* error) {
  sync::Mutation m;
  m.mutation_id = e.seq;
  m.record_kind = e.entity;
  m.record_id = e.id;
  m.base_seq = e.base_seq;
  if (e.op == "delete") {
    m.kind = sync::MutationKind::remove;
    return m;
  }
  m.kind = sync::MutationKind::upsert;
  json after = e.record ? json::parse(*e.record, nullptr, false) : json();
  if (!after.is_object()) {
    if (error) *error = "change " + std::to_string(e.seq) + ": the stored record is not readable";
    return std::nullopt;
  }
  json before = e.base ? json::parse(*e.base, nullptr, false) : json();
  if (!before.is_object()) {
    m.fields = std::move(after);  // a record the edit created: all of it
    return m;
  }
  m.fields = json::object();
  for (const std::string& k : sync::diff_fields(before, after)) m.fields[k] = after.contains(k) ? after[k] : json();
  return m;
}

Acks acks_of(const sync::PushResponse& response, const std::vector<OutboxEntry>& sent, const KnownRecords& known,
             Time at) {
  Acks out;
  std::map<std::int64_t, const OutboxEntry*> by_id;
  for (const auto& e : sent) by_id[e.seq] = &e;
  for (const auto& r : response.results) {
    auto it = by_id.find(r.mutation_id);
    if (it == by_id.end()) continue;
    const OutboxEntry& e = *it->second;
    const RecordKind kind = e.entity;
    RemoteAck a;
    a.change_seq = e.seq;
    a.entity = e.entity;
    a.id = e.id;
    if (r.status == sync::MutationStatus::refused) {
      if (r.code == "already_processed") {
        a.status = AckStatus::settled;
      } else {
        a.status = AckStatus::refused;
        SyncNotice n;
        n.at = at;
        n.kind = "refused";
        n.code = r.code;
        n.entity = std::string(to_string(e.entity));
        n.entity_id = e.id;
        n.message = r.message.empty() ? "The server did not apply your change to " + kind_words(kind) + " " + e.id + "."
                                      : "Not applied: " + r.message + ".";
        out.notices.push_back(std::move(n));
      }
      out.acks.push_back(std::move(a));
      continue;
    }
    a.status = AckStatus::applied;
    a.seq = r.seq;
    if (r.record.is_object()) {
      std::string error;
      auto parsed = parse_records({{kind, &r.record}}, known, error);
      if (!parsed || parsed->size() != 1) {
        out.error = "result of change " + std::to_string(e.seq) + ": " + error;
        return out;
      }
      a.record = std::move(parsed->front());
    }
    for (const auto& c : r.conflicts) {
      SyncNotice n;
      n.at = at;
      n.kind = "conflict";
      n.code = "conflict";
      n.entity = std::string(to_string(e.entity));
      n.entity_id = e.id;
      if (a.record) n.customer = customer_of(*a.record);
      n.message = describe_conflict(c, kind, e.id);
      n.detail = json{{"field", c.field}, {"yours", c.yours}, {"theirs", c.theirs}}.dump();
      out.notices.push_back(std::move(n));
    }
    out.acks.push_back(std::move(a));
  }
  return out;
}

Pulled batch_of(const sync::PullResponse& pull, const KnownRecords& known) {
  Pulled out;
  RemoteBatch& b = out.batch;
  b.full = pull.full;
  b.cursor = pull.cursor;
  std::vector<std::pair<RecordKind, const json*>> in;
  in.reserve(pull.changes.size());
  // Each record comes once (its latest version); the server guarantees it.
  std::map<std::pair<int, std::string>, std::int64_t> seqs;
  for (const auto& c : pull.changes) {
    seqs[{static_cast<int>(c.kind), c.id}] = c.seq;
    in.emplace_back(c.kind, &c.record);
  }
  if (!in.empty()) {
    auto parsed = parse_records(in, known, out.error);
    if (!parsed) {
      out.error = "the server sent a record this device cannot read: " + out.error;
      return out;
    }
    b.records.reserve(parsed->size());
    for (auto& r : *parsed) {
      const auto kind = kind_of(r);
      const std::int64_t seq = seqs[{static_cast<int>(kind), record_id(r)}];
      b.records.push_back(RemoteRecord{std::move(r), seq});
    }
  }
  for (const auto& r : pull.removed) b.removed_customers.push_back(r.customer);
  for (const auto& d : pull.deleted) b.deletions.emplace_back(d.kind, d.id);
  return out;
}

std::string describe_conflict(const sync::Conflict& c, RecordKind kind, const std::string& id) {
  return "Your change to the " + field_words(c.field) + " of " + kind_words(kind) + " " + id + " (" +
         value_words(c.yours) + ") replaced " + value_words(c.theirs) +
         ", set on another device meanwhile. Put it back if that one was right.";
}

}  // namespace cockpit::client
