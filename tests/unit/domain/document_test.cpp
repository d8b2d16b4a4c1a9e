// The contract document: validation (every refusal names record, position and field),
// hostile input, and the lossless round trip.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "domain/demo.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "../known_records.hpp"
#include "mangle.hpp"

using namespace cockpit;
using nlohmann::json;

namespace {

// A small valid document touching every list and every optional form.
json good_doc() {
  return json::parse(R"({
    "managers": [ {"id": "m-1", "name": "Anna", "email": "a@x", "role": "manager"},
                  {"id": "m-9", "name": "Lena", "role": "lead"} ],
    "customers": [ {"id": "c-1", "name": "Domino", "owner": "m-1", "stage": "active", "email": "d@x",
                    "phone": "", "preferred_channel": "email", "since": "2026-01-01"},
                   {"id": "c-2", "name": "Kit", "owner": "m-9", "stage": "former",
                    "preferred_channel": "letter", "since": "2020-05-01T10:00:00+02:00",
                    "former_at": "2025-12-01T00:00Z"} ],
    "cases": [ {"id": "k-1", "customer": "c-1", "kind": "order", "title": "Bike", "status": "open",
                "opened_at": "2026-10-01T09:00:00Z", "fulfilled_at": null},
               {"id": "k-2", "customer": "c-2", "kind": "policy", "title": "Policy", "status": "fulfilled",
                "opened_at": "2020-05-01", "fulfilled_at": "2020-05-02T00:00:00.5Z"} ],
    "promises": [ {"id": "p-1", "customer": "c-1", "case": "k-1", "kind": "delivery", "text": "Bike",
                   "made_at": "2026-10-01", "due_at": "2026-11-18", "status": "open", "kept_at": null,
                   "history": [ {"due_at": "2026-11-10", "changed_at": "2026-11-01T12:00Z", "customer_told": true} ]},
                  {"id": "p-2", "customer": "c-2", "case": null, "kind": "refund", "text": "Refund",
                   "made_at": "2026-10-01", "due_at": "2026-11-30", "status": "kept", "kept_at": "2026-11-02"} ],
    "exceptions": [ {"id": "x-1", "customer": "c-1", "case": "k-1", "kind": "address_change", "summary": "HQ",
                     "raised_at": "2026-10-02", "waiting_on": "logistics", "status": "open", "resolved_at": null} ],
    "touchpoints": [ {"id": "t-1", "customer": "c-1", "case": "k-1", "at": "2026-10-01T09:01Z", "channel": "email",
                      "direction": "out", "sender": "system:noreply", "kind": "order_confirmation", "subject": "Thanks"},
                     {"id": "t-2", "customer": "c-1", "case": null, "at": "2026-10-03T09:01Z", "channel": "phone",
                      "direction": "in", "sender": "customer", "kind": "question", "subject": "Where?"},
                     {"id": "t-3", "customer": "c-1", "at": "2026-10-04T09:01Z", "channel": "in_person",
                      "direction": "out", "sender": "m-1", "kind": "apology", "subject": "Sorry", "body": "Dear…"} ],
    "scheduled": [ {"id": "s-1", "customer": "c-2", "case": "k-2", "scheduled_at": "2026-11-25T08:00Z",
                    "channel": "email", "direction": "out", "sender": "system:policy", "kind": "renewal_notice",
                    "subject": "Renewal"},
                   {"id": "s-2", "customer": "c-2", "scheduled_at": "2026-11-26T08:00Z", "channel": "sms",
                    "sender": "system:crm", "kind": "marketing", "subject": "Offer", "status": "released",
                    "decision_note": "ok"} ],
    "suggestion_decisions": [ {"id": "d-1", "suggestion_key": "closing_message|c-2|since=x", "customer": "c-2",
                               "kind": "snoozed", "at": "2026-11-20T10:00Z", "until": "2026-11-23", "reason": "",
                               "by": "m-9"} ]
  })");
}

std::string text_of(const json& j) { return j.dump(); }

