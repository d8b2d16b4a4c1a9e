#pragma once
// The SQLite store's versioned schema: migrations applied in order, the version kept in
// schema_version (one row). A database newer than this server knows is refused
// (SchemaTooNew); one behind is brought up to date when `migrate`, else refused too.
#include <utility>

#include "server/sqlite_db.hpp"

namespace cockpit::server {

// Returns {version found, version now}.
std::pair<int, int> sqlite_migrate(Db& db, bool migrate);

}  // namespace cockpit::server
