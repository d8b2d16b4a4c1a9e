#include "server/parsed_records.hpp"

#include <stdexcept>

#include "domain/document.hpp"
#include "domain/record_kind.hpp"

namespace cockpit::server {

std::string ParsedRecords::key_of(RecordKind kind, const std::string& id) {
  std::string key(to_string(kind));
  key += '\0';
  key += id;
  return key;
}

// The texts not parsed yet, as one contract document (so references between them, a
// promise to its case, resolve inside it), into the cache.
void ParsedRecords::parse_missing(StorageTxn& txn, const std::vector<const StoredText*>& missing) {
  std::string lists[kRecordKindCount];
  for (const StoredText* r : missing) {
    std::string& list = lists[static_cast<std::size_t>(r->kind)];
    list += list.empty() ? "[" : ",";
    list += r->body;
  }
  std::string doc = "{";
  for (std::size_t k = 0; k < kRecordKindCount; ++k) {
    if (lists[k].empty()) continue;
    if (doc.size() > 1) doc += ",";
    doc += "\"" + std::string(list_name(static_cast<RecordKind>(k))) + "\":" + lists[k] + "]";
  }
  doc += "}";
  ParsedDocument parsed = parse_document(doc, &txn);
  if (!parsed.ok())
    throw std::runtime_error("guard: stored records of a customer do not read back: " + parsed.errors.front());
  // The reader keeps each list's order, so the i-th record of a kind is the i-th text.
  std::size_t next[kRecordKindCount] = {};
  std::vector<const StoredText*> of_kind[kRecordKindCount];
  for (const StoredText* r : missing) of_kind[static_cast<std::size_t>(r->kind)].push_back(r);
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const std::size_t k = static_cast<std::size_t>(RecordInfo<R>::kind);
    for (R& rec : parsed.book.*RecordInfo<R>::book) {
      const StoredText& text = *of_kind[k][next[k]++];
      Entry& e = by_key_[key_of(text.kind, text.id)];
      bytes_ += text.body.size() - e.body.size();
      e.body = text.body;
      e.record = std::move(rec);
      ++parsed_;
    }
  });
}

Book ParsedRecords::book_of(StorageTxn& txn, const std::vector<StoredText>& records) {
  std::lock_guard lock(mu_);
  if (bytes_ > kMaxBytes) {
    by_key_.clear();
    bytes_ = 0;
  }
  std::vector<const StoredText*> missing;
  for (const StoredText& r : records) {
    auto it = by_key_.find(key_of(r.kind, r.id));
    if (it == by_key_.end() || it->second.body != r.body) missing.push_back(&r);
  }
  if (!missing.empty()) parse_missing(txn, missing);
  Book book;
  for (const StoredText& r : records) {
    const AnyRecord& rec = by_key_.at(key_of(r.kind, r.id)).record;
    std::visit([&]<class R>(const R& one) { (book.*RecordInfo<R>::book).push_back(one); }, rec);
  }
  return book;
}

}  // namespace cockpit::server
