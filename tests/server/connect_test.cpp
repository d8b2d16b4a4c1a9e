// The source webhooks (issue 20, src/server/CONNECT.md) on the real cockpit-server with
// the demo book: deliveries built from the sources' documented example payloads
// (connect_fixtures.cpp), signed with each source's own scheme; the records are read
// back with the lead's pull.
#include <doctest/doctest.h>

#include "connect_fixtures.hpp"
#include "harness.hpp"

using namespace cockpit::test;
using namespace cockpit::test::connect;

namespace {

const std::string kStripe = "whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
const std::string kShopify = "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";
const std::string kZendesk = "dGhpcyBpcyBhIHplbmRlc2sgc2lnbmluZyBzZWNyZXQ=";

struct Demo {
  Server s{temp_path("connect.db"), {"--demo", "--rate", "1000", "--burst", "1000"}};
  std::string lena, anna;
  Demo() {
    s.start();
    lena = s.sign_in("m-lena", "demo-lena");
    anna = s.sign_in("m-anna", "demo-anna");
    bind_source(s, "stripe", kStripe);
    bind_source(s, "shopify", kShopify);
    bind_source(s, "zendesk", kZendesk, "type:problem,tag:refund");
  }
  // The lead's view of one record (null when there is none).
  json record(const std::string& kind, const std::string& id) const {
    const json pull = s.get("/api/pull?since=0", lena).as_json();
    for (const auto& c : pull["changes"])
      if (c["kind"] == kind && c["id"] == id) return c["record"];
    return json();
  }
  std::int64_t cursor() const { return s.get("/api/health").as_json()["cursor"].get<std::int64_t>(); }
  json unmatched() const { return s.get("/api/connect/unmatched", lena).as_json()["unmatched"]; }
  HttpReply send(const Call& c) const { return s.call(c); }
};

json ok(const HttpReply& r) {
  INFO(r.body);
  REQUIRE(r.status == 200);
  return r.as_json();
}

std::string stripe_body(const std::string& type, const std::string& evt, std::int64_t created, const json& obj) {
  return stripe_event(type, evt, created, obj).dump();
}

}  // namespace

TEST_CASE("forged, stale, unsigned and unbound deliveries are refused with 401 and record nothing") {
  Server s(temp_path("connect-forged.db"), {"--demo"});
  s.start();
  const std::string body = stripe_body("invoice.payment_failed", "evt_forged", now_s(),
                                       stripe_invoice("in_forged", "cus_x", "marco.rossi@domino.example", 4200));
  // Not bound yet: refused before the body is read.
  CHECK(s.call(stripe_call(kStripe, body, now_s())).status == 401);
  bind_source(s, "stripe", kStripe);
  bind_source(s, "zendesk", kZendesk);
  const std::int64_t before = s.get("/api/health").as_json()["cursor"];
  struct Case {
    const char* what;
    Call call;
  };
  Call tampered = stripe_call(kStripe, body, now_s());
  tampered.body.replace(tampered.body.find("4200"), 4, "4201");
  Call unsigned_call = stripe_call(kStripe, body, now_s());
  unsigned_call.headers.clear();
  const std::string ticket = zendesk_ticket("zen:event-type:ticket.created", "zd-forged", "1", "2", "NEW", "PROBLEM", iso_now()).dump();
  const std::vector<Case> cases = {
      {"another secret", stripe_call("whsec_not_the_one", body, now_s())},
      {"a body changed after signing", tampered},
      {"no Stripe-Signature", unsigned_call},
      {"signed 301 s ago (Stripe's tolerance is 300 s)", stripe_call(kStripe, body, now_s() - 301)},
      {"signed 10 minutes ahead", stripe_call(kStripe, body, now_s() + 600)},
      {"Zendesk: another secret", zendesk_call("not-the-secret", ticket, iso_now())},
      {"Zendesk: a timestamp 10 minutes old", zendesk_call(kZendesk, ticket, iso(now_s() - 600))},
      {"Shopify: no integration bound", shopify_call(kShopify, "orders/create", "e-1", "{}")},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const HttpReply r = s.call(c.call);
    CHECK(r.status == 401);
    CHECK(r.as_json()["code"] == "bad_signature");
  }
  CHECK(s.get("/api/health").as_json()["cursor"] == before);
  const std::string lena = s.sign_in("m-lena", "demo-lena");
  CHECK(s.get("/api/connect/unmatched", lena).as_json()["unmatched"].empty());
  // The same delivery, correctly signed, goes in.
  CHECK(ok(s.call(stripe_call(kStripe, body, now_s())))["outcome"] == "applied");
}

