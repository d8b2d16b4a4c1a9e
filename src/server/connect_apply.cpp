#include "server/connect_apply.hpp"

#include "server/ingest.hpp"

namespace cockpit::server {

using sync::json;

namespace {

std::string key_of(RecordKind kind, const std::string& id) { return std::string(to_string(kind)) + ":" + id; }

struct Found {
  std::optional<std::string> customer;
  std::string waits_for = "customer", reason;
};

Found find_customer(StorageTxn& txn, Source source, const CustomerRef& who) {
  Found f;
  if (!who.via_case.empty()) {
    if ((f.customer = txn.case_customer(who.via_case))) return f;
    f.waits_for = "case:" + who.via_case;
  }
  if (!who.external_id.empty() && (f.customer = txn.customer_by_external_id(std::string(to_string(source)), who.external_id)))
    return f;
  if (!who.email.empty() && (f.customer = txn.customer_by_email(who.email))) return f;
  if (who.empty()) {
    f.reason = "the event names no customer";
    return f;
  }
  f.reason = "no customer";
  if (!who.external_id.empty()) f.reason += " with " + std::string(to_string(source)) + " id " + who.external_id;
  if (!who.email.empty()) f.reason += (who.external_id.empty() ? " with e-mail " : " or e-mail ") + who.email;
  if (!who.via_case.empty()) f.reason = "case " + who.via_case + " is not known yet (its order has not come); " + f.reason;
  return f;
}

ConnectResult keep_unmatched(StorageTxn& txn, const ConnectEvent& ev, std::string reason, std::string waits_for) {
  UnmatchedEvent u;
  u.source = std::string(to_string(ev.source));
  u.event_id = ev.mapped.event_id;
  u.type = ev.mapped.type;
  u.reason = std::move(reason);
  u.email = ev.mapped.who.email;
  u.external_id = ev.mapped.who.external_id;
  u.waits_for = std::move(waits_for);
  u.at = ev.mapped.at;
  u.received = ev.received;
  u.headers = ev.headers;
  u.body = ev.body;
  txn.put_unmatched(u);
  ConnectResult r;
  r.outcome = ConnectOutcome::unmatched;
  r.reason = u.reason;
  r.unmatched_id = u.id;
  return r;
}

// The document the event's changes make, record by record, and what they wait for.
struct Plan {
  json doc = json::object();
  std::vector<std::string> versions, created_cases;
  std::size_t stale = 0;
  std::string waits_for;  // non-empty: the whole event waits for this record
};

json* doc_record(json& doc, RecordKind kind, const std::string& id) {
  auto& list = doc[std::string(list_name(kind))];
  for (auto& r : list)
    if (r.value("id", "") == id) return &r;
  return nullptr;
}

void plan_patch(StorageTxn& txn, const Patch& p, const std::string& customer, Time at, Plan& plan) {
  const std::string id = p.id.empty() ? customer : p.id;
  const std::string key = key_of(p.kind, id);
  if (p.versioned) {
    const auto v = txn.connect_version(key);
    if (v && *v > at) {
      ++plan.stale;
      return;  // a newer event already changed this record
    }
  }
  auto existing = txn.record(p.kind, id);
  json body;
  if (existing) {
    body = existing->rec.body;
  } else if (p.missing == WhenMissing::wait) {
    plan.waits_for = key;
    return;
  } else if (p.missing == WhenMissing::skip) {
    if (p.versioned) plan.versions.push_back(key);  // a later, older event must not create it
    return;
  } else {
    body = p.create;
    body["id"] = id;
    if (p.kind != RecordKind::customer) body["customer"] = customer;
    if (p.kind == RecordKind::case_) plan.created_cases.push_back(id);
  }
  for (const auto& [k, v] : p.fields.items()) body[k] = v;
  if (p.versioned) plan.versions.push_back(key);
  if (json* same = doc_record(plan.doc, p.kind, id)) *same = std::move(body);
  else plan.doc[std::string(list_name(p.kind))].push_back(std::move(body));
}

// A customer matched otherwise learns the source's id for it.
void learn_external_id(StorageTxn& txn, Source source, const CustomerRef& who, const std::string& customer, Plan& plan) {
  if (who.external_id.empty()) return;
  json* body = doc_record(plan.doc, RecordKind::customer, customer);
  json stored;
  if (!body) {
    auto rec = txn.record(RecordKind::customer, customer);
    if (!rec) return;
    stored = rec->rec.body;
    body = &stored;
  }
  json ids = body->contains("external_ids") && (*body)["external_ids"].is_array() ? (*body)["external_ids"] : json::array();
  const json entry = {{"source", to_string(source)}, {"id", who.external_id}};
  for (const auto& e : ids)
    if (e == entry) return;
  ids.push_back(entry);
  (*body)["external_ids"] = std::move(ids);
  if (body == &stored) plan.doc["customers"].push_back(std::move(stored));
}

ConnectResult apply_claimed(StorageTxn& txn, const ConnectEvent& ev, const ConnectContext& ctx, std::string customer);

// An event of the unmatched list, read again from the delivery as it was received.
ConnectEvent reread(const UnmatchedEvent& u, const ConnectContext& ctx) {
  ConnectEvent ev{parse_source(u.source).value_or(Source::stripe), {}, u.headers, u.body, u.received};
  std::map<std::string, std::string> headers;
  const json h = json::parse(u.headers, nullptr, false);
  if (h.is_object())
    for (const auto& [k, v] : h.items())
      if (v.is_string()) headers[k] = v.get<std::string>();
  auto opt = ctx.options.find(ev.source);
  ev.mapped = map_event(ev.source, headers, json::parse(u.body, nullptr, false),
                        opt == ctx.options.end() ? SourceOptions{} : opt->second);
  return ev;
}

// Events that waited for a case this event created, in their own order.
void release_waiting(StorageTxn& txn, const std::vector<std::string>& cases, const ConnectContext& ctx,
                     ConnectResult& out) {
  for (const auto& c : cases)
    for (const UnmatchedEvent& u : txn.unmatched_waiting_for("case:" + c)) {
      txn.drop_unmatched(u.id);
      ConnectResult r = apply_claimed(txn, reread(u, ctx), ctx, "");
      out.changed += r.changed;
      out.affected.managers.insert(r.affected.managers.begin(), r.affected.managers.end());
      out.cursor = std::max(out.cursor, r.cursor);
    }
}

ConnectResult apply_claimed(StorageTxn& txn, const ConnectEvent& ev, const ConnectContext& ctx, std::string customer) {
  const Mapped& m = ev.mapped;
  if (customer.empty()) {
    Found f = find_customer(txn, ev.source, m.who);
    if (!f.customer) return keep_unmatched(txn, ev, f.reason, f.waits_for);
    customer = *f.customer;
  }
  Plan plan;
  for (const Patch& p : m.patches) plan_patch(txn, p, customer, m.at, plan);
  if (!plan.waits_for.empty())
    return keep_unmatched(txn, ev, plan.waits_for + " is not known yet; the event is applied when it comes",
                          plan.waits_for);
  learn_external_id(txn, ev.source, m.who, customer, plan);
  ConnectResult out;
  out.customer = customer;
  out.stale = plan.stale;
  if (!plan.doc.empty()) {
    txn.savepoint();
    IngestOutcome in = ingest_in(txn, plan.doc.dump(), "connect:" + std::string(to_string(ev.source)), ctx.ip);
    if (!in.ok) {
      txn.undo_savepoint();
      return keep_unmatched(txn, ev, "the contract refused the mapped records: " + (in.errors.empty() ? "" : in.errors[0]),
                            "customer");
    }
    txn.keep_savepoint();
    out.changed = in.changed;
    out.cursor = in.cursor;
    out.affected = std::move(in.affected);
  }
  for (const auto& key : plan.versions) txn.put_connect_version(key, m.at);
  release_waiting(txn, plan.created_cases, ctx, out);
  return out;
}

}  // namespace

std::string_view to_string(ConnectOutcome o) {
  switch (o) {
    case ConnectOutcome::applied: return "applied";
    case ConnectOutcome::replay: return "replay";
    case ConnectOutcome::unmatched: return "unmatched";
  }
  return "applied";
}

std::string unmatched_summary(const UnmatchedEvent& u, const ConnectContext& ctx) {
  const ConnectEvent ev = reread(u, ctx);
  for (const Patch& p : ev.mapped.patches)
    for (const json* part : {&p.fields, &p.create})
      for (const char* key : {"summary", "title", "subject"}) {
        auto it = part->find(key);
        if (it != part->end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
      }
  return u.type;
}

std::string kept_headers(const std::map<std::string, std::string>& headers) {
  json out = json::object();
  for (const auto& [k, v] : headers)
    if (k.rfind("x-shopify-", 0) == 0 || k.rfind("x-zendesk-", 0) == 0) out[k] = v;
  return out.dump();
}

ConnectResult apply_connect_event(StorageTxn& txn, const ConnectEvent& ev, const ConnectContext& ctx) {
  if (!txn.claim_event(std::string(to_string(ev.source)), ev.mapped.event_id, ev.received)) {
    ConnectResult r;
    r.outcome = ConnectOutcome::replay;
    return r;
  }
  return apply_claimed(txn, ev, ctx, "");
}

std::optional<ConnectResult> match_unmatched(StorageTxn& txn, std::int64_t id, const std::string& customer,
                                             const ConnectContext& ctx, std::string& error) {
  auto u = txn.unmatched(id);
  if (!u) {
    error = "no unmatched event " + std::to_string(id);
    return std::nullopt;
  }
  if (!txn.has_customer(customer)) {
    error = "no customer \"" + customer + "\"";
    return std::nullopt;
  }
  txn.drop_unmatched(id);
  return apply_claimed(txn, reread(*u, ctx), ctx, customer);
}

}  // namespace cockpit::server
