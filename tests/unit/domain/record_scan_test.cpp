// The one-pass reader of stored records (domain/record_scan.hpp) against the contract's
// reader: for every record of the demo book, and for a table of texts written other
// ways (key order, null, repeated keys, lists, unknown fields), the same record,
// lists left empty; and nullopt for every text the contract's reader refuses by type or
// spelling.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "domain/record_scan.hpp"

using namespace cockpit;
using nlohmann::json;

namespace {

// The record the contract's reader makes of one text of kind `kind`, the last of its
// list in a document that also holds the manager m-1 and the customer c-1 it refers to.
std::optional<AnyRecord> contract_read(RecordKind kind, const std::string& text) {
  json doc = json::object();
  if (kind != RecordKind::manager) doc["managers"] = json::array({{{"id", "m-1"}, {"name", "A"}, {"role", "manager"}}});
  if (kind != RecordKind::manager && kind != RecordKind::customer)
    doc["customers"] = json::array({{{"id", "c-1"}, {"name", "C"}, {"owner", "m-1"}, {"stage", "active"},
                                     {"preferred_channel", "email"}, {"since", "2026-01-01"}}});
  std::string wrapped = doc.dump();
  wrapped.pop_back();
  wrapped += std::string(wrapped.size() > 1 ? "," : "") + "\"" + std::string(list_name(kind)) + "\":[" + text + "]}";
  const ParsedDocument p = parse_document(wrapped);
  if (!p.ok()) return std::nullopt;
  std::optional<AnyRecord> out;
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const auto& list = p.book.*RecordInfo<R>::book;
    if (RecordInfo<R>::kind == kind && !list.empty()) out = without_lists(AnyRecord(list.back()));
  });
  return out;
}

template <class R>
void check_every(const std::vector<R>& list) {
  for (const R& r : list) {
    CAPTURE(r.id);
    const auto scanned = scan_record(RecordInfo<R>::kind, to_json(r));
    REQUIRE(scanned);
    CHECK(*scanned == without_lists(AnyRecord(r)));
  }
}

}  // namespace

TEST_CASE("record scan: every record of the demo book reads as the contract wrote it") {
  Book b = demo_book_at(1'795'000'000'000);
  REQUIRE(!b.touchpoints.empty());
  b.customers.front().external_ids = {{"stripe", "cus_1"}, {"zendesk", "42"}};  // a list, skipped
  for_each_kind([&]<class R>(std::type_identity<R>) { check_every(b.*RecordInfo<R>::book); });
}

