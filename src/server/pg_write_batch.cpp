#include "server/pg_write_batch.hpp"

#include "server/comma_list.hpp"
#include "server/pg_array.hpp"

namespace cockpit::server {

namespace {

// The records' tables in one statement: data-modifying WITH parts all run, each on its
// own table (the trigger on records keeps customer_external_ids as before), and the
// cursor's sequence moves to the last seq taken (0: this batch took none).
constexpr const char* kRecordsSql = R"SQL(
WITH c AS (
  INSERT INTO changes(seq, kind, id, customer, actor, client, at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])),
r AS (
  INSERT INTO records(kind, id, customer, seq, body, fields)
  SELECT * FROM unnest($8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[])
  ON CONFLICT(kind, id) DO UPDATE SET customer=excluded.customer, seq=excluded.seq, body=excluded.body,
    fields=excluded.fields),
o AS (
  INSERT INTO owners(customer, owner) SELECT * FROM unnest($14::text[], $15::text[])
  ON CONFLICT(customer) DO UPDATE SET owner=excluded.owner),
oc AS (
  INSERT INTO owner_changes(seq, customer, old_owner, new_owner)
  SELECT * FROM unnest($16::bigint[], $17::text[], $18::text[], $19::text[])),
a AS (
  INSERT INTO audit(at, kind, actor, subject, detail, ip)
  SELECT at, kind, actor, subject, detail, ip
  FROM unnest($20::bigint[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[])
    WITH ORDINALITY AS t(at, kind, actor, subject, detail, ip, n)
  ORDER BY n)
SELECT CASE WHEN $26::bigint > 0 THEN setval('cursor_seq', $26::bigint) END
)SQL";

// The guard's tables: the feed's entries (with the cursors the transaction took), then
// each message's last standing (a message is either dropped or put in one batch).
constexpr const char* kGuardSql = R"SQL(
WITH f AS (
  INSERT INTO guard_changes(cursor, scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::bigint[], $10::bigint[])),
d AS (DELETE FROM guard_verdicts WHERE scheduled = ANY($11::text[])),
v AS (
  INSERT INTO guard_verdicts(scheduled, customer, kind, sender, state, reasons, decided_by, decided_at, cursor, at)
  SELECT * FROM unnest($12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                       $19::bigint[], $20::bigint[], $21::bigint[])
  ON CONFLICT(scheduled) DO UPDATE SET customer=excluded.customer, kind=excluded.kind, sender=excluded.sender,
    state=excluded.state, reasons=excluded.reasons, decided_by=excluded.decided_by,
    decided_at=excluded.decided_at, cursor=excluded.cursor, at=excluded.at)
SELECT CASE WHEN $22::bigint > 0 THEN setval('guard_changes_cursor_seq', $22::bigint) END
)SQL";

// Columns of one table, filled row by row, then sent as parameters in order.
template <std::size_t N>
struct Columns {
  PgArray col[N];
  void into(PgParams& p) {
    for (auto& c : col) p.add(c.take());
  }
};

void add_standing(Columns<10>& c, const VerdictRow& v, bool feed) {
  std::size_t i = 0;
  if (feed) c.col[i++].add(v.cursor);
  c.col[i++].add(v.scheduled);
  c.col[i++].add(v.customer);
  c.col[i++].add(v.kind);
  c.col[i++].add(v.sender);
  c.col[i++].add(to_string(v.state));
  c.col[i++].add(join_list(v.reasons));
  c.col[i++].add(v.decided_by);
  c.col[i++].add(v.decided_at);
  if (!feed) c.col[i++].add(v.cursor);
  c.col[i].add(v.at);
}

}  // namespace

void PgWriteBatch::change(Change c) {
  bytes_ += c.id.size() + c.customer.size() + c.actor.size() + c.client.size() + 32;
  ++rows_;
  changes_.push_back(std::move(c));
}

void PgWriteBatch::record(Record r) {
  bytes_ += r.id.size() + r.customer.size() + r.body.size() + r.fields.size() + 32;
  ++rows_;
  const std::string key = r.kind + '\n' + r.id;
  auto [it, fresh] = record_at_.emplace(key, records_.size());
  if (fresh)
    records_.push_back(std::move(r));
  else
    records_[it->second] = std::move(r);  // the same record again: its last state
}

