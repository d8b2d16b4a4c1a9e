#pragma once
// The local store: one SQLite file holding the contract's records, Cockpit's own
// records, the change log (the future sync's outbox) and the audit trail.
//
// Every public function returns a Result/Status and never throws. Every change of a
// record goes through put()/remove(), which also append one change-log row, so the log
// is complete by construction. A function that fails leaves nothing half-applied: its
// own work is rolled back, and inside transaction() the whole transaction is.
//
// Typical use by the action layer (one user action = one transaction):
//
//   Stamp who{"m-anna", now_utc()};
//   Status s = store.transaction([&]() -> Status {
//     if (auto r = store.put(promise, who); !r) return Error{r.error()};
//     if (auto r = store.put(touchpoint, who); !r) return Error{r.error()};
//     return store.append_audit(who, "new_date", R"({"promise":"p-1"})");
//   });
//
// Not thread-safe: one Store per thread (SQLite's own locking keeps several processes
// safe, e.g. the desktop app and cockpit-cli on the same file).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/document.hpp"
#include "domain/record_write.hpp"
#include "domain/records.hpp"
#include "store/result.hpp"

namespace cockpit {

struct OpenOptions {
  // SQLite journal mode. WAL natively (readers never block the writer); the browser
  // build passes "DELETE" (its VFS has no shared memory for WAL).
  std::string journal_mode = "WAL";
  // false: refuse to create a file that does not exist yet.
  bool create = true;
  // SQLite page cache, in MiB (memory is only taken as pages are read).
  int cache_mb = 64;
};

// Who makes a change and when: stored with each change-log and audit row.
struct Stamp {
  std::string actor;  // a manager id, or e.g. "import", "system:demo"
  Time at = 0;
};

// One row of the change log (the sync outbox).
struct Change {
  std::int64_t seq = 0;    // local order, increasing
  std::string change_id;   // 32 hex digits (128 random bits): unique across devices
  RecordKind entity = RecordKind::manager;
  std::string entity_id;
  std::string op;          // "upsert" | "delete"
  std::optional<std::string> record;  // contract JSON after the change; nullopt for delete
  Time at = 0;
  std::string actor;
  bool synced = false;
};

// One row of the audit trail.
struct AuditEntry {
  std::int64_t seq = 0;
  Time at = 0;
  std::string actor, action;
  std::string detail;  // a JSON value, "{}" when there is nothing to add
};

// ---------------------------------------------------------------- replica (device side of sync)
// The store does what sync decided; deciding is src/client's job.

// A change waiting in the outbox, with what a push needs to send only its fields.
struct OutboxEntry {
  std::int64_t seq = 0;                // the change's number: its mutation id
  RecordKind entity = RecordKind::manager;
  std::string id, op;                  // op: "upsert" | "delete"
  std::optional<std::string> record;   // contract JSON after the change (upsert)
  std::optional<std::string> base;     // before it, when it edited an existing record
  std::int64_t base_seq = 0;           // the server's seq of the record as this device had it (0: new)
};

// Something sync must tell the manager (kept until dismissed).
struct SyncNotice {
  std::int64_t seq = 0;
  Time at = 0;
  std::string kind;       // "conflict" (your change replaced another device's), "refused", "dropped"
  std::string code;       // the server's code: "reassigned", "not_owner", "invalid", …
  std::string entity, entity_id, customer;
  std::string message;    // a sentence for the manager
  std::string detail = "{}";  // JSON: the conflicting values, …
  bool dismissed = false;
};

// What the server answered for one change this device pushed.
enum class AckStatus {
  applied,  // the server holds `record` now (nullopt: it deleted the record)
  refused,  // not applied: the local edit is undone
  settled,  // processed long ago, its result no longer kept: nothing to change here
};
struct RemoteAck {
  std::int64_t change_seq = 0;         // the outbox entry (mutation id)
  RecordKind entity = RecordKind::manager;
  std::string id;
  AckStatus status = AckStatus::applied;
  std::int64_t seq = 0;                // applied: the record's server seq now
  std::optional<AnyRecord> record;     // applied: the server's version (nullopt: deleted)
};

struct RemoteRecord {
  AnyRecord record;
  std::int64_t seq = 0;
};

// One answer of the server, applied to this device in ONE transaction: the results of a
// push, and what a pull brought. A record with changes still unsent is never
// overwritten: the server's version waits (stash) until those are answered.
struct RemoteBatch {
  std::vector<RemoteAck> acks;
  bool full = false;                         // the whole share: every other record goes
  std::vector<RemoteRecord> records;         // the server's versions
  std::vector<std::pair<RecordKind, std::string>> deletions;
  std::vector<std::string> removed_customers;  // left this identity's view: everything about them goes
  std::optional<std::int64_t> cursor;        // stored as replica value "cursor"
  std::vector<SyncNotice> notices;           // conflicts and refusals to keep
};

// What changed in this device's records, to bring an open slice up to date.
struct RemoteApplied {
  bool reload = false;            // a full share or a removal: reload the slice
  RecordWrites writes;            // otherwise: these upserts and erasures, in order
  std::vector<std::string> customers;  // customers whose records changed from elsewhere (shown briefly)
  std::size_t dropped = 0;        // unsent changes dropped because their customer left
};

struct ImportSummary {
  std::size_t changed = 0;    // rows inserted or updated
  std::size_t unchanged = 0;  // rows already exactly so
};

class Store {
 public:
  // Opens or creates a store. Refuses, without writing to it: a file that is not a
  // database, a database that is not Cockpit's, and one written by a newer Cockpit
  // (schema version above latest_schema_version()). An older file is upgraded.
  static Result<Store> open(const std::string& path, const OpenOptions& options = {});
  static int latest_schema_version();

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  int schema_version() const;
  // What the store holds, for parse_document(text, &store.known()).
  const KnownRecords& known() const;

