#pragma once
// Everything the server keeps, behind one interface: SQLite (sqlite_storage.cpp, one
// process) or PostgreSQL (pg_storage.cpp, any number of processes; src/server/STORAGE.md).
// Nothing here names SQL, files or connections. The sync rules live
// above this (sync_apply.cpp, ingest.cpp) and use only these primitives, so a second
// backend implements storage, not policy.
//
// Sequence numbers: every record change gets the next value of ONE server-wide
// sequence (the cursor). A reassignment is also a change of the customer record, and
// additionally lands in the owner log, so a pull can tell an old owner "removed".
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/document.hpp"
#include "domain/time.hpp"
#include "server/unavailable.hpp"
#include "sync/plan.hpp"

// The record kinds StorageTxn::customer_records() returns, as an SQL list: a macro so each
// store's query stays one string literal (the stores cache prepared statements by it).
#define COCKPIT_GUARD_KINDS_SQL "('customer','case','exception','touchpoint','scheduled')"

namespace cockpit::server {

// Mutation results each store keeps per client for replays: a device retries at most
// what it sent in its last pushes, so the last few hundred are plenty.
inline constexpr std::int64_t kKeepMutationResults = 1000;

// The store cannot be reached right now (PostgreSQL down or restarting): the request
// is answered 503 with Retry-After, and the process carries on; the next request tries
// again. Any other storage error is a 500.
struct StorageUnavailable : Unavailable {
  using Unavailable::Unavailable;
};

// The database's schema is newer than this server knows (a newer server migrated it):
// refusing is the only safe answer, older code would misread it.
struct SchemaTooNew : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The version of the stored schema this server writes (both stores: the versioned
// migrations in sqlite_schema.cpp and pg_schema.cpp reach it step by step).
inline constexpr int kStoreSchemaVersion = 3;

struct StoredRecord {
  RecordKind kind = RecordKind::customer;
  std::string id;
  std::string customer;  // the customer it belongs to ("" for a manager)
  sync::ServerRecord rec;
};

struct Account {
  std::string manager_id;
  std::string password_hash;  // crypto_pwhash_str output (Argon2id, parameters inside)
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
  std::string manager_id;
  Time created = 0, expires = 0;
};

// An upstream system's token. Scopes say what it may do: "ingest" (POST /api/ingest),
// "check" (the guard's pre-send check), "feed" (the verdict feed and suppression list).
struct Integration {
  std::string name, token_hash;
  Time created = 0;
  std::vector<std::string> scopes;
  bool may(std::string_view scope) const {
    for (const auto& s : scopes)
      if (s == scope) return true;
    return false;
  }
};

// ---- the guard on the server (guard_apply.hpp decides; these are what it keeps)

// A scheduled message's standing: may_go and held are the guard's verdicts on a pending
// message; released and cancelled are a manager's decisions.
enum class GuardState { may_go, held, released, cancelled };
std::string_view to_string(GuardState s);
std::optional<GuardState> parse_GuardState(std::string_view s);

struct VerdictRow {
  std::string scheduled, customer, kind, sender;
  GuardState state = GuardState::may_go;
  std::vector<std::string> reasons;       // hold reasons (held only), the engine's order
  std::optional<std::string> decided_by;  // released/cancelled: the manager (or actor) who decided
  std::optional<Time> decided_at;
  std::int64_t cursor = 0;  // the verdict feed's sequence number of this state
  Time at = 0;              // when the server reached this state
  bool same_standing(const VerdictRow& o) const {
    return state == o.state && reasons == o.reasons && decided_by == o.decided_by && decided_at == o.decided_at &&
           kind == o.kind && sender == o.sender;
  }
};

// One line of the suppression list: a customer with held messages, and their kinds.
struct Suppression {
  std::string customer, email;
  std::vector<std::string> kinds;
};

struct WebhookEndpoint {
  std::string id, url, secret;  // secret: "whsec_" + base64 of the HMAC key
  std::vector<std::string> events;
  Time created = 0;
  std::optional<Time> disabled_at;
  std::string disabled_reason;
};

// One event to one endpoint. `msg_id` is the Standard Webhooks `webhook-id`: the same
// on every attempt, so a receiver drops repeats.
struct Delivery {
  std::int64_t id = 0;
  std::string webhook, msg_id, event, body;
  Time created = 0, next_at = 0;
  int attempts = 0;
  std::string state = "pending";  // pending, delivered, failed (gave up), dropped (endpoint disabled)
  int last_status = 0;            // the last HTTP status (0: no answer)
  std::string last_error;
  std::optional<Time> done_at;
};

// A stored record's text: its body and field stamps as JSON text, unparsed.
struct StoredText {
  RecordKind kind = RecordKind::customer;
  std::string id;
  std::int64_t seq = 0;
  std::string body, fields;
};

// ---- source webhooks (src/server/CONNECT.md)

// A source bound to an integration by `cockpit-server add-integration --source`: the
// signing secret its webhooks are checked with, and its options (Zendesk: the marked
// kinds of tickets, "type:problem", "tag:refund").
struct ConnectSource {
  std::string source, integration, secret;
  std::vector<std::string> marked;
  Time created = 0;
};

// An event Cockpit could not apply yet: its customer is unknown (no customer has its
// e-mail or the source's customer id), or the record it changes is not there yet (a
// fulfillment before its order). Kept with the delivery as received, never dropped;
// the lead sees the list and may match an event to a customer, which applies it.
struct UnmatchedEvent {
  std::int64_t id = 0;
  std::string source, event_id, type, reason;
  std::string email, external_id;  // who the event names
  std::string waits_for;           // "customer", or "case:<id>" (applied once that case exists)
  Time at = 0, received = 0;       // the source's time of the change; when it came
  std::string headers, body;       // the source's headers (a JSON object) and the raw body
};

class StorageTxn;
// Run by every read-write transaction: before_commit inside it (the guard re-decides the
// customers it touched), after_commit once it is durable (wake the webhook sender).
struct TxnHooks {
  std::function<void(StorageTxn&)> before_commit;
  std::function<void()> after_commit;
};

struct AuditEntry {
  Time at = 0;
  std::string kind;     // sign_in, sign_in_failed, sign_out, denied, reassigned, conflict, ingest, admin
  std::string actor;    // manager id, "integration:<name>", "admin"
  std::string subject;  // what it was about (record, customer, manager)
  std::string detail;   // free text or JSON
  std::string ip;
};

struct OwnerChange {
  std::int64_t seq = 0;
  std::string customer, old_owner, new_owner;
};

struct ClientState {
  std::string client_id, manager_id;
  std::int64_t last_mutation_id = 0;
};

// Who sees what: one manager's customers, or everything (a lead).
struct Scope {
  std::string manager;
  bool everything = false;
};

// A record as a pull sends it: the body stays JSON text (no parse/dump per record).
struct RecordRow {
  RecordKind kind = RecordKind::customer;
  std::string id;
  std::int64_t seq = 0;
  std::string body;
};

struct PullData {
  std::int64_t cursor = 0;
  std::vector<RecordRow> records;
  std::vector<OwnerChange> removed;    // customers that left the scope after `since`
  std::vector<sync::Deletion> deleted; // records deleted after `since` (never for since = 0)
  bool more = false;                   // a page: `cursor` is its last record's seq, more follow
};

// One read-write transaction (serializable: the writes of all transactions are
// ordered). Destroying it without commit() rolls it back. Also answers the contract
// validator's questions about stored records (KnownRecords).
class StorageTxn : public KnownRecords {
 public:
  virtual std::optional<StoredRecord> record(RecordKind kind, const std::string& id) = 0;
  virtual std::optional<std::string> owner_of(const std::string& customer) = 0;
  virtual std::optional<OwnerChange> last_owner_change_from(const std::string& customer,
                                                            const std::string& old_owner) = 0;
  // Writes a record with the next sequence number, which it returns (and sets in
  // r.rec.seq); stamps `changed` fields with it and `client` (r.rec.fields). `actor`
  // and `client` describe the change for the change log.
  virtual std::int64_t write_record(StoredRecord& r, const std::vector<std::string>& changed,
                                    const std::string& actor, const std::string& client) = 0;
  // Deletes a record with the next sequence number (returned), leaving a tombstone so
  // devices that hold it are told (PullData::deleted).
  virtual std::int64_t delete_record(const StoredRecord& r, const std::string& actor, const std::string& client) = 0;
  // Logs a reassignment that write_record(seq) of the customer carried.
  virtual void log_owner_change(const OwnerChange& c) = 0;

  // Hints before many look-ups (an ingest's next records, the guard deciding many
  // customers): the store may read them all in one go, so the record(), owner_of(),
  // customer_records() and verdicts_of() calls that follow cost no round trip each. The
  // answers are the same with or without a hint (a write in between is seen); a store
  // whose look-ups are cheap (SQLite, in the process) ignores them.
  virtual void prefetch_records(const std::vector<std::pair<RecordKind, std::string>>& keys,
                                const std::vector<std::string>& owners_of) {
    (void)keys;
    (void)owners_of;
  }
  virtual void prefetch_customers(const std::vector<std::string>& customers) { (void)customers; }

  virtual std::optional<ClientState> client(const std::string& client_id) = 0;
  virtual void put_client(const ClientState& c) = 0;
  // The result sent for a mutation, kept for replays (the last kKeepMutationResults per
  // client).
  virtual std::optional<std::string> mutation_result(const std::string& client_id, std::int64_t mutation_id) = 0;
  virtual void put_mutation_result(const std::string& client_id, std::int64_t mutation_id,
                                   const std::string& result_json) = 0;

  virtual void audit(const AuditEntry& e) = 0;
  virtual std::int64_t cursor() = 0;
  // Runs the before-commit hook, commits, then the after-commit hook.
  virtual void commit() = 0;
  // A part of the transaction that can be undone alone (one job of a group commit,
  // server/write_queue.hpp): begin, then keep it or undo it.
  virtual void savepoint() = 0;
  virtual void keep_savepoint() = 0;
  virtual void undo_savepoint() = 0;

  // ---- the guard
  // The customers whose records this transaction wrote or deleted.
  const std::set<std::string>& touched() const { return touched_; }
  // Takes a customer back out of touched() when the only writes were ones no verdict
  // reads (a sender's first ask, stamped on its message): nothing to re-decide.
  void untouch(const std::string& customer) { touched_.erase(customer); }
  // The records of one customer the guard reads (its customer record first, then its
  // cases, exceptions, touchpoints and scheduled messages; not its promises or
  // suggestion decisions, which no rule of the guard reads), as stored: the guard reads
  // the bodies itself (server/guard_records.hpp) and needs no JSON tree of them.
  virtual std::vector<StoredText> customer_records(const std::string& customer) = 0;
  // (Those kinds are COCKPIT_GUARD_KINDS_SQL at the top of this file, for every store's query.)
  // Who made the change with this seq, and when (for a manager's release or cancel).
  virtual std::optional<std::pair<std::string, Time>> change_by(std::int64_t seq) = 0;
  virtual std::vector<VerdictRow> verdicts_of(const std::string& customer) = 0;
  virtual std::optional<VerdictRow> verdict(const std::string& scheduled) = 0;
  // Stores v as the message's standing and logs it in the feed; sets v.cursor.
  virtual void put_verdict(VerdictRow& v) = 0;
  // The message is gone (its record was deleted): no standing, nothing in the feed.
  virtual void drop_verdict(const std::string& scheduled) = 0;
  virtual std::vector<WebhookEndpoint> active_webhooks() = 0;
  virtual void enqueue_delivery(const Delivery& d) = 0;
  virtual std::optional<std::string> customer_by_email(const std::string& email) = 0;
  virtual std::vector<std::string> all_customers() = 0;
  virtual std::optional<std::string> meta(const std::string& key) = 0;
  virtual void put_meta(const std::string& key, const std::string& value) = 0;

  // ---- source webhooks (server/connect_apply.hpp decides; these are what it keeps)
  // Records the event as handled; false when it already was (a replay: change nothing).
  virtual bool claim_event(const std::string& source, const std::string& event_id, Time received) = 0;
  // The source's time of the last change applied to a record ("exception:x-stripe-in_1").
  virtual std::optional<Time> connect_version(const std::string& key) = 0;
  virtual void put_connect_version(const std::string& key, Time at) = 0;
  // The customer whose external_ids hold {source, id} (the first by id if several do).
  virtual std::optional<std::string> customer_by_external_id(const std::string& source, const std::string& id) = 0;
  virtual void put_unmatched(UnmatchedEvent& e) = 0;  // sets e.id
  virtual std::optional<UnmatchedEvent> unmatched(std::int64_t id) = 0;
  virtual std::vector<UnmatchedEvent> unmatched_waiting_for(const std::string& waits_for) = 0;
  virtual void drop_unmatched(std::int64_t id) = 0;

 protected:
  std::set<std::string> touched_;
};

// A stored manager record's body as the Manager the server needs (name, e-mail, role);
// a body that does not parse gives a Manager with its id only. Both stores read it so.
Manager manager_from_body(const std::string& id, std::string_view body);

class ServerStorage {
 public:
  virtual ~ServerStorage() = default;

  // ---- records
  virtual std::unique_ptr<StorageTxn> begin() = 0;
  // What changed for `scope` after `since`, in one consistent snapshot: every record of
  // a customer in scope changed after `since`, ALL records of a customer that came
  // into scope after `since`, managers changed after `since`, and the customers that
  // left the scope. since = 0: the whole share. For a lead (everything) at most `page`
  // records, the oldest first (0: no limit); when more follow, `more` is set and the
  // cursor is the page's last seq, so a pull from it brings the rest and whatever
  // changed meanwhile. A manager's share is one answer.
  virtual PullData read_since(const Scope& scope, std::int64_t since, std::size_t page) = 0;
  virtual std::int64_t cursor() = 0;
  virtual bool has_records() = 0;
  // Managers (id → role) as stored in the book (read with manager_from_body).
  virtual std::optional<Manager> manager(const std::string& id) = 0;

  // ---- accounts, sessions, integrations
  virtual std::optional<Account> account(const std::string& manager_id) = 0;
  virtual void put_account(const Account& a) = 0;
  virtual void add_session(const Session& s) = 0;
  virtual std::optional<Session> session(const std::string& token_hash) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
  virtual void delete_sessions_of(const std::string& manager_id) = 0;
  virtual void add_integration(const Integration& i) = 0;
  virtual std::optional<Integration> integration(const std::string& token_hash) = 0;

  // ---- the guard's standing, read outside any write (pre-send checks, the feed)
  virtual void set_hooks(TxnHooks hooks) = 0;
  virtual std::optional<VerdictRow> verdict(const std::string& scheduled) = 0;
  // Feed entries after `since`, oldest first, at most `limit`.
  virtual std::vector<VerdictRow> verdict_changes(std::int64_t since, std::size_t limit) = 0;
  virtual std::int64_t verdict_cursor() = 0;
  virtual std::vector<Suppression> suppressions() = 0;
  virtual std::optional<std::string> customer_by_email(const std::string& email) = 0;

  // ---- webhooks (admin commands and the sender thread)
  virtual void add_webhook(const WebhookEndpoint& w) = 0;
  virtual std::vector<WebhookEndpoint> webhooks() = 0;  // all, disabled ones too
  virtual bool remove_webhook(const std::string& id) = 0;
  virtual void disable_webhook(const std::string& id, const std::string& reason) = 0;
  // Pending deliveries due at `now`, oldest first, at most `limit`.
  virtual std::vector<Delivery> due_deliveries(Time now, std::size_t limit) = 0;
  // When the next pending delivery is due (nullopt: none pending).
  virtual std::optional<Time> next_delivery_at() = 0;
  virtual void update_delivery(const Delivery& d) = 0;
  virtual std::vector<Delivery> recent_deliveries(std::size_t limit) = 0;  // newest first

  // ---- source webhooks (admin commands; the endpoints read a source per delivery)
  virtual void put_connect_source(const ConnectSource& s) = 0;  // replaces the source's binding
  virtual std::optional<ConnectSource> connect_source(const std::string& source) = 0;
  // The unmatched list, oldest first, at most `limit`.
  virtual std::vector<UnmatchedEvent> unmatched_events(std::size_t limit) = 0;

  // ---- audit
  virtual void audit(const AuditEntry& e) = 0;
  virtual std::vector<AuditEntry> audit_log(std::size_t limit) = 0;  // newest first

  // ---- operations
  // Whether the store answers now (GET /readyz). An embedded file always does.
  virtual bool ready() { return true; }
  // The schema version found when opening, and the one it has now (after migrations).
  virtual std::pair<int, int> schema_versions() const = 0;
  // Several processes, one book: what one process announces (a commit's live news,
  // live_fanout.hpp), every other process serving the same store hears through the
  // callback, on a thread of the storage's own. One process (SQLite): nothing to do.
  virtual void announce(const std::string& payload) { (void)payload; }
  virtual void on_announce(std::function<void(const std::string&)> heard) { (void)heard; }

  // Flushes and closes; nothing may be called afterwards.
  virtual void close() = 0;
};

// Opens (creating if needed) the SQLite database at `path`. `synchronous_full`: every
// commit is fsynced (survives power loss), else NORMAL (survives a crash of the process).
// `migrate`: apply pending schema migrations (else a database behind is refused too).
// A schema newer than kStoreSchemaVersion throws SchemaTooNew.
std::unique_ptr<ServerStorage> open_sqlite_storage(const std::string& path, bool synchronous_full = true,
                                                   bool migrate = true);
// Connects to PostgreSQL at `url` (postgresql://…); the same rules for migrations.
std::unique_ptr<ServerStorage> open_postgres_storage(const std::string& url, bool migrate = true);
// postgresql:// or postgres:// selects PostgreSQL, anything else is a SQLite file.
std::unique_ptr<ServerStorage> open_storage(const std::string& db, bool synchronous_full = true,
                                            bool migrate = true);

}  // namespace cockpit::server
