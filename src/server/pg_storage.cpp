// ServerStorage on PostgreSQL: any number of cockpit-server processes against one
// database (src/server/STORAGE.md).
//
// Connections per process: one writer for the read-write transactions (under
// write_mu_: this process's writers queue here rather than each holding a connection
// while waiting for the writer lock, pg_txn.hpp), a pool for pulls, sessions, tokens,
// the guard's reads and the webhook bookkeeping, and one that LISTENs (pg_listen.hpp).
// Any of them may break (PostgreSQL restarted): the call fails with StorageUnavailable
// (503), and the next one connects again.
#include <sodium.h>

#include <mutex>
#include <set>

#include "server/comma_list.hpp"
#include "server/pg_connect.hpp"
#include "server/pg_guard.hpp"
#include "server/pg_listen.hpp"
#include "server/pg_pool.hpp"
#include "server/pg_read.hpp"
#include "server/pg_schema.hpp"
#include "server/pg_txn.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

namespace {

std::string process_tag() {
  unsigned char b[8];
  randombytes_buf(b, sizeof b);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

class PgStorage final : public ServerStorage {
 public:
  PgStorage(const std::string& url, bool migrate) : url_(url), pool_(url, kPool), tag_(process_tag()) {
    writer_ = std::make_unique<PgConn>(url_);
    versions_ = pg_migrate(*writer_, migrate);
  }
  ~PgStorage() override { close(); }

  std::unique_ptr<StorageTxn> begin() override {
    std::unique_lock lock(write_mu_);
    if (!writer_ || !writer_->still_there()) {
      writer_.reset();
      writer_ = std::make_unique<PgConn>(url_);
    }
    return pg_begin(*writer_, std::move(lock), hooks_);
  }
  void set_hooks(TxnHooks hooks) override {
    std::lock_guard lock(write_mu_);
    hooks_ = std::move(hooks);
  }

  PullData read_since(const Scope& scope, std::int64_t since, std::size_t page) override {
    return pg_read_since(*pool_.take(), scope, since, page);
  }
  std::int64_t cursor() override { return pool_.take()->q("SELECT COALESCE(MAX(seq), 0) FROM changes").i64(0, 0); }
  bool has_records() override { return !pool_.take()->q("SELECT 1 FROM records LIMIT 1").empty(); }
  std::optional<Manager> manager(const std::string& id) override {
    auto r = pool_.take()->q("SELECT body FROM records WHERE kind='manager' AND id=$1", PgParams().add(id));
    if (r.empty()) return std::nullopt;
    return manager_from_body(id, r.view(0, 0));
  }

  // ---- accounts, sessions, integrations
  std::optional<Account> account(const std::string& manager_id) override {
    auto r = pool_.take()->q("SELECT password_hash FROM accounts WHERE manager_id=$1", PgParams().add(manager_id));
    if (r.empty()) return std::nullopt;
    return Account{manager_id, r.text(0, 0)};
  }
  void put_account(const Account& a) override {
    pool_.take()->q("INSERT INTO accounts(manager_id, password_hash) VALUES($1,$2) "
                    "ON CONFLICT(manager_id) DO UPDATE SET password_hash=excluded.password_hash",
                    PgParams().add(a.manager_id).add(a.password_hash));
  }
  void add_session(const Session& x) override {
    auto db = pool_.take();
    db->q("INSERT INTO sessions(token_hash, manager_id, created, expires) VALUES($1,$2,$3,$4)",
          PgParams().add(x.token_hash).add(x.manager_id).add(x.created).add(x.expires));
    // Expired sessions go when new ones come: the table stays small without a timer.
    db->q("DELETE FROM sessions WHERE expires<$1", PgParams().add(now_utc()));
  }
  std::optional<Session> session(const std::string& token_hash) override {
    auto r = pool_.take()->q("SELECT manager_id, created, expires FROM sessions WHERE token_hash=$1",
                             PgParams().add(token_hash));
    if (r.empty()) return std::nullopt;
    return Session{token_hash, r.text(0, 0), r.i64(0, 1), r.i64(0, 2)};
  }
  void delete_session(const std::string& token_hash) override {
    pool_.take()->q("DELETE FROM sessions WHERE token_hash=$1", PgParams().add(token_hash));
  }
  void delete_sessions_of(const std::string& manager_id) override {
    pool_.take()->q("DELETE FROM sessions WHERE manager_id=$1", PgParams().add(manager_id));
  }
  void add_integration(const Integration& i) override {
    pool_.take()->q("INSERT INTO integrations(token_hash, name, created, scopes) VALUES($1,$2,$3,$4)",
                    PgParams().add(i.token_hash).add(i.name).add(i.created).add(join_list(i.scopes)));
  }
  std::optional<Integration> integration(const std::string& token_hash) override {
    auto r = pool_.take()->q("SELECT name, created, scopes FROM integrations WHERE token_hash=$1",
                             PgParams().add(token_hash));
    if (r.empty()) return std::nullopt;
    return Integration{r.text(0, 0), token_hash, r.i64(0, 1), split_list(r.view(0, 2))};
  }

  // ---- the guard's standing
  std::optional<VerdictRow> verdict(const std::string& scheduled) override {
    return pg_guard::verdict(*pool_.take(), scheduled);
  }
  std::vector<VerdictRow> verdict_changes(std::int64_t since, std::size_t limit) override {
    return pg_guard::verdict_changes(*pool_.take(), since, limit);
  }
  std::int64_t verdict_cursor() override { return pg_guard::verdict_cursor(*pool_.take()); }
  std::vector<Suppression> suppressions() override { return pg_guard::suppressions(*pool_.take()); }
  std::optional<std::string> customer_by_email(const std::string& email) override {
    return pg_guard::customer_by_email(*pool_.take(), email);
  }

  // ---- webhooks
  void add_webhook(const WebhookEndpoint& w) override { pg_guard::add_webhook(*pool_.take(), w); }
  std::vector<WebhookEndpoint> webhooks() override { return pg_guard::webhooks(*pool_.take(), false); }
  bool remove_webhook(const std::string& id) override { return pg_guard::remove_webhook(*pool_.take(), id); }
  void disable_webhook(const std::string& id, const std::string& reason) override {
    pg_guard::disable_webhook(*pool_.take(), id, reason);
  }
  // Deliveries this process leased and has not settled yet: a clean stop hands them
  // back at once (a killed process leaves them to the lease's end, pg_guard.hpp).
  std::vector<Delivery> due_deliveries(Time now, std::size_t limit) override {
    auto taken = pg_guard::take_due_deliveries(*pool_.take(), now, limit);
    std::lock_guard lock(leased_mu_);
    for (const auto& d : taken) leased_.insert(d.id);
    return taken;
  }
  std::optional<Time> next_delivery_at() override { return pg_guard::next_delivery_at(*pool_.take()); }
  void update_delivery(const Delivery& d) override {
    pg_guard::update_delivery(*pool_.take(), d);
    std::lock_guard lock(leased_mu_);
    leased_.erase(d.id);
  }
  std::vector<Delivery> recent_deliveries(std::size_t limit) override {
    return pg_guard::recent_deliveries(*pool_.take(), limit);
  }

  // ---- source webhooks
  void put_connect_source(const ConnectSource& c) override { pg_connect::put_source(*pool_.take(), c); }
  std::optional<ConnectSource> connect_source(const std::string& source) override {
    return pg_connect::source(*pool_.take(), source);
  }
  std::vector<UnmatchedEvent> unmatched_events(std::size_t limit) override {
    return pg_connect::unmatched_events(*pool_.take(), limit);
  }

  // ---- audit
  void audit(const AuditEntry& e) override {
    pool_.take()->q("INSERT INTO audit(at, kind, actor, subject, detail, ip) VALUES($1,$2,$3,$4,$5,$6)",
                    PgParams().add(e.at ? e.at : now_utc()).add(e.kind).add(e.actor).add(e.subject).add(e.detail).add(
                        e.ip));
  }
  std::vector<AuditEntry> audit_log(std::size_t limit) override {
    auto r = pool_.take()->q("SELECT at, kind, actor, subject, detail, ip FROM audit ORDER BY id DESC LIMIT $1",
                             PgParams().add(static_cast<std::int64_t>(limit)));
    std::vector<AuditEntry> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(AuditEntry{r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
    return out;
  }

  // ---- operations
  bool ready() override {
    try {
      return !pool_.take()->q("SELECT 1").empty();
    } catch (const std::exception&) {
      return false;
    }
  }
  std::pair<int, int> schema_versions() const override { return versions_; }
  void announce(const std::string& payload) override {
    if (!listener_) return;
    pool_.take()->q("SELECT pg_notify($1, $2)", PgParams().add(PgListener::kChannel).add(listener_->tagged(payload)));
  }
  void on_announce(std::function<void(const std::string&)> heard) override {
    // After a lost connection nothing says what was announced meanwhile: an empty
    // payload tells the listener's owner to wake everyone.
    auto again = [heard] { heard(std::string()); };
    listener_ = std::make_unique<PgListener>(url_, tag_, std::move(heard), std::move(again));
  }

  void close() override {
    if (listener_) listener_->stop();
    hand_back_leases();
    pool_.close();
    std::lock_guard lock(write_mu_);
    writer_.reset();
  }

 private:
  void hand_back_leases() {
    std::set<std::int64_t> ids;
    {
      std::lock_guard lock(leased_mu_);
      ids.swap(leased_);
    }
    try {
      for (std::int64_t id : ids) pg_guard::release_lease(*pool_.take(), id, now_utc());
    } catch (const std::exception&) {
      // PostgreSQL is away: the leases run out by themselves.
    }
  }

  // Request threads that read at once on a small machine (pulls, sessions, checks).
  static constexpr std::size_t kPool = 8;
  const std::string url_;
  PgPool pool_;
  const std::string tag_;
  std::mutex write_mu_;
  std::unique_ptr<PgConn> writer_;
  std::unique_ptr<PgListener> listener_;
  std::mutex leased_mu_;
  std::set<std::int64_t> leased_;
  TxnHooks hooks_;
  std::pair<int, int> versions_;
};

}  // namespace

std::unique_ptr<ServerStorage> open_postgres_storage(const std::string& url, bool migrate) {
  return std::make_unique<PgStorage>(url, migrate);
}

}  // namespace cockpit::server
