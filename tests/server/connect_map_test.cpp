// The source webhooks' pure parts by tables (src/server/CONNECT.md): every event type
// each source maps (mapped_types) gives the changes CONNECT.md's tables say, and the
// signature checks accept exactly what each source's documented scheme produces.
// Deliveries come from connect_fixtures.cpp (the sources' documented examples).
#include <doctest/doctest.h>

#include <set>

#include "connect_fixtures.hpp"
#include "server/connect_map.hpp"
#include "server/connect_sign.hpp"

using namespace cockpit;
using namespace cockpit::server;
namespace fx = cockpit::test::connect;
using nlohmann::json;

namespace {

std::map<std::string, std::string> headers_of(const cockpit::test::Call& c) {
  std::map<std::string, std::string> h;
  for (const auto& line : c.headers) {
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    h[name] = line.substr(colon + 2);
  }
  return h;
}

Mapped stripe(const std::string& type, const json& object, std::int64_t created = 1'700'000'000) {
  return map_event(Source::stripe, {}, fx::stripe_event(type, "evt_t", created, object), {});
}

Mapped shopify(const std::string& topic, const json& body) {
  return map_event(Source::shopify, headers_of(fx::shopify_call("k", topic, "ev-1", body.dump())), body, {});
}

Mapped zendesk(const json& body, std::vector<std::string> marked = {}) {
  return map_event(Source::zendesk, {}, body, SourceOptions{std::move(marked)});
}

// One row: what a mapped event must come to.
struct Want {
  std::string type;
  Mapped got;
  std::vector<std::pair<RecordKind, std::string>> records;  // kind, id ("" = the matched customer)
  std::string status;  // the first change's "status" (or "stage"), "" to skip
};

}  // namespace