// The messages for a document that must be refused.
std::vector<std::string> refusal(const json& doc, const KnownRecords* known = nullptr) {
  auto r = parse_document(text_of(doc), known);
  CHECK_FALSE(r.ok());
  CHECK(r.book == Book{});
  return r.errors;
}

bool has(const std::vector<std::string>& msgs, const std::string& needle) {
  for (const auto& m : msgs)
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

#define CHECK_REFUSED_WITH(doc, needle)   \
  do {                                    \
    auto msgs_ = refusal(doc);            \
    INFO(json(msgs_).dump(1));            \
    CHECK(has(msgs_, needle));            \
  } while (0)

}  // namespace

TEST_CASE("a good document parses into every list") {
  auto r = parse_document(text_of(good_doc()));
  INFO(json(r.errors).dump(1));
  REQUIRE(r.ok());
  const Book& b = r.book;
  CHECK(b.managers.size() == 2);
  CHECK(b.managers[1].role == Role::lead);
  CHECK(b.managers[1].email.empty());
  CHECK(b.customers[1].former_at == parse_time("2025-12-01T00:00Z"));
  CHECK(b.customers[1].email.empty());
  CHECK(b.customers[1].since == *parse_time("2020-05-01T08:00:00Z"));
  CHECK_FALSE(b.cases[0].fulfilled_at);
  CHECK(b.promises[0].history.size() == 1);
  CHECK(b.promises[0].history[0].customer_told);
  CHECK_FALSE(b.promises[1].case_id);
  CHECK(b.touchpoints[2].body == "Dear…");
  CHECK_FALSE(b.touchpoints[2].case_id);
  CHECK(b.scheduled[1].status == ScheduledStatus::released);
  CHECK(b.scheduled[1].direction == Direction::out);
  CHECK(b.decisions[0].until == parse_time("2026-11-23"));
}

TEST_CASE("import -> export -> import is lossless") {
  auto first = parse_document(text_of(good_doc()));
  REQUIRE(first.ok());
  const std::string exported = to_json(first.book, 1);
  auto second = parse_document(exported);
  REQUIRE(second.ok());
  CHECK(second.book == first.book);
  CHECK(to_json(second.book, 1) == exported);
  CHECK(validate_book(first.book).empty());
}

TEST_CASE("a refusal names the list, position, id and field") {
  json d = good_doc();
  d["promises"][1]["due_at"] = "2027-02-29";
  auto msgs = refusal(d);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0] == "promises[1] (id \"p-2\"): field \"due_at\": \"2027-02-29\" is not a valid time");
}

TEST_CASE("wrong types are refused") {
  json d = good_doc();
  d["customers"][0]["name"] = 42;
  d["cases"][0]["opened_at"] = 1700000000;
  d["promises"][0]["history"][0]["customer_told"] = "yes";
  d["touchpoints"][0]["case"] = json::array();
  d["managers"][0] = "m-1";
  d["scheduled"] = json::object();
  auto msgs = refusal(d);
  INFO(json(msgs).dump(1));
  CHECK(has(msgs, "customers[0] (id \"c-1\"): field \"name\": must be a string, not number"));
  CHECK(has(msgs, "cases[0] (id \"k-1\"): field \"opened_at\": must be a time string, not number"));
  CHECK(has(msgs, "field \"history[0]\": field \"customer_told\": must be true or false, not string"));
  CHECK(has(msgs, "touchpoints[0] (id \"t-1\"): field \"case\": must be a string, not array"));
  CHECK(has(msgs, "managers[0]: must be an object, not string"));
  CHECK(has(msgs, "document: field \"scheduled\": must be a list, not object"));
}

