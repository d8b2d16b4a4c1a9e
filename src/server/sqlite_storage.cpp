// ServerStorage on SQLite: one file in WAL mode.
//
// Index
//   [SECTION] Transaction (StorageTxn)
//   [SECTION] Pull (read_since)
//   [SECTION] Accounts, sessions, integrations, audit
//
// Durability: journal_mode=WAL with synchronous=FULL by default, so every COMMIT is
// fsynced before the server answers — an acknowledged push survives a power cut, not
// only a crash of the process. NORMAL (`--synchronous normal`) would still survive a
// killed process (the WAL is in the OS cache) and is several times faster per commit
// on slow disks; it may lose the last commits on power loss, which breaks the promise
// "an acknowledged change is never lost", hence not the default.
//
// Concurrency: one writer connection (under write_mu_) for every read-write
// transaction; a pool of reader connections (SqliteReaders) for pulls, sessions and
// tokens, so devices' pulls run side by side and never wait for the writer; and one
// reader of its own for the guard's pre-send check.
#include <algorithm>
#include <mutex>

#include "server/comma_list.hpp"
#include "server/sqlite_db.hpp"
#include "server/sqlite_connect.hpp"
#include "server/sqlite_guard.hpp"
#include "server/sqlite_readers.hpp"
#include "server/sqlite_schema.hpp"
#include "server/sqlite_wal_batch.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

namespace {

RecordKind kind_of(std::string_view s) {
  auto k = parse_RecordKind(s);
  if (!k) throw SqliteError("unknown record kind in database: " + std::string(s));
  return *k;
}

void insert_audit(Db& db, const AuditEntry& e) {
  db.prep("INSERT INTO audit(at, kind, actor, subject, detail, ip) VALUES(?,?,?,?,?,?)")
      .bind(1, e.at ? e.at : now_utc())
      .bind(2, e.kind)
      .bind(3, e.actor)
      .bind(4, e.subject)
      .bind(5, e.detail)
      .bind(6, e.ip)
      .run();
}

std::int64_t max_seq(Db& db) {
  auto s = db.prep("SELECT COALESCE(MAX(seq), 0) FROM changes");
  s.step();
  return s.i64(0);
}

// ============================================================ [SECTION] Transaction (StorageTxn)
class SqliteTxn final : public StorageTxn {
 public:
  SqliteTxn(Db& db, std::mutex& mu, const TxnHooks& hooks) : lock_(mu), db_(db), hooks_(hooks) {
    db_.exec("BEGIN IMMEDIATE");
  }
  ~SqliteTxn() override {
    if (!done_) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
    }
  }

  bool has_manager(std::string_view id) const override {
    auto s = db_.prep("SELECT 1 FROM records WHERE kind='manager' AND id=?");
    return s.bind(1, id).step();
  }
  bool has_customer(std::string_view id) const override {
    auto s = db_.prep("SELECT 1 FROM records WHERE kind='customer' AND id=?");
    return s.bind(1, id).step();
  }
  std::optional<std::string> case_customer(std::string_view id) const override {
    auto s = db_.prep("SELECT customer FROM records WHERE kind='case' AND id=?");
    if (!s.bind(1, id).step()) return std::nullopt;
    return s.text(0);
  }

  std::optional<StoredRecord> record(RecordKind kind, const std::string& id) override {
    auto s = db_.prep("SELECT customer, seq, body, fields FROM records WHERE kind=? AND id=?");
    if (!s.bind(1, std::string(to_string(kind))).bind(2, id).step()) return std::nullopt;
    StoredRecord r{kind, id, s.text(0), {}};
    r.rec.seq = s.i64(1);
    r.rec.body = sync::json::parse(s.view(2));
    r.rec.fields = sync::stamps_from_json(sync::json::parse(s.view(3)));
    return r;
  }

