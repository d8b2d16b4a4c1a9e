#include "server/live_fanout.hpp"

#include <nlohmann/json.hpp>

namespace cockpit::server {

using nlohmann::json;

std::string encode_news(const LiveNews& n) {
  json j{{"c", n.cursor}, {"o", n.origin}};
  if (n.who.everyone) j["e"] = true;
  else j["m"] = n.who.managers;
  std::string text = j.dump();
  if (text.size() <= kMaxNewsBytes) return text;
  return json{{"c", n.cursor}, {"o", n.origin}, {"e", true}}.dump();
}

std::optional<LiveNews> decode_news(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("c") || !j["c"].is_number_integer()) return std::nullopt;
  LiveNews n;
  n.cursor = j["c"].get<std::int64_t>();
  if (auto o = j.find("o"); o != j.end() && o->is_string()) n.origin = o->get<std::string>();
  if (auto e = j.find("e"); e != j.end() && e->is_boolean()) n.who.everyone = e->get<bool>();
  if (auto m = j.find("m"); m != j.end() && m->is_array())
    for (const auto& x : *m)
      if (x.is_string()) n.who.managers.insert(x.get<std::string>());
  return n;
}

}  // namespace cockpit::server