TEST_CASE("Stripe: a failed payment is a pending exception, paid resolves it; replays and late events change nothing") {
  Demo d;
  const std::int64_t t0 = now_s() - 3600;
  const std::string failed = stripe_body("invoice.payment_failed", "evt_fail_1", t0,
                                         stripe_invoice("in_bike_1", "cus_bike", "Marco.Rossi@domino.example", 129900));
  json r = ok(d.send(stripe_call(kStripe, failed, now_s())));
  CHECK(r["outcome"] == "applied");
  CHECK(r["customer"] == "c-bike");
  json x = d.record("exception", "x-stripe-in_bike_1");
  REQUIRE(x.is_object());
  CHECK(x["customer"] == "c-bike");
  CHECK(x["status"] == "open");
  CHECK(x["kind"] == "payment_failed");
  CHECK(x["summary"].get<std::string>().find("1299.00 EUR") != std::string::npos);
  // Matched by e-mail, the customer keeps Stripe's id for the events that name only it.
  CHECK(d.record("customer", "c-bike")["external_ids"] == json::parse(R"([{"source": "stripe", "id": "cus_bike"}])"));

  // The same event again (Stripe retries with a fresh signature): nothing changes.
  const std::int64_t cursor = d.cursor();
  CHECK(ok(d.send(stripe_call(kStripe, failed, now_s())))["outcome"] == "replay");
  CHECK(d.cursor() == cursor);

  const std::string paid = stripe_body("invoice.paid", "evt_paid_1", t0 + 600,
                                       stripe_invoice("in_bike_1", "cus_bike", "marco.rossi@domino.example", 129900));
  ok(d.send(stripe_call(kStripe, paid, now_s())));
  x = d.record("exception", "x-stripe-in_bike_1");
  CHECK(x["status"] == "resolved");
  CHECK(x["resolved_at"] == iso(t0 + 600));

  // A failure of the same invoice from before the payment, delivered late, does not reopen it.
  const std::string late = stripe_body("invoice.payment_failed", "evt_fail_0", t0 - 600,
                                       stripe_invoice("in_bike_1", "cus_bike", "marco.rossi@domino.example", 129900));
  CHECK(ok(d.send(stripe_call(kStripe, late, now_s())))["stale"] == 1);
  CHECK(d.record("exception", "x-stripe-in_bike_1")["status"] == "resolved");

  // Out of order from the start: paid comes first, then the older failure: no exception.
  ok(d.send(stripe_call(kStripe, stripe_body("invoice.paid", "evt_paid_2", t0 + 60,
                                             stripe_invoice("in_bike_2", "cus_bike", "", 500)), now_s())));
  ok(d.send(stripe_call(kStripe, stripe_body("invoice.payment_failed", "evt_fail_2", t0,
                                             stripe_invoice("in_bike_2", "cus_bike", "", 500)), now_s())));
  CHECK(d.record("exception", "x-stripe-in_bike_2").is_null());
}

