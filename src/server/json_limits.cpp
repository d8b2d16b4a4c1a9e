#include "server/json_limits.hpp"

namespace cockpit::server {

namespace {
struct Refused {
  std::string message;
};
}  // namespace

std::optional<nlohmann::json> parse_limited(std::string_view text, const JsonLimits& limits, JsonError& err) {
  using json = nlohmann::json;
  std::string last_key;
  auto cb = [&](int depth, json::parse_event_t ev, json& parsed) -> bool {
    switch (ev) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (static_cast<std::size_t>(depth) >= limits.max_depth)
          throw Refused{"JSON nested deeper than " + std::to_string(limits.max_depth) + " levels"};
        break;
      case json::parse_event_t::key:
        if (parsed.is_string()) {
          if (parsed.get_ref<const std::string&>().size() > limits.max_string)
            throw Refused{"a key is longer than " + std::to_string(limits.max_string) + " bytes"};
          last_key = parsed.get<std::string>();
        }
        break;
      case json::parse_event_t::value:
        if (parsed.is_string() && parsed.get_ref<const std::string&>().size() > limits.max_string)
          throw Refused{"a string is longer than " + std::to_string(limits.max_string) + " bytes"};
        break;
      case json::parse_event_t::array_end:
        if (parsed.size() > limits.max_list)
          throw Refused{"a list has more than " + std::to_string(limits.max_list) + " entries"};
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), cb);
  } catch (const Refused& r) {
    err.message = r.message;
    err.field = last_key;
  } catch (const json::parse_error& e) {
    err.message = std::string("malformed JSON: ") + e.what();
  } catch (const std::exception& e) {
    err.message = std::string("malformed JSON: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace cockpit::server
