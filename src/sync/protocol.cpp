// JSON form of the sync messages. Decoders check every type before reading (no .at(),
// no implicit conversions that throw) so hostile input gives a message, not an abort.
#include "sync/protocol.hpp"

#include <array>
#include <utility>

namespace cockpit::sync {

namespace {

// Small typed readers: each returns false and sets `err` (prefixed with the path).
bool get_int(const json& o, const char* key, std::int64_t& out, std::string& err,
             const std::string& path, bool required = true) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) err = path + key + ": missing";
    return !required;
  }
  if (!it->is_number_integer()) {
    err = path + key + ": expected an integer";
    return false;
  }
  out = it->get<std::int64_t>();
  return true;
}

bool get_str(const json& o, const char* key, std::string& out, std::string& err,
             const std::string& path, std::size_t max_len, bool required = true) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) err = path + key + ": missing";
    return !required;
  }
  if (!it->is_string()) {
    err = path + key + ": expected a string";
    return false;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len) {
    err = path + key + ": longer than " + std::to_string(max_len) + " bytes";
    return false;
  }
  out = s;
  return true;
}

// One entry of a pull's `changes` or `deleted`: an object naming a record (kind, id)
// at a server sequence number.
bool get_record_ref(const json& c, const std::string& where, RecordKind& kind, std::string& id, std::int64_t& seq,
                    std::string& err) {
  if (!c.is_object()) {
    err = where + ": expected an object";
    return false;
  }
  const std::string path = where + ".";
  std::string name;
  if (!get_str(c, "kind", name, err, path, 32)) return false;
  auto k = parse_RecordKind(name);
  if (!k) {
    err = path + "kind: unknown \"" + name + "\"";
    return false;
  }
  kind = *k;
  return get_str(c, "id", id, err, path, 100000) && get_int(c, "seq", seq, err, path);
}

Decoded<Mutation> decode_mutation_at(const json& j, const PushLimits& limits, const std::string& path) {
  Decoded<Mutation> d;
  if (!j.is_object()) {
    d.error = path + ": expected an object";
    return d;
  }
  Mutation m;
  std::string kind, record_kind;
  if (!get_int(j, "mutation_id", m.mutation_id, d.error, path + ".")) return d;
  if (m.mutation_id <= 0) {
    d.error = path + ".mutation_id: must be positive";
    return d;
  }
  if (!get_str(j, "kind", kind, d.error, path + ".", 32)) return d;
  if (kind == "upsert") {
    m.kind = MutationKind::upsert;
  } else if (kind == "reassign") {
    m.kind = MutationKind::reassign;
  } else if (kind == "delete") {
    m.kind = MutationKind::remove;
  } else {
    d.error = path + ".kind: unknown mutation kind \"" + kind + "\"";
    return d;
  }
  if (!get_str(j, "record_kind", record_kind, d.error, path + ".", 32)) return d;
  auto rk = parse_RecordKind(record_kind);
  if (!rk) {
    d.error = path + ".record_kind: unknown record kind \"" + record_kind + "\"";
    return d;
  }
  m.record_kind = *rk;
  if (!get_str(j, "record_id", m.record_id, d.error, path + ".", limits.max_id)) return d;
  if (m.record_id.empty()) {
    d.error = path + ".record_id: empty";
    return d;
  }
  if (!get_int(j, "base_seq", m.base_seq, d.error, path + ".", false)) return d;
  if (m.base_seq < 0) {
    d.error = path + ".base_seq: must not be negative";
    return d;
  }
  if (m.kind == MutationKind::upsert) {
    auto it = j.find("fields");
    if (it == j.end() || !it->is_object()) {
      d.error = path + ".fields: expected an object";
      return d;
    }
    m.fields = *it;
  } else if (m.kind == MutationKind::reassign) {
    if (!get_str(j, "new_owner", m.new_owner, d.error, path + ".", limits.max_id)) return d;
    if (m.record_kind != RecordKind::customer) {
      d.error = path + ".record_kind: only a customer can be reassigned";
      return d;
    }
  }
  d.value = std::move(m);
  return d;
}

json conflict_json(const Conflict& c) {
  return json{{"field", c.field}, {"yours", c.yours}, {"theirs", c.theirs}};
}

}  // namespace

std::string_view to_string(MutationKind k) {
  switch (k) {
    case MutationKind::upsert: return "upsert";
    case MutationKind::reassign: return "reassign";
    case MutationKind::remove: return "delete";
  }
  return "?";
}
std::string_view to_string(MutationStatus s) { return s == MutationStatus::applied ? "applied" : "refused"; }

json to_json(const Mutation& m) {
  json j{{"mutation_id", m.mutation_id},
         {"kind", to_string(m.kind)},
         {"record_kind", to_string(m.record_kind)},
         {"record_id", m.record_id},
         {"base_seq", m.base_seq}};
  if (m.kind == MutationKind::upsert)
    j["fields"] = m.fields;
  else if (m.kind == MutationKind::reassign)
    j["new_owner"] = m.new_owner;
  return j;
}

