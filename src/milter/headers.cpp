#include "milter/headers.hpp"

#include <cstdint>

#include "milter/message_key.hpp"

namespace cockpit::milter {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Sets an X-Cockpit-* value, or notes the first problem with it.
void cockpit_header(MessageFacts& f, std::optional<std::string>& slot, std::string_view name, std::string_view raw) {
  const std::string v = one_line(raw);
  std::string why;
  if (v.empty()) why = "is empty";
  else if (v.size() > kMaxField) why = "is longer than " + std::to_string(kMaxField) + " bytes";
  else if (clean_utf8(v) != v) why = "is not valid UTF-8";
  else if (slot && *slot != v) why = "is given twice with different values";
  if (!why.empty()) {
    if (f.problem.empty()) f.problem = std::string(name) + " " + why;
    return;
  }
  slot = v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::optional<std::string> q_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '_') {
      out += ' ';
    } else if (in[i] == '=') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// One encoded word's text ("charset?B?text"), or nullopt to leave it as written.
std::optional<std::string> decode_word(std::string_view inner) {
  const std::size_t q1 = inner.find('?');
  if (q1 == std::string_view::npos || q1 + 2 >= inner.size() || inner[q1 + 2] != '?') return std::nullopt;
  std::string charset(inner.substr(0, q1));
  if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 language
  for (char& c : charset) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  const char enc = inner[q1 + 1];
  const std::string_view text = inner.substr(q1 + 3);
  std::optional<std::string> raw;
  if (enc == 'B' || enc == 'b') raw = base64_decode(text);
  else if (enc == 'Q' || enc == 'q') raw = q_decode(text);
  if (!raw) return std::nullopt;
  if (charset == "utf-8" || charset == "us-ascii") return raw;
  if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso-8859-15" || charset == "windows-1252")
    return latin1_to_utf8(*raw);  // close enough for matching rules and comparing subjects
  return std::nullopt;
}

}  // namespace

std::string one_line(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
  }
  const auto b = out.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return out.substr(b, out.find_last_not_of(" \t") - b + 1);
}

std::string decode_words(std::string_view v) {
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  std::string pending_space;  // blanks after an encoded word: dropped if another follows
  while (i < v.size()) {
    if (v.compare(i, 2, "=?") == 0) {
      // =?charset?X?text?= : the end is the first "?=" after the two inner '?'.
      const std::size_t a = v.find('?', i + 2);
      const std::size_t b = a == std::string_view::npos ? a : v.find('?', a + 1);
      const std::size_t end = b == std::string_view::npos ? b : v.find("?=", b + 1);
      if (end != std::string_view::npos) {
        if (auto text = decode_word(v.substr(i + 2, end - i - 2))) {
          if (!last_was_word) out += pending_space;
          pending_space.clear();
          out += *text;
          i = end + 2;
          last_was_word = true;
          continue;
        }
      }
    }
    if (v[i] == ' ' || v[i] == '\t') {
      pending_space += v[i++];
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += v[i++];
    last_was_word = false;
  }
  return out + pending_space;
}

std::string clean_utf8(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len > 1) {
      // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
      std::uint32_t cp = c & (0x7F >> len);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    const std::string_view piece = ok ? s.substr(i, len) : std::string_view("\xEF\xBF\xBD");
    if (out.size() + piece.size() > max) break;
    out += piece;
    i += ok ? len : 1;
  }
  return out;
}

std::string envelope_address(std::string_view arg) {
  std::string a = one_line(arg);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  return clean_utf8(a);
}

void add_header(MessageFacts& f, std::string_view name, std::string_view value) {
  if (same_name(name, "Message-ID")) {
    if (f.message_id.empty()) f.message_id = normalize_message_id(value);
  } else if (same_name(name, "Subject")) {
    if (f.subject.empty()) f.subject = clean_utf8(one_line(decode_words(one_line(value))));
  } else if (same_name(name, "From")) {
    if (f.from_header.empty()) f.from_header = clean_utf8(one_line(value));
  } else if (same_name(name, "Date")) {
    if (f.date_header.empty()) f.date_header = clean_utf8(one_line(value));
  } else if (same_name(name, "X-Cockpit-Kind")) {
    cockpit_header(f, f.kind, "X-Cockpit-Kind", value);
  } else if (same_name(name, "X-Cockpit-Customer")) {
    cockpit_header(f, f.customer, "X-Cockpit-Customer", value);
  } else if (same_name(name, "X-Cockpit-Case")) {
    cockpit_header(f, f.case_id, "X-Cockpit-Case", value);
  }
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace cockpit::milter
