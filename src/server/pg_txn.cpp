#include "server/pg_txn.hpp"

#include <cstdio>
#include <string>

#include "server/pg_connect.hpp"
#include "server/pg_guard.hpp"
#include "server/pg_read.hpp"
#include "server/pg_schema.hpp"

namespace cockpit::server {

namespace {

// Results kept per client for replays (as on SQLite).
constexpr std::int64_t kKeepResults = 1000;

std::string kind_str(RecordKind k) { return std::string(to_string(k)); }

const std::string& begin_sql() {
  static const std::string sql = "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")";
  return sql;
}

class PgTxn final : public StorageTxn {
 public:
  PgTxn(PgConn& db, std::unique_lock<std::mutex> lock, const TxnHooks& hooks)
      : lock_(std::move(lock)), db_(db), hooks_(hooks) {
    db_.exec(begin_sql());
  }
  ~PgTxn() override {
    if (done_ || !db_.healthy()) return;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }

  bool has_manager(std::string_view id) const override {
    return !db_.q("SELECT 1 FROM records WHERE kind='manager' AND id=$1", PgParams().add(id)).empty();
  }
  bool has_customer(std::string_view id) const override {
    return !db_.q("SELECT 1 FROM records WHERE kind='customer' AND id=$1", PgParams().add(id)).empty();
  }
  std::optional<std::string> case_customer(std::string_view id) const override {
    auto r = db_.q("SELECT customer FROM records WHERE kind='case' AND id=$1", PgParams().add(id));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }

  std::optional<StoredRecord> record(RecordKind kind, const std::string& id) override {
    auto r = db_.q("SELECT customer, seq, body, fields FROM records WHERE kind=$1 AND id=$2",
                   PgParams().add(kind_str(kind)).add(id));
    if (r.empty()) return std::nullopt;
    StoredRecord out{kind, id, r.text(0, 0), {}};
    out.rec.seq = r.i64(0, 1);
    out.rec.body = sync::json::parse(r.view(0, 2));
    out.rec.fields = sync::stamps_from_json(sync::json::parse(r.view(0, 3)));
    return out;
  }

  std::optional<std::string> owner_of(const std::string& customer) override {
    auto r = db_.q("SELECT owner FROM owners WHERE customer=$1", PgParams().add(customer));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }

  std::optional<OwnerChange> last_owner_change_from(const std::string& customer,
                                                    const std::string& old_owner) override {
    auto r = db_.q(
        "SELECT seq, new_owner FROM owner_changes WHERE customer=$1 AND old_owner=$2 ORDER BY seq DESC LIMIT 1",
        PgParams().add(customer).add(old_owner));
    if (r.empty()) return std::nullopt;
    return OwnerChange{r.i64(0, 0), customer, old_owner, r.text(0, 1)};
  }

  // The change's row takes the next number of the one sequence: its seq.
  std::int64_t next_seq(const std::string& kind, const StoredRecord& r, const std::string& actor,
                        const std::string& client) {
    return db_
        .q("INSERT INTO changes(kind, id, customer, actor, client, at) VALUES($1,$2,$3,$4,$5,$6) RETURNING seq",
           PgParams().add(kind).add(r.id).add(r.customer).add(actor).add(client).add(now_utc()))
        .i64(0, 0);
  }

