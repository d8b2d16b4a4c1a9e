// Devices end to end: the app's controller on real SQLite files, syncing through the
// native HTTP client with the real cockpit-server on loopback (--demo book).
#include <doctest/doctest.h>

#include <algorithm>

#include "device.hpp"
#include "device_checks.hpp"
#include "harness.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

const Promise* first_open_promise(const Book& b) {
  for (const Promise& p : b.promises)
    if (p.status == PromiseStatus::open) return &p;
  return nullptr;
}

const Promise* promise_in(const Book& b, const std::string& id) {
  for (const Promise& p : b.promises)
    if (p.id == id) return &p;
  return nullptr;
}

bool has_customer(const Book& b, const std::string& id) {
  return std::any_of(b.customers.begin(), b.customers.end(), [&](const Customer& c) { return c.id == id; });
}

}  // namespace

TEST_CASE("two devices of one manager: a change made on one shows on the other without a manual sync") {
  Server s(temp_path("devices-live.db"), {"--demo", "--heartbeat", "2"});
  s.start();
  TestDevice a(temp_path("devices-live-a.db"), s.url(""), quick());
  TestDevice b(temp_path("devices-live-b.db"), s.url(""), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  CHECK(a.app->session()->slice() == b.app->session()->slice());
  // B's live channel is up before A acts.
  REQUIRE(b.pump_until([&] { return b.app->sync_status()->link == client::Link::live; }));

  const Promise* p = first_open_promise(a.app->session()->slice());
  REQUIRE(p);
  const std::string id = p->id;
  Outcome out = a.app->apply(MarkKept{id}, a.now());
  REQUIRE(out.ok);
  REQUIRE(a.settle());
  // B is told through its parked poll and pulls; nobody asks it to.
  REQUIRE(b.pump_until([&] {
    const Promise* q = promise_in(b.app->session()->slice(), id);
    return q && q->status == PromiseStatus::kept;
  }));
  CHECK(b.app->recently_changed(p->customer, b.now()) > 0);
  CHECK(a.app->unsent_changes() == 0);
  CHECK(s.stop() == 0);
}

TEST_CASE("a lead's reassignment moves the customer off one manager's device and onto another's at once") {
  Server s(temp_path("devices-reassign.db"), {"--demo", "--heartbeat", "2"});
  s.start();
  TestDevice lead(temp_path("devices-reassign-lead.db"), s.url(""), quick());
  TestDevice anna(temp_path("devices-reassign-anna.db"), s.url(""), quick());
  TestDevice ben(temp_path("devices-reassign-ben.db"), s.url(""), quick());
  REQUIRE(lead.sign_in("m-lena", "demo-lena"));
  REQUIRE(anna.sign_in("m-anna", "demo-anna"));
  REQUIRE(ben.sign_in("m-ben", "demo-ben"));
  REQUIRE(anna.pump_until([&] { return anna.app->sync_status()->link == client::Link::live; }));
  REQUIRE(ben.pump_until([&] { return ben.app->sync_status()->link == client::Link::live; }));

  const std::string customer = anna.app->session()->slice().customers.front().id;
  REQUIRE(!has_customer(ben.app->session()->slice(), customer));
  REQUIRE(lead.app->apply(ReassignCustomer{customer, "m-ben"}, lead.now()).ok);
  REQUIRE(lead.settle());
  REQUIRE(anna.pump_until([&] { return !has_customer(anna.app->session()->slice(), customer); }));
  REQUIRE(ben.pump_until([&] { return has_customer(ben.app->session()->slice(), customer); }));
  // Ben has every record of the customer, not only the customer.
  const auto& bs = ben.app->session()->slice();
  CHECK(std::any_of(bs.promises.begin(), bs.promises.end(), [&](const Promise& p) { return p.customer == customer; }));
  CHECK(s.stop() == 0);
}

TEST_CASE("an edit queued offline for a customer reassigned meanwhile is refused and shown, not lost silently") {
  Server s(temp_path("devices-queued.db"), {"--demo", "--heartbeat", "2"});
  s.start();
  TestDevice lead(temp_path("devices-queued-lead.db"), s.url(""), quick());
  REQUIRE(lead.sign_in("m-lena", "demo-lena"));
  std::string customer, promise, token;
  const std::string anna_db = temp_path("devices-queued-anna.db");
  {
    TestDevice anna(anna_db, s.url(""), quick());
    REQUIRE(anna.sign_in("m-anna", "demo-anna"));
    const Promise* p = first_open_promise(anna.app->session()->slice());
    REQUIRE(p);
    customer = p->customer;
    promise = p->id;
    token = anna.tokens.token;  // the desktop keeps it in a file beside the database
  }
  // Anna's device goes offline (pointed at a closed port), makes an edit, the lead
  // reassigns the customer, the device comes back.
  TestDevice anna(anna_db, "http://127.0.0.1:9", quick());
  anna.tokens.token = token;
  anna.restart();
  INFO(anna.app->error());
  REQUIRE(anna.app->signed_in());
  REQUIRE(anna.app->apply(MarkKept{promise}, anna.now()).ok);
  CHECK(anna.app->unsent_changes() == 1);
  REQUIRE(lead.app->apply(ReassignCustomer{customer, "m-ben"}, lead.now()).ok);
  REQUIRE(lead.settle());

  anna.reconnect(s.url(""));
  REQUIRE(anna.app->signed_in());
  REQUIRE(anna.pump_until([&] { return !has_customer(anna.app->session()->slice(), customer); }));
  REQUIRE(anna.settle());
  const auto notices = anna.app->notices();
  REQUIRE(!notices.empty());
  CHECK(notices.front().code == "reassigned");
  CHECK(notices.front().message.find("m-ben") != std::string::npos);
  CHECK(s.stop() == 0);
}
