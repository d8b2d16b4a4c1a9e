#pragma once
// Small valid records for the tests of the device's sync layers (store replica, client):
// one customer, case, promise, message at a time, dated around kT0. Pure.
#include <optional>
#include <string>

#include "domain/records.hpp"
#include "domain/time.hpp"

namespace cockpit::test {

inline const Time kT0 = *parse_time("2026-11-22T09:00:00Z");

inline Customer customer(const std::string& id, const std::string& owner) {
  Customer c;
  c.id = id;
  c.name = "Customer " + id;
  c.owner = owner;
  c.email = id + "@example.com";
  c.since = kT0 - 100 * kDay;
  return c;
}

inline Case a_case(const std::string& id, const std::string& cust) {
  Case k;
  k.id = id;
  k.customer = cust;
  k.title = "Order " + id;
  k.opened_at = kT0 - 10 * kDay;
  return k;
}

inline Promise promise(const std::string& id, const std::string& cust, std::optional<std::string> kase) {
  Promise p;
  p.id = id;
  p.customer = cust;
  p.case_id = std::move(kase);
  p.kind = PromiseKind::delivery;
  p.text = "Delivery by Thursday";
  p.made_at = kT0 - 10 * kDay;
  p.due_at = kT0 + 2 * kDay;
  return p;
}

inline Touchpoint touchpoint(const std::string& id, const std::string& cust, const std::string& subject = "Hello") {
  Touchpoint t;
  t.id = id;
  t.customer = cust;
  t.at = kT0 - kDay;
  t.sender = "m-anna";
  t.kind = TouchKind::status_update;
  t.subject = subject;
  return t;
}

}  // namespace cockpit::test
