#include "server/record_check.hpp"

#include "domain/fields.hpp"

namespace cockpit::server {

using sync::json;

std::vector<KindBody> canonical_records(const Book& b) {
  std::vector<KindBody> out;
  for_each_kind([&]<class R>(std::type_identity<R>) {
    for (const auto& r : b.*RecordInfo<R>::book) out.push_back(KindBody{RecordInfo<R>::kind, r.id, json::parse(to_json(r))});
  });
  return out;
}

CheckedRecord check_record(RecordKind kind, const json& body, const KnownRecords& known) {
  CheckedRecord out;
  json doc = json::object();
  doc[std::string(list_name(kind))] = json::array({body});
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

void keep_server_fields(RecordKind kind, sync::json& body, const sync::json* stored) {
  if (kind != RecordKind::scheduled) return;
  for (const char* f : {"asked_at", "asked_by", "asked_via"}) {
    if (stored && stored->contains(f))
      body[f] = (*stored)[f];
    else
      body.erase(f);
  }
}

}  // namespace cockpit::server
