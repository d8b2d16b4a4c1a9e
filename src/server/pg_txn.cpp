#include "server/pg_txn.hpp"

#include <cstdio>
#include <string>

#include "server/pg_connect.hpp"
#include "server/pg_guard.hpp"
#include "server/pg_prefetch.hpp"
#include "server/pg_read.hpp"
#include "server/pg_schema.hpp"
#include "server/pg_write_batch.hpp"

namespace cockpit::server {

namespace {

// Takes the writer lock, then reads where the cursor's sequence and the verdict feed's
// stand (the last number taken; 0: none yet), in the same round trip. Under the lock no
// one else takes numbers, so the transaction counts on from there itself and moves the
// sequences when it flushes (pg_write_batch.hpp): no round trip per change. The
// cursor (the highest seq among the changes) is read too: numbers a rolled-back
// transaction took are never used, so the sequence may stand above it.
const std::string& begin_sql() {
  static const std::string sql = "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) +
                                 "); SELECT (SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END FROM cursor_seq), "
                                 "(SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END "
                                 "FROM guard_changes_cursor_seq), (SELECT COALESCE(MAX(seq), 0) FROM changes)";
  return sql;
}

StoredRecord parse_record(RecordKind kind, const std::string& id, const pg_prefetch::RawRecord& raw) {
  StoredRecord out{kind, id, raw.customer, {}};
  out.rec.seq = raw.seq;
  out.rec.body = sync::json::parse(raw.body);
  out.rec.fields = sync::stamps_from_json(sync::json::parse(raw.fields));
  return out;
}

std::string owner_in(const StoredRecord& r) {
  auto it = r.rec.body.find("owner");
  return it != r.rec.body.end() && it->is_string() ? it->get<std::string>() : "";
}

class PgTxn final : public StorageTxn {
 public:
  PgTxn(PgConn& db, std::unique_lock<std::mutex> lock, const TxnHooks& hooks)
      : lock_(std::move(lock)), db_(db), hooks_(hooks) {
    auto r = db_.simple(begin_sql());
    seq_ = r.i64(0, 0);
    feed_cursor_ = r.i64(0, 1);
    cursor_ = r.i64(0, 2);
  }
  ~PgTxn() override {
    if (done_ || !db_.healthy()) return;
    try {
      db_.collect();  // a batch still on its way: its error (if any) changes nothing now
    } catch (...) {
    }
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }

  // The contract's reader asks these once per reference it cannot resolve inside the
  // document: the guard's reading of one customer's records asks for its managers ~20
  // times. Answers are kept for the transaction (a write of that record forgets them).
  bool has_manager(std::string_view id) const override {
    return known(RecordKind::manager, id, "SELECT 1 FROM records WHERE kind='manager' AND id=$1").has_value();
  }
  bool has_customer(std::string_view id) const override {
    return known(RecordKind::customer, id, "SELECT 1 FROM records WHERE kind='customer' AND id=$1").has_value();
  }
  std::optional<std::string> case_customer(std::string_view id) const override {
    return known(RecordKind::case_, id, "SELECT customer FROM records WHERE kind='case' AND id=$1");
  }

  std::optional<StoredRecord> record(RecordKind kind, const std::string& id) override {
    // Read ahead (prefetch_records) and not written since: no round trip. Used once.
    if (auto it = ahead_records_.find(pg_prefetch::record_key(kind, id)); it != ahead_records_.end()) {
      std::optional<StoredRecord> out;
      if (it->second) out = parse_record(kind, id, *it->second);
      ahead_records_.erase(it);
      return out;
    }
    auto r = sync().q("SELECT customer, seq, body, fields FROM records WHERE kind=$1 AND id=$2",
                      PgParams().add(std::string(to_string(kind))).add(id));
    if (r.empty()) return std::nullopt;
    return parse_record(kind, id, pg_prefetch::RawRecord{r.text(0, 0), r.i64(0, 1), r.text(0, 2), r.text(0, 3)});
  }

  std::optional<std::string> owner_of(const std::string& customer) override {
    if (auto it = ahead_owners_.find(customer); it != ahead_owners_.end()) return it->second;
    auto r = sync().q("SELECT owner FROM owners WHERE customer=$1", PgParams().add(customer));
    std::optional<std::string> owner;
    if (!r.empty()) owner = r.text(0, 0);
    ahead_owners_[customer] = owner;  // kept: this transaction's writes of the customer update it
    return owner;
  }

