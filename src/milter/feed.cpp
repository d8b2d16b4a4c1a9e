#include "milter/feed.hpp"

#include <nlohmann/json.hpp>

namespace cockpit::milter {

using nlohmann::json;

std::optional<FeedPage> parse_feed(std::string_view body, std::string& error) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("cursor") || !j["cursor"].is_number_integer() || !j.contains("changes") ||
      !j["changes"].is_array()) {
    error = "the verdict feed's answer is not {\"changes\": [...], \"cursor\": N}";
    return std::nullopt;
  }
  FeedPage page;
  page.cursor = j["cursor"].get<std::int64_t>();
  page.more = j.contains("more") && j["more"].is_boolean() && j["more"].get<bool>();
  for (const json& c : j["changes"]) {
    if (!c.is_object()) continue;
    FeedChange f;
    if (c.contains("scheduled") && c["scheduled"].is_string()) f.scheduled = c["scheduled"].get<std::string>();
    if (c.contains("verdict") && c["verdict"].is_string()) f.verdict = c["verdict"].get<std::string>();
    if (c.contains("cursor") && c["cursor"].is_number_integer()) f.cursor = c["cursor"].get<std::int64_t>();
    if (!f.scheduled.empty() && (f.verdict == "send" || f.verdict == "hold" || f.verdict == "cancel"))
      page.changes.push_back(std::move(f));
  }
  return page;
}

std::optional<std::vector<std::string>> parse_safe_kinds(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("safe_kinds") || !j["safe_kinds"].is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json& k : j["safe_kinds"])
    if (k.is_string()) out.push_back(k.get<std::string>());
  return out;
}

}  // namespace cockpit::milter
