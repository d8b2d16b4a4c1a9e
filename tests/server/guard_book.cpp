#include "guard_book.hpp"

#include <doctest/doctest.h>

#include <set>

#include "domain/document.hpp"
#include "domain/record_kind.hpp"
#include "engine/guard.hpp"

namespace cockpit::test {

void LeadReplica::pull(const Server& s, const std::string& lead_token) {
  for (;;) {
    HttpReply r = s.get("/api/pull?since=" + std::to_string(cursor), lead_token);
    REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 300));
    const json j = r.as_json();
    if (j["full"].get<bool>()) records.clear(), seqs.clear();
    for (const json& c : j["changes"]) {
      records[{c["kind"], c["id"]}] = c["record"];
      seqs[{c["kind"], c["id"]}] = c["seq"];
    }
    for (const json& d : j["deleted"]) records.erase({d["kind"], d["id"]}), seqs.erase({d["kind"], d["id"]});
    cursor = j["cursor"];
    if (!j.value("more", false)) return;
  }
}

Book LeadReplica::book() const {
  json doc = json::object();
  for (RecordKind k : all_record_kinds()) doc[std::string(list_name(k))] = json::array();
  for (const auto& entry : records) {  // (clang 14: no structured binding inside REQUIRE)
    const std::string& kind_name = entry.first.first;
    auto kind = parse_RecordKind(kind_name);
    REQUIRE_MESSAGE(kind.has_value(), kind_name);
    doc[std::string(list_name(*kind))].push_back(entry.second);
  }
  ParsedDocument parsed = parse_document(doc.dump());
  REQUIRE_MESSAGE(parsed.ok(), parsed.errors.front());
  return std::move(parsed.book);
}

std::map<std::string, json> server_standings(const Server& s, const std::string& feed_token) {
  std::map<std::string, json> out;
  std::int64_t since = 0;
  for (;;) {
    HttpReply r = s.get("/api/guard/verdicts?since=" + std::to_string(since), feed_token);
    REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 300));
    const json j = r.as_json();
    for (const json& c : j["changes"]) out[c["scheduled"]] = c;
    since = j["cursor"];
    if (!j["more"].get<bool>()) return out;
  }
}

std::size_t require_agreement(const Book& book, const std::map<std::string, json>& standings, Time now) {
  std::map<std::string, std::vector<std::string>> held;
  std::set<std::string> pending;
  for (const Verdict& v : guard_all(book, now)) {
    pending.insert(v.scheduled);
    for (HoldReason r : v.reasons) held[v.scheduled].emplace_back(to_string(r));
  }
  std::size_t compared = 0, mismatches = 0;
  for (const Scheduled& m : book.scheduled) {
    auto it = standings.find(m.id);
    if (it == standings.end()) {
      CHECK_MESSAGE(false, "the server keeps no standing for " << m.id);
      ++mismatches;
      continue;
    }
    const json& s = it->second;
    std::string want_state = "may_go";
    std::vector<std::string> want_reasons;
    if (m.status == ScheduledStatus::released) want_state = "released";
    if (m.status == ScheduledStatus::cancelled) want_state = "cancelled";
    if (m.status == ScheduledStatus::pending && held.count(m.id)) want_state = "held", want_reasons = held[m.id];
    const auto have_reasons = s["reasons"].get<std::vector<std::string>>();
    if (s["state"] != want_state || have_reasons != want_reasons) {
      if (++mismatches <= 10)
        CHECK_MESSAGE(false, m.id << ": the server says " << s.dump() << ", the device's engine " << want_state
                                  << " " << json(want_reasons).dump());
    }
    ++compared;
  }
  CHECK_MESSAGE(mismatches == 0, mismatches << " of " << book.scheduled.size() << " messages disagree");
  CHECK_MESSAGE(standings.size() == book.scheduled.size(),
                "the server keeps " << standings.size() << " standings for " << book.scheduled.size() << " messages");
  return compared;
}

namespace {

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

std::vector<std::string> ids_of(const LeadReplica& r, const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& [key, rec] : r.records)
    if (key.first == kind) out.push_back(key.second);
  return out;
}