  // A read ahead is also when the writes held so far go out: read first (the writes
  // held touch none of what is read, else they go first), then the batch is sent and
  // PostgreSQL writes it while this process works through what it read.
  void prefetch_records(const std::vector<std::pair<RecordKind, std::string>>& keys,
                        const std::vector<std::string>& owners_of) override {
    bool overlap = false;
    for (const auto& [kind, id] : keys) overlap = overlap || batch_.holds_record(pg_prefetch::record_key(kind, id));
    for (const auto& c : owners_of) overlap = overlap || batch_.holds_owner(c);
    PgConn& db = overlap ? sync() : db_;
    if (!keys.empty())
      for (auto& [key, raw] : pg_prefetch::records(db, keys)) ahead_records_[key] = std::move(raw);
    if (!owners_of.empty())
      for (auto& [customer, owner] : pg_prefetch::owners(db, owners_of)) ahead_owners_[customer] = std::move(owner);
    if (!batch_.empty()) flush();
  }

  void prefetch_customers(const std::vector<std::string>& customers) override {
    if (customers.empty()) return;
    PgConn& db = batch_.holds_any_of(std::set<std::string>(customers.begin(), customers.end())) ? sync() : db_;
    for (auto& [c, recs] : pg_prefetch::customer_records(db, customers)) ahead_customer_[c] = std::move(recs);
    for (auto& [c, vs] : pg_prefetch::verdicts(db, customers)) ahead_verdicts_[c] = std::move(vs);
    if (!batch_.empty()) flush();
  }

  std::optional<OwnerChange> last_owner_change_from(const std::string& customer,
                                                    const std::string& old_owner) override {
    auto r = sync().q(
        "SELECT seq, new_owner FROM owner_changes WHERE customer=$1 AND old_owner=$2 ORDER BY seq DESC LIMIT 1",
        PgParams().add(customer).add(old_owner));
    if (r.empty()) return std::nullopt;
    return OwnerChange{r.i64(0, 0), customer, old_owner, r.text(0, 1)};
  }

  // The change's row takes the next number of the one sequence (counted here, see
  // begin_sql): its seq. The row waits in the batch with the others.
  std::int64_t next_seq(const std::string& kind, const StoredRecord& r, const std::string& actor,
                        const std::string& client) {
    batch_.change(PgWriteBatch::Change{++seq_, kind, r.id, r.customer, actor, client, now_utc()});
    cursor_ = seq_;
    return seq_;
  }

  // What this transaction read ahead about r's customer is stale once r changes.
  void forget_ahead(const StoredRecord& r) {
    known_.erase(pg_prefetch::record_key(r.kind, r.id));
    ahead_records_.erase(pg_prefetch::record_key(r.kind, r.id));
    if (!r.customer.empty()) ahead_customer_.erase(r.customer);
  }

  std::int64_t write_record(StoredRecord& r, const std::vector<std::string>& changed, const std::string& actor,
                            const std::string& client) override {
    const std::string kind = std::string(to_string(r.kind));
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    ++written_;
    forget_ahead(r);
    r.rec.seq = seq;
    for (const auto& f : changed) r.rec.fields[f] = sync::FieldStamp{seq, client};
    batch_.record(PgWriteBatch::Record{kind, r.id, r.customer, seq, r.rec.body.dump(),
                                       sync::stamps_to_json(r.rec.fields).dump()});
    if (r.kind == RecordKind::customer) {
      std::string owner = owner_in(r);
      batch_.owner(r.id, owner);
      ahead_owners_[r.id] = std::move(owner);
    }
    if (batch_.full()) flush();
    return seq;
  }

  std::int64_t delete_record(const StoredRecord& r, const std::string& actor, const std::string& client) override {
    const std::string kind = std::string(to_string(r.kind));
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    forget_ahead(r);
    ahead_records_[pg_prefetch::record_key(r.kind, r.id)] = std::nullopt;
    if (r.kind == RecordKind::customer) ahead_owners_.erase(r.id);
    sync().q("DELETE FROM records WHERE kind=$1 AND id=$2", PgParams().add(kind).add(r.id));
    db_.q("INSERT INTO tombstones(seq, kind, id, customer) VALUES($1,$2,$3,$4)",
          PgParams().add(seq).add(kind).add(r.id).add(r.customer));
    return seq;
  }

  void log_owner_change(const OwnerChange& c) override { batch_.owner_change(c); }

  std::optional<ClientState> client(const std::string& client_id) override {
    auto r = sync().q("SELECT manager_id, last_mutation_id FROM clients WHERE client_id=$1",
                      PgParams().add(client_id));
    if (r.empty()) return std::nullopt;
    return ClientState{client_id, r.text(0, 0), r.i64(0, 1)};
  }
  // The two writes a push ends with go out without waiting for their answers
  // (PgConn::send): the next statement collects them, with their errors.
  void put_client(const ClientState& c) override {
    sync().send("INSERT INTO clients(client_id, manager_id, last_mutation_id) VALUES($1,$2,$3) "
                "ON CONFLICT(client_id) DO UPDATE SET last_mutation_id=excluded.last_mutation_id",
                PgParams().add(c.client_id).add(c.manager_id).add(c.last_mutation_id));
  }

