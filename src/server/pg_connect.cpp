#include "server/pg_connect.hpp"

#include "server/comma_list.hpp"

namespace cockpit::server::pg_connect {

namespace {

UnmatchedEvent read_unmatched(const PgResult& r, int i) {
  UnmatchedEvent e;
  e.id = r.i64(i, 0);
  e.source = r.text(i, 1);
  e.event_id = r.text(i, 2);
  e.type = r.text(i, 3);
  e.reason = r.text(i, 4);
  e.email = r.text(i, 5);
  e.external_id = r.text(i, 6);
  e.waits_for = r.text(i, 7);
  e.at = r.i64(i, 8);
  e.received = r.i64(i, 9);
  e.headers = r.text(i, 10);
  e.body = r.text(i, 11);
  return e;
}

std::vector<UnmatchedEvent> read_all(const PgResult& r) {
  std::vector<UnmatchedEvent> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_unmatched(r, i));
  return out;
}

}  // namespace

bool claim_event(PgConn& db, const std::string& source, const std::string& event_id, Time received) {
  return db
             .q("INSERT INTO connect_events(source, event_id, received) VALUES($1,$2,$3) ON CONFLICT DO NOTHING",
                PgParams().add(source).add(event_id).add(received))
             .affected() == 1;
}

std::optional<Time> version(PgConn& db, const std::string& key) {
  auto r = db.q("SELECT at FROM connect_versions WHERE key=$1", PgParams().add(key));
  if (r.empty()) return std::nullopt;
  return r.i64(0, 0);
}

void put_version(PgConn& db, const std::string& key, Time at) {
  db.q("INSERT INTO connect_versions(key, at) VALUES($1,$2) ON CONFLICT(key) DO UPDATE SET at=excluded.at",
       PgParams().add(key).add(at));
}

std::optional<std::string> customer_by_external_id(PgConn& db, const std::string& source, const std::string& id) {
  auto r = db.q("SELECT customer FROM customer_external_ids WHERE source=$1 AND external_id=$2 ORDER BY customer LIMIT 1",
                PgParams().add(source).add(id));
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

void put_unmatched(PgConn& db, UnmatchedEvent& e) {
  auto r = db.q(
      "INSERT INTO connect_unmatched(source, event_id, type, reason, email, external_id, waits_for, at, received, "
      "headers, body) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
      PgParams().add(e.source).add(e.event_id).add(e.type).add(e.reason).add(e.email).add(e.external_id).add(
          e.waits_for).add(e.at).add(e.received).add(e.headers).add(e.body));
  e.id = r.i64(0, 0);
}

std::optional<UnmatchedEvent> unmatched(PgConn& db, std::int64_t id) {
  auto r = db.q(
      "SELECT id, source, event_id, type, reason, email, external_id, waits_for, at, received, headers, body "
      "FROM connect_unmatched WHERE id=$1",
      PgParams().add(id));
  if (r.empty()) return std::nullopt;
  return read_unmatched(r, 0);
}

std::vector<UnmatchedEvent> waiting_for(PgConn& db, const std::string& waits_for) {
  return read_all(db.q(
      "SELECT id, source, event_id, type, reason, email, external_id, waits_for, at, received, headers, body "
      "FROM connect_unmatched WHERE waits_for=$1 ORDER BY at, id",
      PgParams().add(waits_for)));
}

std::vector<UnmatchedEvent> unmatched_events(PgConn& db, std::size_t limit) {
  return read_all(db.q(
      "SELECT id, source, event_id, type, reason, email, external_id, waits_for, at, received, headers, body "
      "FROM connect_unmatched ORDER BY id LIMIT $1",
      PgParams().add(static_cast<std::int64_t>(limit))));
}

void drop_unmatched(PgConn& db, std::int64_t id) {
  db.q("DELETE FROM connect_unmatched WHERE id=$1", PgParams().add(id));
}

void put_source(PgConn& db, const ConnectSource& c) {
  db.q("INSERT INTO connect_sources(source, integration, secret, marked, created) VALUES($1,$2,$3,$4,$5) "
       "ON CONFLICT(source) DO UPDATE SET integration=excluded.integration, secret=excluded.secret, "
       "marked=excluded.marked, created=excluded.created",
       PgParams().add(c.source).add(c.integration).add(c.secret).add(join_list(c.marked)).add(c.created));
}

std::optional<ConnectSource> source(PgConn& db, const std::string& name) {
  auto r = db.q("SELECT integration, secret, marked, created FROM connect_sources WHERE source=$1",
                PgParams().add(name));
  if (r.empty()) return std::nullopt;
  return ConnectSource{name, r.text(0, 0), r.text(0, 1), split_list(r.view(0, 2)), r.i64(0, 3)};
}

}  // namespace cockpit::server::pg_connect