  std::optional<std::string> owner_of(const std::string& customer) override {
    auto s = db_.prep("SELECT owner FROM owners WHERE customer=?");
    if (!s.bind(1, customer).step()) return std::nullopt;
    return s.text(0);
  }

  std::optional<OwnerChange> last_owner_change_from(const std::string& customer,
                                                    const std::string& old_owner) override {
    auto s = db_.prep(
        "SELECT seq, new_owner FROM owner_changes WHERE customer=? AND old_owner=? ORDER BY seq DESC LIMIT 1");
    if (!s.bind(1, customer).bind(2, old_owner).step()) return std::nullopt;
    return OwnerChange{s.i64(0), customer, old_owner, s.text(1)};
  }

  // The change's row in the server-wide sequence: its number is the change's seq.
  std::int64_t next_seq(const std::string& kind, const StoredRecord& r, const std::string& actor,
                        const std::string& client) {
    db_.prep("INSERT INTO changes(kind, id, customer, actor, client, at) VALUES(?,?,?,?,?,?)")
        .bind(1, kind)
        .bind(2, r.id)
        .bind(3, r.customer)
        .bind(4, actor)
        .bind(5, client)
        .bind(6, now_utc())
        .run();
    return sqlite3_last_insert_rowid(db_.raw());
  }

  std::int64_t write_record(StoredRecord& r, const std::vector<std::string>& changed, const std::string& actor,
                            const std::string& client) override {
    const std::string kind = std::string(to_string(r.kind));
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    r.rec.seq = seq;
    for (const auto& f : changed) r.rec.fields[f] = sync::FieldStamp{seq, client};
    db_.prep("INSERT INTO records(kind, id, customer, seq, body, fields) VALUES(?,?,?,?,?,?) "
             "ON CONFLICT(kind, id) DO UPDATE SET customer=excluded.customer, seq=excluded.seq, "
             "body=excluded.body, fields=excluded.fields")
        .bind(1, kind)
        .bind(2, r.id)
        .bind(3, r.customer)
        .bind(4, seq)
        .bind(5, r.rec.body.dump())
        .bind(6, sync::stamps_to_json(r.rec.fields).dump())
        .run();
    if (r.kind == RecordKind::customer) {
      auto it = r.rec.body.find("owner");
      std::string owner = it != r.rec.body.end() && it->is_string() ? it->get<std::string>() : "";
      db_.prep("INSERT INTO owners(customer, owner) VALUES(?, ?) "
               "ON CONFLICT(customer) DO UPDATE SET owner=excluded.owner")
          .bind(1, r.id)
          .bind(2, owner)
          .run();
    }
    return seq;
  }

  std::int64_t delete_record(const StoredRecord& r, const std::string& actor, const std::string& client) override {
    const std::string kind = std::string(to_string(r.kind));
    const std::int64_t seq = next_seq(kind, r, actor, client);
    if (!r.customer.empty()) touched_.insert(r.customer);
    db_.prep("DELETE FROM records WHERE kind=? AND id=?").bind(1, kind).bind(2, r.id).run();
    db_.prep("INSERT INTO tombstones(seq, kind, id, customer) VALUES(?,?,?,?)")
        .bind(1, seq)
        .bind(2, kind)
        .bind(3, r.id)
        .bind(4, r.customer)
        .run();
    return seq;
  }

  void log_owner_change(const OwnerChange& c) override {
    db_.prep("INSERT INTO owner_changes(seq, customer, old_owner, new_owner) VALUES(?,?,?,?)")
        .bind(1, c.seq)
        .bind(2, c.customer)
        .bind(3, c.old_owner)
        .bind(4, c.new_owner)
        .run();
  }

