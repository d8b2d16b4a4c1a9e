#pragma once
// A read-write transaction's writes, held back and sent together (pg_txn.cpp). Per
// record the transaction used to wait for 3–4 statements (change row, record, owner,
// owner log); an ingest of a 10,000-customer book paid ~1.2 million round trips. Held
// here, a batch goes out as one statement per group of tables (unnest of array
// parameters, pg_array.hpp), whatever its size.
//
// What a batch keeps and why it is safe:
//  - change rows carry their seq, taken by the transaction from the cursor's sequence
//    without a round trip (pg_txn.cpp: it holds the writer lock, so nobody else takes
//    numbers meanwhile); the flush moves the sequence past the last one (setval).
//  - the same record (or owner, or verdict) written twice before a flush is one row,
//    the last: the table ends as if every write had gone out in order. Change rows,
//    owner log, audit lines and verdict-feed entries are all kept, in order.
//  - the transaction flushes before every read of the database and before savepoints
//    and commit, so nothing it reads misses its own writes.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

class PgWriteBatch {
 public:
  struct Change {
    std::int64_t seq = 0;
    std::string kind, id, customer, actor, client;
    Time at = 0;
  };
  struct Record {
    std::string kind, id, customer;
    std::int64_t seq = 0;
    std::string body, fields;
  };

  void change(Change c);
  void record(Record r);
  void owner(const std::string& customer, const std::string& owner);
  void owner_change(const OwnerChange& c);
  void audit(const AuditEntry& e);  // e.at set
  // A standing and its feed entry (v.cursor taken by the transaction, as seqs are).
  void verdict(const VerdictRow& v);
  void drop_verdict(const std::string& scheduled);

  bool empty() const { return rows_ == 0; }
  // Whether a read of these would miss a write held here (pg_prefetch reads around it
  // otherwise, and the batch goes out after the read).
  bool holds_record(const std::string& key) const;  // pg_prefetch::record_key
  bool holds_owner(const std::string& customer) const;
  bool holds_any_of(const std::set<std::string>& customers) const;  // their records or standings
  // Whether the batch is big enough to send now (keeps memory and statement size bounded).
  bool full() const { return rows_ >= kMaxRows || bytes_ >= kMaxBytes; }
  // Sends everything (one statement for the records' tables, one for the guard's) and
  // empties the batch; the last statement's answer is collected by the connection's
  // next use (PgConn::send), so the transaction works on while PostgreSQL writes. last_seq / last_cursor: the numbers the transaction took last
  // from the cursor's sequence and the feed's (0: none), which the sequences move to.
  void flush(PgConn& db, std::int64_t last_seq, std::int64_t last_cursor);
  // Forgets what was not sent (the transaction undid a savepoint or failed).
  void clear();

 private:
  static constexpr std::size_t kMaxRows = 4000;
  static constexpr std::size_t kMaxBytes = 16u << 20;
  void flush_records(PgConn& db, std::int64_t last_seq, bool last);
  void flush_guard(PgConn& db, std::int64_t last_cursor);

  std::vector<Change> changes_;
  std::vector<Record> records_;
  std::unordered_map<std::string, std::size_t> record_at_;  // kind + '\n' + id -> records_ index
  std::vector<std::pair<std::string, std::string>> owners_;
  std::unordered_map<std::string, std::size_t> owner_at_;
  std::vector<OwnerChange> owner_changes_;
  std::vector<AuditEntry> audit_;
  std::vector<VerdictRow> feed_;                                        // every entry, in order
  std::unordered_map<std::string, std::optional<VerdictRow>> standing_;  // last state; nullopt: dropped
  std::size_t rows_ = 0, bytes_ = 0;
};

}  // namespace cockpit::server
