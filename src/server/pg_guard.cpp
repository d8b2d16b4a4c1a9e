#include "server/pg_guard.hpp"

#include <algorithm>

#include "server/comma_list.hpp"
#include "server/pg_array.hpp"

namespace cockpit::server::pg_guard {

namespace {

VerdictRow read_verdict(const PgResult& r, int i) {
  VerdictRow v;
  v.scheduled = r.text(i, 0);
  v.customer = r.text(i, 1);
  v.kind = r.text(i, 2);
  v.sender = r.text(i, 3);
  v.state = parse_GuardState(r.view(i, 4)).value_or(GuardState::held);
  v.reasons = split_list(r.view(i, 5));
  if (!r.null(i, 6)) v.decided_by = r.text(i, 6);
  if (!r.null(i, 7)) v.decided_at = r.i64(i, 7);
  v.cursor = r.i64(i, 8);
  v.at = r.i64(i, 9);
  return v;
}

std::vector<VerdictRow> read_verdicts(const PgResult& r) {
  std::vector<VerdictRow> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_verdict(r, i));
  return out;
}

WebhookEndpoint read_webhook(const PgResult& r, int i) {
  WebhookEndpoint w;
  w.id = r.text(i, 0);
  w.url = r.text(i, 1);
  w.secret = r.text(i, 2);
  w.events = split_list(r.view(i, 3));
  w.created = r.i64(i, 4);
  if (!r.null(i, 5)) w.disabled_at = r.i64(i, 5);
  w.disabled_reason = r.text(i, 6);
  return w;
}

Delivery read_delivery(const PgResult& r, int i) {
  Delivery d;
  d.id = r.i64(i, 0);
  d.webhook = r.text(i, 1);
  d.msg_id = r.text(i, 2);
  d.event = r.text(i, 3);
  d.body = r.text(i, 4);
  d.created = r.i64(i, 5);
  d.next_at = r.i64(i, 6);
  d.attempts = static_cast<int>(r.i64(i, 7));
  d.state = r.text(i, 8);
  d.last_status = static_cast<int>(r.i64(i, 9));
  d.last_error = r.text(i, 10);
  if (!r.null(i, 11)) d.done_at = r.i64(i, 11);
  return d;
}

std::vector<Delivery> read_deliveries(const PgResult& r) {
  std::vector<Delivery> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_delivery(r, i));
  return out;
}

PgParams verdict_params(const VerdictRow& v) {
  PgParams p;
  p.add(v.scheduled).add(v.customer).add(v.kind).add(v.sender).add(to_string(v.state)).add(join_list(v.reasons));
  p.add(v.decided_by).add(v.decided_at);
  return p;
}

}  // namespace

std::vector<VerdictRow> verdicts_of(PgConn& db, const std::string& customer) {
  return read_verdicts(db.q(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_verdicts WHERE customer=$1",
      PgParams().add(customer)));
}

std::vector<VerdictRow> verdicts_of_all(PgConn& db, const std::vector<std::string>& customers) {
  PgArray ids;
  for (const auto& c : customers) ids.add(c);
  return read_verdicts(db.q(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_verdicts WHERE customer = ANY($1::text[])",
      PgParams().add(ids.take())));
}

std::optional<VerdictRow> verdict(PgConn& db, const std::string& scheduled) {
  auto r = db.q(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_verdicts WHERE scheduled=$1",
      PgParams().add(scheduled));
  if (r.empty()) return std::nullopt;
  return read_verdict(r, 0);
}

void put_verdict(PgConn& db, VerdictRow& v) {
  auto feed = verdict_params(v);
  feed.add(v.at);
  auto r = db.q(
      "INSERT INTO guard_changes(scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, at) "
      "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING cursor",
      feed);
  v.cursor = r.i64(0, 0);
  auto p = verdict_params(v);
  p.add(v.cursor).add(v.at);
  db.q("INSERT INTO guard_verdicts(scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, "
       "cursor, at) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT(scheduled) DO UPDATE SET "
       "customer=excluded.customer, kind=excluded.kind, sender=excluded.sender, state=excluded.state, "
       "reasons=excluded.reasons, decided_by=excluded.decided_by, decided_at=excluded.decided_at, "
       "cursor=excluded.cursor, at=excluded.at",
       p);
}

void drop_verdict(PgConn& db, const std::string& scheduled) {
  db.q("DELETE FROM guard_verdicts WHERE scheduled=$1", PgParams().add(scheduled));
}

std::vector<VerdictRow> verdict_changes(PgConn& db, std::int64_t since, std::size_t limit) {
  return read_verdicts(db.q(
      "SELECT scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at "
      "FROM guard_changes WHERE cursor>$1 ORDER BY cursor LIMIT $2",
      PgParams().add(since).add(static_cast<std::int64_t>(limit))));
}

std::int64_t verdict_cursor(PgConn& db) {
  return db.q("SELECT COALESCE(MAX(cursor), 0) FROM guard_changes").i64(0, 0);
}

