#include "server/connect_map.hpp"

#include <algorithm>
#include <cctype>

#include "server/connect_map_parts.hpp"

namespace cockpit::server {

namespace connect {

std::string text(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return {};
}

const json& object(const json& j, const char* key) {
  static const json none;
  if (!j.is_object()) return none;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : none;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string money(const json& amount, const std::string& currency) {
  if (!amount.is_number_integer()) return currency.empty() ? std::string("an amount") : lower(currency);
  const std::int64_t cents = amount.get<std::int64_t>();
  const std::int64_t whole = cents / 100, part = (cents < 0 ? -cents : cents) % 100;
  std::string out = std::to_string(whole) + "." + (part < 10 ? "0" : "") + std::to_string(part);
  std::string cur = currency;
  std::transform(cur.begin(), cur.end(), cur.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return cur.empty() ? out : out + " " + cur;
}

Mapped failed(std::string error, std::string field) {
  Mapped m;
  m.error = std::move(error);
  m.field = std::move(field);
  return m;
}

Patch touchpoint(std::string id, const json& create) {
  Patch p;
  p.kind = RecordKind::touchpoint;
  p.id = std::move(id);
  p.missing = WhenMissing::create;
  p.create = create;
  p.versioned = false;  // created once: a replay or a late copy finds it and changes nothing
  return p;
}

}  // namespace connect

std::vector<std::string> default_marked() { return {"type:problem", "type:incident"}; }

Mapped map_event(Source source, const std::map<std::string, std::string>& headers, const sync::json& body,
                 const SourceOptions& options) {
  if (!body.is_object()) return connect::failed("the body is not a JSON object");
  switch (source) {
    case Source::stripe: return connect::map_stripe(body);
    case Source::shopify: return connect::map_shopify(headers, body);
    case Source::zendesk: return connect::map_zendesk(body, options);
  }
  return connect::failed("unknown source");
}

const std::vector<std::string>& mapped_types(Source source) {
  static const std::vector<std::string> stripe = {"invoice.payment_failed", "invoice.paid", "invoice.payment_succeeded",
                                                  "customer.subscription.deleted", "charge.refunded",
                                                  "customer.created", "customer.updated"};
  static const std::vector<std::string> shopify = {"orders/create", "orders/updated", "orders/fulfilled",
                                                   "orders/cancelled", "fulfillments/create", "fulfillments/update"};
  static const std::vector<std::string> zendesk = {
      "zen:event-type:ticket.created", "zen:event-type:ticket.comment_added", "zen:event-type:ticket.status_changed",
      "zen:event-type:ticket.*", "zen:event-type:user.*"};
  switch (source) {
    case Source::stripe: return stripe;
    case Source::shopify: return shopify;
    case Source::zendesk: return zendesk;
  }
  return stripe;
}

}  // namespace cockpit::server