  std::int64_t write_record(StoredRecord& r, const std::vector<std::string>& changed, const std::string& actor,
                            const std::string& client) override {
    const std::string kind = kind_str(r.kind);
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    ++written_;
    r.rec.seq = seq;
    for (const auto& f : changed) r.rec.fields[f] = sync::FieldStamp{seq, client};
    db_.q("INSERT INTO records(kind, id, customer, seq, body, fields) VALUES($1,$2,$3,$4,$5,$6) "
          "ON CONFLICT(kind, id) DO UPDATE SET customer=excluded.customer, seq=excluded.seq, "
          "body=excluded.body, fields=excluded.fields",
          PgParams().add(kind).add(r.id).add(r.customer).add(seq).add(r.rec.body.dump()).add(
              sync::stamps_to_json(r.rec.fields).dump()));
    if (r.kind == RecordKind::customer) {
      auto it = r.rec.body.find("owner");
      std::string owner = it != r.rec.body.end() && it->is_string() ? it->get<std::string>() : "";
      db_.q("INSERT INTO owners(customer, owner) VALUES($1,$2) ON CONFLICT(customer) DO UPDATE SET owner=excluded.owner",
            PgParams().add(r.id).add(owner));
    }
    return seq;
  }

  std::int64_t delete_record(const StoredRecord& r, const std::string& actor, const std::string& client) override {
    const std::string kind = kind_str(r.kind);
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    db_.q("DELETE FROM records WHERE kind=$1 AND id=$2", PgParams().add(kind).add(r.id));
    db_.q("INSERT INTO tombstones(seq, kind, id, customer) VALUES($1,$2,$3,$4)",
          PgParams().add(seq).add(kind).add(r.id).add(r.customer));
    return seq;
  }

  void log_owner_change(const OwnerChange& c) override {
    db_.q("INSERT INTO owner_changes(seq, customer, old_owner, new_owner) VALUES($1,$2,$3,$4)",
          PgParams().add(c.seq).add(c.customer).add(c.old_owner).add(c.new_owner));
  }

  std::optional<ClientState> client(const std::string& client_id) override {
    auto r = db_.q("SELECT manager_id, last_mutation_id FROM clients WHERE client_id=$1", PgParams().add(client_id));
    if (r.empty()) return std::nullopt;
    return ClientState{client_id, r.text(0, 0), r.i64(0, 1)};
  }
  void put_client(const ClientState& c) override {
    db_.q("INSERT INTO clients(client_id, manager_id, last_mutation_id) VALUES($1,$2,$3) "
          "ON CONFLICT(client_id) DO UPDATE SET last_mutation_id=excluded.last_mutation_id",
          PgParams().add(c.client_id).add(c.manager_id).add(c.last_mutation_id));
  }

  std::optional<std::string> mutation_result(const std::string& client_id, std::int64_t mutation_id) override {
    auto r = db_.q("SELECT result FROM mutation_results WHERE client_id=$1 AND mutation_id=$2",
                   PgParams().add(client_id).add(mutation_id));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }
  void put_mutation_result(const std::string& client_id, std::int64_t mutation_id,
                           const std::string& result_json) override {
    db_.q("INSERT INTO mutation_results(client_id, mutation_id, result) VALUES($1,$2,$3) "
          "ON CONFLICT(client_id, mutation_id) DO UPDATE SET result=excluded.result",
          PgParams().add(client_id).add(mutation_id).add(result_json));
    db_.q("DELETE FROM mutation_results WHERE client_id=$1 AND mutation_id<$2",
          PgParams().add(client_id).add(mutation_id - kKeepResults));
  }

  void audit(const AuditEntry& e) override {
    db_.q("INSERT INTO audit(at, kind, actor, subject, detail, ip) VALUES($1,$2,$3,$4,$5,$6)",
          PgParams().add(e.at ? e.at : now_utc()).add(e.kind).add(e.actor).add(e.subject).add(e.detail).add(e.ip));
  }
  std::int64_t cursor() override { return db_.q("SELECT COALESCE(MAX(seq), 0) FROM changes").i64(0, 0); }

