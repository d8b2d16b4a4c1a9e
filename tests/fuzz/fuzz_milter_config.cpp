// libFuzzer target: cockpit-milter's config file (src/milter/config.hpp) and the two
// outputs the milter reads from other programs, postcat's (postcat.hpp) and the
// server's verdict feed (feed.hpp); the first byte picks which. Nothing may throw or
// crash, and:
//   config  refused with a message, or accepted with a server URL, a state folder, one
//           token source, and rules whose kinds are contract kinds;
//   postcat a found queue file names its queue and id; texts are valid UTF-8;
//   feed    only changes with a scheduled id and a known verdict come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/enums.hpp"
#include "milter/config.hpp"
#include "milter/feed.hpp"
#include "milter/headers.hpp"
#include "milter/postcat.hpp"

namespace {

using namespace cockpit;
using namespace cockpit::milter;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool utf8(const std::string& s) { return clean_utf8(s, s.size() + 1) == s; }

void config(std::string_view text) {
  const ConfigParse p = parse_config(text);
  if (!p.config) {
    check(!p.error.empty());
    return;
  }
  const MilterConfig& c = *p.config;
  check(c.server.rfind("http://", 0) == 0 || c.server.rfind("https://", 0) == 0);
  check(!c.state_dir.empty() && c.token.empty() != c.token_file.empty());
  check(!c.postsuper.empty() && !c.postcat.empty() && !c.postqueue.empty());
  for (const Rule& r : c.rules) {
    check(parse_enum<TouchKind>(r.kind).has_value());
    check(r.sender.empty() || r.sender.rfind("system:", 0) == 0);
  }
}

void postcat(std::string_view text) {
  const QueueFile f = parse_postcat(text);
  check(utf8(f.probe.message_id) && utf8(f.sender));
  for (const auto& r : f.recipients) check(utf8(r));
}

void feed(std::string_view text) {
  std::string error;
  const auto page = parse_feed(text, error);
  if (!page) {
    check(!error.empty());
    return;
  }
  for (const FeedChange& c : page->changes) {
    check(!c.scheduled.empty());
    check(c.verdict == "send" || c.verdict == "hold" || c.verdict == "cancel");
  }
  (void)parse_safe_kinds(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: config(text); break;
    case 1: postcat(text); break;
    default: feed(text); break;
  }
  return 0;
}