TEST_CASE("missing required fields are refused; optional ones may be absent") {
  json d = good_doc();
  d["customers"][0].erase("owner");
  d["promises"][0].erase("status");
  d["touchpoints"][0].erase("id");
  CHECK_REFUSED_WITH(d, "customers[0] (id \"c-1\"): field \"owner\": is required");
  CHECK_REFUSED_WITH(d, "promises[0] (id \"p-1\"): field \"status\": is required");
  CHECK_REFUSED_WITH(d, "touchpoints[0]: field \"id\": is required");

  json e = good_doc();
  e["promises"][0].erase("kept_at");
  e["promises"][0].erase("history");
  e["customers"][0].erase("email");
  e["customers"][0].erase("phone");
  e["scheduled"][0].erase("direction");
  CHECK(parse_document(text_of(e)).ok());

  json f = good_doc();
  f["cases"][1].erase("fulfilled_at");
  CHECK_REFUSED_WITH(f, "cases[1] (id \"k-2\"): field \"fulfilled_at\": is required when status is \"fulfilled\"");
  json g = good_doc();
  g["suggestion_decisions"][0].erase("until");
  CHECK_REFUSED_WITH(g, "field \"until\": is required when kind is \"snoozed\"");
  json h = good_doc();
  h["customers"][0]["id"] = "";
  CHECK_REFUSED_WITH(h, "customers[0]: field \"id\": must not be empty");
}

TEST_CASE("unknown enum values are refused, listing the known ones") {
  json d = good_doc();
  d["managers"][0]["role"] = "boss";
  d["customers"][0]["stage"] = "Active";
  d["customers"][1]["preferred_channel"] = "chat";  // a channel, but not a preferred one
  d["touchpoints"][0]["kind"] = "newsletter";
  d["scheduled"][0]["direction"] = "in";
  d["scheduled"][1]["status"] = "sent";
  d["suggestion_decisions"][0]["kind"] = "ignored";
  auto msgs = refusal(d);
  INFO(json(msgs).dump(1));
  CHECK(has(msgs, "managers[0] (id \"m-1\"): field \"role\": \"boss\" is not one of: manager, lead"));
  CHECK(has(msgs, "field \"stage\": \"Active\" is not one of: prospect, active, former"));
  CHECK(has(msgs, "customers[1] (id \"c-2\"): field \"preferred_channel\": \"chat\" is not one of: email, phone, sms, letter"));
  CHECK(has(msgs, "touchpoints[0] (id \"t-1\"): field \"kind\": \"newsletter\" is not one of:"));
  CHECK(has(msgs, "scheduled[0] (id \"s-1\"): field \"direction\": a scheduled message always goes \"out\""));
  CHECK(has(msgs, "scheduled[1] (id \"s-2\"): field \"status\": \"sent\" is not one of: pending, released, cancelled"));
  CHECK(has(msgs, "field \"kind\": \"ignored\" is not one of: dismissed, snoozed"));
}

TEST_CASE("bad times are refused, with the contract's readings") {
  for (const char* bad : {"2027-02-29", "2026-11-20T24:00Z", "2026-11-20 14:00Z", "20261120T140000Z", "tomorrow", ""}) {
    json d = good_doc();
    d["touchpoints"][1]["at"] = bad;
    CAPTURE(bad);
    CHECK_REFUSED_WITH(d, "touchpoints[1] (id \"t-2\"): field \"at\": ");
  }
}

TEST_CASE("duplicate ids within a list are refused; the same id in two lists is fine") {
  json d = good_doc();
  d["touchpoints"][2]["id"] = "t-1";
  CHECK_REFUSED_WITH(d, "touchpoints[2] (id \"t-1\"): field \"id\": duplicate of touchpoints[0]");
  json e = good_doc();
  e["cases"][0]["id"] = "c-1";  // a case may share an id with a customer
  for (auto& p : e["promises"])
    if (p["case"] == "k-1") p["case"] = "c-1";
  e["exceptions"][0]["case"] = "c-1";
  e["touchpoints"][0]["case"] = "c-1";
  CHECK(parse_document(text_of(e)).ok());
}

