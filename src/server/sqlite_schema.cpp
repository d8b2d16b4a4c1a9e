#include "server/sqlite_schema.hpp"

#include <string>

#include "server/sqlite_connect.hpp"
#include "server/sqlite_guard.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

namespace {

// Version 1: records, the cursor, owners, accounts, sessions, clients, audit.
constexpr const char* kBase = R"SQL(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per record change; seq is the server-wide cursor.
CREATE TABLE IF NOT EXISTS changes(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL,
  customer TEXT NOT NULL, actor TEXT NOT NULL, client TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records(
  kind TEXT NOT NULL, id TEXT NOT NULL, customer TEXT NOT NULL, seq INTEGER NOT NULL,
  body TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY(kind, id));
CREATE INDEX IF NOT EXISTS records_by_customer ON records(customer, seq);
-- By seq with the customer in the index: a pull walks everyone's recent changes and
-- keeps its manager's without reading the rows of the others.
CREATE INDEX IF NOT EXISTS records_by_seq_customer ON records(seq, customer);
DROP INDEX IF EXISTS records_by_seq;
-- The current owner of each customer (derived from the customer records).
CREATE TABLE IF NOT EXISTS owners(customer TEXT PRIMARY KEY, owner TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS owners_by_owner ON owners(owner);
CREATE TABLE IF NOT EXISTS owner_changes(
  seq INTEGER PRIMARY KEY, customer TEXT NOT NULL, old_owner TEXT NOT NULL, new_owner TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS owner_changes_old ON owner_changes(old_owner, seq);
CREATE INDEX IF NOT EXISTS owner_changes_new ON owner_changes(new_owner, seq);
CREATE INDEX IF NOT EXISTS owner_changes_customer ON owner_changes(customer, seq);
-- A deleted record (a device's undo of a message it had just created): devices that
-- hold it learn it from pulls after `seq`.
CREATE TABLE IF NOT EXISTS tombstones(
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, customer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_by_customer ON tombstones(customer, seq);
CREATE TABLE IF NOT EXISTS accounts(manager_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
  token_hash TEXT PRIMARY KEY, manager_id TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_by_manager ON sessions(manager_id);
CREATE TABLE IF NOT EXISTS integrations(token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clients(
  client_id TEXT PRIMARY KEY, manager_id TEXT NOT NULL, last_mutation_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS mutation_results(
  client_id TEXT NOT NULL, mutation_id INTEGER NOT NULL, result TEXT NOT NULL,
  PRIMARY KEY(client_id, mutation_id));
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  subject TEXT NOT NULL, detail TEXT NOT NULL, ip TEXT NOT NULL);
)SQL";


// Adds a column that a later version of the schema brought, once.
void ensure_column(Db& db, const char* table_info_sql, const std::string& column, const char* alter_sql) {
  auto s = db.prep(table_info_sql);
  while (s.step())
    if (s.text(1) == column) return;
  db.exec(alter_sql);
}

// Version 2: the guard's tables, and scopes on integration tokens (a token made before
// scopes existed could only ingest, and keeps exactly that).
void step_2(Db& db) {
  db.exec(sqlite_guard::kSchema);
  ensure_column(db, "PRAGMA table_info(integrations)", "scopes",
                "ALTER TABLE integrations ADD COLUMN scopes TEXT NOT NULL DEFAULT 'ingest'");
}

// Version 3: the source webhooks (src/server/CONNECT.md).
void step_3(Db& db) { db.exec(sqlite_connect::kSchema); }

// A database made before versions were kept has no schema_version: its steps were all
// written with IF NOT EXISTS (and ensure_column), so running them again is harmless.
int stored_version(Db& db) {
  auto s = db.prep("SELECT version FROM schema_version");
  return s.step() ? static_cast<int>(s.i64(0)) : 0;
}

}  // namespace

std::pair<int, int> sqlite_migrate(Db& db, bool migrate) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
  const int found = stored_version(db);
  if (found > kStoreSchemaVersion)
    throw SchemaTooNew("the database's schema is version " + std::to_string(found) + ", newer than this server (" +
                       std::to_string(kStoreSchemaVersion) + "): run a newer cockpit-server");
  if (found == kStoreSchemaVersion) return {found, found};
  if (!migrate)
    throw SchemaTooNew("the database's schema is version " + std::to_string(found) + ", this server needs " +
                       std::to_string(kStoreSchemaVersion) + ": run cockpit-server migrate --db ...");
  db.exec("BEGIN IMMEDIATE");
  try {
    if (found < 1) db.exec(kBase);
    if (found < 2) step_2(db);
    if (found < 3) step_3(db);
    db.exec("DELETE FROM schema_version");
    db.prep("INSERT INTO schema_version(version) VALUES(?)").bind(1, kStoreSchemaVersion).run();
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  return {found, kStoreSchemaVersion};
}

}  // namespace cockpit::server
