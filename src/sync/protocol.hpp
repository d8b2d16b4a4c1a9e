#pragma once
// The sync protocol's messages (src/sync/PROTOCOL.md), shared by the clients and the
// server: plain structs and their JSON form. Pure: no I/O, no clock, no storage.
//
// Decoding never throws to the caller: a malformed message gives an error that names
// the field ("mutations[3].base_seq: expected an integer").
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/record_kind.hpp"
#include "domain/records.hpp"

namespace cockpit::sync {

using json = nlohmann::json;

// The schema this build speaks. A client older than kMinClientSchema is told to reload
// (HTTP 426, code "reload_required"); a client newer than the server gets 409
// "server_too_old" and keeps its outbox until the server is upgraded.
constexpr int kSchemaVersion = 1;
constexpr int kMinClientSchema = 1;

// upsert: set fields; reassign: give a customer to another manager (a lead only);
// remove ("delete" on the wire): take a record away — what undo does to a message or a
// decision an action had just created. Customers and managers are never deleted.
enum class MutationKind { upsert, reassign, remove };
std::string_view to_string(MutationKind k);

// One change from a device's outbox.
struct Mutation {
  std::int64_t mutation_id = 0;  // strictly increasing per client_id
  MutationKind kind = MutationKind::upsert;
  RecordKind record_kind = RecordKind::customer;
  std::string record_id;
  // upsert: the fields this edit sets, in contract form (a new record: all of them).
  // Fields not named keep the server's value, so an edit of `status` never undoes a
  // concurrent edit of `due_at`.
  json fields = json::object();
  // The record's server sequence number the edit started from (0: the device thinks
  // the record is new). Decides what counts as a concurrent edit.
  std::int64_t base_seq = 0;
  std::string new_owner;  // reassign: the manager who gets the customer
  bool operator==(const Mutation&) const = default;
};

struct PushRequest {
  std::string client_id;
  int schema_version = 0;
  std::vector<Mutation> mutations;
  // When set, the response also carries what changed since this cursor (a pull read
  // right after the push committed): one request instead of a push and a pull.
  std::optional<std::int64_t> since;
};

enum class MutationStatus { applied, refused };
std::string_view to_string(MutationStatus s);

// A field the device changed that another device had changed on the server after the
// device's base_seq, to a different value. The device's value won (last writer by server
// order); `theirs` is what it replaced, so the manager can be shown it.
struct Conflict {
  std::string field;
  json yours, theirs;
  bool operator==(const Conflict&) const = default;
};

// Refusal codes, stable for clients to branch on.
namespace codes {
inline constexpr const char* not_owner = "not_owner";        // someone else's customer
inline constexpr const char* reassigned = "reassigned";      // was yours, reassigned since
inline constexpr const char* forbidden = "forbidden";        // role may not do this
inline constexpr const char* invalid = "invalid";            // breaks the contract
inline constexpr const char* not_found = "not_found";        // no such record/customer/manager
inline constexpr const char* immutable = "immutable_field";  // e.g. moving a case to another customer
}  // namespace codes

struct MutationResult {
  std::int64_t mutation_id = 0;
  MutationStatus status = MutationStatus::applied;
  std::string code, message;        // refused: why (code from `codes`), for the manager
  std::int64_t seq = 0;             // applied: the record's seq now (its new base)
  json record;                      // applied: the record as the server now holds it
  std::vector<Conflict> conflicts;  // applied over a concurrent edit
  bool replayed = false;            // a retry of a mutation already processed: same result
};

struct PullResponse;

struct PushResponse {
  std::int64_t cursor = 0;  // the server's cursor after this push
  std::vector<MutationResult> results;
  std::shared_ptr<PullResponse> pull;  // present when the request carried `since`
};

// One record as a pull delivers it.
struct Change {
  RecordKind kind = RecordKind::customer;
  std::string id;
  std::int64_t seq = 0;
  json record;
};

// A customer (with every record about it) that left the identity's view.
struct Removal {
  std::string customer;
  std::int64_t seq = 0;
  std::string reason = "reassigned";
  std::string new_owner;
};

// A record that was deleted (a `remove` mutation) after the pull's `since`.
struct Deletion {
  RecordKind kind = RecordKind::touchpoint;
  std::string id;
  std::int64_t seq = 0;
};

struct PullResponse {
  std::int64_t cursor = 0;  // pass as `since` next time
  bool full = false;        // since was 0: this is the whole share, replace local data
  bool more = false;        // a page of a lead's share: pull again from `cursor` at once
  std::vector<Change> changes;
  std::vector<Removal> removed;
  std::vector<Deletion> deleted;
};

// The answer to a live poll (GET /api/live): the server's cursor, whether something
// changed for this identity, or a heartbeat.
struct LiveAnswer {
  std::int64_t cursor = 0;
  bool changed = false;
  bool heartbeat = false;
};

// A decoded message or why it could not be decoded.
template <class T>
struct Decoded {
  std::optional<T> value;
  std::string error;  // "mutations[2].fields: expected an object"
  bool ok() const { return value.has_value(); }
};

// Limits on a push, checked while decoding (on top of the HTTP body and depth limits).
struct PushLimits {
  std::size_t max_mutations = 1000;
  std::size_t max_id = 200;  // bytes in a client, record or manager id
};

json to_json(const Mutation& m);
json to_json(const PushRequest& r);
json to_json(const MutationResult& r);
json to_json(const PushResponse& r);
json to_json(const PullResponse& r);

Decoded<Mutation> decode_mutation(const json& j, const PushLimits& limits = {});
Decoded<PushRequest> decode_push(const json& j, const PushLimits& limits = {});
Decoded<MutationResult> decode_result(const json& j);
Decoded<PushResponse> decode_push_response(const json& j);
Decoded<PullResponse> decode_pull(const json& j);
// `changed` and `heartbeat` are optional booleans (false when absent); anything but a
// boolean there is an error, never a throw.
Decoded<LiveAnswer> decode_live(const json& j);

}  // namespace cockpit::sync