  std::optional<ClientState> client(const std::string& client_id) override {
    auto s = db_.prep("SELECT manager_id, last_mutation_id FROM clients WHERE client_id=?");
    if (!s.bind(1, client_id).step()) return std::nullopt;
    return ClientState{client_id, s.text(0), s.i64(1)};
  }
  void put_client(const ClientState& c) override {
    db_.prep("INSERT INTO clients(client_id, manager_id, last_mutation_id) VALUES(?,?,?) "
             "ON CONFLICT(client_id) DO UPDATE SET last_mutation_id=excluded.last_mutation_id")
        .bind(1, c.client_id)
        .bind(2, c.manager_id)
        .bind(3, c.last_mutation_id)
        .run();
  }

  std::optional<std::string> mutation_result(const std::string& client_id, std::int64_t mutation_id) override {
    auto s = db_.prep("SELECT result FROM mutation_results WHERE client_id=? AND mutation_id=?");
    if (!s.bind(1, client_id).bind(2, mutation_id).step()) return std::nullopt;
    return s.text(0);
  }
  void put_mutation_result(const std::string& client_id, std::int64_t mutation_id,
                           const std::string& result_json) override {
    db_.prep("INSERT OR REPLACE INTO mutation_results(client_id, mutation_id, result) VALUES(?,?,?)")
        .bind(1, client_id)
        .bind(2, mutation_id)
        .bind(3, result_json)
        .run();
    db_.prep("DELETE FROM mutation_results WHERE client_id=? AND mutation_id<?")
        .bind(1, client_id)
        .bind(2, mutation_id - kKeepMutationResults)
        .run();
  }

  void audit(const AuditEntry& e) override { insert_audit(db_, e); }
  std::int64_t cursor() override { return max_seq(db_); }

  void savepoint() override { db_.exec("SAVEPOINT job"); }
  void keep_savepoint() override { db_.exec("RELEASE job"); }
  void undo_savepoint() override { db_.exec("ROLLBACK TO job; RELEASE job"); }

  void commit() override {
    if (hooks_.before_commit) hooks_.before_commit(*this);
    db_.exec("COMMIT");
    done_ = true;
    if (hooks_.after_commit) hooks_.after_commit();
  }

  // ---- the guard
  std::vector<StoredText> customer_records(const std::string& customer) override {
    // The customer record first: the others refer to it.
    auto s = db_.prep(
        "SELECT kind, id, seq, body, fields FROM records WHERE customer=? "
        "AND kind IN " COCKPIT_GUARD_KINDS_SQL " "
        "ORDER BY kind<>'customer', kind<>'case'");
    s.bind(1, customer);
    std::vector<StoredText> out;
    while (s.step()) out.push_back(StoredText{kind_of(s.view(0)), s.text(1), s.i64(2), s.text(3), s.text(4)});
    return out;
  }
  std::optional<std::pair<std::string, Time>> change_by(std::int64_t seq) override {
    auto s = db_.prep("SELECT actor, at FROM changes WHERE seq=?");
    if (!s.bind(1, seq).step()) return std::nullopt;
    return std::pair{s.text(0), s.i64(1)};
  }
  std::vector<VerdictRow> verdicts_of(const std::string& customer) override {
    return sqlite_guard::verdicts_of(db_, customer);
  }
  std::optional<VerdictRow> verdict(const std::string& scheduled) override {
    return sqlite_guard::verdict(db_, scheduled);
  }
  void put_verdict(VerdictRow& v) override { sqlite_guard::put_verdict(db_, v); }
  void drop_verdict(const std::string& scheduled) override { sqlite_guard::drop_verdict(db_, scheduled); }
  std::vector<WebhookEndpoint> active_webhooks() override { return sqlite_guard::webhooks(db_, true); }
  void enqueue_delivery(const Delivery& d) override { sqlite_guard::enqueue_delivery(db_, d); }
  std::optional<std::string> customer_by_email(const std::string& email) override {
    return sqlite_guard::customer_by_email(db_, email);
  }
  std::vector<std::string> all_customers() override {
    auto s = db_.prep("SELECT id FROM records WHERE kind='customer' ORDER BY id");
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }
  std::optional<std::string> meta(const std::string& key) override {
    auto s = db_.prep("SELECT value FROM meta WHERE key=?");
    if (!s.bind(1, key).step()) return std::nullopt;
    return s.text(0);
  }
  void put_meta(const std::string& key, const std::string& value) override {
    db_.prep("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)").bind(1, key).bind(2, value).run();
  }

