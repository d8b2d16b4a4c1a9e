#pragma once
// One record checked against the contract, the way a whole document is: the record is
// wrapped in a one-record document and given to domain/document's parser, with the stored
// records answering for its references. Returns the canonical contract form.
#include <optional>
#include <string>

#include "domain/document.hpp"
#include "sync/protocol.hpp"

namespace cockpit::server {

struct CheckedRecord {
  std::optional<sync::json> body;  // canonical form when valid
  std::string error;               // the contract's message otherwise
};

CheckedRecord check_record(RecordKind kind, const sync::json& body, const KnownRecords& known);

// The canonical contract form of each record of a parsed Book, in dependency order
// (managers, customers, cases, then the rest), with its kind.
struct KindBody {
  RecordKind kind;
  std::string id;
  sync::json body;
};
std::vector<KindBody> canonical_records(const Book& book);
// The same `count` records from position `from` of that order (fewer at the end): a
// big document's canonical forms built a chunk at a time, not all held at once.
std::vector<KindBody> canonical_records(const Book& book, std::size_t from, std::size_t count);
std::size_t record_count(const Book& book);

// Fields only the server sets (whether a scheduled message's sender asked the guard):
// what a device or an ingested document says is replaced by the stored value, or
// dropped. `stored`: the record's body on the server, null when it is new.
void keep_server_fields(RecordKind kind, sync::json& body, const sync::json* stored);

}  // namespace cockpit::server
