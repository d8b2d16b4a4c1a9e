#pragma once
// What a source's webhook event means for Cockpit's records (src/server/CONNECT.md has
// the tables). Pure: one delivery (its headers and body) in, the event's identity and a
// list of record changes out; nothing here reads storage. connect_apply.cpp then
// matches the customer, orders the changes by the source's own times and applies them
// through the contract's ingest in one transaction.
//
// Record ids are made from the source's ids ("x-stripe-in_1…", "k-shopify-450789469"),
// so the same object always lands on the same record.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/record_kind.hpp"
#include "domain/time.hpp"
#include "server/connect_sign.hpp"
#include "sync/plan.hpp"

namespace cockpit::server {

// Who an event is about: the source's own customer id (kept on the customer's
// `external_ids`), an e-mail address, or (a fulfillment names only its order) the
// customer of a case Cockpit already has. Tried in that order: via_case, external, email.
struct CustomerRef {
  std::string external_id, email, via_case;
  bool empty() const { return external_id.empty() && email.empty() && via_case.empty(); }
};

// What to do when a patched record does not exist yet.
enum class WhenMissing {
  create,  // create it from `create` + `fields`
  skip,    // nothing to change (e.g. "paid" for an invoice that never failed); the time is kept
  wait,    // the event waits (unmatched list) until the record exists (a fulfillment before its order)
};

// A change to one record: set `fields` (contract spelling). `id` "" with kind customer:
// the matched customer. `versioned`: ordered by the event's time against earlier
// changes of this record (an older event never overwrites a newer one).
struct Patch {
  RecordKind kind = RecordKind::customer;
  std::string id;
  sync::json fields = sync::json::object();
  WhenMissing missing = WhenMissing::skip;
  sync::json create = sync::json::object();  // the rest of a new record (its customer is added)
  bool versioned = true;
};

struct Mapped {
  std::string event_id, type;
  Time at = 0;  // the source's own time of the change: orders changes of one record
  CustomerRef who;
  std::vector<Patch> patches;
  std::string ignored;  // an event type with no mapping: answered 2xx, logged, nothing kept
  std::string error;    // not an event of this source: answered 400, nothing kept
  std::string field;    // with error: the key at fault, if one
};

// Options an admin gives a source: for Zendesk, which tickets raise an exception while
// open ("type:problem", "tag:refund", "priority:urgent"; default type:problem, type:incident).
struct SourceOptions {
  std::vector<std::string> marked;
};
std::vector<std::string> default_marked();

// `headers`: names lower-case; `body`: already parsed (an object).
Mapped map_event(Source source, const std::map<std::string, std::string>& headers, const sync::json& body,
                 const SourceOptions& options);

// The event types each source maps (CONNECT.md's tables; the tests walk this list).
const std::vector<std::string>& mapped_types(Source source);

}  // namespace cockpit::server
