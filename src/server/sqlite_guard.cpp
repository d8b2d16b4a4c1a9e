#include "server/sqlite_guard.hpp"

#include "server/comma_list.hpp"

#include <nlohmann/json.hpp>

namespace cockpit::server::sqlite_guard {

using nlohmann::json;

const char* const kSchema = R"SQL(
-- Each scheduled message's standing (one row per scheduled record).
CREATE TABLE IF NOT EXISTS guard_verdicts(
  scheduled TEXT PRIMARY KEY, customer TEXT NOT NULL, kind TEXT NOT NULL, sender TEXT NOT NULL,
  state TEXT NOT NULL, reasons TEXT NOT NULL, decided_by TEXT, decided_at INTEGER,
  cursor INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS guard_verdicts_by_customer ON guard_verdicts(customer);
CREATE INDEX IF NOT EXISTS guard_verdicts_held ON guard_verdicts(customer) WHERE state='held';
-- The verdict feed: every standing a message reached, in order (cursor).
CREATE TABLE IF NOT EXISTS guard_changes(
  cursor INTEGER PRIMARY KEY AUTOINCREMENT, scheduled TEXT NOT NULL, customer TEXT NOT NULL,
  kind TEXT NOT NULL, sender TEXT NOT NULL, state TEXT NOT NULL, reasons TEXT NOT NULL,
  decided_by TEXT, decided_at INTEGER, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks(
  id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL,
  created INTEGER NOT NULL, disabled_at INTEGER, disabled_reason TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS webhook_deliveries(
  id INTEGER PRIMARY KEY AUTOINCREMENT, webhook TEXT NOT NULL, msg_id TEXT NOT NULL, event TEXT NOT NULL,
  body TEXT NOT NULL, created INTEGER NOT NULL, next_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending', last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '', done_at INTEGER);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries(next_at) WHERE state='pending';
-- A message given by e-mail address (the relay knows only the recipient).
CREATE INDEX IF NOT EXISTS records_customer_email ON records(lower(json_extract(body, '$.email')))
  WHERE kind='customer';
)SQL";

namespace {

VerdictRow read_verdict(const Stmt& s) {
  VerdictRow v;
  v.scheduled = s.text(0);
  v.customer = s.text(1);
  v.kind = s.text(2);
  v.sender = s.text(3);
  v.state = parse_GuardState(s.view(4)).value_or(GuardState::held);
  v.reasons = split_list(s.view(5));
  if (sqlite3_column_type(s.raw(), 6) != SQLITE_NULL) v.decided_by = s.text(6);
  if (sqlite3_column_type(s.raw(), 7) != SQLITE_NULL) v.decided_at = s.i64(7);
  v.cursor = s.i64(8);
  v.at = s.i64(9);
  return v;
}

Stmt& bind_optional(Stmt& s, int i, const std::optional<std::string>& v) {
  return v ? s.bind(i, *v) : s.bind_null(i);
}
Stmt& bind_optional(Stmt& s, int i, const std::optional<Time>& v) { return v ? s.bind(i, *v) : s.bind_null(i); }

WebhookEndpoint read_webhook(const Stmt& s) {
  WebhookEndpoint w;
  w.id = s.text(0);
  w.url = s.text(1);
  w.secret = s.text(2);
  w.events = split_list(s.view(3));
  w.created = s.i64(4);
  if (sqlite3_column_type(s.raw(), 5) != SQLITE_NULL) w.disabled_at = s.i64(5);
  w.disabled_reason = s.text(6);
  return w;
}

Delivery read_delivery(const Stmt& s) {
  Delivery d;
  d.id = s.i64(0);
  d.webhook = s.text(1);
  d.msg_id = s.text(2);
  d.event = s.text(3);
  d.body = s.text(4);
  d.created = s.i64(5);
  d.next_at = s.i64(6);
  d.attempts = static_cast<int>(s.i64(7));
  d.state = s.text(8);
  d.last_status = static_cast<int>(s.i64(9));
  d.last_error = s.text(10);
  if (sqlite3_column_type(s.raw(), 11) != SQLITE_NULL) d.done_at = s.i64(11);
  return d;
}

}  // namespace

std::vector<VerdictRow> verdicts_of(Db& db, const std::string& customer) {
  auto s = db.prep(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_verdicts WHERE customer=?");
  s.bind(1, customer);
  std::vector<VerdictRow> out;
  while (s.step()) out.push_back(read_verdict(s));
  return out;
}

std::optional<VerdictRow> verdict(Db& db, const std::string& scheduled) {
  auto s = db.prep(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_verdicts WHERE scheduled=?");
  if (!s.bind(1, scheduled).step()) return std::nullopt;
  return read_verdict(s);
}

void put_verdict(Db& db, VerdictRow& v) {
  {
    auto s = db.prep(
        "INSERT INTO guard_changes(scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, at) "
        "VALUES(?,?,?,?,?,?,?,?,?)");
    s.bind(1, v.scheduled).bind(2, v.customer).bind(3, v.kind).bind(4, v.sender);
    s.bind(5, to_string(v.state)).bind(6, join_list(v.reasons));
    bind_optional(s, 7, v.decided_by);
    bind_optional(s, 8, v.decided_at);
    s.bind(9, v.at).run();
  }
  v.cursor = sqlite3_last_insert_rowid(db.raw());
  auto s = db.prep(
      "INSERT OR REPLACE INTO guard_verdicts(scheduled, customer, kind, sender, state, reasons, decided_by, "
      "decided_at, cursor, at) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, v.scheduled).bind(2, v.customer).bind(3, v.kind).bind(4, v.sender);
  s.bind(5, to_string(v.state)).bind(6, join_list(v.reasons));
  bind_optional(s, 7, v.decided_by);
  bind_optional(s, 8, v.decided_at);
  s.bind(9, v.cursor).bind(10, v.at).run();
}

void drop_verdict(Db& db, const std::string& scheduled) {
  db.prep("DELETE FROM guard_verdicts WHERE scheduled=?").bind(1, scheduled).run();
}

std::vector<VerdictRow> verdict_changes(Db& db, std::int64_t since, std::size_t limit) {
  auto s = db.prep(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_changes WHERE cursor>? ORDER BY cursor LIMIT ?");
  s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
  std::vector<VerdictRow> out;
  while (s.step()) out.push_back(read_verdict(s));
  return out;
}

std::int64_t verdict_cursor(Db& db) {
  auto s = db.prep("SELECT COALESCE(MAX(cursor), 0) FROM guard_changes");
  s.step();
  return s.i64(0);
}

std::vector<Suppression> suppressions(Db& db) {
  auto s = db.prep(
      "SELECT v.customer, COALESCE(json_extract(r.body, '$.email'), ''), group_concat(DISTINCT v.kind) "
      "FROM guard_verdicts v LEFT JOIN records r ON r.kind='customer' AND r.id=v.customer "
      "WHERE v.state='held' GROUP BY v.customer ORDER BY v.customer");
  std::vector<Suppression> out;
  while (s.step()) out.push_back(Suppression{s.text(0), s.text(1), split_list(s.view(2))});
  return out;
}

// "+id": with a plain "ORDER BY id" SQLite walks the primary key in order and reads
// every customer's body (10,000 customers: ~10 ms, under the reader's lock, so one
// address lookup at a time) instead of using records_customer_email and sorting the
// one or two matches.
const char* const kCustomerByEmail =
    "SELECT id FROM records WHERE kind='customer' AND lower(json_extract(body, '$.email'))=lower(?) "
    "ORDER BY +id LIMIT 1";

std::optional<std::string> customer_by_email(Db& db, const std::string& email) {
  auto s = db.prep(kCustomerByEmail);
  if (!s.bind(1, email).step()) return std::nullopt;
  return s.text(0);
}

std::vector<WebhookEndpoint> webhooks(Db& db, bool active_only) {
  auto s = active_only ? db.prep(
                             "SELECT id, url, secret, events, created, disabled_at, disabled_reason FROM webhooks "
                             "WHERE disabled_at IS NULL ORDER BY created, id")
                       : db.prep(
                             "SELECT id, url, secret, events, created, disabled_at, disabled_reason FROM webhooks "
                             "ORDER BY created, id");
  std::vector<WebhookEndpoint> out;
  while (s.step()) out.push_back(read_webhook(s));
  return out;
}

void add_webhook(Db& db, const WebhookEndpoint& w) {
  db.prep("INSERT INTO webhooks(id, url, secret, events, created) VALUES(?,?,?,?,?)")
      .bind(1, w.id)
      .bind(2, w.url)
      .bind(3, w.secret)
      .bind(4, join_list(w.events))
      .bind(5, w.created)
      .run();
}

bool remove_webhook(Db& db, const std::string& id) {
  db.prep("DELETE FROM webhooks WHERE id=?").bind(1, id).run();
  const bool removed = db.changes() > 0;
  db.prep("UPDATE webhook_deliveries SET state='dropped', done_at=? WHERE webhook=? AND state='pending'")
      .bind(1, now_utc())
      .bind(2, id)
      .run();
  return removed;
}

void disable_webhook(Db& db, const std::string& id, const std::string& reason) {
  db.prep("UPDATE webhooks SET disabled_at=?, disabled_reason=? WHERE id=? AND disabled_at IS NULL")
      .bind(1, now_utc())
      .bind(2, reason)
      .bind(3, id)
      .run();
  db.prep("UPDATE webhook_deliveries SET state='dropped', done_at=? WHERE webhook=? AND state='pending'")
      .bind(1, now_utc())
      .bind(2, id)
      .run();
}

void enqueue_delivery(Db& db, const Delivery& d) {
  db.prep("INSERT INTO webhook_deliveries(webhook, msg_id, event, body, created, next_at) VALUES(?,?,?,?,?,?)")
      .bind(1, d.webhook)
      .bind(2, d.msg_id)
      .bind(3, d.event)
      .bind(4, d.body)
      .bind(5, d.created)
      .bind(6, d.next_at)
      .run();
}

std::vector<Delivery> due_deliveries(Db& db, Time now, std::size_t limit) {
  auto s = db.prep(
      "SELECT id, webhook, msg_id, event, body, created, next_at, attempts, state, last_status, last_error, done_at "
      "FROM webhook_deliveries WHERE state='pending' AND next_at<=? ORDER BY next_at, id LIMIT ?");
  s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Delivery> out;
  while (s.step()) out.push_back(read_delivery(s));
  return out;
}

std::optional<Time> next_delivery_at(Db& db) {
  auto s = db.prep("SELECT MIN(next_at) FROM webhook_deliveries WHERE state='pending'");
  if (!s.step() || sqlite3_column_type(s.raw(), 0) == SQLITE_NULL) return std::nullopt;
  return s.i64(0);
}

void update_delivery(Db& db, const Delivery& d) {
  auto s = db.prep(
      "UPDATE webhook_deliveries SET next_at=?, attempts=?, state=?, last_status=?, last_error=?, done_at=? "
      "WHERE id=?");
  s.bind(1, d.next_at).bind(2, d.attempts).bind(3, d.state).bind(4, d.last_status).bind(5, d.last_error);
  bind_optional(s, 6, d.done_at);
  s.bind(7, d.id).run();
}

std::vector<Delivery> recent_deliveries(Db& db, std::size_t limit) {
  auto s = db.prep(
      "SELECT id, webhook, msg_id, event, body, created, next_at, attempts, state, last_status, last_error, done_at "
      "FROM webhook_deliveries ORDER BY id DESC LIMIT ?");
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<Delivery> out;
  while (s.step()) out.push_back(read_delivery(s));
  return out;
}

}  // namespace cockpit::server::sqlite_guard
