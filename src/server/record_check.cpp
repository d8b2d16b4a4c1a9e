#include "server/record_check.hpp"

namespace cockpit::server {

using sync::json;
using sync::RecordKind;

namespace {

template <class T>
void add_all(std::vector<KindBody>& out, RecordKind kind, const std::vector<T>& records) {
  for (const auto& r : records) out.push_back(KindBody{kind, r.id, json::parse(to_json(r))});
}

}  // namespace

std::vector<KindBody> canonical_records(const Book& b) {
  std::vector<KindBody> out;
  add_all(out, RecordKind::manager, b.managers);
  add_all(out, RecordKind::customer, b.customers);
  add_all(out, RecordKind::case_, b.cases);
  add_all(out, RecordKind::promise, b.promises);
  add_all(out, RecordKind::exception, b.exceptions);
  add_all(out, RecordKind::touchpoint, b.touchpoints);
  add_all(out, RecordKind::scheduled, b.scheduled);
  add_all(out, RecordKind::decision, b.decisions);
  return out;
}

CheckedRecord check_record(RecordKind kind, const json& body, const KnownRecords& known) {
  CheckedRecord out;
  json doc = json::object();
  doc[std::string(sync::list_name(kind))] = json::array({body});
  ParsedDocument parsed = parse_document(doc.dump(), &known);
  if (!parsed.ok()) {
    out.error = parsed.errors.front();
    return out;
  }
  auto all = canonical_records(parsed.book);
  if (all.size() != 1) {
    out.error = "expected exactly one record";
    return out;
  }
  out.body = std::move(all.front().body);
  return out;
}

}  // namespace cockpit::server
