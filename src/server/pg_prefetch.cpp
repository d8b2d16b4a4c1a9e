#include "server/pg_prefetch.hpp"

#include "server/pg_array.hpp"
#include "server/pg_guard.hpp"
#include "server/pg_read.hpp"

namespace cockpit::server::pg_prefetch {

std::string record_key(RecordKind kind, const std::string& id) {
  std::string k(to_string(kind));
  k += '\n';
  k += id;
  return k;
}

std::unordered_map<std::string, std::optional<RawRecord>> records(
    PgConn& db, const std::vector<std::pair<RecordKind, std::string>>& keys) {
  std::unordered_map<std::string, std::optional<RawRecord>> out;
  PgArray kinds, ids;
  for (const auto& [kind, id] : keys) {
    out.emplace(record_key(kind, id), std::nullopt);
    kinds.add(to_string(kind));
    ids.add(id);
  }
  // A join on the primary key (kind, id): one index probe per key asked.
  auto r = db.q(
      "SELECT r.kind, r.id, r.customer, r.seq, r.body, r.fields FROM unnest($1::text[], $2::text[]) AS k(kind, id) "
      "JOIN records r ON r.kind = k.kind AND r.id = k.id",
      PgParams().add(kinds.take()).add(ids.take()));
  for (int i = 0; i < r.rows(); ++i)
    out[record_key(pg_kind_of(r.view(i, 0)), r.text(i, 1))] = RawRecord{r.text(i, 2), r.i64(i, 3), r.text(i, 4),
                                                                        r.text(i, 5)};
  return out;
}

std::unordered_map<std::string, std::optional<std::string>> owners(PgConn& db,
                                                                   const std::vector<std::string>& customers) {
  std::unordered_map<std::string, std::optional<std::string>> out;
  PgArray ids;
  for (const auto& c : customers) {
    out.emplace(c, std::nullopt);
    ids.add(c);
  }
  auto r = db.q("SELECT customer, owner FROM owners WHERE customer = ANY($1::text[])", PgParams().add(ids.take()));
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.text(i, 1);
  return out;
}

std::unordered_map<std::string, std::vector<StoredText>> customer_records(PgConn& db,
                                                                         const std::vector<std::string>& customers) {
  std::unordered_map<std::string, std::vector<StoredText>> out;
  PgArray ids;
  for (const auto& c : customers) {
    out.emplace(c, std::vector<StoredText>{});
    ids.add(c);
  }
  // The order of StorageTxn::customer_records (pg_txn.cpp): the customer record first,
  // then its cases, then the rest.
  auto r = db.q(
      "SELECT customer, kind, id, seq, body, fields FROM records WHERE customer = ANY($1::text[]) "
      "AND kind IN " COCKPIT_GUARD_KINDS_SQL " "
      "ORDER BY customer, kind<>'customer', kind<>'case', seq",
      PgParams().add(ids.take()));
  for (int i = 0; i < r.rows(); ++i)
    out[r.text(i, 0)].push_back(
        StoredText{pg_kind_of(r.view(i, 1)), r.text(i, 2), r.i64(i, 3), r.text(i, 4), r.text(i, 5)});
  return out;
}

std::unordered_map<std::string, std::vector<VerdictRow>> verdicts(PgConn& db,
                                                                 const std::vector<std::string>& customers) {
  std::unordered_map<std::string, std::vector<VerdictRow>> out;
  for (const auto& c : customers) out.emplace(c, std::vector<VerdictRow>{});
  for (VerdictRow& v : pg_guard::verdicts_of_all(db, customers)) out[v.customer].push_back(std::move(v));
  return out;
}

}  // namespace cockpit::server::pg_prefetch