TEST_CASE("Stripe: a deleted subscription makes the customer former; a refund is a touchpoint") {
  Demo d;
  // Link Stripe's id first (customer.created carries the e-mail), then events name only the id.
  ok(d.send(stripe_call(kStripe, stripe_body("customer.created", "evt_cus", now_s() - 100,
                                             stripe_customer("cus_hoff", "einkauf@hoffmann.example")), now_s())));
  const std::int64_t ended = now_s() - 50;
  json r = ok(d.send(stripe_call(kStripe, stripe_body("customer.subscription.deleted", "evt_sub", ended,
                                                      stripe_subscription("sub_1", "cus_hoff")), now_s())));
  CHECK(r["customer"] == "c-hoffmann");
  json c = d.record("customer", "c-hoffmann");
  CHECK(c["stage"] == "former");
  CHECK(c["former_at"] == iso(ended));

  ok(d.send(stripe_call(kStripe, stripe_body("charge.refunded", "evt_ref", now_s() - 10,
                                             stripe_charge("ch_1", "cus_hoff", "einkauf@hoffmann.example", 2500)), now_s())));
  json t = d.record("touchpoint", "t-stripe-ch_1-refund-2500");
  REQUIRE(t.is_object());
  CHECK(t["customer"] == "c-hoffmann");
  CHECK(t["sender"] == "system:stripe");
  CHECK(t["subject"] == "Refund of 25.00 EUR on charge ch_1");
}

TEST_CASE("Shopify: an order is a case and its confirmation; fulfilment and cancellation follow, in any order") {
  Demo d;
  const json order = shopify_order(820982911946154508, "#9999", "sofie.janssen@example.com", 115310627314723954,
                                   "2026-11-30T19:00:00-05:00", "2026-11-30T19:00:00-05:00");
  json r = ok(d.send(shopify_call(kShopify, "orders/create", "ev-create", order.dump())));
  CHECK(r["customer"] == "c-fairy");
  json k = d.record("case", "k-shopify-820982911946154508");
  REQUIRE(k.is_object());
  CHECK(k["status"] == "open");
  CHECK(k["title"] == "Order #9999: Aviator sunglasses (+1 more)");
  json t = d.record("touchpoint", "t-shopify-820982911946154508-confirmation");
  CHECK(t["kind"] == "order_confirmation");
  CHECK(t["case"] == "k-shopify-820982911946154508");

  ok(d.send(shopify_call(kShopify, "fulfillments/create", "ev-ful",
                         shopify_fulfillment(1, 820982911946154508, "success", "2026-12-02T10:00:00Z").dump())));
  k = d.record("case", "k-shopify-820982911946154508");
  CHECK(k["status"] == "fulfilled");
  CHECK(k["fulfilled_at"] == "2026-12-02T10:00:00Z");
  // An orders/updated from before the fulfilment, delivered late, does not reopen the case.
  json older = order;
  older["updated_at"] = "2026-12-01T08:00:00Z";
  ok(d.send(shopify_call(kShopify, "orders/updated", "ev-upd-old", older.dump())));
  CHECK(d.record("case", "k-shopify-820982911946154508")["status"] == "fulfilled");

  // A fulfilment that comes before its order waits, then applies when the order comes.
  const json order2 = shopify_order(450789469, "#1001", "sofie.janssen@example.com", 115310627314723954,
                                    "2026-12-03T09:00:00Z", "2026-12-03T09:00:00Z");
  r = ok(d.send(shopify_call(kShopify, "fulfillments/create", "ev-ful2",
                             shopify_fulfillment(2, 450789469, "success", "2026-12-04T09:00:00Z").dump())));
  CHECK(r["outcome"] == "unmatched");
  CHECK(d.unmatched().size() == 1);
  ok(d.send(shopify_call(kShopify, "orders/create", "ev-create2", order2.dump())));
  CHECK(d.record("case", "k-shopify-450789469")["status"] == "fulfilled");
  CHECK(d.unmatched().empty());

  json cancelled = shopify_order(5, "#1002", "sofie.janssen@example.com", 115310627314723954, "2026-12-03T09:00:00Z",
                                 "2026-12-03T12:00:00Z");
  cancelled["cancelled_at"] = "2026-12-03T12:00:00Z";
  ok(d.send(shopify_call(kShopify, "orders/cancelled", "ev-cancel", cancelled.dump())));
  CHECK(d.record("case", "k-shopify-5")["status"] == "cancelled");
}

