#pragma once
// The part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that src/server/openapi.json
// uses, to check the real server's answers against it: $ref (to "#/…" in the same
// document), type (one or a list, "integer" meaning a number without a fraction),
// properties, required, additionalProperties (true, false or a schema), items, enum,
// const, oneOf (exactly one), anyOf, allOf, minimum, maximum, minLength, maxLength
// (in bytes) and pattern (ECMAScript, searched). description, title, format, default
// and examples are annotations. Any other keyword throws std::invalid_argument: a
// schema must never pass because the validator skipped what it says.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cockpit::test {

// Everything wrong with `value` under `schema`, each as "<where>: <what>" with `where`
// a JSON pointer into the value ("" for the whole); empty when it is valid. `$ref`s
// are resolved in `root` (the whole OpenAPI document).
std::vector<std::string> schema_problems(const nlohmann::json& value, const nlohmann::json& schema,
                                         const nlohmann::json& root);

}  // namespace cockpit::test
