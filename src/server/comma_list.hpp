#pragma once
// Lists written as "a,b,c": flags (--scopes, --events, --guard-safe-kinds) and the
// columns that keep a short list (scopes, hold reasons, subscribed events).
#include <string>
#include <string_view>
#include <vector>

namespace cockpit::server {

// "a, b,c" → {"a", "b", "c"} (spaces around parts trimmed, empty parts dropped).
inline std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = v.find(',');
    std::string_view part = v.substr(0, comma);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) return out;
    v.remove_prefix(comma + 1);
  }
}

// {"a", "b"} → "a,b".
inline std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace cockpit::server
