#pragma once
// Applies a source's webhook event (connect_map.hpp says what it changes) in the
// caller's transaction, all or nothing (src/server/CONNECT.md):
//  1. the event's id is claimed: an id seen before is a replay and changes nothing;
//  2. its customer is found: the customer of the case it names, else the one whose
//     external_ids hold the source's customer id, else the one with its e-mail;
//     none: the event is kept in the unmatched list (with why), never dropped;
//  3. each change is ordered by the source's own time: a record last changed by a newer
//     event keeps what it has (a late or out-of-order delivery never moves it back);
//     a change that needs a record not there yet (a fulfillment before its order)
//     keeps the whole event waiting, and it is applied when that record arrives;
//  4. the changed records go through the contract's ingest (ingest_in) as one
//     document: validated, written with their seqs, the guard re-decides, devices
//     are told. A document the contract refuses leaves nothing and the event is kept
//     in the unmatched list with the contract's message.
// A customer matched by e-mail learns the source's customer id (external_ids), so the
// source's later events that name only that id find it.
#include <map>
#include <string>

#include "server/connect_map.hpp"
#include "server/live.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

struct ConnectEvent {
  Source source = Source::stripe;
  Mapped mapped;
  std::string headers, body;  // as received (headers: the source's own, a JSON object)
  Time received = 0;
};

struct ConnectContext {
  std::map<Source, SourceOptions> options;  // for re-reading events that waited
  std::string ip;
};

enum class ConnectOutcome { applied, replay, unmatched };
std::string_view to_string(ConnectOutcome o);

struct ConnectResult {
  ConnectOutcome outcome = ConnectOutcome::applied;
  std::string customer, reason;  // reason: why it is in the unmatched list
  std::int64_t unmatched_id = 0;
  std::size_t changed = 0, stale = 0;  // records written; changes older than the record's
  std::int64_t cursor = 0;
  Affected affected;
};

ConnectResult apply_connect_event(StorageTxn& txn, const ConnectEvent& ev, const ConnectContext& ctx);

// The lead matches an event of the unmatched list to a customer: it is applied for that
// customer (ordered like any other), and the customer learns the source's customer id.
// nullopt: no such event (or no such customer: `error` says which).
std::optional<ConnectResult> match_unmatched(StorageTxn& txn, std::int64_t id, const std::string& customer,
                                             const ConnectContext& ctx, std::string& error);

// One line saying what an event of the unmatched list would do, read again from the
// delivery: its first record's summary, title or subject ("Payment failed: invoice
// 0042 (42.00 EUR)"); the event type when it has none.
std::string unmatched_summary(const UnmatchedEvent& u, const ConnectContext& ctx);

// The source's headers that an event is read from again later (unmatched list).
std::string kept_headers(const std::map<std::string, std::string>& headers);

}  // namespace cockpit::server
