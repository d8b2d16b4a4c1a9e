#include "milter/check_plan.hpp"

#include <set>

#include "domain/enums.hpp"
#include "milter/headers.hpp"
#include "milter/message_key.hpp"
#include "milter/rules.hpp"

namespace cockpit::milter {

namespace {

Plan refuse(std::string why) {
  Plan p;
  p.kind = Plan::Kind::refuse;
  p.why = std::move(why);
  return p;
}

nlohmann::json message_body(const MessageFacts& f, const std::string& kind, const std::string& sender, Time now) {
  nlohmann::json m{{"kind", kind}, {"channel", "email"}, {"sender", sender}, {"scheduled_at", format_time(now)}};
  if (!f.subject.empty()) m["subject"] = f.subject;
  if (f.case_id) m["case"] = *f.case_id;
  return m;
}

}  // namespace

Plan plan_checks(const MessageFacts& f, const std::string& key, const MilterConfig& config, Time now) {
  if (!f.problem.empty()) return refuse(f.problem);
  std::string kind, sender = config.sender;
  if (f.kind) {
    if (!parse_enum<TouchKind>(*f.kind))
      return refuse("X-Cockpit-Kind \"" + *f.kind + "\" is not a contract kind (order_confirmation, marketing, ...)");
    kind = *f.kind;
  } else if (const Rule* r = match_rule(config.rules, f.envelope_from, f.subject)) {
    kind = r->kind;
    if (!r->sender.empty()) sender = r->sender;
  } else if (f.customer || f.case_id) {
    return refuse("X-Cockpit-Kind is missing and no rule of the relay gives this mail a kind");
  } else {
    Plan p;
    p.why = "no X-Cockpit-Kind and no rule matches";
    return p;
  }

  Plan p;
  p.kind = Plan::Kind::check;
  p.touch_kind = kind;
  const nlohmann::json base = message_body(f, kind, sender, now);
  if (f.customer) {
    nlohmann::json m = base;
    m["id"] = check_id(key, "");
    m["customer"] = *f.customer;
    p.checks.push_back({"", {{"via", "relay"}, {"message", std::move(m)}}});
    return p;
  }
  std::set<std::string> seen;
  for (const std::string& r : f.recipients) {
    if (r.empty() || !seen.insert(lower_ascii(r)).second) continue;
    if (seen.size() > config.max_recipients)
      return refuse("more than " + std::to_string(config.max_recipients) +
                    " recipients in one guarded mail: send one mail per customer");
    nlohmann::json m = base;
    m["id"] = check_id(key, r);
    m["email"] = clean_utf8(r);
    p.checks.push_back({r, {{"via", "relay"}, {"message", std::move(m)}}});
  }
  if (p.checks.empty()) {
    p.kind = Plan::Kind::pass;
    p.why = "no recipient";
  }
  return p;
}

}  // namespace cockpit::milter
