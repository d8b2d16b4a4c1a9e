// Shopify webhooks (https://shopify.dev/docs/api/webhooks): the topic in
// X-Shopify-Topic, the event's id in X-Shopify-Event-Id (the same on every delivery of
// one event; older shops send only X-Shopify-Webhook-Id), the body the order or
// fulfillment itself. Orders carry `updated_at`, their version.
#include "server/connect_map_parts.hpp"

namespace cockpit::server::connect {

namespace {

std::string header(const std::map<std::string, std::string>& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? std::string() : it->second;
}

std::string case_id(const std::string& order_id) { return "k-shopify-" + order_id; }

std::string order_name(const json& order) {
  const std::string name = text(order, "name");
  return "Order " + (name.empty() ? "#" + text(order, "id") : name);
}

// "Order #1001: Grail CF SL (+2 more)".
std::string order_title(const json& order) {
  std::string title = order_name(order);
  const auto items = order.find("line_items");
  if (items != order.end() && items->is_array() && !items->empty()) {
    const std::string first = text((*items)[0], "title");
    if (!first.empty()) title += ": " + first;
    if (items->size() > 1) title += " (+" + std::to_string(items->size() - 1) + " more)";
  }
  return title;
}

CustomerRef order_customer(const json& order) {
  const json& c = object(order, "customer");
  std::string email = text(order, "email");
  if (email.empty()) email = text(order, "contact_email");
  if (email.empty()) email = text(c, "email");
  return {text(c, "id"), lower(email), {}};
}

std::string time_of(const json& j, const char* key, Time fallback) {
  const auto t = parse_time(text(j, key));
  return format_time(t ? *t : fallback);
}

// The order's case as the order now stands: open, fulfilled or cancelled.
Patch order_case(const json& order, const std::string& status, const Mapped& m) {
  Patch p;
  p.kind = RecordKind::case_;
  p.id = case_id(text(order, "id"));
  p.fields = {{"kind", "order"}, {"title", order_title(order)}, {"status", status},
              {"opened_at", time_of(order, "created_at", m.at)}};
  p.fields["fulfilled_at"] = status == "fulfilled" ? json(format_time(m.at)) : json();
  p.missing = WhenMissing::create;
  return p;
}

std::string order_status(const json& order) {
  if (!text(order, "cancelled_at").empty()) return "cancelled";
  if (text(order, "fulfillment_status") == "fulfilled") return "fulfilled";
  return "open";
}

void map_order(const std::string& topic, const json& order, Mapped& m) {
  m.who = order_customer(order);
  std::string status = order_status(order);
  if (topic == "orders/fulfilled") status = "fulfilled";
  if (topic == "orders/cancelled") status = "cancelled";
  m.patches.push_back(order_case(order, status, m));
  if (topic != "orders/create") return;
  // Shopify's order confirmation goes out when the order is placed.
  m.patches.push_back(touchpoint("t-shopify-" + text(order, "id") + "-confirmation",
                                 {{"case", case_id(text(order, "id"))},
                                  {"at", time_of(order, "created_at", m.at)},
                                  {"channel", "email"},
                                  {"direction", "out"},
                                  {"sender", "system:shopify"},
                                  {"kind", "order_confirmation"},
                                  {"subject", order_name(order) + " confirmed"}}));
}

// fulfillments/create, fulfillments/update: a successful fulfillment fulfils the order's
// case (which must exist: the event waits for its order otherwise).
void map_fulfillment(const json& f, Mapped& m) {
  const std::string order = text(f, "order_id");
  if (order.empty()) {
    m.error = "the Shopify fulfillment has no \"order_id\"";
    m.field = "order_id";
    return;
  }
  m.who = {{}, lower(text(f, "email")), case_id(order)};
  if (text(f, "status") != "success") {
    m.ignored = "fulfillment status \"" + text(f, "status") + "\" changes nothing (only \"success\" fulfils)";
    return;
  }
  Patch p;
  p.kind = RecordKind::case_;
  p.id = case_id(order);
  p.fields = {{"status", "fulfilled"}, {"fulfilled_at", time_of(f, "created_at", m.at)}};
  p.missing = WhenMissing::wait;
  m.patches.push_back(std::move(p));
}

}  // namespace

Mapped map_shopify(const std::map<std::string, std::string>& headers, const json& body) {
  Mapped m;
  m.type = header(headers, "x-shopify-topic");
  m.event_id = header(headers, "x-shopify-event-id");
  if (m.event_id.empty()) m.event_id = header(headers, "x-shopify-webhook-id");
  if (m.type.empty()) return failed("missing X-Shopify-Topic header", "X-Shopify-Topic");
  if (m.event_id.empty()) return failed("missing X-Shopify-Event-Id (or X-Shopify-Webhook-Id) header", "X-Shopify-Event-Id");
  if (text(body, "id").empty()) return failed("the Shopify object has no \"id\"", "id");
  // The object's own version orders changes; the delivery's trigger time otherwise.
  auto at = parse_time(text(body, "updated_at"));
  if (!at) at = parse_time(text(body, "created_at"));
  if (!at) at = parse_time(header(headers, "x-shopify-triggered-at"));
  if (!at) return failed("the Shopify object has no \"updated_at\" or \"created_at\" time", "updated_at");
  m.at = *at;
  if (m.type == "orders/create" || m.type == "orders/updated" || m.type == "orders/fulfilled" ||
      m.type == "orders/cancelled")
    map_order(m.type, body, m);
  else if (m.type == "fulfillments/create" || m.type == "fulfillments/update")
    map_fulfillment(body, m);
  else
    m.ignored = "Shopify topic \"" + m.type + "\" is not mapped";
  return m;
}

}  // namespace cockpit::server::connect
