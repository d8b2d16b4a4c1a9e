// Which store `--db` names: a postgresql:// URL, or else a SQLite file.
#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

std::unique_ptr<ServerStorage> open_storage(const std::string& db, bool synchronous_full, bool migrate) {
  if (is_postgres_url(db)) return open_postgres_storage(db, migrate);
  return open_sqlite_storage(db, synchronous_full, migrate);
}

}  // namespace cockpit::server