// The changes that test what the server skips when it decides again (GUARD.md, "When
// the server decides again" and "What a decision reads"): a first scheduled message for a customer that had none, a
// record no rule reads (an incoming touchpoint, a promise), a touchpoint dated after
// "now", a new open exception, a customer's external ids (a list the guard skips).
bool narrowing_change(std::mt19937& rng, int what, const std::vector<std::string>& customers,
                      const std::vector<std::string>& promises, const std::vector<std::string>& kinds, Time now,
                      std::string& kind, std::string& id, json& fields) {
  const std::string customer = pick(rng, customers);
  const std::string n = std::to_string(rng());
  auto at = [&](int minutes) { return format_time(now + minutes * kMinute); };
  if (what == 9 || what == 10) {
    kind = "scheduled", id = "s-rnd-" + n;
    fields = {{"customer", customer}, {"scheduled_at", at(std::uniform_int_distribution<int>(-600, 3000)(rng))},
              {"channel", "email"}, {"sender", "system:crm"}, {"kind", pick(rng, kinds)}, {"subject", "Automated"}};
  } else if (what == 11) {
    kind = "touchpoint", id = "t-rnd-" + n;
    const bool in = rng() % 2;
    fields = {{"customer", customer}, {"channel", "email"}, {"direction", in ? "in" : "out"},
              {"sender", in ? "customer" : "system:shop"}, {"kind", in ? "question" : pick(rng, kinds)},
              {"subject", "Automated"},  // out: dated after now, so it has not happened yet
              {"at", at(in ? -std::uniform_int_distribution<int>(1, 3000)(rng) : 60)}};
  } else if (what == 12 && !promises.empty()) {
    kind = "promise", id = pick(rng, promises);
    fields = {{"status", "kept"}, {"kept_at", at(-5)}};
  } else if (what == 13) {
    kind = "exception", id = "x-rnd-" + n;
    fields = {{"customer", customer}, {"kind", "complaint"}, {"summary", "S"}, {"raised_at", at(-60)},
              {"waiting_on", "us"}, {"status", "open"}};
  } else if (what == 14) {
    kind = "customer", id = customer;
    fields = {{"external_ids", json::array({{{"source", "stripe"}, {"id", "cus_" + n}}})}};
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::vector<json> random_changes(std::mt19937& rng, const LeadReplica& r, Device& lead, Time now, int n) {
  const auto cases = ids_of(r, "case"), customers = ids_of(r, "customer"), exceptions = ids_of(r, "exception"),
             scheduled = ids_of(r, "scheduled");
  std::vector<std::string> managers;
  for (const auto& [key, rec] : r.records)
    if (key.first == "manager" && rec["role"] == "manager") managers.push_back(key.second);
  const std::vector<std::string> kinds = {"order_confirmation", "status_update", "review_request", "marketing",
                                          "renewal_notice"};
  auto seq = [&](const std::string& kind, const std::string& id) { return r.seqs.at({kind, id}); };
  auto at = [&](int minutes) { return format_time(now + minutes * kMinute); };
  std::set<std::pair<std::string, std::string>> touched;  // one edit per record per batch
  std::vector<json> out;
  for (int i = 0; static_cast<int>(out.size()) < n && i < n * 10; ++i) {
    const int what = std::uniform_int_distribution<int>(0, 14)(rng);
    std::string kind, id;
    json fields;
    if (what == 0) {
      kind = "case", id = pick(rng, cases);
      fields = (rng() % 2) ? json{{"status", "fulfilled"}, {"fulfilled_at", at(-30)}} : json{{"status", "cancelled"}};
    } else if (what == 1) {
      kind = "customer", id = pick(rng, customers);
      fields = {{"stage", "former"}, {"former_at", at(-120)}};
    } else if (what == 2 && !exceptions.empty()) {
      kind = "exception", id = pick(rng, exceptions);
      fields = {{"status", "resolved"}, {"resolved_at", at(-10)}};
    } else if (what == 3 || what == 4) {
      kind = "touchpoint", id = "t-rnd-" + std::to_string(rng());
      const std::string customer = pick(rng, customers);
      fields = {{"customer", customer}, {"at", at(-std::uniform_int_distribution<int>(1, 3000)(rng))},
                {"channel", "email"}, {"direction", "out"}, {"sender", "system:shop"}, {"kind", pick(rng, kinds)},
                {"subject", "Your order is confirmed"}};
    } else if (what == 5 || what == 6) {
      kind = "scheduled", id = pick(rng, scheduled);
      const int how = std::uniform_int_distribution<int>(0, 2)(rng);
      fields = how == 0   ? json{{"status", "released"}}
               : how == 1 ? json{{"status", "cancelled"}}
                          : json{{"scheduled_at", at(std::uniform_int_distribution<int>(-600, 3000)(rng))}};
    } else if (what >= 9) {  // changes the server's narrowed re-decision must get right
      if (!narrowing_change(rng, what, customers, ids_of(r, "promise"), kinds, now, kind, id, fields)) continue;
    } else if (what == 7 && managers.size() > 1) {
      const std::string c = pick(rng, customers);
      if (!touched.insert({"customer", c}).second) continue;
      std::string to = pick(rng, managers);
      if (r.records.at({"customer", c})["owner"] == to) continue;
      out.push_back(lead.reassign(c, to, seq("customer", c)));
      continue;
    } else {
      continue;
    }
    if (!touched.insert({kind, id}).second) continue;
    const bool exists = r.seqs.count({kind, id}) > 0;
    out.push_back(lead.upsert(kind, id, std::move(fields), exists ? seq(kind, id) : 0));
  }
  return out;
}

std::string token_with(const Server& s, const std::string& name, const std::string& scopes) {
  std::string token;
  REQUIRE(run_admin({"add-integration", "--db", s.db(), "--name", name, "--scopes", scopes}, "", &token) == 0);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

void push_all(const Device& d, const std::vector<json>& mutations) {
  for (std::size_t i = 0; i < mutations.size(); i += 200) {
    std::vector<json> page(mutations.begin() + static_cast<std::ptrdiff_t>(i),
                           mutations.begin() + static_cast<std::ptrdiff_t>(std::min(mutations.size(), i + 200)));
    HttpReply r = d.push(page);
    REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 300));
    const json answer = r.as_json();
    for (const json& res : answer["results"])
      REQUIRE_MESSAGE(res["status"] == "applied", res.dump());
  }
}

}  // namespace cockpit::test
