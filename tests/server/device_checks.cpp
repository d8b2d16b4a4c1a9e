// Shared by the device fault tests and the seeded convergence runs: see device_checks.hpp.
#include "device_checks.hpp"

#include <algorithm>
#include <map>

#include <doctest/doctest.h>

namespace cockpit::test {

client::SyncOptions quick() {
  client::SyncOptions o;
  o.heartbeat_ms = 2000;
  o.backoff_min_ms = 50;
  o.backoff_max_ms = 400;
  return o;
}

const Book& slice(TestDevice& d) {
  static const Book none;
  return d.app->session() ? d.app->session()->slice() : none;
}

bool settled(TestDevice& d) {
  const auto* s = d.app->sync_status();
  return s && s->waiting == 0 && !s->busy;
}

// Turns every device's loop until `done` holds (true) or `timeout_ms` passed (false);
// waits on each device's HTTP client in between (an answer ends the wait at once).
bool pump_all(const std::vector<TestDevice*>& devices, const std::function<bool()>& done, int timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    for (TestDevice* d : devices) d->tick();
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    for (TestDevice* d : devices) d->http->wait(devices.size() == 1 ? 20 : 5);
  }
}

// A device's records in a fixed order (a slice patched by sync keeps arrival order).
Book canonical(Book b) {
  auto by = [](auto& v) { std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.id < y.id; }); };
  by(b.managers), by(b.customers), by(b.cases), by(b.promises), by(b.exceptions), by(b.touchpoints), by(b.scheduled),
      by(b.decisions);
  return b;
}

// What differs between two books, record by record (for failure messages).
std::string difference(const Book& have, const Book& want) {
  std::string out;
  auto list = [&](const char* name, const auto& h, const auto& w) {
    std::map<std::string, std::string> hm, wm;
    for (const auto& r : h) hm[r.id] = to_json(r);
    for (const auto& r : w) wm[r.id] = to_json(r);
    for (const auto& [id, j] : hm)
      if (!wm.count(id)) out += std::string(name) + " " + id + ": only on the device\n";
      else if (wm[id] != j) out += std::string(name) + " " + id + ": device " + j + "\n    server " + wm[id] + "\n";
    for (const auto& [id, j] : wm)
      if (!hm.count(id)) out += std::string(name) + " " + id + ": only on the server\n";
  };
  list("manager", have.managers, want.managers);
  list("customer", have.customers, want.customers);
  list("case", have.cases, want.cases);
  list("promise", have.promises, want.promises);
  list("exception", have.exceptions, want.exceptions);
  list("touchpoint", have.touchpoints, want.touchpoints);
  list("scheduled", have.scheduled, want.scheduled);
  list("decision", have.decisions, want.decisions);
  return out.empty() ? "(equal)" : out;
}

// What the server gives `manager` now: the share of a fresh device signed in straight
// to the server (no proxy), in canonical order.
Book server_share(const Server& s, const std::string& db, const std::string& manager, const std::string& password) {
  TestDevice fresh(db, s.url(""), quick());
  REQUIRE_MESSAGE(fresh.sign_in(manager, password), fresh.app->sign_in_flow().error);
  return canonical(slice(fresh));
}

// Turns the devices' loops until each holds exactly `want` (its manager's share).
void require_converged(const std::vector<std::pair<TestDevice*, const Book*>>& devices, int timeout_ms) {
  std::vector<TestDevice*> all;
  for (const auto& [d, w] : devices) all.push_back(d);
  const bool ok = pump_all(
      all,
      [&] {
        for (const auto& [d, w] : devices)
          if (!settled(*d) || canonical(slice(*d)) != *w) return false;
        return true;
      },
      timeout_ms);
  if (!ok)
    for (const auto& dw : devices) {  // no structured binding: clang 14 cannot capture one in CHECK_MESSAGE
      const auto& d = dw.first;
      const auto& w = dw.second;
      CHECK_MESSAGE(canonical(slice(*d)) == *w, d->db << " differs from the server:\n" << difference(canonical(slice(*d)), *w));
    }
  REQUIRE(ok);
}

// The lead's full pull, straight from the server: every record there is.
json lead_pull(const Server& s, const std::string& lead_token) {
  HttpReply r = s.get("/api/pull?since=0", lead_token);
  REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 300));
  return r.as_json();
}

// How often each subject occurs among the server's touchpoints.
std::map<std::string, int> server_subjects(const Server& s, const std::string& lead_token) {
  std::map<std::string, int> n;
  const json pull = lead_pull(s, lead_token);
  for (const json& c : pull["changes"])
    if (c["kind"] == "touchpoint") ++n[c["record"].value("subject", "")];
  return n;
}

std::vector<SyncNotice> notices_of(TestDevice& d, const std::string& kind, const std::string& entity_id) {
  std::vector<SyncNotice> out;
  for (const SyncNotice& n : d.app->notices())
    if (n.kind == kind && (entity_id.empty() || n.entity_id == entity_id)) out.push_back(n);
  return out;
}

}  // namespace cockpit::test