  std::optional<std::string> mutation_result(const std::string& client_id, std::int64_t mutation_id) override {
    auto r = sync().q("SELECT result FROM mutation_results WHERE client_id=$1 AND mutation_id=$2",
                   PgParams().add(client_id).add(mutation_id));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }
  // Kept, and the client's results older than the last kKeepMutationResults dropped, in
  // one statement (the DELETE does not see the row the INSERT adds: it is newer anyway).
  void put_mutation_result(const std::string& client_id, std::int64_t mutation_id,
                           const std::string& result_json) override {
    sync().send("WITH kept AS (INSERT INTO mutation_results(client_id, mutation_id, result) VALUES($1,$2,$3) "
                "ON CONFLICT(client_id, mutation_id) DO UPDATE SET result=excluded.result) "
                "DELETE FROM mutation_results WHERE client_id=$1 AND mutation_id<$4",
                PgParams().add(client_id).add(mutation_id).add(result_json).add(mutation_id - kKeepMutationResults));
  }

  void audit(const AuditEntry& e) override {
    AuditEntry line = e;
    if (!line.at) line.at = now_utc();
    batch_.audit(line);
  }
  // Counted as changes are written (next_seq), from where begin_sql found it.
  std::int64_t cursor() override { return cursor_; }

  // SAVEPOINT goes out without waiting (its error comes with the job's first
  // statement); RELEASE waits, so a job's late error is still the job's.
  void savepoint() override {
    sync().send_simple("SAVEPOINT job");
    cursor_at_savepoint_.push_back(cursor_);
  }
  void keep_savepoint() override {
    sync().exec("RELEASE SAVEPOINT job");  // if it throws, undo_savepoint pops
    cursor_at_savepoint_.pop_back();
  }
  void undo_savepoint() override {
    // What was read ahead or held back since the savepoint may be undone with it.
    batch_.clear();
    forget_all_ahead();
    cursor_ = cursor_at_savepoint_.back();  // the numbers taken since stay unused
    cursor_at_savepoint_.pop_back();
    db_.exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job");
  }

  void commit() override {
    if (hooks_.before_commit) hooks_.before_commit(*this);
    sync().exec("COMMIT");
    done_ = true;
    if (written_ >= kAnalyzeAfter) refresh_statistics();
    if (hooks_.after_commit) hooks_.after_commit();
  }

  // ---- the guard
  std::vector<StoredText> customer_records(const std::string& customer) override {
    if (auto it = ahead_customer_.find(customer); it != ahead_customer_.end()) {
      auto out = std::move(it->second);
      ahead_customer_.erase(it);
      return out;
    }
    auto r = sync().q(
        "SELECT kind, id, seq, body, fields FROM records WHERE customer=$1 "
        "AND kind IN " COCKPIT_GUARD_KINDS_SQL " "
        "ORDER BY kind<>'customer', kind<>'case', seq",
        PgParams().add(customer));
    std::vector<StoredText> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(StoredText{pg_kind_of(r.view(i, 0)), r.text(i, 1), r.i64(i, 2), r.text(i, 3), r.text(i, 4)});
    return out;
  }
  std::optional<std::pair<std::string, Time>> change_by(std::int64_t seq) override {
    auto r = sync().q("SELECT actor, at FROM changes WHERE seq=$1", PgParams().add(seq));
    if (r.empty()) return std::nullopt;
    return std::pair{r.text(0, 0), r.i64(0, 1)};
  }
  std::vector<VerdictRow> verdicts_of(const std::string& customer) override {
    if (auto it = ahead_verdicts_.find(customer); it != ahead_verdicts_.end()) {
      auto out = std::move(it->second);
      ahead_verdicts_.erase(it);
      return out;
    }
    return pg_guard::verdicts_of(sync(), customer);
  }
  std::optional<VerdictRow> verdict(const std::string& scheduled) override {
    return pg_guard::verdict(sync(), scheduled);
  }
  // The feed's cursor is counted here as seqs are (begin_sql); the entry and the
  // standing wait in the batch.
  void put_verdict(VerdictRow& v) override {
    v.cursor = ++feed_cursor_;
    ahead_verdicts_.erase(v.customer);
    batch_.verdict(v);
  }
  void drop_verdict(const std::string& scheduled) override {
    ahead_verdicts_.clear();  // whose it was is not known here: forget them all
    batch_.drop_verdict(scheduled);
  }
  std::vector<WebhookEndpoint> active_webhooks() override { return pg_guard::webhooks(sync(), true); }
  void enqueue_delivery(const Delivery& d) override { pg_guard::enqueue_delivery(sync(), d); }
  std::optional<std::string> customer_by_email(const std::string& email) override {
    return pg_guard::customer_by_email(sync(), email);
  }
  std::vector<std::string> all_customers() override {
    auto r = sync().q("SELECT id FROM records WHERE kind='customer' ORDER BY id");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }
  std::optional<std::string> meta(const std::string& key) override {
    auto r = sync().q("SELECT value FROM meta WHERE key=$1", PgParams().add(key));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }
  void put_meta(const std::string& key, const std::string& value) override {
    sync().q("INSERT INTO meta(key, value) VALUES($1,$2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
          PgParams().add(key).add(value));
  }

