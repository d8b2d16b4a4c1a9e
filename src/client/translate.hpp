#pragma once
// Between the store's replica state and the sync protocol's messages, both ways.
// Pure apart from reading `known` (what the device already holds, to check that the
// records the server sends refer to records that exist). Table-tested in
// tests/unit/client.
//
//   outbox entry  --to_mutation-->  sync::Mutation        (only the fields that changed)
//   push response --acks_of------>  RemoteAck + notices   (applied, refused, conflicts)
//   pull response --batch_of----->  RemoteBatch           (records parsed and checked)
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "sync/protocol.hpp"

namespace cockpit::client {

// The mutation for one outbox entry: an upsert carries the fields that differ from the
// record before the edit (all of them for a record the edit created), a delete only
// names the record. nullopt + `error` when the stored JSON is unreadable.
std::optional<sync::Mutation> to_mutation(const OutboxEntry& entry, std::string* error = nullptr);

// A push's results, matched to the entries that were sent (by mutation id). Conflicts
// and refusals become notices for the manager. Results for ids that were not sent are
// ignored. `at` stamps the notices.
struct Acks {
  std::vector<RemoteAck> acks;
  std::vector<SyncNotice> notices;
  std::string error;  // a result the device could not read (the whole answer is then not applied)
};
Acks acks_of(const sync::PushResponse& response, const std::vector<OutboxEntry>& sent, const KnownRecords& known,
             Time at);

// A pull's changes, removals and deletions as one batch (records parsed and checked as
// one document, so a new customer and its cases arrive together). `error`: a record
// the device could not read — nothing of the answer is applied then.
struct Pulled {
  RemoteBatch batch;
  std::string error;
};
Pulled batch_of(const sync::PullResponse& pull, const KnownRecords& known);

// A sentence for a conflict: "Your change to the due date of promise p-1
// (2026-12-04 17:00) replaced 2026-11-28 23:59, set on another device meanwhile. …"
std::string describe_conflict(const sync::Conflict& c, RecordKind kind, const std::string& id);

}  // namespace cockpit::client
