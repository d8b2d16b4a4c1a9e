// The streaming contract reader (parse_document) against the whole-document one
// (parse_document_dom), its reference: on real books, on documents built to reach every
// branch of the stream's state machine, and on mangled ones, the same Book or the same
// messages, located the same, in the same order, capped the same.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "domain/fields.hpp"
#include "../known_records.hpp"
#include "mangle.hpp"

using namespace cockpit;
using nlohmann::json;

namespace {

std::string located(const ParsedDocument& d) {
  std::string out;
  for (const auto& p : d.problems)
    out += p.list + "|" + (p.index ? std::to_string(*p.index) : "-") + "|" + p.field + "|" + p.problem + "|" +
           (p.other_index ? std::to_string(*p.other_index) : "-") + "\n";
  for (const auto& e : d.errors) out += e + "\n";
  return out + "left out " + std::to_string(d.left_out);
}

void check_same(const std::string& text, const KnownRecords* known = nullptr, const ParseLimits& lim = {}) {
  const ParsedDocument stream = parse_document(text, known, lim);
  const ParsedDocument dom = parse_document_dom(text, known, lim);
  INFO("document: " << text.substr(0, 300));
  CHECK(stream.errors == dom.errors);
  CHECK(located(stream) == located(dom));
  CHECK(stream.book == dom.book);
}

const char* const kShapes[] = {
    // not a document, or not JSON
    "", "null", "[]", "[{}]", "3", "-1.5e3", "\"x\"", "true", "{", "{}", "{} x", "{\"customers\": []",
    "{\"customers\": [1,]}", "[{\"a\": {]", "{\"customers\": [{\"id\": \"c\" \"x\"}]}",
    // lists of the wrong kind, absent, repeated (the last counts, as in the tree)
    "{\"customers\": null}", "{\"customers\": 5}", "{\"customers\": \"x\"}", "{\"customers\": {\"a\": [1, {}]}}",
    "{\"customers\": true}", "{\"customers\": [{\"id\": \"c-1\"}], \"customers\": null}",
    "{\"customers\": [1], \"customers\": [{\"id\": \"c-1\", \"name\": \"A\"}]}",
    "{\"customers\": {}, \"customers\": [2, [3, [4]], null, \"s\", false, 1.5]}",
    // unknown lists, in any order, repeated, with every kind of value
    "{\"zeta\": 1, \"alpha\": [1, {\"x\": []}], \"alpha\": {}, \"customers\": [], \"beta\": null}",
    // entries that are not objects, objects nested in records, repeated keys in a record
    "{\"managers\": [[], {}, [[{}]], {\"id\": \"m\", \"name\": \"N\", \"role\": \"lead\", \"role\": \"boss\"}]}",
    "{\"managers\": [{\"id\": \"m\", \"name\": {\"a\": [1, {\"b\": null}]}, \"role\": [\"lead\"], \"x\": {}}]}",
    R"({"managers": [{"id": "m", "name": "N", "role": "lead"}, {"id": "m", "name": "N", "role": "lead"}],
        "customers": [{"id": "c", "name": "C", "owner": "nobody"}]})",
};

}  // namespace

TEST_CASE("the streaming reader gives what the whole-document reader gives: shapes") {
  for (const char* text : kShapes) check_same(text);
}

TEST_CASE("the streaming reader gives what the whole-document reader gives: the demo book") {
  check_same(std::string(demo_document_text()));  // relative times: refused, the same way
  const std::string demo = to_json(demo_book_at(1'780'000'000'000), 1);
  REQUIRE(parse_document(demo).ok());
  // The same book refused in many places at once: the messages' order and cap.
  json doc = json::parse(demo);
  for (auto& [list, records] : doc.items())
    for (std::size_t i = 0; i < records.size(); i += 3) records[i]["id"] = i % 2 ? json(7) : json("dup");
  check_same(doc.dump());
  ParseLimits few;
  few.max_messages = 5;
  check_same(doc.dump(), nullptr, few);
}

TEST_CASE("the streaming reader gives what the whole-document reader gives: limits and known records") {
  ParseLimits lim;
  lim.max_list = 2;
  check_same("{\"managers\": [{}, {}], \"customers\": [{}, 1, [], {}, 5], \"cases\": [[], {}, {}]}", nullptr, lim);
  lim.max_messages = 1;
  check_same("{\"q\": 1, \"managers\": [{}, {}]}", nullptr, lim);
  test::MemoryKnownRecords known;
  known.managers = {"m-1"};
  known.customers = {"c-9"};
  known.cases = {{"k-9", "c-9"}};
  check_same(
      "{\"cases\": [{\"id\": \"k-1\", \"customer\": \"c-9\", \"kind\": \"order\", \"title\": \"T\", "
      "\"status\": \"open\", \"opened_at\": \"2026-01-01\"}], \"promises\": [{\"id\": \"p\", \"customer\": \"c-1\", "
      "\"case\": \"k-9\", \"kind\": \"delivery\", \"text\": \"t\", \"made_at\": \"2026-01-01\", \"due_at\": "
      "\"2026-01-02\", \"status\": \"open\"}]}",
      &known);
}

TEST_CASE("the streaming reader gives what the whole-document reader gives: mangled books") {
  const std::string base = to_json(demo_book_at(1'780'000'000'000), 1);
  test::Mangler mangle(777);
  for (int round = 0; round < 400; ++round) {
    const std::string doc = mangle(base);
    check_same(doc);
  }
}

TEST_CASE("the streaming reader notes which of Cockpit's own fields each record names") {
  const std::string doc = R"({
    "customers": [{"id": "c", "name": "C", "owner": "m", "stage": "active", "preferred_channel": "email",
                   "since": "2026-01-01"}],
    "managers": [{"id": "m", "name": "M", "role": "lead"}],
    "touchpoints": [{"id": "t-1", "customer": "c", "at": "2026-10-01", "channel": "email", "direction": "out",
                     "sender": "m", "kind": "other", "subject": "S", "body": null},
                    {"id": "t-2", "customer": "c", "at": "2026-10-01", "channel": "email", "direction": "out",
                     "sender": "m", "kind": "other", "subject": "S"}]})";
  const ParsedDocument parsed = parse_document(doc);
  REQUIRE(parsed.ok());
  const auto& own = own_fields(RecordKind::touchpoint);
  const auto body = static_cast<std::size_t>(std::find(own.begin(), own.end(), "body") - own.begin());
  REQUIRE(body < own.size());
  const auto& named = parsed.own_named[static_cast<std::size_t>(RecordKind::touchpoint)];
  REQUIRE(named.size() == 2);
  CHECK((named[0] >> body & 1u) == 1u);  // named, as null: the document says "none"
  CHECK(named[1] == 0u);                  // not named: the stored body stays
  CHECK(parsed.own_named[static_cast<std::size_t>(RecordKind::customer)].empty());  // no own fields
}