TEST_CASE("dangling references are refused") {
  json d = good_doc();
  d["customers"][0]["owner"] = "m-404";
  d["cases"][0]["customer"] = "c-404";
  d["promises"][0]["case"] = "k-404";
  d["exceptions"][0]["customer"] = "c-404";
  d["touchpoints"][2]["sender"] = "m-404";
  d["scheduled"][0]["sender"] = "system:";
  d["suggestion_decisions"][0]["by"] = "m-404";
  auto msgs = refusal(d);
  INFO(json(msgs).dump(1));
  CHECK(has(msgs, "customers[0] (id \"c-1\"): field \"owner\": no manager \"m-404\" in the document or the store"));
  CHECK(has(msgs, "cases[0] (id \"k-1\"): field \"customer\": no customer \"c-404\""));
  CHECK(has(msgs, "promises[0] (id \"p-1\"): field \"case\": no case \"k-404\""));
  CHECK(has(msgs, "exceptions[0] (id \"x-1\"): field \"customer\": no customer \"c-404\""));
  CHECK(has(msgs, "touchpoints[2] (id \"t-3\"): field \"sender\": \"m-404\" is not a manager id"));
  CHECK(has(msgs, "scheduled[0] (id \"s-1\"): field \"sender\": \"system:\" needs a name"));
  CHECK(has(msgs, "suggestion_decisions[0] (id \"d-1\"): field \"by\": no manager \"m-404\""));
}

TEST_CASE("a record's case must belong to its customer") {
  json d = good_doc();
  d["promises"][1]["case"] = "k-1";  // k-1 is c-1's, p-2 is c-2's
  CHECK_REFUSED_WITH(d, "promises[1] (id \"p-2\"): field \"case\": case \"k-1\" belongs to customer \"c-1\", not \"c-2\"");
}


TEST_CASE("references may point to records already in the store") {
  json d = json::parse(R"({
    "promises": [ {"id": "p-7", "customer": "c-old", "case": "k-old", "kind": "callback", "text": "Call",
                   "made_at": "2026-11-01", "due_at": "2026-11-03", "status": "open"} ],
    "touchpoints": [ {"id": "t-7", "customer": "c-old", "at": "2026-11-01", "channel": "phone",
                      "direction": "out", "sender": "m-old", "kind": "other", "subject": "Hi"} ]
  })");
  CHECK_FALSE(parse_document(text_of(d)).ok());
  test::MemoryKnownRecords known;
  known.managers = {"m-old"};
  known.customers = {"c-old", "c-other"};
  known.cases = {{"k-old", "c-old"}};
  auto r = parse_document(text_of(d), &known);
  INFO(json(r.errors).dump(1));
  CHECK(r.ok());
  known.cases["k-old"] = "c-other";
  CHECK(has(parse_document(text_of(d), &known).errors, "case \"k-old\" belongs to customer \"c-other\""));
}

TEST_CASE("unknown top-level lists are refused; unknown record fields are ignored") {
  json d = good_doc();
  d["promise"] = json::array();
  CHECK_REFUSED_WITH(d, "document: unknown list \"promise\"");
  json e = good_doc();
  e["customers"][0]["crm_score"] = 7;
  e["cases"] = nullptr;  // a null list counts as absent…
  e.erase("promises");   // …as does a missing one (these refer to cases)
  e.erase("exceptions");
  for (auto& t : e["touchpoints"]) t["case"] = nullptr;
  for (auto& s : e["scheduled"]) s["case"] = nullptr;
  auto r = parse_document(text_of(e));
  INFO(json(r.errors).dump(1));
  CHECK(r.ok());
  CHECK(parse_document("{}").ok());
}

TEST_CASE("not a document at all") {
  CHECK(has(parse_document("").errors, "document: not valid JSON"));
  CHECK(has(parse_document("{\"managers\": [").errors, "document: not valid JSON"));
  CHECK(has(parse_document("[]").errors, "document: the top level must be an object, not array"));
  CHECK(has(parse_document("null").errors, "the top level must be an object, not null"));
  CHECK(has(parse_document("{\"managers\": []} trailing").errors, "not valid JSON"));
}

