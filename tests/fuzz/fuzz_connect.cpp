// libFuzzer target: a source webhook's delivery as the server reads it (src/server/CONNECT.md).
// The first line of the input names the source and, for Shopify, the topic
// ("stripe", "shopify orders/create", "zendesk"); the rest is the body. The body is
// checked against a signature header made of its own first bytes (nearly always wrong:
// the checker must refuse without crashing), parsed with the server's JSON limits, and
// mapped (map_event). Nothing may throw or crash, and what comes out must hold:
//   an error      names no ignored reason, and no changes;
//   ignored       has no changes;
//   mapped        an event id and type, every change with a record id or the matched
//                 customer's, fields that are a JSON object and dump as text, a "create"
//                 only where the record may be created.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "server/connect_map.hpp"
#include "server/json_limits.hpp"

namespace {

using namespace cockpit;
using namespace cockpit::server;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_mapped(const Mapped& m) {
  if (!m.error.empty()) {
    check(m.ignored.empty() && m.patches.empty());
    return;
  }
  check(!m.event_id.empty() && !m.type.empty());
  if (!m.ignored.empty()) {
    check(m.patches.empty());
    return;
  }
  for (const Patch& p : m.patches) {
    check(!p.id.empty() || p.kind == RecordKind::customer);
    check(p.fields.is_object() && p.create.is_object());
    if (p.missing != WhenMissing::create) check(p.create.empty());
    (void)p.fields.dump();
    (void)p.create.dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view first = input.substr(0, newline), body = input.substr(newline + 1);
  const auto space = first.find(' ');
  const auto source = parse_source(first.substr(0, space));
  if (!source) return 0;
  std::map<std::string, std::string> headers;
  const std::string head(body.substr(0, 40));
  headers["stripe-signature"] = head;
  headers["x-shopify-hmac-sha256"] = head;
  headers["x-zendesk-webhook-signature"] = head;
  headers["x-zendesk-webhook-signature-timestamp"] = std::string(body.substr(0, 20));
  (void)verify_signature(*source, "fuzz-secret", headers, body, 1'700'000'000'000);
  if (space != std::string_view::npos) headers["x-shopify-topic"] = std::string(first.substr(space + 1));
  headers["x-shopify-event-id"] = "fuzz-event";
  JsonError err;
  const auto parsed = parse_limited(body, JsonLimits{}, err);
  if (!parsed) return 0;  // a 400, before the mapping
  check_mapped(map_event(*source, headers, *parsed, SourceOptions{{"type:problem", "tag:refund"}}));
  return 0;
}