  bool claim_event(const std::string& source, const std::string& event_id, Time received) override {
    return sqlite_connect::claim_event(db_, source, event_id, received);
  }
  std::optional<Time> connect_version(const std::string& key) override { return sqlite_connect::version(db_, key); }
  void put_connect_version(const std::string& key, Time at) override { sqlite_connect::put_version(db_, key, at); }
  std::optional<std::string> customer_by_external_id(const std::string& source, const std::string& id) override {
    return sqlite_connect::customer_by_external_id(db_, source, id);
  }
  void put_unmatched(UnmatchedEvent& e) override { sqlite_connect::put_unmatched(db_, e); }
  std::optional<UnmatchedEvent> unmatched(std::int64_t id) override { return sqlite_connect::unmatched(db_, id); }
  std::vector<UnmatchedEvent> unmatched_waiting_for(const std::string& waits_for) override {
    return sqlite_connect::waiting_for(db_, waits_for);
  }
  void drop_unmatched(std::int64_t id) override { sqlite_connect::drop_unmatched(db_, id); }

 private:
  std::unique_lock<std::mutex> lock_;
  Db& db_;
  const TxnHooks& hooks_;
  bool done_ = false;
};

class SqliteStorage final : public ServerStorage {
 public:
  SqliteStorage(const std::string& path, bool synchronous_full, bool migrate) {
    // The WAL batch only with synchronous=FULL: its safety rests on the commit's sync.
    writer_ = std::make_unique<Db>(path, false, synchronous_full ? wal_batch_vfs() : nullptr);
    writer_->exec("PRAGMA journal_mode=WAL");
    writer_->exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    writer_->exec("PRAGMA foreign_keys=ON");
    // Every job of a write-queue group runs in a savepoint, which keeps each page's
    // content from before its first change in a statement journal. SQLite keeps that
    // journal in memory up to 64 KiB and then in a temporary file, so a job that changed
    // more than 16 stored pages wrote one pwrite(2) per page: 12 % of the group thread
    // under source webhooks (CONNECT.md, "Fewer system calls per commit"). In memory it
    // is as large as the pages the transaction's savepoints changed; the jobs that run
    // in savepoints are small, and an ingest runs without one.
    writer_->exec("PRAGMA temp_store=MEMORY");
    versions_ = sqlite_migrate(*writer_, migrate);
    readers_ = std::make_unique<SqliteReaders>(path, kReaders);
    quick_reader_ = std::make_unique<Db>(path, true);
  }
  ~SqliteStorage() override { close(); }

  std::unique_ptr<StorageTxn> begin() override { return std::make_unique<SqliteTxn>(*writer_, write_mu_, hooks_); }
  void set_hooks(TxnHooks hooks) override {
    std::lock_guard lock(write_mu_);
    hooks_ = std::move(hooks);
  }

  // Quick point reads have a connection of their own (quick_reader_): a pre-send check,
  // a live poll's cursor or a sign-in must not wait behind pulls of whole shares, which
  // hold the pool's readers.
  std::optional<VerdictRow> verdict(const std::string& scheduled) override {
    std::lock_guard lock(quick_mu_);
    return sqlite_guard::verdict(*quick_reader_, scheduled);
  }
  // A feed page and the suppression list read many rows: on the pool's readers.
  std::vector<VerdictRow> verdict_changes(std::int64_t since, std::size_t limit) override {
    return sqlite_guard::verdict_changes(*readers_->take(), since, limit);
  }
  std::int64_t verdict_cursor() override {
    std::lock_guard lock(quick_mu_);
    return sqlite_guard::verdict_cursor(*quick_reader_);
  }
  std::vector<Suppression> suppressions() override {
    return sqlite_guard::suppressions(*readers_->take());
  }
  std::optional<std::string> customer_by_email(const std::string& email) override {
    std::lock_guard lock(quick_mu_);
    return sqlite_guard::customer_by_email(*quick_reader_, email);
  }

