#include "domain/input_scan.hpp"

#include <algorithm>
#include <vector>

namespace cockpit {

namespace {

// One open array or object during the scan.
struct Level {
  bool array = false;
  bool expect = true;  // array: the next value starts an entry; object: the next string is a key
  std::size_t entries = 0;
};

constexpr std::size_t kKeyShown = 64;  // bytes of a key kept to name it in a refusal

bool starts_value(char c) {
  return c == '"' || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' ||
         c == 'n';
}

}  // namespace

std::optional<JsonShapeError> json_shape_violation(std::string_view text, const JsonShapeLimits& limits) {
  std::vector<Level> stack;
  std::string last_key;
  auto fail = [&](std::string message) { return JsonShapeError{std::move(message), last_key}; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':') continue;
    if (!stack.empty() && stack.back().array && stack.back().expect && starts_value(c)) {
      stack.back().expect = false;
      if (++stack.back().entries > limits.max_list)
        return fail("a list has more than " + std::to_string(limits.max_list) + " entries");
    }
    if (c == '"') {
      const bool is_key = !stack.empty() && !stack.back().array && stack.back().expect;
      const std::size_t start = ++i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      const std::size_t len = std::min(i, text.size()) - start;
      if (len > limits.max_string)
        return fail(std::string(is_key ? "a key" : "a string") + " is longer than " +
                    std::to_string(limits.max_string) + " bytes");
      if (is_key) {
        stack.back().expect = false;
        last_key.assign(text.substr(start, std::min(len, kKeyShown)));
      }
    } else if (c == '[' || c == '{') {
      if (stack.size() >= limits.max_depth)
        return fail("JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
      stack.push_back(Level{c == '['});
    } else if ((c == ']' || c == '}') && !stack.empty()) {
      stack.pop_back();
    } else if (c == ',' && !stack.empty()) {
      stack.back().expect = true;
    }
  }
  return std::nullopt;
}

bool json_nesting_exceeds(std::string_view text, std::size_t max) {
  JsonShapeLimits only_depth;
  only_depth.max_depth = max;
  only_depth.max_string = text.size();
  only_depth.max_list = text.size();
  return json_shape_violation(text, only_depth).has_value();
}

bool valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

}  // namespace cockpit