TEST_CASE("hostile input: depth, size, length, NUL, invalid UTF-8") {
  // 100,000 nested arrays: refused quickly by the depth limit, no stack overflow.
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  CHECK(has(parse_document(deep).errors, "document: nested deeper than 16 levels"));
  std::string deep_obj = "{\"managers\":[{\"id\":\"m\",\"name\":" + std::string(20, '[') + std::string(20, ']') + "}]}";
  CHECK(has(parse_document(deep_obj).errors, "nested deeper than"));
  json brackets = good_doc();  // brackets inside strings are text, not nesting
  brackets["touchpoints"][0]["subject"] = std::string(40, '[') + "\\\"" + std::string(40, '{');
  CHECK(parse_document(text_of(brackets)).ok());

  ParseLimits small;
  small.max_bytes = 1000;
  CHECK(has(parse_document(text_of(good_doc()), nullptr, small).errors, "bytes is larger than the limit of 1000 bytes"));
  ParseLimits few;
  few.max_list = 2;
  CHECK(has(parse_document(text_of(good_doc()), nullptr, few).errors,
            "document: field \"touchpoints\": 3 records exceed the limit of 2"));

  json d = good_doc();
  d["touchpoints"][0]["subject"] = std::string(1 << 20, 'x');
  auto msgs = refusal(d);
  CHECK(has(msgs, "touchpoints[0] (id \"t-1\"): field \"subject\": a string of 1048576 bytes is longer than the limit"));
  for (const auto& m : msgs) CHECK(m.size() < 300);  // the message quotes nothing huge

  json n = good_doc();
  n["customers"][0]["name"] = std::string("Dom\0ino", 7);
  CHECK_REFUSED_WITH(n, "customers[0] (id \"c-1\"): field \"name\": contains a NUL character");
  json nid = good_doc();
  nid["customers"][1]["stage"] = std::string("act\0ive", 7);
  CHECK_REFUSED_WITH(nid, "field \"stage\": \"act\\u0000ive\" is not one of");

  std::string bad_utf8 = text_of(good_doc());
  bad_utf8.replace(bad_utf8.find("Domino"), 6, "Dom\xC3\x28no");
  CHECK(has(parse_document(bad_utf8).errors, "not valid JSON"));
  std::string raw_nul = text_of(good_doc());
  raw_nul[raw_nul.find("Domino")] = '\0';
  CHECK(has(parse_document(raw_nul).errors, "not valid JSON"));

  Book b = parse_document(text_of(good_doc())).book;
  b.customers[0].name = "Dom\xFF";
  CHECK(has(validate_book(b), "not valid UTF-8"));
  CHECK_FALSE(to_json(b).empty());  // export never throws: bad bytes become U+FFFD
}

TEST_CASE("a hostile id is quoted safely in messages") {
  json d = good_doc();
  d["touchpoints"][0]["id"] = std::string("t\"1\n") + std::string(500, 'z');
  d["touchpoints"][0]["at"] = "never";
  auto msgs = refusal(d);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].find('\n') == std::string::npos);
  CHECK(msgs[0].find("(id \"t\\\"1\\nzz") != std::string::npos);
  CHECK(msgs[0].size() < 200);
}

TEST_CASE("many problems: the list is capped") {
  json d = good_doc();
  for (int i = 0; i < 500; ++i)
    d["touchpoints"].push_back({{"id", "bad-" + std::to_string(i)}});
  auto msgs = refusal(d);
  CHECK(msgs.size() == 101);
  CHECK(msgs.back().rfind("… and ", 0) == 0);
}

TEST_CASE("SQL-looking and unusual text is data") {
  json d = good_doc();
  const std::string evil = "Robert'); DROP TABLE customers;-- \"x\" \\ 😀 \t tab";
  d["customers"][0]["name"] = evil;
  d["touchpoints"][2]["body"] = evil;
  auto r = parse_document(text_of(d));
  REQUIRE(r.ok());
  CHECK(r.book.customers[0].name == evil);
  CHECK(parse_document(to_json(r.book)).book == r.book);
}

