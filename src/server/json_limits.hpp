#pragma once
// Parsing request bodies with limits, in linear time: the shape (depth, string and list
// lengths) is checked by one scan before parsing (domain/input_scan.hpp), then the text
// is parsed without a callback. A refusal names what broke the limit.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/input_scan.hpp"

namespace cockpit::server {

using JsonLimits = JsonShapeLimits;

struct JsonError {
  std::string message, field;  // field: the key being read when it broke, if known
};

std::optional<nlohmann::json> parse_limited(std::string_view text, const JsonLimits& limits, JsonError& err);

}  // namespace cockpit::server
