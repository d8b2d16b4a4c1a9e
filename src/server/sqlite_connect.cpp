#include "server/sqlite_connect.hpp"

#include "server/comma_list.hpp"

namespace cockpit::server::sqlite_connect {

const char* const kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS connect_sources(
  source TEXT PRIMARY KEY, integration TEXT NOT NULL, secret TEXT NOT NULL, marked TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL);
-- Every event handled, by the source's own id: a replay changes nothing.
CREATE TABLE IF NOT EXISTS connect_events(
  source TEXT NOT NULL, event_id TEXT NOT NULL, received INTEGER NOT NULL, PRIMARY KEY(source, event_id));
-- The source's time of the last change applied to each record: an older event never
-- overwrites a newer one.
CREATE TABLE IF NOT EXISTS connect_versions(key TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS connect_unmatched(
  id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
  reason TEXT NOT NULL, email TEXT NOT NULL, external_id TEXT NOT NULL, waits_for TEXT NOT NULL,
  at INTEGER NOT NULL, received INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS connect_unmatched_waiting ON connect_unmatched(waits_for);
-- Customers by their ids in other systems (the customer record's external_ids).
CREATE TABLE IF NOT EXISTS customer_external_ids(
  source TEXT NOT NULL, external_id TEXT NOT NULL, customer TEXT NOT NULL,
  PRIMARY KEY(source, external_id, customer));
CREATE INDEX IF NOT EXISTS customer_external_ids_of ON customer_external_ids(customer);
CREATE TRIGGER IF NOT EXISTS customer_external_ids_write AFTER INSERT ON records WHEN new.kind = 'customer'
BEGIN
  DELETE FROM customer_external_ids WHERE customer = new.id;
  INSERT OR IGNORE INTO customer_external_ids(source, external_id, customer)
    SELECT json_extract(e.value, '$.source'), json_extract(e.value, '$.id'), new.id
    FROM json_each(new.body, '$.external_ids') e
    WHERE json_type(e.value, '$.source') = 'text' AND json_type(e.value, '$.id') = 'text';
END;
CREATE TRIGGER IF NOT EXISTS customer_external_ids_update AFTER UPDATE OF body ON records WHEN new.kind = 'customer'
BEGIN
  DELETE FROM customer_external_ids WHERE customer = new.id;
  INSERT OR IGNORE INTO customer_external_ids(source, external_id, customer)
    SELECT json_extract(e.value, '$.source'), json_extract(e.value, '$.id'), new.id
    FROM json_each(new.body, '$.external_ids') e
    WHERE json_type(e.value, '$.source') = 'text' AND json_type(e.value, '$.id') = 'text';
END;
CREATE TRIGGER IF NOT EXISTS customer_external_ids_delete AFTER DELETE ON records WHEN old.kind = 'customer'
BEGIN
  DELETE FROM customer_external_ids WHERE customer = old.id;
END;
)SQL";

namespace {

const char* const kUnmatchedColumns =
    "SELECT id, source, event_id, type, reason, email, external_id, waits_for, at, received, headers, body "
    "FROM connect_unmatched ";

UnmatchedEvent read_unmatched(const Stmt& s) {
  UnmatchedEvent e;
  e.id = s.i64(0);
  e.source = s.text(1);
  e.event_id = s.text(2);
  e.type = s.text(3);
  e.reason = s.text(4);
  e.email = s.text(5);
  e.external_id = s.text(6);
  e.waits_for = s.text(7);
  e.at = s.i64(8);
  e.received = s.i64(9);
  e.headers = s.text(10);
  e.body = s.text(11);
  return e;
}

}  // namespace

bool claim_event(Db& db, const std::string& source, const std::string& event_id, Time received) {
  db.prep("INSERT OR IGNORE INTO connect_events(source, event_id, received) VALUES(?,?,?)")
      .bind(1, source)
      .bind(2, event_id)
      .bind(3, received)
      .run();
  return db.changes() == 1;
}

std::optional<Time> version(Db& db, const std::string& key) {
  auto s = db.prep("SELECT at FROM connect_versions WHERE key=?");
  if (!s.bind(1, key).step()) return std::nullopt;
  return s.i64(0);
}

void put_version(Db& db, const std::string& key, Time at) {
  db.prep("INSERT INTO connect_versions(key, at) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET at=excluded.at")
      .bind(1, key)
      .bind(2, at)
      .run();
}

std::optional<std::string> customer_by_external_id(Db& db, const std::string& source, const std::string& id) {
  auto s = db.prep("SELECT customer FROM customer_external_ids WHERE source=? AND external_id=? ORDER BY customer LIMIT 1");
  if (!s.bind(1, source).bind(2, id).step()) return std::nullopt;
  return s.text(0);
}

void put_unmatched(Db& db, UnmatchedEvent& e) {
  db.prep("INSERT INTO connect_unmatched(source, event_id, type, reason, email, external_id, waits_for, at, received, "
          "headers, body) VALUES(?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, e.source)
      .bind(2, e.event_id)
      .bind(3, e.type)
      .bind(4, e.reason)
      .bind(5, e.email)
      .bind(6, e.external_id)
      .bind(7, e.waits_for)
      .bind(8, e.at)
      .bind(9, e.received)
      .bind(10, e.headers)
      .bind(11, e.body)
      .run();
  e.id = sqlite3_last_insert_rowid(db.raw());
}

std::optional<UnmatchedEvent> unmatched(Db& db, std::int64_t id) {
  static const std::string sql = std::string(kUnmatchedColumns) + "WHERE id=?";
  auto s = db.prep(sql.c_str());
  if (!s.bind(1, id).step()) return std::nullopt;
  return read_unmatched(s);
}

std::vector<UnmatchedEvent> waiting_for(Db& db, const std::string& waits_for) {
  static const std::string sql = std::string(kUnmatchedColumns) + "WHERE waits_for=? ORDER BY at, id";
  auto s = db.prep(sql.c_str());
  s.bind(1, waits_for);
  std::vector<UnmatchedEvent> out;
  while (s.step()) out.push_back(read_unmatched(s));
  return out;
}

std::vector<UnmatchedEvent> unmatched_events(Db& db, std::size_t limit) {
  static const std::string sql = std::string(kUnmatchedColumns) + "ORDER BY id LIMIT ?";
  auto s = db.prep(sql.c_str());
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<UnmatchedEvent> out;
  while (s.step()) out.push_back(read_unmatched(s));
  return out;
}

void drop_unmatched(Db& db, std::int64_t id) { db.prep("DELETE FROM connect_unmatched WHERE id=?").bind(1, id).run(); }

void put_source(Db& db, const ConnectSource& c) {
  db.prep("INSERT INTO connect_sources(source, integration, secret, marked, created) VALUES(?,?,?,?,?) "
          "ON CONFLICT(source) DO UPDATE SET integration=excluded.integration, secret=excluded.secret, "
          "marked=excluded.marked, created=excluded.created")
      .bind(1, c.source)
      .bind(2, c.integration)
      .bind(3, c.secret)
      .bind(4, join_list(c.marked))
      .bind(5, c.created)
      .run();
}

std::optional<ConnectSource> source(Db& db, const std::string& name) {
  auto s = db.prep("SELECT integration, secret, marked, created FROM connect_sources WHERE source=?");
  if (!s.bind(1, name).step()) return std::nullopt;
  return ConnectSource{name, s.text(0), s.text(1), split_list(s.view(2)), s.i64(3)};
}

}  // namespace cockpit::server::sqlite_connect
