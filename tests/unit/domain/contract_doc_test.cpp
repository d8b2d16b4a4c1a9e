// src/domain/CONTRACT.md's field tables agree with the field lists of
// src/domain/fields.hpp (contract_tables.hpp derives each row from the code): a field
// added on one side only, a changed type, enum spelling or presence fails here. The
// second case shows the check bites, on copies of the real text with one edit each.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "contract_tables.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string contract_text() {
  std::ifstream in(std::string(COCKPIT_SOURCE_DIR) + "/src/domain/CONTRACT.md", std::ios::binary);
  REQUIRE_MESSAGE(in, "src/domain/CONTRACT.md is missing");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// `text` with `from` (which must occur) replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "not in CONTRACT.md: " << from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("CONTRACT.md describes every field of every record kind as the code does") {
  const auto problems = compare_contract(contract_text());
  CHECK_MESSAGE(problems.empty(), "CONTRACT.md and src/domain/fields.hpp disagree:\n" << joined(problems));
  const auto doc = parse_contract_tables(contract_text());
  // every kind, and the entries of each list field (a promise's history, a customer's external ids)
  CHECK(doc.tables.size() == kRecordKindCount + std::tuple_size_v<EntryTypes>);
}

TEST_CASE("the comparison finds each kind of difference") {
  const std::string text = contract_text();
  struct Case {
    std::string what;
    std::string doc;
    const char* expect;  // a part of one reported problem
  };
  const Case cases[] = {
      {"a field the code has and the table lacks",
       edited(text, "| `body` | text | optional, own |", "| `not_body` | text | optional, own |"),
       "touchpoints: field `body` is in the code but not in CONTRACT.md"},
      {"a field the table has and the code lacks",
       edited(text, "| `kept_at` | time or null | optional | |",
              "| `kept_at` | time or null | optional | |\n| `reminded_at` | time | optional | |"),
       "promises: field `reminded_at` is in CONTRACT.md but not in the code"},
      {"an enum value missing", edited(text, "| `role` | one of `manager`, `lead` |", "| `role` | one of `manager` |"),
       "managers.role: type is"},
      {"required written as optional", edited(text, "| `title` | text | required |", "| `title` | text | optional |"),
       "cases.title: presence is \"optional\", the code says \"required\""},
      {"an own field not marked", edited(text, "| `decision_note` | text | optional, own |", "| `decision_note` | text | optional |"),
       "scheduled.decision_note: presence"},
      {"a reference written as text", edited(text, "| `by` | manager id |", "| `by` | text, non-empty |"),
       "suggestion_decisions.by: type"},
      {"a history entry field", edited(text, "| `customer_told` | true or false |", "| `customer_told` | text |"),
       "history.customer_told: type"},
      {"two fields swapped",
       edited(text, "| `email` | text | optional | |\n| `phone` | text | optional | |",
              "| `phone` | text | optional | |\n| `email` | text | optional | |"),
       "customers: the fields are not in the code's"},
      {"a kind's table gone", edited(text, "### `cases` (kind `case`)", "### Cases"), "`cases`: no field table"},
      {"a heading naming the wrong kind", edited(text, "(kind `decision`)", "(kind `suggestion_decision`)"),
       "must name the kind `decision`"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const auto problems = compare_contract(c.doc);
    CHECK_MESSAGE(joined(problems).find(c.expect) != std::string::npos,
                  "expected a problem containing \"" << c.expect << "\", got:\n" << joined(problems));
  }
}

TEST_CASE("tables are read by their heading's key and header row") {
  const auto t = parse_contract_tables(
      "## 4. Kinds\n\n| kind | about |\n| --- | --- |\n| `a` | b |\n\n"
      "### `things` (kind `thing`)\n\nText.\n\n| field | type | presence | meaning |\n| --- | --- | --- | --- |\n"
      "| `id` | text, non-empty | required | the id |\n| `at` | time or null | optional, own | when |\n"
      "#### `parts`\n| field | type | presence | meaning |\n|---|---|---|---|\n| `n` | true or false | required | |\n"
      "| `broken` | time |\n");
  CHECK(t.tables.size() == 2);
  CHECK(t.kinds.at("things") == "thing");
  CHECK(t.tables.at("things") == std::vector<ContractRow>{{"id", "text, non-empty", "required"},
                                                          {"at", "time or null", "optional, own"}});
  CHECK(t.tables.at("parts") == std::vector<ContractRow>{{"n", "true or false", "required"}});
  REQUIRE(t.problems.size() == 1);
  CHECK(t.problems[0].find("fewer than 4 cells") != std::string::npos);
  CHECK(parse_contract_tables("## Plain\n| field | type | presence | meaning |\n").problems.size() == 1);
}