  void put_connect_source(const ConnectSource& s) override {
    std::lock_guard lock(write_mu_);
    sqlite_connect::put_source(*writer_, s);
  }
  // Read for every delivery, before its body: a quick point read.
  std::optional<ConnectSource> connect_source(const std::string& source) override {
    std::lock_guard lock(quick_mu_);
    return sqlite_connect::source(*quick_reader_, source);
  }
  std::vector<UnmatchedEvent> unmatched_events(std::size_t limit) override {
    return sqlite_connect::unmatched_events(*readers_->take(), limit);
  }

  void add_webhook(const WebhookEndpoint& w) override {
    std::lock_guard lock(write_mu_);
    sqlite_guard::add_webhook(*writer_, w);
  }
  std::vector<WebhookEndpoint> webhooks() override {
    std::lock_guard lock(write_mu_);
    return sqlite_guard::webhooks(*writer_, false);
  }
  bool remove_webhook(const std::string& id) override {
    std::lock_guard lock(write_mu_);
    return sqlite_guard::remove_webhook(*writer_, id);
  }
  void disable_webhook(const std::string& id, const std::string& reason) override {
    std::lock_guard lock(write_mu_);
    sqlite_guard::disable_webhook(*writer_, id, reason);
  }
  std::vector<Delivery> due_deliveries(Time now, std::size_t limit) override {
    std::lock_guard lock(write_mu_);
    return sqlite_guard::due_deliveries(*writer_, now, limit);
  }
  std::optional<Time> next_delivery_at() override {
    std::lock_guard lock(write_mu_);
    return sqlite_guard::next_delivery_at(*writer_);
  }
  void update_delivery(const Delivery& d) override {
    std::lock_guard lock(write_mu_);
    sqlite_guard::update_delivery(*writer_, d);
  }
  std::vector<Delivery> recent_deliveries(std::size_t limit) override {
    std::lock_guard lock(write_mu_);
    return sqlite_guard::recent_deliveries(*writer_, limit);
  }

  // ============================================================ [SECTION] Pull (read_since)
  PullData read_since(const Scope& scope, std::int64_t since, std::size_t page) override {
    auto lease = readers_->take();
    Db& db = *lease;
    db.exec("BEGIN");  // one snapshot for the cursor and the rows
    struct Commit {
      Db& db;
      ~Commit() {
        try {
          db.exec("COMMIT");
        } catch (...) {
        }
      }
    } end{db};
    PullData out;
    out.cursor = max_seq(db);
    if (scope.everything) read_everything(db, since, page, out);
    else read_share(db, scope.manager, since, out);
    return out;
  }

  static void take_rows(Stmt& s, PullData& out) {
    while (s.step()) out.records.push_back(RecordRow{kind_of(s.view(0)), s.text(1), s.i64(2), s.text(3)});
  }
  static void take_tombstones(Stmt& s, PullData& out) {
    while (s.step()) out.deleted.push_back(sync::Deletion{kind_of(s.view(0)), s.text(1), s.i64(2)});
  }