json to_json(const PushRequest& r) {
  json muts = json::array();
  for (const auto& m : r.mutations) muts.push_back(to_json(m));
  json j{{"client_id", r.client_id}, {"schema_version", r.schema_version}, {"mutations", std::move(muts)}};
  if (r.since) j["since"] = *r.since;
  return j;
}

json to_json(const MutationResult& r) {
  json j{{"mutation_id", r.mutation_id}, {"status", to_string(r.status)}};
  if (r.status == MutationStatus::refused) {
    j["code"] = r.code;
    j["message"] = r.message;
  } else {
    j["seq"] = r.seq;
    j["record"] = r.record;
    if (!r.message.empty()) j["message"] = r.message;
  }
  if (!r.conflicts.empty()) {
    json cs = json::array();
    for (const auto& c : r.conflicts) cs.push_back(conflict_json(c));
    j["conflicts"] = std::move(cs);
  }
  if (r.replayed) j["replayed"] = true;
  return j;
}

json to_json(const PushResponse& r) {
  json rs = json::array();
  for (const auto& x : r.results) rs.push_back(to_json(x));
  json j{{"cursor", r.cursor}, {"results", std::move(rs)}};
  if (r.pull) j["pull"] = to_json(*r.pull);
  return j;
}

json to_json(const PullResponse& r) {
  json ch = json::array();
  for (const auto& c : r.changes)
    ch.push_back(json{{"kind", to_string(c.kind)}, {"id", c.id}, {"seq", c.seq}, {"record", c.record}});
  json rm = json::array();
  for (const auto& x : r.removed)
    rm.push_back(json{{"customer", x.customer}, {"seq", x.seq}, {"reason", x.reason}, {"new_owner", x.new_owner}});
  json del = json::array();
  for (const auto& x : r.deleted) del.push_back(json{{"kind", to_string(x.kind)}, {"id", x.id}, {"seq", x.seq}});
  json out{{"cursor", r.cursor}, {"full", r.full}, {"changes", std::move(ch)}, {"removed", std::move(rm)},
            {"deleted", std::move(del)}};
  if (r.more) out["more"] = true;  // absent in the usual case, as the server writes it
  return out;
}

Decoded<Mutation> decode_mutation(const json& j, const PushLimits& limits) {
  return decode_mutation_at(j, limits, "mutation");
}

Decoded<PushRequest> decode_push(const json& j, const PushLimits& limits) {
  Decoded<PushRequest> d;
  if (!j.is_object()) {
    d.error = "expected an object";
    return d;
  }
  PushRequest r;
  if (!get_str(j, "client_id", r.client_id, d.error, "", limits.max_id)) return d;
  if (r.client_id.empty()) {
    d.error = "client_id: empty";
    return d;
  }
  std::int64_t sv = 0;
  if (!get_int(j, "schema_version", sv, d.error, "")) return d;
  r.schema_version = static_cast<int>(sv);
  if (j.contains("since")) {
    std::int64_t since = 0;
    if (!get_int(j, "since", since, d.error, "")) return d;
    if (since < 0) {
      d.error = "since: must not be negative";
      return d;
    }
    r.since = since;
  }
  auto it = j.find("mutations");
  if (it == j.end() || !it->is_array()) {
    d.error = "mutations: expected an array";
    return d;
  }
  if (it->size() > limits.max_mutations) {
    d.error = "mutations: more than " + std::to_string(limits.max_mutations) + " in one push";
    return d;
  }
  std::int64_t last = 0;
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto m = decode_mutation_at((*it)[i], limits, "mutations[" + std::to_string(i) + "]");
    if (!m.ok()) {
      d.error = m.error;
      return d;
    }
    if (m.value->mutation_id <= last) {
      d.error = "mutations[" + std::to_string(i) + "].mutation_id: not increasing";
      return d;
    }
    last = m.value->mutation_id;
    r.mutations.push_back(std::move(*m.value));
  }
  d.value = std::move(r);
  return d;
}

Decoded<MutationResult> decode_result(const json& j) {
  Decoded<MutationResult> d;
  if (!j.is_object()) {
    d.error = "result: expected an object";
    return d;
  }
  MutationResult r;
  std::string status;
  if (!get_int(j, "mutation_id", r.mutation_id, d.error, "result.")) return d;
  if (!get_str(j, "status", status, d.error, "result.", 32)) return d;
  if (status == "applied") {
    r.status = MutationStatus::applied;
  } else if (status == "refused") {
    r.status = MutationStatus::refused;
  } else {
    d.error = "result.status: unknown \"" + status + "\"";
    return d;
  }
  if (!get_str(j, "code", r.code, d.error, "result.", 64, false)) return d;
  if (!get_str(j, "message", r.message, d.error, "result.", 100000, false)) return d;
  if (!get_int(j, "seq", r.seq, d.error, "result.", false)) return d;
  if (auto it = j.find("record"); it != j.end()) r.record = *it;
  if (auto it = j.find("replayed"); it != j.end() && it->is_boolean()) r.replayed = it->get<bool>();
  if (auto it = j.find("conflicts"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      Conflict k;
      if (auto f = c.find("field"); f != c.end() && f->is_string()) k.field = f->get<std::string>();
      if (auto f = c.find("yours"); f != c.end()) k.yours = *f;
      if (auto f = c.find("theirs"); f != c.end()) k.theirs = *f;
      r.conflicts.push_back(std::move(k));
    }
  }
  d.value = std::move(r);
  return d;
}

