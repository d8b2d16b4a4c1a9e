#pragma once
// A pull on PostgreSQL (ServerStorage::read_since): the same answer as the SQLite
// store's, read in one REPEATABLE READ snapshot so that the cursor and the rows agree.
#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

PullData pg_read_since(PgConn& db, const Scope& scope, std::int64_t since, std::size_t page);
RecordKind pg_kind_of(std::string_view s);

}  // namespace cockpit::server