  // A lead's pull: every record after `since`, in pages.
  static void read_everything(Db& db, std::int64_t since, std::size_t page, PullData& out) {
    // One row past the page tells whether more follow.
    auto s = db.prep("SELECT kind, id, seq, body, customer FROM records WHERE seq>? ORDER BY seq LIMIT ?");
    s.bind(1, since).bind(2, page == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(page) + 1);
    // The customers the page's records belong to, and of those, the ones whose
    // records may point to a case (a customer or a case points to no case).
    std::vector<std::string> customers, case_users;
    while (s.step()) {
      const RecordKind k = kind_of(s.view(0));
      if (page > 0 && out.records.size() == page) {  // the one past the page
        out.more = true;
        break;
      }
      out.records.push_back(RecordRow{k, s.text(1), s.i64(2), s.text(3)});
      if (k == RecordKind::manager || k == RecordKind::customer) continue;
      customers.push_back(s.text(4));
      if (k != RecordKind::case_) case_users.push_back(s.text(4));
    }
    if (out.more) {
      out.cursor = out.records.back().seq;
      add_parents(db, out, std::move(customers), std::move(case_users));
    }
    if (since > 0) {
      // Only those up to the page's cursor: the later ones come with the next page.
      auto t = db.prep("SELECT kind, id, seq FROM tombstones WHERE seq>? AND seq<=? ORDER BY seq");
      t.bind(1, since).bind(2, out.cursor);
      take_tombstones(t, out);
    }
  }

  // A manager's pull: the managers, and their own customers' records after `since`.
  static void read_share(Db& db, const std::string& manager, std::int64_t since, PullData& out) {
    {
      auto s = db.prep("SELECT kind, id, seq, body FROM records WHERE kind='manager' AND seq>?");
      s.bind(1, since);
      take_rows(s, out);
    }
    if (since == 0) {
      // The whole share: walk the manager's customers, then each one's records.
      auto s = db.prep(
          "SELECT r.kind, r.id, r.seq, r.body FROM owners o CROSS JOIN records r "
          "ON r.customer=o.customer WHERE o.owner=? AND r.kind<>'manager'");
      s.bind(1, manager);
      take_rows(s, out);
      return;
    }
    // Customers that came into scope after `since`: all their records, whatever their seq.
    std::vector<std::string> gained;
    {
      auto s = db.prep(
          "SELECT DISTINCT c.customer FROM owner_changes c JOIN owners o ON o.customer=c.customer "
          "WHERE c.new_owner=?1 AND c.seq>?2 AND o.owner=?1");
      s.bind(1, manager).bind(2, since);
      while (s.step()) gained.push_back(s.text(0));
    }
    for (const auto& c : gained) {
      auto s = db.prep("SELECT kind, id, seq, body FROM records WHERE customer=?");
      s.bind(1, c);
      take_rows(s, out);
    }
    read_share_changes(db, manager, since, std::move(gained), out);
  }

  // What changed in a manager's share after `since`, besides customers gained whole.
  static void read_share_changes(Db& db, const std::string& manager, std::int64_t since,
                                 std::vector<std::string> gained, PullData& out) {
    {
      // Walk the changes of everyone since then and keep the manager's, or, when the
      // whole book changed more than that (a sender's asks, an ingest), walk the
      // manager's customers and each one's newer records by index.
      auto s = db.prep(
          fewer_changes_than_customers(db, manager, out.cursor - since)
              ? "SELECT r.kind, r.id, r.seq, r.body, r.customer FROM records r CROSS JOIN owners o "
                "ON o.customer=r.customer WHERE r.seq>?1 AND o.owner=?2 ORDER BY r.seq"
              : "SELECT r.kind, r.id, r.seq, r.body, r.customer FROM owners o CROSS JOIN records r "
                "ON r.customer=o.customer WHERE o.owner=?2 AND r.seq>?1 ORDER BY r.seq");
      s.bind(1, since).bind(2, manager);
      std::sort(gained.begin(), gained.end());
      while (s.step()) {
        if (std::binary_search(gained.begin(), gained.end(), s.text(4))) continue;  // already sent whole
        out.records.push_back(RecordRow{kind_of(s.view(0)), s.text(1), s.i64(2), s.text(3)});
      }
    }
    {
      // Deleted after `since`, of customers in scope now (a customer gained since is
      // sent whole, so its older tombstones do not matter).
      auto t = db.prep(
          "SELECT t.kind, t.id, t.seq FROM tombstones t CROSS JOIN owners o ON o.customer=t.customer "
          "WHERE t.seq>? AND o.owner=? ORDER BY t.seq");
      t.bind(1, since).bind(2, manager);
      take_tombstones(t, out);
    }
    {
      // Customers that left: reassigned away after `since` and not (back) in scope now.
      auto s = db.prep(
          "SELECT MAX(c.seq), c.customer, o.owner FROM owner_changes c JOIN owners o ON o.customer=c.customer "
          "WHERE c.old_owner=?1 AND c.seq>?2 AND o.owner<>?1 GROUP BY c.customer");
      s.bind(1, manager).bind(2, since);
      while (s.step()) out.removed.push_back(OwnerChange{s.i64(0), s.text(1), manager, s.text(2)});
    }
  }

