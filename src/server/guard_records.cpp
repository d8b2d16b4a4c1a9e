#include "server/guard_records.hpp"

#include <stdexcept>
#include <string>

#include "domain/record_kind.hpp"
#include "domain/record_scan.hpp"

namespace cockpit::server {

Book guard_book(const std::vector<StoredText>& records) {
  Book book;
  for (const StoredText& text : records) {
    std::optional<AnyRecord> rec = scan_record(text.kind, text.body);
    if (!rec)
      throw std::runtime_error("guard: the stored " + std::string(to_string(text.kind)) + " " + text.id +
                               " does not read back");
    std::visit([&]<class R>(R& one) { (book.*RecordInfo<R>::book).push_back(std::move(one)); }, *rec);
  }
  return book;
}

}  // namespace cockpit::server
