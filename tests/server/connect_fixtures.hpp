#pragma once
// The sources' webhook deliveries for the tests and the benchmark, built from the
// example payloads of their public API references (Stripe's Event and Invoice, Charge,
// Subscription objects; Shopify's orders/create and fulfillments/create samples;
// Zendesk's ticket and user event examples), with ids, e-mails and times of our own.
// Signed here with each source's documented scheme, by code of the test's own (libsodium
// directly), not the server's: a mistake in the server's checks cannot cancel out.
#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "harness.hpp"

namespace cockpit::test::connect {

// ---- Stripe: an Event wrapping an object (https://docs.stripe.com/api/events/object)
json stripe_event(const std::string& type, const std::string& id, std::int64_t created_s, const json& object);
json stripe_invoice(const std::string& id, const std::string& customer, const std::string& email, std::int64_t amount_due);
json stripe_subscription(const std::string& id, const std::string& customer);
json stripe_charge(const std::string& id, const std::string& customer, const std::string& email, std::int64_t refunded);
json stripe_customer(const std::string& id, const std::string& email);

// ---- Shopify: the order or fulfillment itself (https://shopify.dev/docs/api/webhooks)
json shopify_order(std::int64_t id, const std::string& name, const std::string& email, std::int64_t customer_id,
                   const std::string& created_at, const std::string& updated_at);
json shopify_fulfillment(std::int64_t id, std::int64_t order_id, const std::string& status, const std::string& at);

// ---- Zendesk: event webhooks (https://developer.zendesk.com/api-reference/webhooks/event-types/)
json zendesk_ticket(const std::string& type, const std::string& event_id, const std::string& ticket_id,
                    const std::string& requester_id, const std::string& status, const std::string& ticket_type,
                    const std::string& at, const std::string& subject = "Where is my order?");
json zendesk_user(const std::string& event_id, const std::string& user_id, const std::string& email,
                  const std::string& at);

// ---- signed deliveries (Call for harness.hpp): the body as text, exactly as signed
Call stripe_call(const std::string& secret, const std::string& body, std::int64_t t_seconds);
Call shopify_call(const std::string& secret, const std::string& topic, const std::string& event_id,
                  const std::string& body);
Call zendesk_call(const std::string& secret, const std::string& body, const std::string& timestamp);

// Binds `source` to an integration with `secret` (the admin command, as CONNECT.md says).
// Inline: the table tests link these fixtures without the harness's processes.
inline void bind_source(const Server& s, const std::string& source, const std::string& secret,
                        const std::string& mark = "") {
  std::vector<std::string> args = {"add-integration", "--db",     s.db(),        "--name",
                                   source + "-live",  "--source", source,        "--secret-stdin"};
  if (!mark.empty()) args.insert(args.end(), {"--mark", mark});
  REQUIRE(run_admin(args, secret + "\n") == 0);
}

std::int64_t now_s();
std::string iso_now();  // "2026-12-07T00:20:00Z"
std::string iso(std::int64_t unix_s);

}  // namespace cockpit::test::connect