TEST_CASE("history round trip and malformed history") {
  std::vector<DueChange> h = {{*parse_time("2026-11-10"), *parse_time("2026-11-01T12:00Z"), true},
                              {*parse_time("2026-11-17T10:00Z"), *parse_time("2026-11-09T12:00:00.25Z"), false}};
  CHECK(parse_history(history_to_json(h)) == h);
  CHECK(parse_history("[]")->empty());
  CHECK_FALSE(parse_history("{"));
  CHECK_FALSE(parse_history("[{\"due_at\": \"x\", \"changed_at\": \"2026-11-01\", \"customer_told\": true}]"));
}

TEST_CASE("relative demo times") {
  const Time now = *parse_time("2026-11-22T09:30:00Z");
  CHECK(parse_relative_time("@now", now) == now);
  CHECK(parse_relative_time("@-5d", now) == now - 5 * kDay);
  CHECK(parse_relative_time("@+2d", now) == now + 2 * kDay);
  CHECK(parse_relative_time("@-10h", now) == now - 10 * kHour);
  CHECK(parse_relative_time("@+30m", now) == now + 30 * kMinute);
  CHECK(parse_relative_time("@-5d 14:00", now) == *parse_time("2026-11-17T14:00Z"));
  CHECK(parse_relative_time("@+0d 23:30", now) == *parse_time("2026-11-22T23:30Z"));
  for (const char* not_relative : {"@home", "@-5", "@-5w", "@-5d 25:00", "@-5d14:00", "2026-11-20", "@+d"})
    CHECK_FALSE(parse_relative_time(not_relative, now));
  auto text = resolve_relative_times(R"({"a": ["@-1d", "@home", 3], "b": {"c": "@+1h"}})", now);
  REQUIRE(text);
  auto j = json::parse(*text);
  CHECK(j["a"][0] == "2026-11-21T09:30:00Z");
  CHECK(j["a"][1] == "@home");
  CHECK(j["b"]["c"] == "2026-11-22T10:30:00Z");
  std::string err;
  CHECK_FALSE(resolve_relative_times("{", now, &err));
  CHECK_FALSE(err.empty());
}

TEST_CASE("assets/demo/demo.json is the built-in demo book, a valid document on any day") {
  std::ifstream in(std::string(COCKPIT_SOURCE_DIR) + "/assets/demo/demo.json", std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == demo_document_text());  // compiled in byte for byte (CMakeLists.txt)
  for (const char* today : {"2026-11-22T09:00:00Z", "2024-02-29T00:00:00Z", "2030-12-31T23:59:00Z"}) {
    auto text = resolve_relative_times(ss.str(), *parse_time(today));
    REQUIRE(text);
    auto r = parse_document(*text);
    CAPTURE(today);
    INFO(json(r.errors).dump(1));
    CHECK(r.ok());
    CHECK(r.book.managers.size() == 3);
  }
}

TEST_CASE("the fast record writer gives exactly what the JSON library gives") {
  auto r = parse_document(text_of(good_doc()));
  REQUIRE(r.ok());
  Book b = r.book;
  b.touchpoints[0].subject = std::string("ctl \x01\x1f\x7f \b\f\n\r\t \" \\ / é 😀 ") + std::string(1, '\0') + "end";
  b.customers[0].name = "Bad \xC3\x28 \xED\xA0\x80 \xF4\x90\x80\x80 \xC0\xAF";  // invalid UTF-8 forms
  b.customers[1].name = "Überraschung ✓";
  auto same = [](const auto& list) {
    for (const auto& rec : list) CHECK(to_json(rec) == to_json_slow(rec));
  };
  same(b.managers);
  same(b.customers);
  same(b.cases);
  same(b.promises);
  same(b.exceptions);
  same(b.touchpoints);
  same(b.scheduled);
  same(b.decisions);
}

TEST_CASE("mangled documents never crash: each is accepted or refused with messages") {
  const std::string base = text_of(good_doc());
  test::Mangler mangle(12345);
  for (int round = 0; round < 3000; ++round) {
    const std::string doc = mangle(base);
    auto r = parse_document(doc);
    CHECK((r.ok() || !r.errors.empty()));
    if (r.ok()) CHECK(parse_document(to_json(r.book)).book == r.book);
  }
}
