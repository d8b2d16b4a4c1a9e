#pragma once
// A small book shared by the app layer's tests: one manager's customer with an
// overdue promise, a pending exception and a scheduled review request; another
// manager's customer; a lead.
#include <memory>
#include <string>

#include "app/plan_action.hpp"
#include "domain/records.hpp"

namespace cockpit::test {

constexpr Time kNow = 1'790'000'000'000;  // 2026-09-21T…Z; any fixed instant will do

inline Book small_book() {
  Book b;
  b.managers = {{"m-anna", "Anna", "anna@x", Role::manager}, {"m-ben", "Ben", "ben@x", Role::manager},
                {"m-lea", "Lea", "lea@x", Role::lead}};
  Customer c{"c-1", "Davide Rossi", "m-anna", Stage::active, "d@x", "", Channel::email, kNow - 90 * kDay, {}};
  Customer other{"c-2", "Other Co", "m-ben", Stage::active, "o@x", "", Channel::email, kNow - 90 * kDay, {}};
  b.customers = {c, other};
  b.cases = {{"k-1", "c-1", CaseKind::order, "Bike", CaseStatus::open, kNow - 30 * kDay, {}}};
  Promise p;
  p.id = "p-1";
  p.customer = "c-1";
  p.case_id = "k-1";
  p.kind = PromiseKind::delivery;
  p.text = "Bike delivered";
  p.made_at = kNow - 30 * kDay;
  p.due_at = kNow - 5 * kDay;
  b.promises = {p};
  Exception e;
  e.id = "x-1";
  e.customer = "c-1";
  e.kind = "address_change";
  e.summary = "Ship to registered office";
  e.raised_at = kNow - 10 * kDay;
  e.waiting_on = "logistics";
  b.exceptions = {e};
  Scheduled s;
  s.id = "s-1";
  s.customer = "c-1";
  s.case_id = "k-1";  // its case is not fulfilled: held as before_fulfilment
  s.scheduled_at = kNow + kHour;
  s.sender = "system:noreply";
  s.kind = TouchKind::review_request;
  s.subject = "How was your order?";
  b.scheduled = {s};
  return b;
}

inline IdSource counter() {
  auto n = std::make_shared<int>(0);
  return [n](std::string_view prefix) { return std::string(prefix) + "-new" + std::to_string(++*n); };
}


}  // namespace cockpit::test