  // ---- source webhooks
  bool claim_event(const std::string& source, const std::string& event_id, Time received) override {
    return pg_connect::claim_event(sync(), source, event_id, received);
  }
  std::optional<Time> connect_version(const std::string& key) override { return pg_connect::version(sync(), key); }
  void put_connect_version(const std::string& key, Time at) override { pg_connect::put_version(sync(), key, at); }
  std::optional<std::string> customer_by_external_id(const std::string& source, const std::string& id) override {
    return pg_connect::customer_by_external_id(sync(), source, id);
  }
  void put_unmatched(UnmatchedEvent& e) override { pg_connect::put_unmatched(sync(), e); }
  std::optional<UnmatchedEvent> unmatched(std::int64_t id) override { return pg_connect::unmatched(sync(), id); }
  std::vector<UnmatchedEvent> unmatched_waiting_for(const std::string& waits_for) override {
    return pg_connect::waiting_for(sync(), waits_for);
  }
  void drop_unmatched(std::int64_t id) override { pg_connect::drop_unmatched(sync(), id); }

 private:
  // After a bulk write (an ingest of a whole book) the planner's statistics still
  // describe the tables before it; autovacuum refreshes them only a minute or more
  // later, and until then a device's pull since its cursor was planned as a walk of the
  // owner's whole share (~100 ms each instead of ~1). ANALYZE samples, so it costs a
  // fraction of a second whatever the table's size.
  static constexpr std::size_t kAnalyzeAfter = 5000;
  void refresh_statistics() {
    try {
      db_.exec("ANALYZE records, owners, changes, tombstones, owner_changes, guard_verdicts");
    } catch (const std::exception& e) {  // the commit stands; the planner catches up later
      std::fprintf(stderr, "cockpit-server: ANALYZE after a bulk write failed: %s\n", e.what());
    }
  }

  // The writes held back (pg_write_batch.hpp), sent before anything reads the database.
  void flush() const { batch_.flush(db_, seq_, feed_cursor_); }
  PgConn& sync() const {
    if (!batch_.empty()) flush();
    return db_;
  }
  // The first column of `sql`'s row for the record (kind, id), or nullopt when none.
  std::optional<std::string> known(RecordKind kind, std::string_view id, const char* sql) const {
    const std::string key = pg_prefetch::record_key(kind, std::string(id));
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    auto r = sync().q(sql, PgParams().add(id));
    std::optional<std::string> answer;
    if (!r.empty()) answer = r.text(0, 0);
    known_.emplace(key, answer);
    return answer;
  }
  void forget_all_ahead() {
    known_.clear();
    ahead_records_.clear();
    ahead_owners_.clear();
    ahead_customer_.clear();
    ahead_verdicts_.clear();
  }

  std::unique_lock<std::mutex> lock_;
  PgConn& db_;
  mutable PgWriteBatch batch_;
  std::int64_t seq_ = 0;          // the last number this transaction took from cursor_seq
  std::int64_t feed_cursor_ = 0;  // likewise from the verdict feed's sequence
  std::int64_t cursor_ = 0;       // the highest seq among the changes, this transaction's included
  std::vector<std::int64_t> cursor_at_savepoint_;  // savepoints nest (a source's event in a group)
  // Read ahead (prefetch_*), each dropped when used or when a write makes it stale.
  std::unordered_map<std::string, std::optional<pg_prefetch::RawRecord>> ahead_records_;
  std::unordered_map<std::string, std::optional<std::string>> ahead_owners_;
  mutable std::unordered_map<std::string, std::optional<std::string>> known_;  // KnownRecords' answers
  std::unordered_map<std::string, std::vector<StoredText>> ahead_customer_;
  std::unordered_map<std::string, std::vector<VerdictRow>> ahead_verdicts_;
  const TxnHooks& hooks_;
  bool done_ = false;
  std::size_t written_ = 0;  // records written in this transaction
};

}  // namespace

std::unique_ptr<StorageTxn> pg_begin(PgConn& db, std::unique_lock<std::mutex> lock, const TxnHooks& hooks) {
  return std::make_unique<PgTxn>(db, std::move(lock), hooks);
}

}  // namespace cockpit::server
