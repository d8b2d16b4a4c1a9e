#pragma once
// Parsing request bodies with limits: nlohmann/json parses iteratively but copies and
// dumps recursively, so depth is capped WHILE parsing (parser callback), as are string
// and list lengths. A refusal names what broke the limit.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cockpit::server {

struct JsonLimits {
  std::size_t max_depth = 16;
  std::size_t max_string = 100'000;  // bytes in one string or key
  std::size_t max_list = 10'000;     // elements of one array
};

struct JsonError {
  std::string message, field;  // field: the key being read when it broke, if known
};

std::optional<nlohmann::json> parse_limited(std::string_view text, const JsonLimits& limits, JsonError& err);

}  // namespace cockpit::server
