#pragma once
// What the server does with one mutation, decided by a pure function from the server's
// CURRENT state (read inside the apply transaction) — never from what the client claims
// about owners. The server then validates the resulting record against the contract and
// writes it; tests drive plan_mutation() with tables of cases (tests/server/plan_test).
//
// The rule for concurrent edits (PROTOCOL.md, "Concurrent edits"): per field, the last
// writer by server order wins. A field the device changed that the server changed after
// the device's base_seq, to a different value, is reported back as a Conflict.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "sync/protocol.hpp"

namespace cockpit::sync {

// Who is asking, as the server knows it (from the session, never from the request).
struct Identity {
  std::string manager;
  Role role = Role::manager;
  bool is_lead() const { return role == Role::lead; }
};

// When a field last changed, and which device changed it ("" for ingest and admin).
// A device's later edit of a field it wrote itself is never a conflict: it may send
// several edits of one record before it has seen the first one's result.
struct FieldStamp {
  std::int64_t seq = 0;
  std::string client;
  bool operator==(const FieldStamp&) const = default;
};

// A record as the server holds it.
struct ServerRecord {
  json body;                                 // contract form
  std::int64_t seq = 0;                      // last change
  std::map<std::string, FieldStamp> fields;  // last change per field (missing: not changed since created)
};

json stamps_to_json(const std::map<std::string, FieldStamp>& stamps);
std::map<std::string, FieldStamp> stamps_from_json(const json& j);

// The server's current facts about the customer the mutation concerns.
struct CustomerFacts {
  bool exists = false;
  std::string owner;
  // The latest reassignment of this customer AWAY from the identity, if any (its seq).
  // Lets a refusal say "reassigned" instead of "not yours".
  std::int64_t reassigned_away_seq = 0;
  std::string reassigned_to;
};

struct Plan {
  bool apply = false;   // false: refused (code, message) or nothing to change (noop)
  bool noop = false;    // applied, but every field already had this value
  std::string code, message;
  json body;                                // the record after the mutation (apply)
  std::vector<std::string> changed_fields;  // fields whose value changes
  std::vector<Conflict> conflicts;
  bool remove = false;         // a delete: take the record away (a tombstone tells devices)
  bool owner_changes = false;  // a reassignment: log it and move the customer's records
  std::string old_owner, new_owner;
};

// The customer a record belongs to: a customer's own id, the `customer` field of the
// others, empty for a manager.
std::string customer_of(RecordKind kind, const std::string& id, const json& body);

// Decides one mutation. `current` is the record as stored (nullopt: new); `customer`
// describes the customer it belongs to — for an existing record the STORED record's
// customer, for a new one the customer named in the mutation (for a new customer:
// exists=false). `new_owner_exists` answers for a reassignment's new owner.
Plan plan_mutation(const Identity& who, const std::string& client_id, const Mutation& m, const std::optional<ServerRecord>& current,
                   const CustomerFacts& customer, bool new_owner_exists);

// The fields whose value differs between two records (keys of either).
std::vector<std::string> diff_fields(const json& before, const json& after);

}  // namespace cockpit::sync
