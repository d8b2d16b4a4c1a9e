#pragma once
// One read-write transaction on PostgreSQL (StorageTxn). Every such transaction of every
// process first takes one advisory lock (kWriterLock) and holds it to its end: writers
// run one after the other, as on SQLite, so the cursor's numbers are committed in
// order and a pull's snapshot never sees change N+1 without change N. (Sessions, audit
// lines and webhook bookkeeping do not take it: they carry no cursor.)
#include <memory>
#include <mutex>

#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

// `db`: the process's writer connection, used under `lock` for the transaction's life.
std::unique_ptr<StorageTxn> pg_begin(PgConn& db, std::unique_lock<std::mutex> lock, const TxnHooks& hooks);

}  // namespace cockpit::server
