// Stripe events (https://docs.stripe.com/api/events/object): {id: "evt_…", type,
// created: <unix s>, data: {object: {…}}}. The object's `customer` is Stripe's customer
// id ("cus_…", or the expanded customer object).
#include "server/connect_map_parts.hpp"

namespace cockpit::server::connect {

namespace {

std::string customer_id(const json& obj) {
  const std::string id = text(obj, "customer");
  return id.empty() ? text(object(obj, "customer"), "id") : id;
}

std::string invoice_label(const json& inv) {
  const std::string number = text(inv, "number");
  return "invoice " + (number.empty() ? text(inv, "id") : number);
}

// invoice.payment_failed: a pending payment exception, waiting on the customer.
void payment_failed(const json& inv, Mapped& m) {
  m.who = {customer_id(inv), lower(text(inv, "customer_email")), {}};
  Patch p;
  p.kind = RecordKind::exception;
  p.id = "x-stripe-" + text(inv, "id");
  p.fields = {{"status", "open"}, {"resolved_at", nullptr}};
  p.missing = WhenMissing::create;
  p.create = {{"case", nullptr},
              {"kind", "payment_failed"},
              {"summary", "Payment failed: " + invoice_label(inv) + " (" +
                              money(inv.value("amount_due", json()), text(inv, "currency")) + ")"},
              {"raised_at", format_time(m.at)},
              {"waiting_on", "customer"}};
  m.patches.push_back(std::move(p));
}

// invoice.paid / invoice.payment_succeeded: the exception (if one was raised) resolved.
void invoice_paid(const json& inv, Mapped& m) {
  m.who = {customer_id(inv), lower(text(inv, "customer_email")), {}};
  Patch p;
  p.kind = RecordKind::exception;
  p.id = "x-stripe-" + text(inv, "id");
  p.fields = {{"status", "resolved"}, {"resolved_at", format_time(m.at)}};
  p.missing = WhenMissing::skip;
  m.patches.push_back(std::move(p));
}

// customer.subscription.deleted: the customer becomes former (renewals and legal
// notices to them are then held by the guard).
void subscription_deleted(const json& sub, Mapped& m) {
  m.who = {customer_id(sub), {}, {}};
  Patch p;
  p.kind = RecordKind::customer;
  p.fields = {{"stage", "former"}, {"former_at", format_time(m.at)}};
  m.patches.push_back(std::move(p));
}

// charge.refunded: a touchpoint, one per refunded total of the charge.
void charge_refunded(const json& ch, Mapped& m) {
  std::string email = text(object(ch, "billing_details"), "email");
  if (email.empty()) email = text(ch, "receipt_email");
  m.who = {customer_id(ch), lower(email), {}};
  const json refunded = ch.value("amount_refunded", json());
  const std::string total = refunded.is_number_integer() ? std::to_string(refunded.get<std::int64_t>()) : "all";
  m.patches.push_back(touchpoint("t-stripe-" + text(ch, "id") + "-refund-" + total,
                                 {{"case", nullptr},
                                  {"at", format_time(m.at)},
                                  {"channel", "email"},
                                  {"direction", "out"},
                                  {"sender", "system:stripe"},
                                  {"kind", "status_update"},
                                  {"subject", "Refund of " + money(refunded, text(ch, "currency")) + " on charge " +
                                                  text(ch, "id")}}));
}

}  // namespace

Mapped map_stripe(const json& e) {
  Mapped m;
  m.event_id = text(e, "id");
  m.type = text(e, "type");
  if (m.event_id.empty()) return failed("a Stripe event has an \"id\" (evt_…)", "id");
  if (m.type.empty()) return failed("a Stripe event has a \"type\"", "type");
  const auto created = e.find("created");
  // The contract's times run to the year 9999; past that the milliseconds would overflow.
  constexpr std::int64_t kLastSecond = 253'402'300'799;  // 9999-12-31T23:59:59Z
  if (created == e.end() || !created->is_number_integer() || created->get<std::int64_t>() < 0 ||
      created->get<std::int64_t>() > kLastSecond)
    return failed("a Stripe event has \"created\" (Unix seconds, up to the year 9999)", "created");
  m.at = created->get<std::int64_t>() * kSecond;
  const json& obj = object(object(e, "data"), "object");
  if (obj.is_null()) return failed("a Stripe event has \"data\": {\"object\": {…}}", "data");
  if (m.type == "invoice.payment_failed") payment_failed(obj, m);
  else if (m.type == "invoice.paid" || m.type == "invoice.payment_succeeded") invoice_paid(obj, m);
  else if (m.type == "customer.subscription.deleted") subscription_deleted(obj, m);
  else if (m.type == "charge.refunded") charge_refunded(obj, m);
  else if (m.type == "customer.created" || m.type == "customer.updated")
    m.who = {text(obj, "id"), lower(text(obj, "email")), {}};  // links the ids only
  else m.ignored = "Stripe event type \"" + m.type + "\" is not mapped";
  return m;
}

}  // namespace cockpit::server::connect