std::vector<Suppression> suppressions(PgConn& db) {
  // Each customer's kinds in the order they were first held (their earliest standing
  // in the feed), as SQLite's group_concat lists them.
  auto r = db.q(
      "SELECT v.customer, COALESCE((r.body::jsonb)->>'email', ''), string_agg(v.kind, ',' ORDER BY v.first) "
      "FROM (SELECT customer, kind, MIN(cursor) AS first FROM guard_verdicts WHERE state='held' "
      "GROUP BY customer, kind) v LEFT JOIN records r ON r.kind='customer' AND r.id=v.customer "
      "GROUP BY v.customer, r.body ORDER BY v.customer");
  std::vector<Suppression> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(Suppression{r.text(i, 0), r.text(i, 1), split_list(r.view(i, 2))});
  return out;
}

std::optional<std::string> customer_by_email(PgConn& db, const std::string& email) {
  auto r = db.q(
      "SELECT id FROM records WHERE kind='customer' AND lower((body::jsonb)->>'email')=lower($1) ORDER BY id LIMIT 1",
      PgParams().add(email));
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

std::vector<WebhookEndpoint> webhooks(PgConn& db, bool active_only) {
  auto r = active_only ? db.q(
                             "SELECT id, url, secret, events, created, disabled_at, disabled_reason FROM webhooks "
                             "WHERE disabled_at IS NULL ORDER BY created, id")
                       : db.q(
                             "SELECT id, url, secret, events, created, disabled_at, disabled_reason FROM webhooks "
                             "ORDER BY created, id");
  std::vector<WebhookEndpoint> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_webhook(r, i));
  return out;
}

void add_webhook(PgConn& db, const WebhookEndpoint& w) {
  db.q("INSERT INTO webhooks(id, url, secret, events, created) VALUES($1,$2,$3,$4,$5)",
       PgParams().add(w.id).add(w.url).add(w.secret).add(join_list(w.events)).add(w.created));
}

bool remove_webhook(PgConn& db, const std::string& id) {
  const bool removed = db.q("DELETE FROM webhooks WHERE id=$1", PgParams().add(id)).affected() > 0;
  db.q("UPDATE webhook_deliveries SET state='dropped', done_at=$1 WHERE webhook=$2 AND state='pending'",
       PgParams().add(now_utc()).add(id));
  return removed;
}

void disable_webhook(PgConn& db, const std::string& id, const std::string& reason) {
  db.q("UPDATE webhooks SET disabled_at=$1, disabled_reason=$2 WHERE id=$3 AND disabled_at IS NULL",
       PgParams().add(now_utc()).add(reason).add(id));
  db.q("UPDATE webhook_deliveries SET state='dropped', done_at=$1 WHERE webhook=$2 AND state='pending'",
       PgParams().add(now_utc()).add(id));
}

void enqueue_delivery(PgConn& db, const Delivery& d) {
  db.q("INSERT INTO webhook_deliveries(webhook, msg_id, event, body, created, next_at) VALUES($1,$2,$3,$4,$5,$6)",
       PgParams().add(d.webhook).add(d.msg_id).add(d.event).add(d.body).add(d.created).add(d.next_at));
}

std::vector<Delivery> take_due_deliveries(PgConn& db, Time now, std::size_t limit) {
  // The rows another process is taking right now are skipped, not waited for; the
  // lease (next_at moved on) keeps them from the others once this commits.
  auto r = db.q(
      "WITH due AS (SELECT id, next_at FROM webhook_deliveries WHERE state='pending' AND next_at<=$1 "
      "ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) "
      "UPDATE webhook_deliveries d SET next_at=$3 FROM due WHERE d.id=due.id "
      "RETURNING d.id, d.webhook, d.msg_id, d.event, d.body, d.created, due.next_at, d.attempts, d.state, "
      "d.last_status, d.last_error, d.done_at",
      PgParams().add(now).add(static_cast<std::int64_t>(std::min<std::size_t>(limit, 1))).add(now + kLease));
  auto out = read_deliveries(r);
  std::sort(out.begin(), out.end(),
            [](const Delivery& a, const Delivery& b) { return a.next_at != b.next_at ? a.next_at < b.next_at : a.id < b.id; });
  return out;
}

void release_lease(PgConn& db, std::int64_t id, Time now) {
  db.q("UPDATE webhook_deliveries SET next_at=$1 WHERE id=$2 AND state='pending'", PgParams().add(now).add(id));
}

std::optional<Time> next_delivery_at(PgConn& db) {
  auto r = db.q("SELECT MIN(next_at) FROM webhook_deliveries WHERE state='pending'");
  if (r.empty() || r.null(0, 0)) return std::nullopt;
  return r.i64(0, 0);
}

void update_delivery(PgConn& db, const Delivery& d) {
  db.q("UPDATE webhook_deliveries SET next_at=$1, attempts=$2, state=$3, last_status=$4, last_error=$5, done_at=$6 "
       "WHERE id=$7",
       PgParams().add(d.next_at).add(d.attempts).add(d.state).add(d.last_status).add(d.last_error).add(d.done_at).add(
           d.id));
}

std::vector<Delivery> recent_deliveries(PgConn& db, std::size_t limit) {
  return read_deliveries(db.q(
      "SELECT id, webhook, msg_id, event, body, created, next_at, attempts, state, last_status, last_error, done_at "
      "FROM webhook_deliveries ORDER BY id DESC LIMIT $1",
      PgParams().add(static_cast<std::int64_t>(limit))));
}

}  // namespace cockpit::server::pg_guard
