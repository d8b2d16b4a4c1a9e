#include "server/json_limits.hpp"

namespace cockpit::server {

std::optional<nlohmann::json> parse_limited(std::string_view text, const JsonLimits& limits, JsonError& err) {
  if (auto bad = json_shape_violation(text, limits)) {
    err.message = std::move(bad->message);
    err.field = std::move(bad->field);
    return std::nullopt;
  }
  // Invalid UTF-8 inside a string is a parse error (a 400), and the parser's message
  // quotes the bytes it read: Response::json dumps such text replaced, never throwing.
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    err.message = std::string("malformed JSON: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace cockpit::server
