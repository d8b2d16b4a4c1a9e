#include "server/guard_check.hpp"

#include "domain/enums.hpp"
#include "domain/time.hpp"

namespace cockpit::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxText = 1000;

CheckDecode refuse(std::string field, std::string error) {
  CheckDecode d;
  d.field = std::move(field);
  d.error = d.field + ": " + std::move(error);
  return d;
}

// A required (or optional) text field of `m`; nullopt + `out` set when it is wrong.
std::optional<std::string> text(const json& m, const char* name, bool required, std::optional<CheckDecode>& out) {
  const std::string field = std::string("message.") + name;
  auto it = m.find(name);
  if (it == m.end() || it->is_null()) {
    if (required) out = refuse(field, "missing");
    return std::nullopt;
  }
  if (!it->is_string()) {
    out = refuse(field, "must be a string");
    return std::nullopt;
  }
  const std::string v = it->get<std::string>();
  if (required && v.empty()) out = refuse(field, "must not be empty");
  if (v.size() > kMaxText) out = refuse(field, "longer than " + std::to_string(kMaxText) + " bytes");
  if (out) return std::nullopt;
  return v;
}

template <typename E>
bool spelled(const std::string& v) {
  return parse_enum<E>(v).has_value();
}

template <typename E>
std::string choices() {
  std::string out;
  for (const auto& [e, name] : enum_values<E>()) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

CheckDecode decode_message(const json& m) {
  if (!m.is_object()) return refuse("message", "must be an object");
  std::optional<CheckDecode> bad;
  CheckMessage msg;
  auto id = text(m, "id", true, bad);
  if (bad) return *bad;
  auto customer = text(m, "customer", false, bad);
  if (bad) return *bad;
  auto email = text(m, "email", false, bad);
  if (bad) return *bad;
  // An empty one is not given: "" would be looked up as an e-mail address.
  if (customer && customer->empty()) customer.reset();
  if (email && email->empty()) email.reset();
  if (!customer && !email) return refuse("message.customer", "missing (give \"customer\" or \"email\")");
  msg.id = *id;
  msg.customer = customer.value_or("");
  msg.email = email.value_or("");
  json body = json::object();
  if (auto c = text(m, "case", false, bad)) body["case"] = *c;
  if (bad) return *bad;
  for (const char* name : {"kind", "channel", "sender", "subject", "scheduled_at"}) {
    auto v = text(m, name, std::string_view(name) != "subject", bad);
    if (bad) return *bad;
    body[name] = v.value_or("");
  }
  const std::string kind = body["kind"], channel = body["channel"], at = body["scheduled_at"];
  if (!spelled<TouchKind>(kind))
    return refuse("message.kind", "\"" + kind + "\" is not a message kind (" + choices<TouchKind>() + ")");
  if (!spelled<Channel>(channel))
    return refuse("message.channel", "\"" + channel + "\" is not a channel (" + choices<Channel>() + ")");
  if (!parse_time(at)) return refuse("message.scheduled_at", "\"" + at + "\" is not a time (e.g. 2026-11-20T14:00Z)");
  body["direction"] = "out";
  msg.body = std::move(body);
  CheckDecode d;
  d.request = CheckRequest{std::move(msg), "check"};
  return d;
}

}  // namespace

CheckDecode decode_check(const json& body) {
  if (!body.is_object()) return refuse("body", "must be a JSON object");
  std::string via = "check";
  if (auto v = body.find("via"); v != body.end()) {
    if (!v->is_string() || (*v != "check" && *v != "relay")) return refuse("via", "must be \"check\" or \"relay\"");
    via = v->get<std::string>();
  }
  const bool has_id = body.contains("scheduled"), has_message = body.contains("message");
  if (has_id == has_message) return refuse("scheduled", "give exactly one of \"scheduled\" (an id) and \"message\"");
  CheckDecode d;
  if (has_id) {
    const json& id = body["scheduled"];
    if (!id.is_string() || id.get<std::string>().empty()) return refuse("scheduled", "must be a non-empty string");
    if (id.get<std::string>().size() > kMaxText) return refuse("scheduled", "too long");
    d.request = CheckRequest{id.get<std::string>(), via};
    return d;
  }
  d = decode_message(body["message"]);
  if (d.request) d.request->via = via;
  return d;
}

std::string scheduled_id_for(const std::string& integration, const std::string& message_id) {
  return integration + ":" + message_id;
}

json check_body_from_query(const std::map<std::string, std::string>& query) {
  json body = json::object();
  if (auto v = query.find("via"); v != query.end()) body["via"] = v->second;
  if (auto s = query.find("scheduled"); s != query.end()) {
    body["scheduled"] = s->second;
    return body;
  }
  json m = json::object();
  for (const char* f : {"id", "customer", "email", "case", "kind", "channel", "sender", "subject", "scheduled_at"})
    if (auto v = query.find(f); v != query.end()) m[f] = v->second;
  if (!m.empty()) body["message"] = std::move(m);
  return body;
}

}  // namespace cockpit::server
