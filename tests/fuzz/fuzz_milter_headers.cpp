// libFuzzer target: a mail as cockpit-milter sees it (src/milter/headers.hpp,
// check_plan.hpp). The input is lines: "MAIL addr", "RCPT addr", or a header
// "Name: value" (a line starting with a blank continues the header before it). They go
// through envelope_address and add_header as libmilter hands them over, then the plan
// of checks. Nothing may throw or crash, and what comes out must hold:
//   every kept text is valid UTF-8 (JSON can carry it) and within the check's limits;
//   a plan that checks has a valid contract kind, message ids of at most 800 visible
//   ASCII bytes, and bodies that dump as JSON; a refusal says why.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/enums.hpp"
#include "milter/check_plan.hpp"
#include "milter/headers.hpp"
#include "milter/message_key.hpp"

namespace {

using namespace cockpit;
using namespace cockpit::milter;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool utf8(const std::string& s) { return clean_utf8(s, s.size() + 1) == s; }

const MilterConfig& config() {
  static const MilterConfig c = [] {
    MilterConfig m;
    m.server = "http://x";
    m.token = "t";
    m.state_dir = "/tmp";
    m.max_recipients = 5;
    m.rules = {{"order_confirmation", "*@shop.example", "Your order*", "system:shop"}, {"marketing", "", "*sale*", ""}};
    return m;
  }();
  return c;
}

void feed(MessageFacts& f, const std::string& name, const std::string& value) {
  if (name == "MAIL") f.envelope_from = envelope_address(value);
  else if (name == "RCPT") f.recipients.push_back(envelope_address(value));
  else add_header(f, name, value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  MessageFacts f;
  std::string name, value;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += "\r\n" + std::string(line);  // folded
      continue;
    }
    if (!name.empty()) feed(f, name, value);
    const auto sep = line.rfind("MAIL ", 0) == 0 || line.rfind("RCPT ", 0) == 0 ? 4 : line.find(':');
    name = std::string(line.substr(0, sep == std::string_view::npos ? line.size() : sep));
    value = sep == std::string_view::npos ? "" : std::string(line.substr(sep + 1));
  }
  if (!name.empty()) feed(f, name, value);

  for (const std::string* s : {&f.subject, &f.message_id, &f.from_header, &f.date_header, &f.envelope_from})
    check(utf8(*s));
  check(f.subject.size() <= kMaxField);
  for (const auto* o : {&f.kind, &f.customer, &f.case_id})
    if (*o) check(utf8(**o) && !(*o)->empty() && (*o)->size() <= kMaxField);

  const std::string key = record_key(f, "4F2A91C03B");
  const Plan p = plan_checks(f, key, config(), 1'795'000'000'000);
  if (p.kind == Plan::Kind::refuse) check(!p.why.empty());
  if (p.kind != Plan::Kind::check) return 0;
  check(parse_enum<TouchKind>(p.touch_kind).has_value());
  check(!p.checks.empty() && p.checks.size() <= config().max_recipients);
  for (const PlannedCheck& c : p.checks) {
    const std::string id = c.body["message"]["id"].get<std::string>();
    check(!id.empty() && id.size() <= 800);
    for (char ch : id) check(ch > 0x20 && ch < 0x7F);
    (void)c.body.dump();  // throws on invalid UTF-8
  }
  return 0;
}
