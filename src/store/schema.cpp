#include "store/schema.hpp"

#include <array>

#include "store/sqlite.hpp"

namespace cockpit::schema {

// Notes on the design:
//  - Times are INTEGER milliseconds since the epoch (UTC), so comparisons are numeric.
//  - Enum values are TEXT in the contract's spelling: a file is readable by hand.
//  - Records are clustered by the manager who owns them: customers are WITHOUT ROWID
//    tables keyed (owner, id), every customer's record (owner, customer, id), where
//    `owner` is a copy of the customer's owner that the store keeps in step (set on
//    every upsert from the customer, moved when a customer is reassigned). `id` is
//    UNIQUE besides (upserts and lookups go by id). A manager's slice is then one
//    contiguous range per table: a handful of seeks and pages read in order, however
//    big the book. (A rowid table with an index on customer fetches each row from a
//    random page: 10,000 touchpoints = 10,000 page reads.) Rows are small (< 1/20 of a
//    page), which is what WITHOUT ROWID wants. The price: deleting a customer scans the
//    child tables for the foreign-key check (no index leads with customer); customers
//    are reassigned or become former, they are not deleted in normal use.
//  - Foreign keys hold references; rows are changed by upsert (ON CONFLICT DO UPDATE),
//    never by INSERT OR REPLACE, which would delete and re-insert under the keys.
//  - A record table's columns are its kind's field list (domain/fields.hpp), plus
//    `owner` on the records about a customer. The CREATE TABLEs below are history: a new
//    field is one line in the field list plus one step at the end of kSteps, e.g.
//      ALTER TABLE promises ADD COLUMN reminded_at INTEGER;
//    A test opens a fresh store and compares every table's columns with its field list.
//  - The steps are data, one constant each, listed in order in kSteps.
namespace {

// 0 -> 1: the contract's records.
constexpr const char* kContractRecords = R"sql(
CREATE TABLE managers (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL
);
CREATE TABLE customers (
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  owner TEXT NOT NULL REFERENCES managers(id),
  stage TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  preferred_channel TEXT NOT NULL,
  since INTEGER NOT NULL,
  former_at INTEGER,
  PRIMARY KEY (owner, id)
) WITHOUT ROWID;
CREATE TABLE cases (
  id TEXT NOT NULL UNIQUE,
  customer TEXT NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  fulfilled_at INTEGER,
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
CREATE TABLE promises (
  id TEXT NOT NULL UNIQUE,
  customer TEXT NOT NULL REFERENCES customers(id),
  case_id TEXT REFERENCES cases(id),
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  made_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  kept_at INTEGER,
  history TEXT NOT NULL DEFAULT '[]',
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
CREATE TABLE exceptions (
  id TEXT NOT NULL UNIQUE,
  customer TEXT NOT NULL REFERENCES customers(id),
  case_id TEXT REFERENCES cases(id),
  kind TEXT NOT NULL,
  summary TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  waiting_on TEXT NOT NULL,
  status TEXT NOT NULL,
  resolved_at INTEGER,
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
CREATE TABLE touchpoints (
  id TEXT NOT NULL UNIQUE,
  customer TEXT NOT NULL REFERENCES customers(id),
  case_id TEXT REFERENCES cases(id),
  at INTEGER NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL,
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
CREATE TABLE scheduled (
  id TEXT NOT NULL UNIQUE,
  customer TEXT NOT NULL REFERENCES customers(id),
  case_id TEXT REFERENCES cases(id),
  scheduled_at INTEGER NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL DEFAULT 'out' CHECK (direction = 'out'),
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  decision_note TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
)sql";

// 1 -> 2: Cockpit's own records, the change log (sync outbox) and the audit trail.
constexpr const char* kOwnRecordsChangeLogAudit = R"sql(
CREATE TABLE suggestion_decisions (
  id TEXT NOT NULL UNIQUE,
  suggestion_key TEXT NOT NULL,
  customer TEXT NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  until_at INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL REFERENCES managers(id),
  owner TEXT NOT NULL,
  PRIMARY KEY (owner, customer, id)
) WITHOUT ROWID;
-- One row per change of a record, in order (seq). change_id is unique across devices
-- (128 random bits, hex), record is the contract JSON of the record after the change
-- (NULL for a delete); synced is set once the sync has delivered the row.
-- change_id has no UNIQUE index here on purpose: locally rows are found by seq, and a
-- random key's index costs a random b-tree insert per change (a sixth of a 300,000-
-- record import). The server, which de-duplicates deliveries, indexes it.
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  record TEXT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  synced INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX change_log_unsynced ON change_log(seq) WHERE synced = 0;
-- Who did what when: one row per user action (send, new date, dismiss, import, ...).
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_by_actor ON audit(actor, at);
)sql";

// 2 -> 3: the device side of sync (src/client; src/sync/PROTOCOL.md).
constexpr const char* kDeviceSync = R"sql(
-- The record as it was before a user's edit: the push sends only the fields that
-- changed, so an edit of one field never overwrites another device's edit of another.
ALTER TABLE change_log ADD COLUMN base TEXT;
-- "Does this record have changes still on their way?" (a pull must not overwrite them).
CREATE INDEX change_log_pending ON change_log(entity, entity_id) WHERE synced = 0;
-- Small named values: client_id, cursor, and whose share this device holds.
CREATE TABLE replica_meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
-- Per record the server's sequence number this device last had (the base of an edit),
-- and the customer it belongs to (a reassignment takes them all away). `stash`: the
-- server's version held back while local changes to the record are still unsent
-- (NULL: none; '': the server does not have the record), put in place once they are
-- answered.
CREATE TABLE replica_base (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  customer TEXT NOT NULL,
  seq INTEGER NOT NULL,
  stash TEXT,
  PRIMARY KEY (entity, id)
) WITHOUT ROWID;
CREATE INDEX replica_base_by_customer ON replica_base(customer);
-- What sync has to tell the manager: a change of theirs that replaced another device's
-- (conflict), one the server refused, edits dropped because the customer was
-- reassigned. Kept until dismissed.
CREATE TABLE sync_notices (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'refused', 'dropped')),
  code TEXT NOT NULL DEFAULT '',
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  customer TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  dismissed INTEGER NOT NULL DEFAULT 0
);
)sql";

// 3 -> 4: one name per kind of record (domain/record_kind.hpp). The device wrote
// "suggestion_decision" where the sync protocol and the server say "decision".
constexpr const char* kOneNamePerKind = R"sql(
UPDATE change_log SET entity = 'decision' WHERE entity = 'suggestion_decision';
UPDATE replica_base SET entity = 'decision' WHERE entity = 'suggestion_decision';
UPDATE sync_notices SET entity = 'decision' WHERE entity = 'suggestion_decision';
)sql";

