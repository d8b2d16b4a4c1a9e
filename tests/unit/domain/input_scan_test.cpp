// The linear pre-scan of outside JSON text and the UTF-8 check (domain/input_scan.hpp).
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "domain/input_scan.hpp"

using namespace cockpit;

TEST_CASE("json_shape_violation: each limit at its edge") {
  JsonShapeLimits lim;
  lim.max_depth = 3;
  lim.max_string = 5;
  lim.max_list = 3;
  struct Row {
    const char* text;
    const char* message_has;  // nullptr: passes
    const char* field;
  };
  const Row rows[] = {
      {"[[[]]]", nullptr, ""},
      {"[[[[]]]]", "nested deeper than 3", ""},
      {R"({"a":{"b":{"c":1}}})", nullptr, ""},
      {R"({"a":{"b":{"c":{}}}})", "nested deeper than 3", "c"},
      {R"(["12345"])", nullptr, ""},
      {R"(["123456"])", "a string is longer than 5", ""},
      {R"({"abcdef":1})", "a key is longer than 5", ""},
      {R"({"k":"123\"5"})", "a string is longer than 5", "k"},  // escapes counted as sent
      {"[1,2,3]", nullptr, ""},
      {"[1,2,3,4]", "more than 3 entries", ""},
      {R"({"list":[{},{},{},{}]})", "more than 3 entries", "list"},
      {R"([{"a":1,"b":2,"c":3,"d":4}])", nullptr, ""},  // object members are not list entries
      {"[]", nullptr, ""},
      {"[ ]", nullptr, ""},
      {R"(["[[[[", "]]]]"])", nullptr, ""},  // brackets inside strings do not nest
      {"[[[[", "nested deeper than 3", ""},  // malformed text is still scanned
      {"{\"a", nullptr, ""},                   // and an unfinished string ends the scan
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto bad = json_shape_violation(r.text, lim);
    if (!r.message_has) {
      CHECK_FALSE(bad);
      continue;
    }
    REQUIRE(bad);
    CHECK(bad->message.find(r.message_has) != std::string::npos);
    CHECK(bad->field == r.field);
  }
}

TEST_CASE("json_shape_violation: linear on a long list of empty objects") {
  // The review's 600 KB body: 200,000 empty objects. nlohmann's callback parser took
  // seconds on it; the scan must take a few milliseconds.
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += i ? ",{}" : "{}";
  text += "]";
  JsonShapeLimits lim;
  lim.max_list = 1'000'000;
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(json_shape_violation(text, lim));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("scan of 200,000 empty objects: " << ms << " ms");
  CHECK(ms < 200);
}

TEST_CASE("json_nesting_exceeds") {
  CHECK_FALSE(json_nesting_exceeds("[[]]", 2));
  CHECK(json_nesting_exceeds("[[[]]]", 2));
  CHECK_FALSE(json_nesting_exceeds(R"({"a":"[[[[[["})", 2));
}

TEST_CASE("valid_utf8: well-formed text only") {
  struct Row {
    std::string text;
    bool valid;
  };
  const Row rows[] = {
      {"plain ascii", true},
      {"K\xc3\xb6ln", true},                  // ö
      {"\xe2\x82\xac", true},                 // €
      {"\xf0\x9f\x98\x80", true},             // an emoji
      {"\xff", false},                        // never valid
      {"\xc3\x28", false},                    // bad continuation
      {"\xc0\xaf", false},                    // overlong /
      {"\xe0\x80\xaf", false},                // overlong /
      {"\xed\xa0\x80", false},                // a surrogate
      {"\xf4\x90\x80\x80", false},            // above U+10FFFF
      {"\xe2\x82", false},                    // cut short
      {std::string("a\0b", 3), true},         // NUL is a character (paths refuse it elsewhere)
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    CHECK(valid_utf8(r.text) == r.valid);
  }
}
