#pragma once
// The guard re-decides a customer after every write that touches them, and reads all of
// the customer's records to do it; parsing their stored JSON was most of that cost. A
// customer's records rarely change between two decisions (a new message, one changed
// case), so each parsed record is kept here with the exact text it was parsed from and
// reused while the stored text is the same. Keyed by text, not by sequence number, so a
// rolled-back transaction or another process writing the same database can never make
// it answer for a text it did not parse.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/fields.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

class ParsedRecords {
 public:
  // Cached text beyond this is dropped all at once (a 10,000-customer book's records are
  // about 40 MB; the working set of recent writes is far smaller).
  static constexpr std::size_t kMaxBytes = 32u << 20;

  // One customer's stored records as a Book, in the order given, through the contract's
  // own reader (references checked against `txn`) for every text not parsed before.
  // Throws when stored records do not read back.
  Book book_of(StorageTxn& txn, const std::vector<StoredText>& records);
  // How many texts were parsed so far (for tests: what was reused was not).
  std::size_t parsed() const { return parsed_; }

 private:
  struct Entry {
    std::string body;
    AnyRecord record;
  };
  static std::string key_of(RecordKind kind, const std::string& id);
  void parse_missing(StorageTxn& txn, const std::vector<const StoredText*>& missing);

  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_key_;
  std::size_t bytes_ = 0;
  std::size_t parsed_ = 0;
};

}  // namespace cockpit::server