// 4 -> 5: whether a scheduled message's sender asked the guard before sending
// (set by the server, src/server/GUARD.md).
constexpr const char* kGuardAsked = R"sql(
ALTER TABLE scheduled ADD COLUMN asked_at INTEGER;
ALTER TABLE scheduled ADD COLUMN asked_by TEXT;
ALTER TABLE scheduled ADD COLUMN asked_via TEXT;
)sql";

// 5 -> 6: a customer's ids in other systems (Stripe, Shopify, Zendesk: src/server/CONNECT.md).
constexpr const char* kExternalIds = R"sql(
ALTER TABLE customers ADD COLUMN external_ids TEXT NOT NULL DEFAULT '[]';
)sql";

// kSteps[i] takes a database from version i to i + 1. Append only: never edit, reorder
// or remove a released step (a file out there may be at any version).
constexpr std::array kSteps = {kContractRecords, kOwnRecordsChangeLogAudit, kDeviceSync, kOneNamePerKind,
                               kGuardAsked, kExternalIds};

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> steps(kSteps.begin(), kSteps.end());
  return steps;
}

void migrate(sql::Db& db) {
  const auto& steps = migrations();
  for (;;) {
    // IMMEDIATE takes the write lock first, so two processes opening an old file at
    // once do not both run a step: the second re-reads the version inside the lock.
    db.exec("BEGIN IMMEDIATE");
    try {
      const auto v = db.query_int("PRAGMA user_version");
      if (v >= static_cast<std::int64_t>(steps.size())) {
        db.exec("COMMIT");
        return;
      }
      db.exec(steps[static_cast<std::size_t>(v)]);
      db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
      db.exec("PRAGMA user_version = " + std::to_string(v + 1));
      db.exec("COMMIT");
    } catch (...) {
      try {
        db.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }
}

}  // namespace cockpit::schema
