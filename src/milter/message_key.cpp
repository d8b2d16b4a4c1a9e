#include "milter/message_key.hpp"

#include <cstdint>

#include "milter/headers.hpp"

namespace cockpit::milter {

namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void hex(std::string& out, std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xF];
}

bool visible_ascii(std::string_view s) {
  for (char c : s)
    if (c <= 0x20 || c >= 0x7F) return false;
  return !s.empty();
}

std::string part(std::string_view s, std::size_t max) {
  if (visible_ascii(s) && s.size() <= max) return std::string(s);
  return "h" + fingerprint(s);
}

}  // namespace

std::string fingerprint(std::string_view text) {
  std::string out;
  hex(out, fnv1a(text, 0xcbf29ce484222325ULL));
  // The second hash starts from another basis, so the two are not the same function.
  hex(out, fnv1a(text, 0x84222325cbf29ce4ULL ^ text.size()));
  return out;
}

std::string normalize_message_id(std::string_view raw) {
  std::string_view v = raw;
  if (const auto lt = v.find('<'); lt != std::string_view::npos) {
    const auto gt = v.find('>', lt + 1);
    if (gt != std::string_view::npos) v = v.substr(lt + 1, gt - lt - 1);
  }
  std::string out;
  for (char c : v)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  return clean_utf8(out);
}

std::string made_up_message_id(const MessageFacts& f) {
  std::string seed = f.from_header + '\n' + f.date_header + '\n' + f.subject + '\n' + f.envelope_from;
  for (const auto& r : f.recipients) seed += '\n' + r;
  return "cockpit." + fingerprint(seed) + "@milter.invalid";
}

std::string record_key(const MessageFacts& f, std::string_view queue_id) {
  const std::string& id = f.message_id;
  if (id.empty()) return made_up_message_id(f);
  // Postfix's own: 14 digits of time, ".", the queue id, "@".
  if (!queue_id.empty() && id.size() > 16 + queue_id.size() && id[14] == '.' &&
      id.compare(15, queue_id.size(), queue_id) == 0 && id[15 + queue_id.size()] == '@') {
    bool digits = true;
    for (int i = 0; i < 14; ++i) digits = digits && id[static_cast<std::size_t>(i)] >= '0' && id[static_cast<std::size_t>(i)] <= '9';
    if (digits) return made_up_message_id(f);
  }
  return id;
}

std::string check_id(std::string_view message_id, std::string_view recipient) {
  std::string id = part(message_id, 400);
  if (!recipient.empty()) {
    std::string lower(recipient);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    id += "/" + part(lower, 320);
  }
  return id;
}

}  // namespace cockpit::milter
