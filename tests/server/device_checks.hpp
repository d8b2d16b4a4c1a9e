#pragma once
// What the device tests check, in one place (the fault tests, the seeded convergence
// runs): a device's records in canonical order, the share a fresh device of the same
// person gets from the server, waiting until every device holds exactly that, and the
// server's touchpoints counted by subject (each edit there exactly once).
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "device.hpp"
#include "domain/document.hpp"
#include "harness.hpp"

namespace cockpit::test {

// Quick retries and a short heartbeat for tests.
client::SyncOptions quick();
// The device's records now (empty before sign-in).
const Book& slice(TestDevice& d);
// Nothing waiting in the outbox, no exchange under way.
bool settled(TestDevice& d);
// Turns every device's loop until `done` holds (true) or `timeout_ms` passed (false);
// waits on each device's HTTP client in between (an answer ends the wait at once).
bool pump_all(const std::vector<TestDevice*>& devices, const std::function<bool()>& done, int timeout_ms = 15000);
// A device's records in a fixed order (a slice patched by sync keeps arrival order).
Book canonical(Book b);
// What differs between two books, record by record (for failure messages).
std::string difference(const Book& have, const Book& want);
// What the server gives `manager` now: the share of a fresh device signed in straight
// to the server (no proxy), in canonical order.
Book server_share(const Server& s, const std::string& db, const std::string& manager, const std::string& password);
// Turns the devices' loops until each holds exactly `want` (its manager's share).
void require_converged(const std::vector<std::pair<TestDevice*, const Book*>>& devices, int timeout_ms = 20000);
// The lead's full pull, straight from the server: every record there is.
json lead_pull(const Server& s, const std::string& lead_token);
// How often each subject occurs among the server's touchpoints.
std::map<std::string, int> server_subjects(const Server& s, const std::string& lead_token);
// The device's notices of `kind` ("refused", "conflict", …), about `entity_id` or any.
std::vector<SyncNotice> notices_of(TestDevice& d, const std::string& kind, const std::string& entity_id);

}  // namespace cockpit::test
