#pragma once
// Linear checks of outside text, made before anything is parsed or built from it.
//
// nlohmann/json 3.11.2 parses in linear time without a callback, but its callback
// parser walks the whole parent again on every end_object (quadratic on a long list of
// objects), and it copies, compares and dumps recursively. So the shape of a JSON text
// (nesting, string and list lengths) is checked here in one pass, and only then is the
// text parsed, without a callback. Malformed text passes the scan: the parser refuses it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cockpit {

struct JsonShapeLimits {
  std::size_t max_depth = 16;        // arrays and objects inside each other
  std::size_t max_string = 100'000;  // bytes of one string or key, as sent (escapes counted as sent)
  std::size_t max_list = 10'000;     // entries of one array
};

struct JsonShapeError {
  std::string message;
  std::string field;  // the key last read when the limit broke ("" at the top level)
};

// The first limit the text breaks, or nothing. One pass, memory O(max_depth).
std::optional<JsonShapeError> json_shape_violation(std::string_view text, const JsonShapeLimits& limits);

// Whether arrays and objects nest deeper than `max` anywhere in the text.
bool json_nesting_exceeds(std::string_view text, std::size_t max);

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace cockpit