void PgWriteBatch::owner(const std::string& customer, const std::string& owner) {
  ++rows_;
  auto [it, fresh] = owner_at_.emplace(customer, owners_.size());
  if (fresh)
    owners_.emplace_back(customer, owner);
  else
    owners_[it->second].second = owner;
}

void PgWriteBatch::owner_change(const OwnerChange& c) {
  ++rows_;
  owner_changes_.push_back(c);
}

void PgWriteBatch::audit(const AuditEntry& e) {
  ++rows_;
  bytes_ += e.detail.size() + e.subject.size();
  audit_.push_back(e);
}

void PgWriteBatch::verdict(const VerdictRow& v) {
  rows_ += 2;
  feed_.push_back(v);
  standing_[v.scheduled] = v;
}

void PgWriteBatch::drop_verdict(const std::string& scheduled) {
  ++rows_;
  standing_[scheduled] = std::nullopt;
}

void PgWriteBatch::clear() { *this = PgWriteBatch(); }

void PgWriteBatch::flush(PgConn& db, std::int64_t last_seq, std::int64_t last_cursor) {
  const bool records = !changes_.empty() || !records_.empty() || !owners_.empty() || !owner_changes_.empty() ||
                       !audit_.empty();
  const bool guard = !feed_.empty() || !standing_.empty();
  // The last statement goes out without waiting for its answer (PgConn::send): the
  // next use of the connection collects it.
  if (records) flush_records(db, last_seq, !guard);
  if (guard) flush_guard(db, last_cursor);
  clear();
}

bool PgWriteBatch::holds_record(const std::string& key) const { return record_at_.count(key) != 0; }
bool PgWriteBatch::holds_owner(const std::string& customer) const { return owner_at_.count(customer) != 0; }

bool PgWriteBatch::holds_any_of(const std::set<std::string>& customers) const {
  for (const Record& r : records_)
    if (customers.count(r.customer)) return true;
  for (const auto& [scheduled, v] : standing_)
    if (!v || customers.count(v->customer)) return true;  // a dropped one: whose is not known here
  return false;
}

void PgWriteBatch::flush_records(PgConn& db, std::int64_t last_seq, bool last) {
  Columns<7> c;
  for (const Change& x : changes_) {
    c.col[0].add(x.seq), c.col[1].add(x.kind), c.col[2].add(x.id), c.col[3].add(x.customer);
    c.col[4].add(x.actor), c.col[5].add(x.client), c.col[6].add(x.at);
  }
  Columns<6> r;
  for (const Record& x : records_) {
    r.col[0].add(x.kind), r.col[1].add(x.id), r.col[2].add(x.customer), r.col[3].add(x.seq);
    r.col[4].add(x.body), r.col[5].add(x.fields);
  }
  Columns<2> o;
  for (const auto& [customer, owner] : owners_) o.col[0].add(customer), o.col[1].add(owner);
  Columns<4> oc;
  for (const OwnerChange& x : owner_changes_)
    oc.col[0].add(x.seq), oc.col[1].add(x.customer), oc.col[2].add(x.old_owner), oc.col[3].add(x.new_owner);
  Columns<6> a;
  for (const AuditEntry& x : audit_) {
    a.col[0].add(x.at), a.col[1].add(x.kind), a.col[2].add(x.actor), a.col[3].add(x.subject);
    a.col[4].add(x.detail), a.col[5].add(x.ip);
  }
  PgParams p;
  c.into(p), r.into(p), o.into(p), oc.into(p), a.into(p);
  p.add(changes_.empty() ? 0 : last_seq);
  if (last)
    db.send(kRecordsSql, p);
  else
    db.q(kRecordsSql, p);
}

void PgWriteBatch::flush_guard(PgConn& db, std::int64_t last_cursor) {
  Columns<10> f;
  for (const VerdictRow& v : feed_) add_standing(f, v, true);
  PgArray dropped;
  Columns<10> put;
  for (const auto& [scheduled, v] : standing_) {
    if (v)
      add_standing(put, *v, false);
    else
      dropped.add(scheduled);
  }
  PgParams p;
  f.into(p);
  p.add(dropped.take());
  put.into(p);
  db.send(kGuardSql, p.add(feed_.empty() ? 0 : last_cursor));
}

}  // namespace cockpit::server
