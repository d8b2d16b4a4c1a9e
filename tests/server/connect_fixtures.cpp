#include "connect_fixtures.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <ctime>

namespace cockpit::test::connect {

namespace {

std::array<unsigned char, 32> mac(const std::string& key, const std::string& text) {
  std::array<unsigned char, 32> out{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  return out;
}

std::string hex(const std::array<unsigned char, 32>& m) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : m) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string base64(const std::array<unsigned char, 32>& m) {
  char out[64];
  sodium_bin2base64(out, sizeof out, m.data(), m.size(), sodium_base64_VARIANT_ORIGINAL);
  return out;
}

}  // namespace

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string iso_now() { return iso(now_s()); }

json stripe_event(const std::string& type, const std::string& id, std::int64_t created_s, const json& object) {
  return {{"id", id},
          {"object", "event"},
          {"api_version", "2024-06-20"},
          {"created", created_s},
          {"data", {{"object", object}}},
          {"livemode", false},
          {"pending_webhooks", 1},
          {"request", {{"id", nullptr}, {"idempotency_key", nullptr}}},
          {"type", type}};
}

json stripe_invoice(const std::string& id, const std::string& customer, const std::string& email, std::int64_t amount_due) {
  return {{"id", id},
          {"object", "invoice"},
          {"account_country", "DE"},
          {"amount_due", amount_due},
          {"amount_paid", 0},
          {"amount_remaining", amount_due},
          {"attempt_count", 1},
          {"billing_reason", "subscription_cycle"},
          {"collection_method", "charge_automatically"},
          {"currency", "eur"},
          {"customer", customer},
          {"customer_email", email},
          {"customer_name", nullptr},
          {"hosted_invoice_url", "https://invoice.stripe.com/i/acct_1/test"},
          {"lines", {{"object", "list"}, {"data", json::array()}, {"has_more", false}}},
          {"livemode", false},
          {"number", "F0B1-" + id.substr(id.size() > 4 ? id.size() - 4 : 0)},
          {"status", "open"},
          {"subscription", "sub_1MowQVLkdIwHu7ixeRlqHVzs"}};
}

json stripe_subscription(const std::string& id, const std::string& customer) {
  return {{"id", id},           {"object", "subscription"}, {"cancel_at_period_end", false},
          {"customer", customer}, {"status", "canceled"},     {"currency", "eur"},
          {"canceled_at", now_s()}, {"ended_at", now_s()},      {"items", {{"object", "list"}, {"data", json::array()}}}};
}

json stripe_charge(const std::string& id, const std::string& customer, const std::string& email, std::int64_t refunded) {
  return {{"id", id},
          {"object", "charge"},
          {"amount", 9900},
          {"amount_captured", 9900},
          {"amount_refunded", refunded},
          {"billing_details", {{"address", nullptr}, {"email", email}, {"name", nullptr}, {"phone", nullptr}}},
          {"currency", "eur"},
          {"customer", customer},
          {"paid", true},
          {"receipt_email", email},
          {"refunded", refunded >= 9900},
          {"status", "succeeded"}};
}

json stripe_customer(const std::string& id, const std::string& email) {
  return {{"id", id}, {"object", "customer"}, {"email", email}, {"name", nullptr}, {"livemode", false}};
}

json shopify_order(std::int64_t id, const std::string& name, const std::string& email, std::int64_t customer_id,
                   const std::string& created_at, const std::string& updated_at) {
  // customer_id 0: a guest checkout (no customer object).
  const json customer = customer_id == 0 ? json() : json{{"id", customer_id}, {"email", email}, {"first_name", "John"}, {"last_name", "Smith"}};
  return {{"id", id},
          {"admin_graphql_api_id", "gid://shopify/Order/" + std::to_string(id)},
          {"email", email},
          {"contact_email", email},
          {"created_at", created_at},
          {"updated_at", updated_at},
          {"name", name},
          {"currency", "EUR"},
          {"total_price", "403.00"},
          {"financial_status", "paid"},
          {"fulfillment_status", nullptr},
          {"cancelled_at", nullptr},
          {"cancel_reason", nullptr},
          {"line_items", {{{"id", 866550311766439020}, {"title", "Aviator sunglasses"}, {"quantity", 1}, {"price", "89.99"}},
                          {{"id", 141249953214522974}, {"title", "Mid-century lounger"}, {"quantity", 1}, {"price", "159.99"}}}},
          {"customer", customer}};
}

json shopify_fulfillment(std::int64_t id, std::int64_t order_id, const std::string& status, const std::string& at) {
  return {{"id", id},
          {"order_id", order_id},
          {"status", status},
          {"created_at", at},
          {"updated_at", at},
          {"service", "manual"},
          {"tracking_company", "UPS"},
          {"shipment_status", nullptr},
          {"tracking_number", "1z827wk74630"},
          {"tracking_numbers", {"1z827wk74630"}},
          {"tracking_url", "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630"},
          {"name", "#9999.1"},
          {"line_items", json::array()}};
}

json zendesk_ticket(const std::string& type, const std::string& event_id, const std::string& ticket_id,
                    const std::string& requester_id, const std::string& status, const std::string& ticket_type,
                    const std::string& at, const std::string& subject) {
  return {{"type", type},
          {"account_id", 88888888},
          {"id", event_id},
          {"time", at},
          {"zendesk_event_version", "2022-11-06"},
          {"subject", "zen:ticket:" + ticket_id},
          {"detail",
           {{"actor_id", "-1"}, {"assignee_id", nullptr}, {"brand_id", "360001234"}, {"created_at", at},
            {"description", "Hello, my order has not arrived."}, {"form_id", "360000123"}, {"group_id", nullptr},
            {"id", ticket_id}, {"is_public", true}, {"organization_id", nullptr}, {"priority", "NORMAL"},
            {"requester_id", requester_id}, {"status", status}, {"subject", subject}, {"submitter_id", requester_id},
            {"tags", {"order"}}, {"type", ticket_type}, {"updated_at", at}, {"via", {{"channel", "web"}}}}},
          {"event", json::object()}};
}

json zendesk_user(const std::string& event_id, const std::string& user_id, const std::string& email,
                  const std::string& at) {
  return {{"type", "zen:event-type:user.created"},
          {"account_id", 88888888},
          {"id", event_id},
          {"time", at},
          {"zendesk_event_version", "2022-06-20"},
          {"subject", "zen:user:" + user_id},
          {"detail", {{"created_at", at}, {"email", email}, {"external_id", ""}, {"default_group_id", "0"},
                      {"id", user_id}, {"organization_id", "0"}, {"role", "end-user"}, {"updated_at", at}}},
          {"event", json::object()}};
}

Call stripe_call(const std::string& secret, const std::string& body, std::int64_t t_seconds) {
  const std::string t = std::to_string(t_seconds);
  Call c;
  c.method = "POST";
  c.path = "/api/connect/stripe";
  c.body = body;
  c.content_type = "application/json; charset=utf-8";
  c.headers = {"Stripe-Signature: t=" + t + ",v1=" + hex(mac(secret, t + "." + body)) +
               ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"};
  return c;
}

Call shopify_call(const std::string& secret, const std::string& topic, const std::string& event_id,
                  const std::string& body) {
  Call c;
  c.method = "POST";
  c.path = "/api/connect/shopify";
  c.body = body;
  c.headers = {"X-Shopify-Topic: " + topic, "X-Shopify-Hmac-Sha256: " + base64(mac(secret, body)),
               "X-Shopify-Shop-Domain: cockpit-test.myshopify.com", "X-Shopify-API-Version: 2024-07",
               "X-Shopify-Webhook-Id: " + event_id + "-delivery", "X-Shopify-Event-Id: " + event_id,
               "X-Shopify-Triggered-At: " + iso_now()};
  return c;
}

Call zendesk_call(const std::string& secret, const std::string& body, const std::string& timestamp) {
  Call c;
  c.method = "POST";
  c.path = "/api/connect/zendesk";
  c.body = body;
  c.headers = {"X-Zendesk-Webhook-Id: 01GK8E6BKWMJZD2T8Y5AXJQMG5", "X-Zendesk-Webhook-Signature: " +
               base64(mac(secret, timestamp + body)), "X-Zendesk-Webhook-Signature-Timestamp: " + timestamp};
  return c;
}

}  // namespace cockpit::test::connect
