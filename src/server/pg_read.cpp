#include "server/pg_read.hpp"

#include <algorithm>

namespace cockpit::server {

RecordKind pg_kind_of(std::string_view s) {
  auto k = parse_RecordKind(s);
  if (!k) throw PgError("unknown record kind in database: " + std::string(s));
  return *k;
}

namespace {

void take_rows(const PgResult& r, std::vector<RecordRow>& out) {
  for (int i = 0; i < r.rows(); ++i) out.push_back(RecordRow{pg_kind_of(r.view(i, 0)), r.text(i, 1), r.i64(i, 2), r.text(i, 3)});
}

void take_tombstones(const PgResult& r, PullData& out) {
  for (int i = 0; i < r.rows(); ++i)
    out.deleted.push_back(sync::Deletion{pg_kind_of(r.view(i, 0)), r.text(i, 1), r.i64(i, 2)});
}

void unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A text[] literal of `v`: {"a","b"}, each element quoted, '"' and '\\' escaped.
std::string text_array(const std::vector<std::string>& v) {
  std::string out = "{";
  for (const auto& x : v) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char ch : x) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

// A page must stand on its own (sqlite_storage.cpp's add_parents says why): the
// customers and cases of its records that the device has not had yet come with it.
// Two queries for the whole page (ids as arrays), not one per customer: a lead's page
// holds thousands.
void add_parents(PgConn& db, PullData& out, std::vector<std::string> customers, std::vector<std::string> case_users) {
  std::vector<RecordRow> parents;
  take_rows(db.q("SELECT kind, id, seq, body FROM records WHERE kind='manager' AND seq>$1", PgParams().add(out.cursor)),
            parents);
  unique(customers);
  unique(case_users);
  take_rows(db.q("SELECT kind, id, seq, body FROM records WHERE kind='customer' AND id=ANY($1::text[]) AND seq>$2",
                 PgParams().add(text_array(customers)).add(out.cursor)),
            parents);
  take_rows(db.q("SELECT kind, id, seq, body FROM records WHERE customer=ANY($1::text[]) AND seq>$2 AND kind='case'",
                 PgParams().add(text_array(case_users)).add(out.cursor)),
            parents);
  out.records.insert(out.records.begin(), std::make_move_iterator(parents.begin()),
                     std::make_move_iterator(parents.end()));
}

// A lead's pull: every record after `since`, in pages.
void read_everything(PgConn& db, std::int64_t since, std::size_t page, PullData& out) {
  PgParams p;
  p.add(since);
  if (page == 0) p.null();  // LIMIT NULL: no limit
  else p.add(static_cast<std::int64_t>(page) + 1);  // one past the page tells whether more follow
  auto r = db.q("SELECT kind, id, seq, body, customer FROM records WHERE seq>$1 ORDER BY seq LIMIT $2", p);
  std::vector<std::string> customers, case_users;
  for (int i = 0; i < r.rows(); ++i) {
    const RecordKind k = pg_kind_of(r.view(i, 0));
    if (page > 0 && out.records.size() == page) {
      out.more = true;
      break;
    }
    out.records.push_back(RecordRow{k, r.text(i, 1), r.i64(i, 2), r.text(i, 3)});
    if (k == RecordKind::manager || k == RecordKind::customer) continue;
    customers.push_back(r.text(i, 4));
    if (k != RecordKind::case_) case_users.push_back(r.text(i, 4));
  }
  if (out.more) {
    out.cursor = out.records.back().seq;
    add_parents(db, out, std::move(customers), std::move(case_users));
  }
  if (since > 0)
    take_tombstones(db.q("SELECT kind, id, seq FROM tombstones WHERE seq>$1 AND seq<=$2 ORDER BY seq",
                         PgParams().add(since).add(out.cursor)),
                    out);
}

// A manager's first pull: the managers, and all their own customers' records.
void read_whole_share(PgConn& db, const std::string& manager, PullData& out) {
  take_rows(db.q("SELECT kind, id, seq, body FROM records WHERE kind='manager'"), out.records);
  take_rows(db.q("SELECT r.kind, r.id, r.seq, r.body FROM owners o JOIN records r ON r.customer=o.customer "
                 "WHERE o.owner=$1 AND r.kind<>'manager'",
                 PgParams().add(manager)),
            out.records);
}

// A device's pull after `since`, the most frequent request: every question of it in one
// round trip (PgConn::pipeline), in one REPEATABLE READ snapshot. Customers that came
// into the share after `since` come whole (all their records, whatever their seq); the
// other customers' records changed after `since`; deletions; customers that left.
PullData read_share_since(PgConn& db, const std::string& manager, std::int64_t since) {
  const PgParams ms = PgParams().add(manager).add(since);
  auto r = db.pipeline({
      {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}, true},
      {"SELECT COALESCE(MAX(seq), 0) FROM changes"},
      {"SELECT kind, id, seq, body FROM records WHERE kind='manager' AND seq>$1", PgParams().add(since)},
      {"SELECT r.kind, r.id, r.seq, r.body, r.customer FROM records r WHERE r.customer IN ("
       "SELECT c.customer FROM owner_changes c JOIN owners o ON o.customer=c.customer "
       "WHERE c.new_owner=$1 AND c.seq>$2 AND o.owner=$1)",
       ms},
      {"SELECT r.kind, r.id, r.seq, r.body, r.customer FROM records r JOIN owners o ON o.customer=r.customer "
       "WHERE r.seq>$2 AND o.owner=$1 ORDER BY r.seq",
       ms},
      {"SELECT t.kind, t.id, t.seq FROM tombstones t JOIN owners o ON o.customer=t.customer "
       "WHERE t.seq>$2 AND o.owner=$1 ORDER BY t.seq",
       ms},
      {"SELECT MAX(c.seq), c.customer, o.owner FROM owner_changes c JOIN owners o ON o.customer=c.customer "
       "WHERE c.old_owner=$1 AND c.seq>$2 AND o.owner<>$1 GROUP BY c.customer, o.owner",
       ms},
      {"COMMIT", {}, true},
  });
  PullData out;
  out.cursor = r[1].i64(0, 0);
  take_rows(r[2], out.records);
  std::vector<std::string> gained;
  for (int i = 0; i < r[3].rows(); ++i) {
    out.records.push_back(RecordRow{pg_kind_of(r[3].view(i, 0)), r[3].text(i, 1), r[3].i64(i, 2), r[3].text(i, 3)});
    gained.push_back(r[3].text(i, 4));
  }
  unique(gained);
  for (int i = 0; i < r[4].rows(); ++i) {
    if (std::binary_search(gained.begin(), gained.end(), r[4].text(i, 4))) continue;  // already sent whole
    out.records.push_back(RecordRow{pg_kind_of(r[4].view(i, 0)), r[4].text(i, 1), r[4].i64(i, 2), r[4].text(i, 3)});
  }
  take_tombstones(r[5], out);
  for (int i = 0; i < r[6].rows(); ++i)
    out.removed.push_back(OwnerChange{r[6].i64(i, 0), r[6].text(i, 1), manager, r[6].text(i, 2)});
  return out;
}

}  // namespace

PullData pg_read_since(PgConn& db, const Scope& scope, std::int64_t since, std::size_t page) {
  if (!scope.everything && since > 0) return read_share_since(db, scope.manager, since);
  // One snapshot for the cursor and the rows. Writers commit in cursor order (the
  // writer lock, pg_storage.cpp), so a snapshot holds every change up to its cursor.
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  struct End {
    PgConn& db;
    ~End() {
      try {
        if (db.healthy()) db.exec("COMMIT");
      } catch (...) {
      }
    }
  } end{db};
  PullData out;
  out.cursor = db.q("SELECT COALESCE(MAX(seq), 0) FROM changes").i64(0, 0);
  if (scope.everything) read_everything(db, since, page, out);
  else read_whole_share(db, scope.manager, out);
  return out;
}

}  // namespace cockpit::server
