#include "milter/postcat.hpp"

#include "milter/headers.hpp"
#include "milter/message_key.hpp"

namespace cockpit::milter {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// "*** NAME queue/ID ***" → the section's name; queue and id filled from the first one.
std::string_view section(std::string_view line, QueueFile& out) {
  if (line.size() < 8 || line.substr(0, 4) != "*** " || line.substr(line.size() - 4) != " ***") return {};
  std::string_view inner = line.substr(4, line.size() - 8);
  const auto space = inner.rfind(' ');
  if (space == std::string_view::npos) return inner;
  const std::string_view where = inner.substr(space + 1);
  const auto slash = where.find('/');
  if (slash == std::string_view::npos) return inner;  // a section line without "queue/ID"
  if (!out.probe.found) {
    out.probe.found = true;
    out.probe.queue = std::string(where.substr(0, slash));
    out.queue_id = std::string(where.substr(slash + 1));
  }
  return inner.substr(0, space);
}

}  // namespace

QueueFile parse_postcat(std::string_view text) {
  QueueFile out;
  std::string_view part;  // the section being read
  std::string header;     // the header being read (with its folded lines)
  auto end_header = [&] {
    if (starts_with_nocase(header, "message-id:") && out.probe.message_id.empty())
      out.probe.message_id = normalize_message_id(std::string_view(header).substr(11));
    header.clear();
  };
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("*** ", 0) == 0) {
      end_header();
      if (auto name = section(line, out); !name.empty()) part = name;
      continue;
    }
    if (part == "ENVELOPE RECORDS") {
      if (line.rfind("sender: ", 0) == 0) out.sender = clean_utf8(line.substr(8));
      if (line.rfind("recipient: ", 0) == 0 && out.recipients.size() < 10000)
        out.recipients.push_back(clean_utf8(line.substr(11)));
    } else if (part == "MESSAGE CONTENTS") {
      if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        if (header.size() < 64 * 1024) header.append(line);
        continue;
      }
      end_header();
      header.assign(line.substr(0, 64 * 1024));
    }
  }
  end_header();
  return out;
}

}  // namespace cockpit::milter
