// The lead's panel of source events with no customer (issue 20), end to end: the real
// cockpit-server (demo book) receives a signed Stripe event naming nobody it knows; the
// lead's device — the app's AppController over the native HTTP client, the same code
// the desktop and browser builds run — lists it in the team view's panel model, matches
// it to a customer, and then holds the event's exception on that customer. Offline the
// panel says so; a manager's device sees no list.
#include <doctest/doctest.h>

#include <algorithm>

#include "connect_fixtures.hpp"
#include "device.hpp"
#include "device_checks.hpp"
#include "harness.hpp"

using namespace cockpit;
using namespace cockpit::test;
using namespace cockpit::test::connect;

namespace {

const std::string kStripe = "whsec_device_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";

const vm::UnmatchedRow* row_of(const vm::UnmatchedPanel& p, const std::string& type, const std::string& names) {
  for (const vm::UnmatchedRow& r : p.rows)
    if (r.type == type && r.names.find(names) != std::string::npos) return &r;
  return nullptr;
}

const Exception* exception_in(const Book& b, const std::string& id) {
  for (const Exception& x : b.exceptions)
    if (x.id == id) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("an unmatched Stripe event shows in the lead's panel; matching it moves it to the customer") {
  Server s(temp_path("device-unmatched.db"), {"--demo", "--heartbeat", "2"});
  s.start();
  bind_source(s, "stripe", kStripe);
  TestDevice lead(temp_path("device-unmatched-lena.db"), s.url(""), quick());
  REQUIRE(lead.sign_in("m-lena", "demo-lena"));

  // Stripe tells of a failed payment of a customer Cockpit has never heard of.
  const std::string body = stripe_event("invoice.payment_failed", "evt_device_1", now_s(),
                                        stripe_invoice("in_device_1", "cus_device_1", "jonas.private@elsewhere.example", 4200))
                               .dump();
  const HttpReply sent = s.call(stripe_call(kStripe, body, now_s()));
  INFO(sent.body);
  REQUIRE(sent.status == 200);
  REQUIRE(sent.as_json()["outcome"] == "unmatched");

  // The panel asks the server (as the team view's first frame does) and lists it.
  lead.app->request(RefreshUnmatched{}, lead.now());
  REQUIRE(lead.pump_until([&] { return lead.app->unmatched_panel().state == vm::UnmatchedPanel::State::loaded; }));
  const vm::UnmatchedPanel& panel = lead.app->unmatched_panel();
  const vm::UnmatchedRow* row = row_of(panel, "invoice.payment_failed", "jonas.private@elsewhere.example");
  REQUIRE(row);
  CHECK(row->source == "Stripe");
  CHECK(row->names.find("Stripe customer cus_device_1") != std::string::npos);
  CHECK(row->summary.rfind("Payment failed: invoice", 0) == 0);
  CHECK(row->summary.find("42.00") != std::string::npos);
  CHECK(row->arrived.rfind("just now", 0) == 0);
  CHECK_FALSE(row->reason.empty());
  CHECK(panel.status == "1 event waits for a customer.");
  const std::int64_t id = row->id;
  CHECK_FALSE(exception_in(lead.app->session()->slice(), "x-stripe-in_device_1"));

  // A match to a customer that does not exist: refused, the event stays.
  lead.app->request(MatchUnmatched{id, "c-nobody"}, lead.now());
  REQUIRE(lead.pump_until([&] { return lead.app->unmatched_panel().matching == 0; }));
  CHECK(lead.app->unmatched_panel().match_error.find("c-nobody") != std::string::npos);
  CHECK(row_of(lead.app->unmatched_panel(), "invoice.payment_failed", "jonas.private"));

  // Matched to Jonas Weber: off the list, and the exception reaches his records on the
  // lead's device (the controller pulls at once).
  lead.app->request(MatchUnmatched{id, "c-weber"}, lead.now());
  REQUIRE(lead.pump_until([&] {
    const vm::UnmatchedPanel& p = lead.app->unmatched_panel();
    return p.matching == 0 && p.state == vm::UnmatchedPanel::State::loaded && p.rows.empty();
  }));
  CHECK(lead.app->unmatched_panel().match_error.empty());
  CHECK(lead.app->unmatched_panel().match_done.rfind("Event " + std::to_string(id) + " applied for c-weber (", 0) == 0);
  CHECK(lead.app->unmatched_panel().status == "Every source event found its customer.");
  REQUIRE(lead.pump_until([&] { return exception_in(lead.app->session()->slice(), "x-stripe-in_device_1") != nullptr; }));
  const Exception* x = exception_in(lead.app->session()->slice(), "x-stripe-in_device_1");
  CHECK(x->customer == "c-weber");
  CHECK(x->status == ExceptionStatus::open);
  // The server's list agrees, and Stripe's next event for that customer id finds him.
  CHECK(s.get("/api/connect/unmatched", s.sign_in("m-lena", "demo-lena")).as_json()["unmatched"].empty());
  const std::string next = stripe_event("invoice.paid", "evt_device_2", now_s() + 1,
                                        stripe_invoice("in_device_1", "cus_device_1", "", 4200))
                               .dump();
  CHECK(s.call(stripe_call(kStripe, next, now_s())).as_json()["outcome"] == "applied");

  // The server gone: the panel says unavailable offline, and keeps what it showed.
  CHECK(s.stop() == 0);
  lead.app->request(RefreshUnmatched{}, lead.now());
  REQUIRE(lead.pump_until([&] { return lead.app->unmatched_panel().state == vm::UnmatchedPanel::State::offline; }));
  CHECK(lead.app->unmatched_panel().status.rfind("Unavailable offline", 0) == 0);
  lead.app->request(MatchUnmatched{id, "c-weber"}, lead.now());
  REQUIRE(lead.pump_until([&] { return lead.app->unmatched_panel().matching == 0; }));
  CHECK(lead.app->unmatched_panel().match_error.rfind("Unavailable offline: the match was not sent.", 0) == 0);
}

TEST_CASE("a manager's device shows no source events and sends no request for them") {
  Server s(temp_path("device-unmatched-manager.db"), {"--demo"});
  s.start();
  TestDevice anna(temp_path("device-unmatched-anna.db"), s.url(""), quick());
  REQUIRE(anna.sign_in("m-anna", "demo-anna"));
  anna.app->request(RefreshUnmatched{}, anna.now());
  CHECK(anna.app->unmatched_panel().state == vm::UnmatchedPanel::State::failed);
  CHECK(anna.app->unmatched_panel().status == "Only a team lead sees source events with no customer.");
  CHECK(s.stop() == 0);
}