TEST_CASE("every event type each source maps gives the changes CONNECT.md documents") {
  const json inv = fx::stripe_invoice("in_1", "cus_1", "a@example.com", 1299);
  const json order = fx::shopify_order(4501, "#4501", "b@example.com", 77, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z");
  json cancelled = order;
  cancelled["cancelled_at"] = "2026-12-02T10:00:00Z";
  json fulfilled = order;
  fulfilled["fulfillment_status"] = "fulfilled";
  const auto ticket = [](const std::string& type, const std::string& status, const std::string& kind) {
    return fx::zendesk_ticket(type, "ze-1", "35436", "2001", status, kind, "2026-12-05T10:00:00Z");
  };
  json comment = ticket("zen:event-type:ticket.comment_added", "OPEN", "QUESTION");
  comment["event"] = {{"comment", {{"id", "9"}, {"is_public", true}, {"author", {{"id", "2001"}, {"is_staff", false}}}}}};
  const std::vector<Want> rows = {
      {"invoice.payment_failed", stripe("invoice.payment_failed", inv), {{RecordKind::exception, "x-stripe-in_1"}}, "open"},
      {"invoice.paid", stripe("invoice.paid", inv), {{RecordKind::exception, "x-stripe-in_1"}}, "resolved"},
      {"invoice.payment_succeeded", stripe("invoice.payment_succeeded", inv), {{RecordKind::exception, "x-stripe-in_1"}}, "resolved"},
      {"customer.subscription.deleted", stripe("customer.subscription.deleted", fx::stripe_subscription("sub_1", "cus_1")),
       {{RecordKind::customer, ""}}, ""},
      {"charge.refunded", stripe("charge.refunded", fx::stripe_charge("ch_1", "cus_1", "a@example.com", 9900)),
       {{RecordKind::touchpoint, "t-stripe-ch_1-refund-9900"}}, ""},
      {"customer.created", stripe("customer.created", fx::stripe_customer("cus_1", "a@example.com")), {}, ""},
      {"customer.updated", stripe("customer.updated", fx::stripe_customer("cus_1", "a@example.com")), {}, ""},
      {"orders/create", shopify("orders/create", order),
       {{RecordKind::case_, "k-shopify-4501"}, {RecordKind::touchpoint, "t-shopify-4501-confirmation"}}, "open"},
      {"orders/updated", shopify("orders/updated", order), {{RecordKind::case_, "k-shopify-4501"}}, "open"},
      {"orders/fulfilled", shopify("orders/fulfilled", fulfilled), {{RecordKind::case_, "k-shopify-4501"}}, "fulfilled"},
      {"orders/cancelled", shopify("orders/cancelled", cancelled), {{RecordKind::case_, "k-shopify-4501"}}, "cancelled"},
      {"fulfillments/create", shopify("fulfillments/create", fx::shopify_fulfillment(1, 4501, "success", "2026-12-03T10:00:00Z")),
       {{RecordKind::case_, "k-shopify-4501"}}, "fulfilled"},
      {"fulfillments/update", shopify("fulfillments/update", fx::shopify_fulfillment(1, 4501, "success", "2026-12-03T10:00:00Z")),
       {{RecordKind::case_, "k-shopify-4501"}}, "fulfilled"},
      {"zen:event-type:ticket.created", zendesk(ticket("zen:event-type:ticket.created", "NEW", "PROBLEM")),
       {{RecordKind::touchpoint, "t-zendesk-35436"}, {RecordKind::exception, "x-zendesk-35436"}}, ""},
      {"zen:event-type:ticket.comment_added", zendesk(comment),
       {{RecordKind::touchpoint, "t-zendesk-35436-c9"}, {RecordKind::exception, "x-zendesk-35436"}}, ""},
      {"zen:event-type:ticket.status_changed", zendesk(ticket("zen:event-type:ticket.status_changed", "SOLVED", "PROBLEM")),
       {{RecordKind::exception, "x-zendesk-35436"}}, "resolved"},
      {"zen:event-type:ticket.*", zendesk(ticket("zen:event-type:ticket.priority_changed", "PENDING", "PROBLEM")),
       {{RecordKind::exception, "x-zendesk-35436"}}, "open"},
      {"zen:event-type:user.*", zendesk(fx::zendesk_user("zu-1", "2001", "A@Example.com", "2026-12-05T10:00:00Z")), {}, ""},
  };
  std::set<std::string> covered;
  for (const Want& w : rows) {
    CAPTURE(w.type);
    covered.insert(w.type);
    CHECK(w.got.error == "");
    CHECK(w.got.ignored == "");
    CHECK(!w.got.event_id.empty());
    CHECK(!w.got.who.empty());
    REQUIRE(w.got.patches.size() == w.records.size());
    for (std::size_t i = 0; i < w.records.size(); ++i) {
      CHECK(w.got.patches[i].kind == w.records[i].first);
      CHECK(w.got.patches[i].id == w.records[i].second);
    }
    if (!w.status.empty()) CHECK(w.got.patches[0].fields["status"] == w.status);
  }
  for (Source s : {Source::stripe, Source::shopify, Source::zendesk})
    for (const auto& type : mapped_types(s)) CHECK_MESSAGE(covered.count(type), type << " has no row");
}

TEST_CASE("the details CONNECT.md promises") {
  // Stripe: the customer by Stripe id and lower-cased e-mail; a failure's summary; ids from the objects.
  Mapped m = stripe("invoice.payment_failed", fx::stripe_invoice("in_9", "cus_9", "Marco@Example.COM", 129900), 1'700'000'123);
  CHECK(m.who.external_id == "cus_9");
  CHECK(m.who.email == "marco@example.com");
  CHECK(m.at == 1'700'000'123'000);
  CHECK(m.patches[0].create["summary"] == "Payment failed: invoice F0B1-in_9 (1299.00 EUR)");
  CHECK(m.patches[0].missing == WhenMissing::create);
  CHECK(stripe("invoice.paid", fx::stripe_invoice("in_9", "cus_9", "", 1)).patches[0].missing == WhenMissing::skip);
  m = stripe("customer.subscription.deleted", fx::stripe_subscription("sub_1", "cus_9"), 1'700'000'000);
  CHECK(m.patches[0].fields == json{{"stage", "former"}, {"former_at", "2023-11-14T22:13:20Z"}});
  // Shopify: a fulfillment waits for its order's case; a guest checkout matches by e-mail.
  m = shopify("fulfillments/create", fx::shopify_fulfillment(1, 4501, "success", "2026-12-03T10:00:00Z"));
  CHECK(m.who.via_case == "k-shopify-4501");
  CHECK(m.patches[0].missing == WhenMissing::wait);
  CHECK(shopify("fulfillments/update", fx::shopify_fulfillment(1, 4501, "pending", "2026-12-03T10:00:00Z")).ignored != "");
  m = shopify("orders/create", fx::shopify_order(5, "#5", "Guest@Example.com", 0, "2026-12-01T10:00:00-05:00", "2026-12-01T11:00:00Z"));
  CHECK(m.who.external_id == "");
  CHECK(m.who.email == "guest@example.com");
  CHECK(m.at == *parse_time("2026-12-01T11:00:00Z"));  // updated_at: the order's version
  CHECK(m.patches[0].fields["opened_at"] == "2026-12-01T15:00:00Z");
  // Zendesk: marked kinds; an unmarked open ticket resolves (never creates) its exception.
  const json problem = fx::zendesk_ticket("zen:event-type:ticket.created", "z", "1", "2", "OPEN", "QUESTION", "2026-12-05T10:00:00Z");
  CHECK(zendesk(problem).patches[1].missing == WhenMissing::skip);
  CHECK(zendesk(problem, {"type:question"}).patches[1].fields["status"] == "open");
  CHECK(zendesk(problem, {"tag:order"}).patches[1].fields["status"] == "open");
  CHECK(zendesk(problem, {"priority:normal"}).patches[1].fields["status"] == "open");
  // Not events: the field at fault named.
  CHECK(map_event(Source::stripe, {}, json{{"type", "invoice.paid"}}, {}).field == "id");
  CHECK(map_event(Source::shopify, {}, json{{"id", 1}}, {}).field == "X-Shopify-Topic");
  CHECK(map_event(Source::zendesk, {}, json{{"id", "x"}, {"type", "zen:event-type:ticket.created"}}, {}).field == "time");
  CHECK(map_event(Source::stripe, {}, json::array(), {}).error != "");
  CHECK(stripe("invoice.paid", json{{"id", "in_1"}}, 253'402'300'800).field == "created");  // past 9999 (found by fuzz_connect)
  CHECK(stripe("invoice.paid", json{{"id", "in_1"}}, -1).field == "created");
  CHECK(stripe("invoice.paid", json{{"id", "in_1"}}, 253'402'300'799).error == "");
  CHECK(stripe("payout.paid", json{{"id", "po_1"}}).ignored != "");
}

TEST_CASE("signatures: each source's documented scheme, and nothing else") {
  const Time now = 1'700'000'000'000;
  const std::string body = R"({"id":"evt_1","type":"invoice.paid"})";
  auto stripe_h = [&](const std::string& secret, std::int64_t t) { return headers_of(fx::stripe_call(secret, body, t)); };
  CHECK(verify_signature(Source::stripe, "whsec_a", stripe_h("whsec_a", 1'700'000'000), body, now).ok);
  CHECK(verify_signature(Source::stripe, "whsec_a", stripe_h("whsec_a", 1'700'000'000 - 300), body, now).ok);
  CHECK_FALSE(verify_signature(Source::stripe, "whsec_a", stripe_h("whsec_a", 1'700'000'000 - 301), body, now).ok);
  CHECK_FALSE(verify_signature(Source::stripe, "whsec_a", stripe_h("whsec_b", 1'700'000'000), body, now).ok);
  CHECK_FALSE(verify_signature(Source::stripe, "whsec_a", stripe_h("whsec_a", 1'700'000'000), body + " ", now).ok);
  // Several v1 (a secret being rolled): one match is enough; the server's own signer agrees.
  auto rolled = stripe_h("whsec_a", 1'700'000'000);
  rolled["stripe-signature"] = stripe_signature_header("whsec_old", 1'700'000'000, body) + "," +
                               rolled["stripe-signature"].substr(rolled["stripe-signature"].find("v1="));
  CHECK(verify_signature(Source::stripe, "whsec_a", rolled, body, now).ok);
  CHECK(verify_signature(Source::stripe, "whsec_old", rolled, body, now).ok);
  CHECK(verify_signature(Source::stripe, "whsec_a", {{"stripe-signature", "v1=00"}}, body, now).reason ==
        "Stripe-Signature: no timestamp t=<seconds>");

  const auto shop = headers_of(fx::shopify_call("shpss_x", "orders/create", "e", body));
  CHECK(verify_signature(Source::shopify, "shpss_x", shop, body, now).ok);
  CHECK(shop.at("x-shopify-hmac-sha256") == shopify_signature("shpss_x", body));
  CHECK_FALSE(verify_signature(Source::shopify, "shpss_y", shop, body, now).ok);

  const std::string ts = "2023-11-14T22:13:20Z";  // = now
  const auto zd = headers_of(fx::zendesk_call("zsecret", body, ts));
  CHECK(verify_signature(Source::zendesk, "zsecret", zd, body, now).ok);
  CHECK(zd.at("x-zendesk-webhook-signature") == zendesk_signature("zsecret", ts, body));
  CHECK_FALSE(verify_signature(Source::zendesk, "zsecret", zd, body, now + 301 * kSecond).ok);
  auto moved = zd;
  moved["x-zendesk-webhook-signature-timestamp"] = "2023-11-14T22:13:21Z";
  CHECK_FALSE(verify_signature(Source::zendesk, "zsecret", moved, body, now).ok);
  CHECK_FALSE(verify_signature(Source::zendesk, "", zd, body, now).ok);
}
