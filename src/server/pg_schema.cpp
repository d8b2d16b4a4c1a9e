#include "server/pg_schema.hpp"

#include <string>

namespace cockpit::server {

namespace {

// Version 1: records, the cursor, owners, accounts, sessions, clients, audit. Text keys
// compare byte by byte (COLLATE "C"), as in SQLite: the same order of ids whatever the
// database's locale, and cheaper comparisons.
constexpr const char* kStep1 = R"SQL(
CREATE TABLE meta(key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
-- The cursor: ONE sequence for every record change of every process.
CREATE SEQUENCE cursor_seq;
CREATE TABLE changes(
  seq BIGINT PRIMARY KEY DEFAULT nextval('cursor_seq'), kind TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL, customer TEXT COLLATE "C" NOT NULL, actor TEXT NOT NULL, client TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE TABLE records(
  kind TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL, customer TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL, body TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY(kind, id));
CREATE INDEX records_by_customer ON records(customer, seq);
CREATE INDEX records_by_seq_customer ON records(seq, customer);
CREATE TABLE owners(customer TEXT COLLATE "C" PRIMARY KEY, owner TEXT COLLATE "C" NOT NULL);
CREATE INDEX owners_by_owner ON owners(owner);
CREATE TABLE owner_changes(
  seq BIGINT PRIMARY KEY, customer TEXT COLLATE "C" NOT NULL, old_owner TEXT COLLATE "C" NOT NULL,
  new_owner TEXT COLLATE "C" NOT NULL);
CREATE INDEX owner_changes_old ON owner_changes(old_owner, seq);
CREATE INDEX owner_changes_new ON owner_changes(new_owner, seq);
CREATE INDEX owner_changes_customer ON owner_changes(customer, seq);
CREATE TABLE tombstones(
  seq BIGINT PRIMARY KEY, kind TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL,
  customer TEXT COLLATE "C" NOT NULL);
CREATE INDEX tombstones_by_customer ON tombstones(customer, seq);
CREATE TABLE accounts(manager_id TEXT COLLATE "C" PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT COLLATE "C" PRIMARY KEY, manager_id TEXT COLLATE "C" NOT NULL, created BIGINT NOT NULL,
  expires BIGINT NOT NULL);
CREATE INDEX sessions_by_manager ON sessions(manager_id);
CREATE TABLE integrations(
  token_hash TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE clients(
  client_id TEXT COLLATE "C" PRIMARY KEY, manager_id TEXT COLLATE "C" NOT NULL, last_mutation_id BIGINT NOT NULL);
CREATE TABLE mutation_results(
  client_id TEXT COLLATE "C" NOT NULL, mutation_id BIGINT NOT NULL, result TEXT NOT NULL,
  PRIMARY KEY(client_id, mutation_id));
CREATE TABLE audit(
  id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, subject TEXT NOT NULL,
  detail TEXT NOT NULL, ip TEXT NOT NULL);
)SQL";

// Version 2: the guard's tables (verdicts, their feed, webhooks and the delivery queue)
// and scopes on integration tokens (older tokens could only ingest, and keep that).
constexpr const char* kStep2 = R"SQL(
CREATE TABLE guard_verdicts(
  scheduled TEXT COLLATE "C" PRIMARY KEY, customer TEXT COLLATE "C" NOT NULL, kind TEXT NOT NULL,
  sender TEXT NOT NULL, state TEXT NOT NULL, reasons TEXT NOT NULL, decided_by TEXT, decided_at BIGINT,
  cursor BIGINT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX guard_verdicts_by_customer ON guard_verdicts(customer);
CREATE INDEX guard_verdicts_held ON guard_verdicts(customer) WHERE state='held';
CREATE TABLE guard_changes(
  cursor BIGSERIAL PRIMARY KEY, scheduled TEXT COLLATE "C" NOT NULL, customer TEXT COLLATE "C" NOT NULL,
  kind TEXT NOT NULL, sender TEXT NOT NULL, state TEXT NOT NULL, reasons TEXT NOT NULL, decided_by TEXT,
  decided_at BIGINT, at BIGINT NOT NULL);
CREATE TABLE webhooks(
  id TEXT COLLATE "C" PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL,
  created BIGINT NOT NULL, disabled_at BIGINT, disabled_reason TEXT NOT NULL DEFAULT '');
CREATE TABLE webhook_deliveries(
  id BIGSERIAL PRIMARY KEY, webhook TEXT COLLATE "C" NOT NULL, msg_id TEXT NOT NULL, event TEXT NOT NULL,
  body TEXT NOT NULL, created BIGINT NOT NULL, next_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending', last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', done_at BIGINT);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at) WHERE state='pending';
-- A message given by e-mail address (the relay knows only the recipient).
CREATE INDEX records_customer_email ON records(lower((body::jsonb)->>'email')) WHERE kind='customer';
ALTER TABLE integrations ADD COLUMN scopes TEXT NOT NULL DEFAULT 'ingest';
)SQL";

// Version 3: the source webhooks (src/server/CONNECT.md). Customers by their ids in
// other systems are kept by a trigger on records, as SQLite's triggers keep them.
constexpr const char* kStep3 = R"SQL(
CREATE TABLE connect_sources(
  source TEXT COLLATE "C" PRIMARY KEY, integration TEXT NOT NULL, secret TEXT NOT NULL,
  marked TEXT NOT NULL DEFAULT '', created BIGINT NOT NULL);
CREATE TABLE connect_events(
  source TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL, received BIGINT NOT NULL,
  PRIMARY KEY(source, event_id));
CREATE TABLE connect_versions(key TEXT COLLATE "C" PRIMARY KEY, at BIGINT NOT NULL);
CREATE TABLE connect_unmatched(
  id BIGSERIAL PRIMARY KEY, source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, reason TEXT NOT NULL,
  email TEXT NOT NULL, external_id TEXT NOT NULL, waits_for TEXT COLLATE "C" NOT NULL, at BIGINT NOT NULL,
  received BIGINT NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX connect_unmatched_waiting ON connect_unmatched(waits_for);
CREATE TABLE customer_external_ids(
  source TEXT COLLATE "C" NOT NULL, external_id TEXT COLLATE "C" NOT NULL, customer TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY(source, external_id, customer));
CREATE INDEX customer_external_ids_of ON customer_external_ids(customer);
CREATE FUNCTION customer_external_ids_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.kind = 'customer' THEN
    DELETE FROM customer_external_ids WHERE customer = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.kind = 'customer' THEN
    DELETE FROM customer_external_ids WHERE customer = NEW.id;
    INSERT INTO customer_external_ids(source, external_id, customer)
      SELECT e->>'source', e->>'id', NEW.id
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.body::jsonb->'external_ids') = 'array'
                                     THEN NEW.body::jsonb->'external_ids' ELSE '[]'::jsonb END) e
      WHERE jsonb_typeof(e->'source') = 'string' AND jsonb_typeof(e->'id') = 'string'
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_external_ids_sync AFTER INSERT OR UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION customer_external_ids_sync();
)SQL";

constexpr const char* kSteps[] = {kStep1, kStep2, kStep3};
static_assert(sizeof kSteps / sizeof kSteps[0] == kStoreSchemaVersion, "one step per schema version");

int stored_version(PgConn& db) {
  auto r = db.q("SELECT version FROM schema_version");
  return r.empty() ? 0 : static_cast<int>(r.i64(0, 0));
}

std::string version_text(int found) {
  return "the database's schema is version " + std::to_string(found);
}

}  // namespace

std::pair<int, int> pg_migrate(PgConn& db, bool migrate) {
  // Every step and the version move together, or not at all (PostgreSQL's DDL is
  // transactional); the lock makes a second process wait and then find it done.
  db.exec("BEGIN");
  try {
    db.exec(("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")").c_str());
    db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
    const int found = stored_version(db);
    if (found > kStoreSchemaVersion)
      throw SchemaTooNew(version_text(found) + ", newer than this server (" + std::to_string(kStoreSchemaVersion) +
                         "): run a newer cockpit-server");
    if (found < kStoreSchemaVersion && !migrate)
      throw SchemaTooNew(version_text(found) + ", this server needs " + std::to_string(kStoreSchemaVersion) +
                         ": run cockpit-server migrate --db ...");
    for (int v = found + 1; v <= kStoreSchemaVersion; ++v) db.exec(kSteps[v - 1]);
    db.exec("DELETE FROM schema_version");
    db.q("INSERT INTO schema_version(version) VALUES($1)", PgParams().add(kStoreSchemaVersion));
    db.exec("COMMIT");
    return {found, kStoreSchemaVersion};
  } catch (...) {
    if (db.healthy()) db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace cockpit::server