TEST_CASE("record scan: texts written other ways read as the contract's reader reads them") {
  const std::vector<std::pair<RecordKind, std::string>> table = {
      {RecordKind::touchpoint,
       R"({"subject":"Hi \"you\"\n","kind":"marketing","sender":"system:crm","direction":"out","channel":"sms",
           "at":"2026-11-20T14:00:00.5+01:00","customer":"c-1","id":"t-1"})"},
      {RecordKind::touchpoint,
       R"( { "id" : "t-2", "customer" : "c-1", "case" : null, "at" : "2026-11-20", "channel" : "email",
             "direction" : "in", "sender" : "customer", "kind" : "question", "subject" : "", "body" : null } )"},
      {RecordKind::touchpoint,  // a repeated key: the last one counts, as in the JSON tree
       R"({"id":"t-3","customer":"c-1","at":"2026-11-20T14:00Z","channel":"email","direction":"in",
           "direction":"out","sender":"system:a","kind":"other","subject":"s","subject":"t"})"},
      {RecordKind::customer,  // a repeated key whose first value does not fit (found by fuzz_record_scan)
       R"({"id":"c-1","name":"N","owner":"m-1","stage":"former","preferred_channel":"letter",
           "since":"8826-0105-","since":"8826-05-01","name":{"not":"text"},"name":"M"})"},
      {RecordKind::touchpoint,  // a field repeated as null: absent
       R"({"id":"t-4","customer":"c-1","at":"2026-11-20T14:00Z","channel":"email","direction":"out",
           "sender":"system:a","kind":"other","subject":"s","body":"x","body":null})"},
      {RecordKind::customer,  // lists and unknown fields, nested, before the fields read
       R"({"external_ids":[{"source":"stripe","id":"cus_1"},{"source":"z","id":"2"}],"extra":{"a":[1,{"b":null}]},
           "id":"c-1","name":"N","owner":"m-1","stage":"former","preferred_channel":"letter",
           "since":"2020-05-01T10:00:00+02:00","former_at":"2025-12-01T00:00Z","email":"e@x","unknown":7})"},
      {RecordKind::scheduled,
       R"({"id":"s-1","customer":"c-1","scheduled_at":"2026-11-21T09:00Z","channel":"email","direction":"out",
           "sender":"system:crm","kind":"review_request","subject":"How?","status":"released",
           "decision_note":"ok","asked_at":"2026-11-20T09:00Z","asked_by":"shop","asked_via":"check"})"},
      {RecordKind::exception,
       R"({"id":"x-1","customer":"c-1","kind":"payment_failed","summary":"S","raised_at":"2026-11-01",
           "waiting_on":"customer","status":"resolved","resolved_at":"2026-11-02"})"},
      {RecordKind::case_, R"({"id":"k-1","customer":"c-1","kind":"order","title":"T","status":"fulfilled",
           "opened_at":"2026-10-01","fulfilled_at":"2026-10-05T12:00Z"})"},
      {RecordKind::promise, R"({"id":"p-1","customer":"c-1","kind":"delivery","text":"T","made_at":"2026-10-01",
           "due_at":"2026-10-05","status":"open","history":[{"due_at":"2026-10-03","changed_at":"2026-10-02",
           "customer_told":true}]})"},
      {RecordKind::manager, R"({"id":"m-1","name":"Anna","role":"lead","email":null})"},
  };
  for (const auto& row : table) {
    const RecordKind kind = row.first;
    const std::string& text = row.second;  // not a structured binding: clang 14 will not CAPTURE one
    CAPTURE(text);
    const auto want = contract_read(kind, text);
    REQUIRE_MESSAGE(want, "the contract's reader refuses it");
    const auto got = scan_record(kind, text);
    REQUIRE(got);
    CHECK(*got == *want);
  }
}

TEST_CASE("record scan: a wrong type, spelling or shape is nullopt, never a throw") {
  const std::string ok =
      R"({"id":"t-1","customer":"c-1","at":"2026-11-20T14:00Z","channel":"email","direction":"out",)"
      R"("sender":"system:a","kind":"other","subject":"s"})";
  REQUIRE(scan_record(RecordKind::touchpoint, ok));
  const std::vector<std::string> bad = {
      "",
      "null",
      "[]",
      "\"t\"",
      "7",
      ok.substr(0, ok.size() - 1),                                             // cut short
      ok + "x",                                                                // trailing text
      R"({"id":"t-1","at":"2026-02-30T14:00Z"})",                              // no such day
      R"({"id":"t-1","at":12})",                                               // a time as a number
      R"({"id":"t-1","direction":"sideways"})",                                // not a direction
      R"({"id":"t-1","direction":"OUT"})",                                     // spelling is exact
      R"({"id":7})",                                                           // text as a number
      R"({"id":["t-1"]})",                                                     // text as a list
      R"({"id":{"a":1}})",                                                     // text as an object
      R"({"id":true})",                                                        // text as a boolean
      R"({"id":"t-1","at":"2026-11-20T14:00Z","at":"2026-02-30T14:00Z"})",     // the last of a key counts
      R"({"id":"t-1","id":{"a":1}})",                                          // the last of a key counts
  };
  for (const std::string& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(scan_record(RecordKind::touchpoint, text));
    CHECK_FALSE(contract_read(RecordKind::touchpoint, text));
  }
  CHECK_FALSE(scan_record(RecordKind::customer, R"({"id":"c-1","external_ids":"cus_1"})"));  // a list as text
  CHECK_FALSE(scan_record(RecordKind::promise, R"({"id":"p-1","history":{"due_at":"2026-10-03"}})"));  // not a list
}