Decoded<PushResponse> decode_push_response(const json& j) {
  Decoded<PushResponse> d;
  if (!j.is_object()) {
    d.error = "expected an object";
    return d;
  }
  PushResponse r;
  if (!get_int(j, "cursor", r.cursor, d.error, "")) return d;
  auto it = j.find("results");
  if (it == j.end() || !it->is_array()) {
    d.error = "results: expected an array";
    return d;
  }
  for (const auto& x : *it) {
    auto m = decode_result(x);
    if (!m.ok()) {
      d.error = m.error;
      return d;
    }
    r.results.push_back(std::move(*m.value));
  }
  if (auto p = j.find("pull"); p != j.end()) {
    auto pulled = decode_pull(*p);
    if (!pulled.ok()) {
      d.error = "pull." + pulled.error;
      return d;
    }
    r.pull = std::make_shared<PullResponse>(std::move(*pulled.value));
  }
  d.value = std::move(r);
  return d;
}

Decoded<PullResponse> decode_pull(const json& j) {
  Decoded<PullResponse> d;
  if (!j.is_object()) {
    d.error = "expected an object";
    return d;
  }
  PullResponse r;
  if (!get_int(j, "cursor", r.cursor, d.error, "")) return d;
  if (auto it = j.find("full"); it != j.end() && it->is_boolean()) r.full = it->get<bool>();
  if (auto it = j.find("more"); it != j.end() && it->is_boolean()) r.more = it->get<bool>();
  auto ch = j.find("changes");
  auto rm = j.find("removed");
  if (ch == j.end() || !ch->is_array() || rm == j.end() || !rm->is_array()) {
    d.error = "changes/removed: expected arrays";
    return d;
  }
  for (std::size_t i = 0; i < ch->size(); ++i) {
    const auto& c = (*ch)[i];
    const std::string where = "changes[" + std::to_string(i) + "]";
    Change x;
    if (!get_record_ref(c, where, x.kind, x.id, x.seq, d.error)) return d;
    auto rec = c.find("record");
    if (rec == c.end() || !rec->is_object()) {
      d.error = where + ".record: expected an object";
      return d;
    }
    x.record = *rec;
    r.changes.push_back(std::move(x));
  }
  for (std::size_t i = 0; i < rm->size(); ++i) {
    const auto& c = (*rm)[i];
    const std::string path = "removed[" + std::to_string(i) + "].";
    Removal x;
    if (!c.is_object()) {
      d.error = "removed[" + std::to_string(i) + "]: expected an object";
      return d;
    }
    if (!get_str(c, "customer", x.customer, d.error, path, 100000)) return d;
    if (!get_int(c, "seq", x.seq, d.error, path)) return d;
    if (!get_str(c, "reason", x.reason, d.error, path, 64, false)) return d;
    if (!get_str(c, "new_owner", x.new_owner, d.error, path, 100000, false)) return d;
    r.removed.push_back(std::move(x));
  }
  // `deleted` came with protocol additions after schema 1 shipped: optional.
  if (auto del = j.find("deleted"); del != j.end()) {
    if (!del->is_array()) {
      d.error = "deleted: expected an array";
      return d;
    }
    for (std::size_t i = 0; i < del->size(); ++i) {
      const auto& c = (*del)[i];
      Deletion x;
      if (!get_record_ref(c, "deleted[" + std::to_string(i) + "]", x.kind, x.id, x.seq, d.error)) return d;
      r.deleted.push_back(std::move(x));
    }
  }
  d.value = std::move(r);
  return d;
}

Decoded<LiveAnswer> decode_live(const json& j) {
  Decoded<LiveAnswer> d;
  if (!j.is_object()) {
    d.error = "expected an object";
    return d;
  }
  LiveAnswer a;
  if (!get_int(j, "cursor", a.cursor, d.error, "")) return d;
  for (auto [key, out] : {std::pair{"changed", &a.changed}, std::pair{"heartbeat", &a.heartbeat}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_boolean()) {
      d.error = std::string(key) + ": expected true or false";
      return d;
    }
    *out = it->get<bool>();
  }
  d.value = a;
  return d;
}

}  // namespace cockpit::sync
