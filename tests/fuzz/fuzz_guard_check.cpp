// libFuzzer target: the body of POST /api/guard/check, as the server reads it: parsed
// with the server's JSON limits (parse_limited, JsonLimits{} as ServerApp keeps them),
// then decoded (decode_check). Neither may throw or crash, and what comes out must hold:
//   refused   a field named, and the error starting with it;
//   accepted  via "check" or "relay"; a scheduled id non-empty and at most 1000 bytes; a
//             message with a non-empty id, a customer or an e-mail, a body in contract
//             form (kind, channel, scheduled_at that parse; direction out; no id or
//             customer; none of Cockpit's own fields) that dumps as JSON; and the id of
//             its scheduled record names the integration.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/enums.hpp"
#include "domain/time.hpp"
#include "server/guard_check.hpp"
#include "server/json_limits.hpp"

namespace {

using namespace cockpit;
using namespace cockpit::server;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool is_text(const nlohmann::json& body, const char* key) { return body.contains(key) && body[key].is_string(); }

void check_message(const CheckMessage& m) {
  check(!m.id.empty() && m.id.size() <= 1000);
  check(!m.customer.empty() || !m.email.empty());
  const nlohmann::json& b = m.body;
  check(b.is_object());
  for (const char* key : {"kind", "channel", "sender", "subject", "scheduled_at", "direction"}) check(is_text(b, key));
  check(parse_enum<TouchKind>(b["kind"].get<std::string>()).has_value());
  check(parse_enum<Channel>(b["channel"].get<std::string>()).has_value());
  check(parse_time(b["scheduled_at"].get<std::string>()).has_value());
  check(!b["sender"].get<std::string>().empty());
  check(b["direction"] == "out");
  if (b.contains("case")) check(is_text(b, "case"));
  for (const char* key : {"id", "customer", "email", "status", "decision_note", "asked_at", "asked_by", "asked_via"})
    check(!b.contains(key));
  (void)b.dump();  // the record is written as text: it must dump without throwing
  const std::string id = scheduled_id_for("fuzz", m.id);
  check(id.size() == 5 + m.id.size() && id.rfind("fuzz:", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  JsonError err;
  const auto body = parse_limited(text, JsonLimits{}, err);
  if (!body) return 0;  // a 400, before the decoder
  const CheckDecode d = decode_check(*body);
  if (!d.request) {
    check(!d.field.empty());
    check(d.error.rfind(d.field + ": ", 0) == 0);
    return 0;
  }
  check(d.error.empty() && d.field.empty());
  check(d.request->via == "check" || d.request->via == "relay");
  if (const auto* id = std::get_if<std::string>(&d.request->what)) {
    check(!id->empty() && id->size() <= 1000);
    check(!scheduled_id_for("fuzz", *id).empty());
  } else {
    check_message(std::get<CheckMessage>(d.request->what));
  }
  return 0;
}