  // Whether walking the `changes` newest records of everyone costs less than probing
  // each of the manager's customers (one index seek each, about 8 rows' worth).
  static bool fewer_changes_than_customers(Db& db, const std::string& manager, std::int64_t changes) {
    if (changes <= 64) return true;
    auto s = db.prep("SELECT count(*) FROM owners WHERE owner=?");
    s.bind(1, manager);
    return s.step() && changes <= 8 * s.i64(0);
  }

  // A page must stand on its own: a device stores a promise only with its customer and
  // case. Those the device has not had yet (written after the page's cursor) come with
  // the page, ahead of their children, and again when the stream reaches them.
  static void add_parents(Db& db, PullData& out, std::vector<std::string> customers,
                          std::vector<std::string> case_users) {
    std::vector<RecordRow> parents;
    auto take = [&](Stmt& s) {
      while (s.step()) parents.push_back(RecordRow{kind_of(s.view(0)), s.text(1), s.i64(2), s.text(3)});
    };
    auto unique = [](std::vector<std::string>& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    {
      auto s = db.prep("SELECT kind, id, seq, body FROM records WHERE kind='manager' AND seq>?");
      s.bind(1, out.cursor);
      take(s);
    }
    unique(customers);
    unique(case_users);
    for (const std::string& c : customers) {
      auto q = db.prep("SELECT kind, id, seq, body FROM records WHERE kind='customer' AND id=? AND seq>?");
      q.bind(1, c).bind(2, out.cursor);
      take(q);
    }
    for (const std::string& c : case_users) {
      auto q = db.prep("SELECT kind, id, seq, body FROM records WHERE customer=? AND seq>? AND kind='case'");
      q.bind(1, c).bind(2, out.cursor);
      take(q);
    }
    out.records.insert(out.records.begin(), std::make_move_iterator(parents.begin()),
                       std::make_move_iterator(parents.end()));
  }

  std::int64_t cursor() override {
    std::lock_guard lock(quick_mu_);
    return max_seq(*quick_reader_);
  }

  bool has_records() override {
    auto db = readers_->take();
    auto s = db->prep("SELECT 1 FROM records LIMIT 1");
    return s.step();
  }

  std::optional<Manager> manager(const std::string& id) override {
    auto db = readers_->take();
    auto s = db->prep("SELECT body FROM records WHERE kind='manager' AND id=?");
    if (!s.bind(1, id).step()) return std::nullopt;
    return manager_from_body(id, s.view(0));
  }

  // ============================================================ [SECTION] Accounts, sessions, integrations, audit
  std::optional<Account> account(const std::string& manager_id) override {
    std::lock_guard lock(write_mu_);
    auto s = writer_->prep("SELECT password_hash FROM accounts WHERE manager_id=?");
    if (!s.bind(1, manager_id).step()) return std::nullopt;
    return Account{manager_id, s.text(0)};
  }
  void put_account(const Account& a) override {
    std::lock_guard lock(write_mu_);
    writer_->prep("INSERT INTO accounts(manager_id, password_hash) VALUES(?,?) "
                  "ON CONFLICT(manager_id) DO UPDATE SET password_hash=excluded.password_hash")
        .bind(1, a.manager_id)
        .bind(2, a.password_hash)
        .run();
  }
  void add_session(const Session& x) override {
    std::lock_guard lock(write_mu_);
    writer_->prep("INSERT INTO sessions(token_hash, manager_id, created, expires) VALUES(?,?,?,?)")
        .bind(1, x.token_hash)
        .bind(2, x.manager_id)
        .bind(3, x.created)
        .bind(4, x.expires)
        .run();
    // Expired sessions go when new ones come: the table stays small without a timer.
    writer_->prep("DELETE FROM sessions WHERE expires<?").bind(1, now_utc()).run();
  }
  // Sessions and tokens are read on the quick reader: a device's request does not wait
  // for a write in progress, or for pulls, to learn who it is.
  std::optional<Session> session(const std::string& token_hash) override {
    std::lock_guard lock(quick_mu_);
    auto s = quick_reader_->prep("SELECT manager_id, created, expires FROM sessions WHERE token_hash=?");
    if (!s.bind(1, token_hash).step()) return std::nullopt;
    return Session{token_hash, s.text(0), s.i64(1), s.i64(2)};
  }
  void delete_session(const std::string& token_hash) override {
    std::lock_guard lock(write_mu_);
    writer_->prep("DELETE FROM sessions WHERE token_hash=?").bind(1, token_hash).run();
  }
  void delete_sessions_of(const std::string& manager_id) override {
    std::lock_guard lock(write_mu_);
    writer_->prep("DELETE FROM sessions WHERE manager_id=?").bind(1, manager_id).run();
  }
  void add_integration(const Integration& i) override {
    std::lock_guard lock(write_mu_);
    writer_->prep("INSERT INTO integrations(token_hash, name, created, scopes) VALUES(?,?,?,?)")
        .bind(1, i.token_hash)
        .bind(2, i.name)
        .bind(3, i.created)
        .bind(4, join_list(i.scopes))  // "ingest,check"
        .run();
  }
  std::optional<Integration> integration(const std::string& token_hash) override {
    std::lock_guard lock(quick_mu_);
    auto s = quick_reader_->prep("SELECT name, created, scopes FROM integrations WHERE token_hash=?");
    if (!s.bind(1, token_hash).step()) return std::nullopt;
    return Integration{s.text(0), token_hash, s.i64(1), split_list(s.view(2))};
  }
  void audit(const AuditEntry& e) override {
    std::lock_guard lock(write_mu_);
    insert_audit(*writer_, e);
  }
  std::vector<AuditEntry> audit_log(std::size_t limit) override {
    auto db = readers_->take();
    auto s = db->prep("SELECT at, kind, actor, subject, detail, ip FROM audit ORDER BY id DESC LIMIT ?");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.step()) out.push_back(AuditEntry{s.i64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    return out;
  }

  std::pair<int, int> schema_versions() const override { return versions_; }

  void close() override {
    if (readers_) readers_->close();
    std::scoped_lock lock(write_mu_, quick_mu_);
    quick_reader_.reset();
    if (writer_) {
      // Fold the WAL back into the main file so a copy of the .db alone is complete.
      try {
        writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (...) {
      }
      writer_.reset();
    }
  }

 private:
  // As many readers as request threads commonly run at once on a small machine.
  static constexpr std::size_t kReaders = 4;
  std::mutex write_mu_, quick_mu_;
  std::unique_ptr<Db> writer_, quick_reader_;
  std::unique_ptr<SqliteReaders> readers_;
  TxnHooks hooks_;
  std::pair<int, int> versions_;
};

}  // namespace

std::unique_ptr<ServerStorage> open_sqlite_storage(const std::string& path, bool synchronous_full, bool migrate) {
  return std::make_unique<SqliteStorage>(path, synchronous_full, migrate);
}

}  // namespace cockpit::server
