#pragma once
// The PostgreSQL store's versioned schema (the same versions as sqlite_schema.hpp):
// migrations applied in order under an advisory lock, so that several processes
// starting at once migrate once; the version is kept in schema_version (one row).
#include <utility>

#include "server/pg_conn.hpp"

namespace cockpit::server {

// Returns {version found, version now}; SchemaTooNew for a newer database, and for an
// older one unless `migrate`.
std::pair<int, int> pg_migrate(PgConn& db, bool migrate);

// The advisory lock keys (pg_advisory_xact_lock): one for migrations, one that orders
// every read-write transaction of every process (pg_storage.cpp says why).
inline constexpr long long kMigrationLock = 0x636f636b70697401;  // "cockpit" 1
inline constexpr long long kWriterLock = 0x636f636b70697402;     // "cockpit" 2

}  // namespace cockpit::server