  // ------------------------------------------------------------ documents
  // Validates a contract document against the contract and the store, then applies it
  // in one transaction (see import_document). Messages are joined by "\n".
  Result<ImportSummary> import_text(std::string_view text, const Stamp& who);
  // Upserts every record of a (validated) Book in one transaction, parents first. Only
  // rows that really change get a change-log row, so importing the same Book twice
  // changes nothing the second time. All or nothing.
  Result<ImportSummary> import_document(const Book& book, const Stamp& who);
  // Everything, each list ordered by id.
  Result<Book> export_all();
  // What one identity sees: all managers (so names resolve), and a manager's own
  // customers with every record of theirs; a lead sees every customer. Lists are in no
  // particular order. Fails for an unknown manager id.
  Result<Book> load_slice(std::string_view manager_id);

  // ------------------------------------------------------------ records
  // Upsert one record and log the change. Result: true when the row changed (false:
  // it was already exactly so; nothing is logged). Atomic alone; inside transaction()
  // part of the caller's transaction. References must exist (foreign keys).
  Result<bool> put(const Manager& r, const Stamp& who);
  Result<bool> put(const Customer& r, const Stamp& who);
  Result<bool> put(const Case& r, const Stamp& who);
  Result<bool> put(const Promise& r, const Stamp& who);
  Result<bool> put(const Exception& r, const Stamp& who);
  Result<bool> put(const Touchpoint& r, const Stamp& who);
  Result<bool> put(const Scheduled& r, const Stamp& who);
  Result<bool> put(const SuggestionDecision& r, const Stamp& who);
  // Deletes one record and logs it. Result: true when it existed. Fails (changing
  // nothing) while other records still refer to it.
  Result<bool> remove(RecordKind kind, std::string_view id, const Stamp& who);

  // One record by id; nullopt when there is none.
  Result<std::optional<Manager>> get_manager(std::string_view id);
  Result<std::optional<Customer>> get_customer(std::string_view id);
  Result<std::optional<Case>> get_case(std::string_view id);
  Result<std::optional<Promise>> get_promise(std::string_view id);
  Result<std::optional<Exception>> get_exception(std::string_view id);
  Result<std::optional<Touchpoint>> get_touchpoint(std::string_view id);
  Result<std::optional<Scheduled>> get_scheduled(std::string_view id);
  Result<std::optional<SuggestionDecision>> get_decision(std::string_view id);

  // ------------------------------------------------------------ transactions
  // Runs fn in one transaction: committed when it returns ok, rolled back (wholly) when
  // it returns an error or throws. Nests (inner levels are savepoints; an inner failure
  // rolls back only the inner level, and the outer fn decides what to do).
  Status transaction(const std::function<Status()>& fn);
  // Runs fn in one read transaction: a consistent snapshot, and one lock for all the
  // lookups it makes through known(). Alone, each lookup takes the file's lock and
  // looks for a hot journal: a syscall natively, a walk of the file system's paths in
  // the browser (there, 20,000 lookups cost seconds). Inside transaction() it just runs.
  Status reading(const std::function<void()>& fn);

  // ------------------------------------------------------------ audit trail
  // detail must be a JSON value (refused otherwise).
  Status append_audit(const Stamp& who, std::string_view action, std::string_view detail_json = "{}");
  // Entries with seq > after_seq, oldest first, at most limit.
  Result<std::vector<AuditEntry>> audit(std::int64_t after_seq = 0, std::size_t limit = 1000);

  // ------------------------------------------------------------ change log (outbox)
  // Rows with seq > after_seq, oldest first, at most limit; only unsynced ones if asked.
  Result<std::vector<Change>> changes(std::int64_t after_seq = 0, std::size_t limit = 1000,
                                      bool unsynced_only = false);
  // Marks every row up to and including seq as delivered.
  Status mark_synced(std::int64_t up_to_seq);

  // ------------------------------------------------------------ replica (device side of sync)
  // Named values of this device's replica ("client_id", "cursor", "manager", …); "" when unset.
  Result<std::string> replica_value(std::string_view key);
  Status set_replica_value(std::string_view key, std::string_view value);
  // The oldest unsent changes, at most limit, with their bases.
  Result<std::vector<OutboxEntry>> outbox(std::size_t limit = 1000);
  Result<std::size_t> outbox_size();
  // Applies an answer of the server (see RemoteBatch). All or nothing.
  Result<RemoteApplied> apply_remote(const RemoteBatch& batch, const Stamp& who);
  Result<std::vector<SyncNotice>> notices(bool include_dismissed = false, std::size_t limit = 100);
  Result<std::size_t> notice_count();       // not dismissed
  Status dismiss_notice(std::int64_t seq);  // 0: all of them

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cockpit