  void savepoint() override { db_.exec("SAVEPOINT job"); }
  void keep_savepoint() override { db_.exec("RELEASE SAVEPOINT job"); }
  void undo_savepoint() override { db_.exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"); }

  void commit() override {
    if (hooks_.before_commit) hooks_.before_commit(*this);
    db_.exec("COMMIT");
    done_ = true;
    if (written_ >= kAnalyzeAfter) refresh_statistics();
    if (hooks_.after_commit) hooks_.after_commit();
  }

  // ---- the guard
  std::vector<StoredText> customer_records(const std::string& customer) override {
    auto r = db_.q(
        "SELECT kind, id, seq, body, fields FROM records WHERE customer=$1 "
        "AND kind IN ('customer','case','exception','touchpoint','scheduled') "
        "ORDER BY kind<>'customer', kind<>'case'",
        PgParams().add(customer));
    std::vector<StoredText> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(StoredText{pg_kind_of(r.view(i, 0)), r.text(i, 1), r.i64(i, 2), r.text(i, 3), r.text(i, 4)});
    return out;
  }
  std::optional<std::pair<std::string, Time>> change_by(std::int64_t seq) override {
    auto r = db_.q("SELECT actor, at FROM changes WHERE seq=$1", PgParams().add(seq));
    if (r.empty()) return std::nullopt;
    return std::pair{r.text(0, 0), r.i64(0, 1)};
  }
  std::vector<VerdictRow> verdicts_of(const std::string& customer) override {
    return pg_guard::verdicts_of(db_, customer);
  }
  std::optional<VerdictRow> verdict(const std::string& scheduled) override { return pg_guard::verdict(db_, scheduled); }
  void put_verdict(VerdictRow& v) override { pg_guard::put_verdict(db_, v); }
  void drop_verdict(const std::string& scheduled) override { pg_guard::drop_verdict(db_, scheduled); }
  std::vector<WebhookEndpoint> active_webhooks() override { return pg_guard::webhooks(db_, true); }
  void enqueue_delivery(const Delivery& d) override { pg_guard::enqueue_delivery(db_, d); }
  std::optional<std::string> customer_by_email(const std::string& email) override {
    return pg_guard::customer_by_email(db_, email);
  }
  std::vector<std::string> all_customers() override {
    auto r = db_.q("SELECT id FROM records WHERE kind='customer' ORDER BY id");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }
  std::optional<std::string> meta(const std::string& key) override {
    auto r = db_.q("SELECT value FROM meta WHERE key=$1", PgParams().add(key));
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
  }
  void put_meta(const std::string& key, const std::string& value) override {
    db_.q("INSERT INTO meta(key, value) VALUES($1,$2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
          PgParams().add(key).add(value));
  }

  // ---- source webhooks
  bool claim_event(const std::string& source, const std::string& event_id, Time received) override {
    return pg_connect::claim_event(db_, source, event_id, received);
  }
  std::optional<Time> connect_version(const std::string& key) override { return pg_connect::version(db_, key); }
  void put_connect_version(const std::string& key, Time at) override { pg_connect::put_version(db_, key, at); }
  std::optional<std::string> customer_by_external_id(const std::string& source, const std::string& id) override {
    return pg_connect::customer_by_external_id(db_, source, id);
  }
  void put_unmatched(UnmatchedEvent& e) override { pg_connect::put_unmatched(db_, e); }
  std::optional<UnmatchedEvent> unmatched(std::int64_t id) override { return pg_connect::unmatched(db_, id); }
  std::vector<UnmatchedEvent> unmatched_waiting_for(const std::string& waits_for) override {
    return pg_connect::waiting_for(db_, waits_for);
  }
  void drop_unmatched(std::int64_t id) override { pg_connect::drop_unmatched(db_, id); }

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

  std::unique_lock<std::mutex> lock_;
  PgConn& db_;
  const TxnHooks& hooks_;
  bool done_ = false;
  std::size_t written_ = 0;  // records written in this transaction
};

}  // namespace

std::unique_ptr<StorageTxn> pg_begin(PgConn& db, std::unique_lock<std::mutex> lock, const TxnHooks& hooks) {
  return std::make_unique<PgTxn>(db, std::move(lock), hooks);
}

}  // namespace cockpit::server
