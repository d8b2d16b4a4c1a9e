#include "milter/decide.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "milter/headers.hpp"

namespace cockpit::milter {

using nlohmann::json;

namespace {

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

CheckAnswer no_answer(std::string why) {
  CheckAnswer a;
  a.detail = std::move(why);
  return a;
}

std::string verdict_answer(const json& j, CheckAnswer& a) {
  a.verdict = text_of(j, "verdict");
  a.scheduled = text_of(j, "scheduled");
  if (a.verdict != "send" && a.verdict != "hold" && a.verdict != "cancel") return "no verdict in the answer";
  if (a.scheduled.empty()) return "no scheduled id in the answer";
  auto c = j.find("cursor");
  if (c != j.end() && c->is_number_integer()) a.cursor = c->get<std::int64_t>();
  if (auto r = j.find("reasons"); r != j.end() && r->is_array())
    for (const json& x : *r)
      if (x.is_string()) a.detail += (a.detail.empty() ? "" : ",") + x.get<std::string>();
  return "";
}

}  // namespace

std::string reply_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 400) break;
    out += (c < 0x20 || c >= 0x7F || c == '%') ? ' ' : c;
  }
  return out;
}

CheckAnswer classify_answer(long status, std::string_view body, std::string_view error) {
  if (status == 0) return no_answer("no answer from the server: " + std::string(error));
  if (status >= 500 || status == 429) return no_answer("the server answered " + std::to_string(status));
  if (status == 401 || status == 403)
    return no_answer("the server refused the relay's token (" + std::to_string(status) + "): check token and scopes");
  const json j = json::parse(body, nullptr, false);
  if (status == 200) {
    if (!j.is_object()) return no_answer("the server's answer is not JSON");
    CheckAnswer a;
    a.kind = CheckAnswer::Kind::verdict;
    if (std::string bad = verdict_answer(j, a); !bad.empty()) return no_answer("the server's answer has " + bad);
    return a;
  }
  CheckAnswer a;
  a.kind = CheckAnswer::Kind::refused;
  const std::string code = j.is_object() ? text_of(j, "code") : "", field = j.is_object() ? text_of(j, "field") : "";
  if (status == 404 && code == "unknown_customer" && field == "message.email") a.kind = CheckAnswer::Kind::not_customer;
  a.detail = j.is_object() && !text_of(j, "error").empty() ? text_of(j, "error")
                                                          : "the server answered " + std::to_string(status);
  return a;
}

Decision decide(const Plan& plan, const std::vector<CheckAnswer>& answers, const std::vector<std::string>& recipients,
                NoAnswer on_no_answer, bool safe_kind) {
  Decision d;
  std::vector<HeldRecord> held;
  bool any_hold = false, unanswered = false;
  std::string why;
  for (std::size_t i = 0; i < answers.size() && i < plan.checks.size(); ++i) {
    const CheckAnswer& a = answers[i];
    const PlannedCheck& c = plan.checks[i];
    switch (a.kind) {
      case CheckAnswer::Kind::refused:
        d.action = Action::reject;
        d.text = reply_text("cockpit guard: " + a.detail);
        return d;
      case CheckAnswer::Kind::not_customer: break;
      case CheckAnswer::Kind::no_answer:
        // Safe kinds may go without an answer (GUARD.md's policy); so may everything
        // when the relay is told to accept.
        if (safe_kind || on_no_answer == NoAnswer::accept) break;
        if (on_no_answer == NoAnswer::tempfail) {
          d.action = Action::tempfail;
          d.text = reply_text("cockpit guard: " + a.detail + "; try again later");
          return d;
        }
        unanswered = true;
        why = a.detail;
        held.push_back({"", "", 0, c.body.dump(), false});
        break;
      case CheckAnswer::Kind::verdict:
        if (a.verdict == "cancel") {
          if (c.recipient.empty()) {  // the customer named by header: the whole mail
            d.action = Action::discard;
            d.text = "cockpit: cancelled " + a.scheduled;
            return d;
          }
          d.remove_recipients.push_back(c.recipient);
          break;
        }
        if (a.verdict == "hold") {
          any_hold = true;
          why += (why.empty() ? "" : "; ") + a.scheduled + " (" + a.detail + ")";
        }
        held.push_back({a.scheduled, a.verdict, a.cursor, "", false});
        break;
    }
  }
  std::set<std::string> all;
  for (const std::string& r : recipients) all.insert(lower_ascii(r));
  if (!all.empty() && d.remove_recipients.size() >= all.size()) {
    d.action = Action::discard;
    d.text = "cockpit: cancelled for every recipient";
    return d;
  }
  if (any_hold || unanswered) {
    d.action = Action::quarantine;
    d.text = reply_text("cockpit: held " + why);
    d.records = std::move(held);
  }
  return d;
}

}  // namespace cockpit::milter
