#pragma once
// The guard on the server, applied: after every write, inside the same transaction,
// the customers it touched are decided again (guard_plan.hpp says how) and what changed
// goes to the verdict feed and the webhook queue. Installed once on the storage
// (install_guard), so no write path can forget it: pushes, ingests, pre-send checks,
// admin commands and the demo all pass through it.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/settings.hpp"
#include "server/guard_plan.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

struct GuardSettings {
  Settings engine;             // the contract's thresholds, as on the devices
  std::optional<Time> as_of;   // a fixed clock (serve --as-of); none: the wall clock
  std::vector<std::string> safe_kinds;  // kinds a sender may send when it gets no answer
  Time now() const { return as_of ? *as_of : now_utc(); }
};

// Decides `customers` again in `txn`: stores changed standings, logs them in the feed,
// queues webhook deliveries. Returns how many standings changed.
std::size_t redecide(StorageTxn& txn, const std::vector<std::string>& customers, const GuardSettings& settings);

// Hooks the guard into every transaction of `storage`; `wake` runs after a commit that
// queued webhook deliveries (the sender thread's doorbell).
void install_guard(ServerStorage& storage, const GuardSettings& settings, std::function<void()> wake);

// Decides every customer once, when the database has never been decided as a whole
// (a database from before the server ran the guard). Idempotent.
void decide_everything_once(ServerStorage& storage, const GuardSettings& settings);

// The JSON every API and webhook uses for a standing.
nlohmann::json standing_json(const VerdictRow& v);

}  // namespace cockpit::server
