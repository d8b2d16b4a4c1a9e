// The JSON Schema subset of json_schema.hpp, keyword by keyword, as a table: each row a
// schema, a value, and whether it is valid (and when not, a part of the problem).
#include <doctest/doctest.h>

#include <stdexcept>

#include "json_schema.hpp"

using nlohmann::json;
using cockpit::test::schema_problems;

namespace {

struct Row {
  const char* schema;
  const char* value;
  const char* problem;  // nullptr: valid; else a part of the first problem
};

const json kRoot = json::parse(R"({"components": {"schemas": {
  "Id": {"type": "string", "minLength": 1},
  "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"$ref": "#/components/schemas/Id"}},
            "additionalProperties": false}}}})");

}  // namespace

TEST_CASE("each keyword of the subset accepts and refuses as JSON Schema says") {
  const Row rows[] = {
      {R"({"type": "string"})", R"("x")", nullptr},
      {R"({"type": "string"})", "1", "is not of type"},
      {R"({"type": ["string", "null"]})", "null", nullptr},
      {R"({"type": "integer"})", "3", nullptr},
      {R"({"type": "integer"})", "3.5", "is not of type"},
      {R"({"type": "number"})", "3.5", nullptr},
      {R"({"type": "boolean"})", "0", "is not of type"},
      {R"({"type": "object"})", "[]", "is not of type"},
      {R"({"enum": ["a", null]})", "null", nullptr},
      {R"({"enum": ["a", "b"]})", R"("c")", "is not one of"},
      {R"({"const": true})", "true", nullptr},
      {R"({"const": true})", "false", "is not true"},
      {R"({"minimum": 0, "maximum": 10})", "10", nullptr},
      {R"({"minimum": 0})", "-1", "below 0"},
      {R"({"maximum": 10})", "11", "above 10"},
      {R"({"minLength": 1})", R"("")", "shorter than 1"},
      {R"({"maxLength": 2})", R"("abc")", "longer than 2"},
      {R"({"pattern": "^[0-9]{4}-"})", R"("2026-11")", nullptr},
      {R"({"pattern": "^[0-9]{4}-"})", R"("26-11")", "does not match"},
      {R"({"required": ["a"]})", R"({"b": 1})", "\"a\" is missing"},
      {R"({"properties": {"a": {"type": "string"}}})", R"({"a": 1})", "/a: number is not of type"},
      {R"({"properties": {"a": {}}, "additionalProperties": false})", R"({"a": 1, "b": 2})", "/b (not a listed property)"},
      {R"({"additionalProperties": {"type": "integer"}})", R"({"x": 1})", nullptr},
      {R"({"additionalProperties": {"type": "integer"}})", R"({"x": "1"})", "/x (not a listed property)"},
      {R"({"items": {"type": "integer"}})", "[1, 2, \"3\"]", "/2: string"},
      {R"({"oneOf": [{"type": "string"}, {"type": "integer"}]})", "1", nullptr},
      {R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})", "1", "matches 2 of oneOf"},
      {R"({"oneOf": [{"type": "string"}, {"type": "integer"}]})", "true", "matches none of oneOf"},
      {R"({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]})", R"({"b": 1})", nullptr},
      {R"({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]})", R"({"c": 1})", "matches none of anyOf"},
      {R"({"allOf": [{"type": "object"}, {"required": ["a"]}]})", R"({})", "\"a\" is missing"},
      {R"({"$ref": "#/components/schemas/Thing"})", R"({"id": "t-1"})", nullptr},
      {R"({"$ref": "#/components/schemas/Thing"})", R"({"id": ""})", "/id: shorter than 1"},
      {R"({"$ref": "#/components/schemas/Thing"})", R"({"id": "t", "x": 1})", "/x (not a listed property)"},
      {R"({"description": "only words", "format": "date-time"})", "1", nullptr},
      {"true", "1", nullptr},
      {"false", "1", "no value is allowed"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.schema);
    CAPTURE(r.value);
    const auto problems = schema_problems(json::parse(r.value), json::parse(r.schema), kRoot);
    if (!r.problem) {
      CHECK(problems.empty());
    } else {
      REQUIRE_FALSE(problems.empty());
      CHECK_MESSAGE(problems[0].find(r.problem) != std::string::npos, problems[0]);
    }
  }
}

TEST_CASE("a keyword outside the subset, an unknown type or a dangling $ref is an error, not a pass") {
  const char* schemas[] = {R"({"minItems": 1})", R"({"type": "date"})", R"({"$ref": "#/components/schemas/Nope"})",
                           R"({"$ref": "other.json#/x"})", R"({"properties": {"a": {"uniqueItems": true}}})"};
  for (const char* s : schemas) {
    CAPTURE(s);
    CHECK_THROWS_AS(schema_problems(json::parse(R"({"a": [1]})"), json::parse(s), kRoot), std::invalid_argument);
  }
}
