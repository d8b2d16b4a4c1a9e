#pragma once
// Bulk look-ups for a read-write transaction on PostgreSQL (pg_txn.cpp): many records,
// owners, customers' records or verdicts in one statement (`= ANY($1)` of an array
// parameter), where the per-record path paid one round trip each. The transaction keeps
// the answers until they are used or its own writes make them stale (PgTxn's look-ahead).
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server::pg_prefetch {

// A stored record as text; parsed only when the transaction asks for it.
struct RawRecord {
  std::string customer;
  std::int64_t seq = 0;
  std::string body, fields;
};

// The key PgTxn files records under: kind + '\n' + id (ids never hold a line break).
std::string record_key(RecordKind kind, const std::string& id);

// Every key asked gets an answer: the record, or nullopt when it is not stored.
std::unordered_map<std::string, std::optional<RawRecord>> records(
    PgConn& db, const std::vector<std::pair<RecordKind, std::string>>& keys);
// Every customer asked gets an answer: its owner, or nullopt.
std::unordered_map<std::string, std::optional<std::string>> owners(PgConn& db,
                                                                   const std::vector<std::string>& customers);
// Each customer's records in the order StorageTxn::customer_records gives them, and the
// standings of its messages (a customer with none has an empty list).
std::unordered_map<std::string, std::vector<StoredText>> customer_records(PgConn& db,
                                                                         const std::vector<std::string>& customers);
std::unordered_map<std::string, std::vector<VerdictRow>> verdicts(PgConn& db,
                                                                 const std::vector<std::string>& customers);

}  // namespace cockpit::server::pg_prefetch
