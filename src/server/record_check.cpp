#include "server/record_check.hpp"

#include "domain/fields.hpp"

namespace cockpit::server {

using sync::json;

std::vector<KindBody> canonical_records(const Book& b) { return canonical_records(b, 0, record_count(b)); }

std::vector<KindBody> canonical_records(const Book& b, std::size_t from, std::size_t count) {
  std::vector<KindBody> out;
  out.reserve(count);
  std::size_t start = 0;  // the position of the current list's first record in the order
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const auto& list = b.*RecordInfo<R>::book;
    for (std::size_t i = from > start ? from - start : 0; i < list.size() && out.size() < count; ++i)
      out.push_back(KindBody{RecordInfo<R>::kind, list[i].id, json::parse(to_json(list[i]))});
    start += list.size();
  });
  return out;
}

std::size_t record_count(const Book& b) {
  std::size_t n = 0;
  for_each_kind([&]<class R>(std::type_identity<R>) { n += (b.*RecordInfo<R>::book).size(); });
  return n;
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