TEST_CASE("Zendesk: tickets are touchpoints in; a marked kind is a pending exception while open; unmatched events wait for the lead") {
  Demo d;
  ok(d.send(zendesk_call(kZendesk, zendesk_user("zu-1", "2001", "helen.carter@example.com", iso_now()).dump(), iso_now())));
  json r = ok(d.send(zendesk_call(
      kZendesk, zendesk_ticket("zen:event-type:ticket.created", "ze-1", "35436", "2001", "NEW", "PROBLEM", "2026-12-05T10:00:00Z").dump(),
      iso_now())));
  CHECK(r["customer"] == "c-wardrobe");
  json t = d.record("touchpoint", "t-zendesk-35436");
  CHECK(t["direction"] == "in");
  CHECK(t["sender"] == "customer");
  CHECK(t["channel"] == "portal");
  CHECK(d.record("exception", "x-zendesk-35436")["status"] == "open");
  ok(d.send(zendesk_call(
      kZendesk, zendesk_ticket("zen:event-type:ticket.status_changed", "ze-2", "35436", "2001", "SOLVED", "PROBLEM", "2026-12-05T12:00:00Z").dump(),
      iso_now())));
  CHECK(d.record("exception", "x-zendesk-35436")["status"] == "resolved");
  // A question (not marked) is a touchpoint only.
  ok(d.send(zendesk_call(
      kZendesk, zendesk_ticket("zen:event-type:ticket.created", "ze-3", "35437", "2001", "OPEN", "QUESTION", "2026-12-05T13:00:00Z").dump(),
      iso_now())));
  CHECK(d.record("touchpoint", "t-zendesk-35437").is_object());
  CHECK(d.record("exception", "x-zendesk-35437").is_null());

  // A requester Cockpit does not know: kept, seen by the lead only, matched by hand.
  r = ok(d.send(zendesk_call(
      kZendesk, zendesk_ticket("zen:event-type:ticket.created", "ze-4", "40000", "9999", "OPEN", "PROBLEM", "2026-12-05T14:00:00Z").dump(),
      iso_now())));
  CHECK(r["outcome"] == "unmatched");
  CHECK(d.s.get("/api/connect/unmatched", d.anna).status == 403);
  const json list = d.unmatched();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["source"] == "zendesk");
  CHECK(list[0]["external_id"] == "9999");
  CHECK(list[0]["reason"] == "no customer with zendesk id 9999");
  r = ok(d.s.post("/api/connect/unmatched/match", {{"id", list[0]["id"]}, {"customer", "c-weber"}}, d.lena));
  CHECK(r["outcome"] == "applied");
  CHECK(d.record("exception", "x-zendesk-40000")["customer"] == "c-weber");
  CHECK(d.unmatched().empty());
  // The customer learned the requester's id: the next ticket finds it by itself.
  r = ok(d.send(zendesk_call(
      kZendesk, zendesk_ticket("zen:event-type:ticket.created", "ze-5", "40001", "9999", "OPEN", "QUESTION", "2026-12-05T15:00:00Z").dump(),
      iso_now())));
  CHECK(r["customer"] == "c-weber");
}

TEST_CASE("bad input: malformed JSON, unknown types, events without ids, huge bodies") {
  Demo d;
  const std::int64_t before = d.cursor();
  HttpReply r = d.send(stripe_call(kStripe, "{\"id\": \"evt_1\", \"type\":", now_s()));
  CHECK(r.status == 400);
  CHECK(r.as_json()["code"] == "bad_json");
  r = d.send(stripe_call(kStripe, stripe_body("payout.paid", "evt_payout", now_s(), json::object({{"id", "po_1"}})), now_s()));
  CHECK(r.status == 200);
  CHECK(r.as_json()["outcome"] == "ignored");
  r = d.send(stripe_call(kStripe, R"({"type": "invoice.paid", "created": 1, "data": {"object": {}}})", now_s()));
  CHECK(r.status == 400);
  CHECK(r.as_json()["code"] == "invalid_event");
  CHECK(r.as_json()["field"] == "id");
  r = d.send(shopify_call(kShopify, "orders/create", "ev-big", std::string(2u << 20, ' ')));
  CHECK(r.status == 413);
  CHECK(d.cursor() == before);
  CHECK(d.unmatched().empty());
}
