// The demo book's five customer stories (src/domain/demo_book.hpp) as data: for each, exactly which
// suggestions and holds appear, and that nothing else does (a false alarm is as bad
// as a miss).
#include <doctest/doctest.h>

#include "builders.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

Book with_manager() {
  Book b;
  b.managers.push_back(manager("m-anna", "Anna Berg"));
  return b;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The bike: two exceptions waiting on departments, a delivery date passed with no new
// date, ten order confirmations from system:noreply and an eleventh about to go.
Book bike() {
  Book b = with_manager();
  b.customers.push_back(customer("c-bike", "Marco Rossi", "m-anna"));
  b.cases.push_back(kase("k-bike", "c-bike", CaseKind::order, "Grail CF SL bike", CaseStatus::open, T("2026-10-25")));
  b.exceptions.push_back(exception("x-ship", "c-bike", "k-bike", "address_change",
                                   "shipping to the registered office, not an operating site",
                                   T("2026-10-27T10:00Z"), "logistics"));
  b.exceptions.push_back(exception("x-pay", "c-bike", "k-bike", "payment_method",
                                   "the payment re-issued by bank transfer instead of PayPal",
                                   T("2026-10-28T10:00Z"), "billing"));
  b.promises.push_back(promise("p-deliv", "c-bike", "k-bike", PromiseKind::delivery, "Delivery of your Grail CF SL",
                               T("2026-11-15")));
  for (int i = 0; i < 10; ++i)
    b.touchpoints.push_back(touch("t-oc" + std::to_string(i), "c-bike", "k-bike",
                                  T("2026-10-25T12:00Z") + i * 18 * kHour, "system:noreply",
                                  TouchKind::order_confirmation, "Your Canyon order 4711"));
  b.touchpoints.push_back(touch("t-q1", "c-bike", "k-bike", T("2026-11-12T09:00Z"), "customer", TouchKind::question,
                                "Any news on the delivery?", Direction::in));
  b.touchpoints.push_back(touch("t-q2", "c-bike", "k-bike", T("2026-11-20T09:00Z"), "customer", TouchKind::complaint,
                                "Where is my bike?", Direction::in));
  // Dated after "now": has not happened yet, so it must not silence exception_update.
  b.touchpoints.push_back(touch("t-future", "c-bike", "k-bike", T("2026-11-25T09:00Z"), "m-anna",
                                TouchKind::status_update, "Your bike"));
  b.scheduled.push_back(sched("s-oc11", "c-bike", "k-bike", T("2026-11-23T08:00Z"), TouchKind::order_confirmation,
                              "Your Canyon order 4711"));
  return b;
}

}  // namespace

TEST_CASE("story: the bike (exceptions, a passed date, ten order confirmations)") {
  const Book b = bike();
  const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
  CHECK(suggestion_set(l) == Strings{"exception_update:x-pay", "exception_update:x-ship",
                                     "held_message_replacement:s-oc11", "promise_overdue:p-deliv"});
  CHECK(held_set(l) == Strings{"s-oc11:duplicate"});

  REQUIRE(l.overdue_promises.size() == 1);
  const PromiseRow& p = l.overdue_promises[0];
  CHECK(p.id == "p-deliv");
  CHECK(p.days_overdue == 6);
  CHECK(p.slips == 0);
  CHECK_FALSE(p.customer_told);  // nobody wrote after the date passed
  CHECK(l.due_soon_promises.empty());

  REQUIRE(l.pending_exceptions.size() == 2);
  CHECK(l.pending_exceptions[0].id == "x-ship");  // oldest first
  CHECK(l.pending_exceptions[0].age_days == 25);  // 25 days 23 hours
  CHECK(l.pending_exceptions[0].waiting_on == "logistics");
  // The last outgoing is the tenth confirmation: 2026-10-25T12:00 + 9*18h = 2026-11-01T06:00.
  CHECK(l.pending_exceptions[0].days_since_contact == 21);

  // The overdue promise outranks the held message and the exceptions.
  CHECK(l.suggestions[0].kind == SuggestionKind::promise_overdue);
  CHECK(l.suggestions[1].kind == SuggestionKind::held_message_replacement);
  const Suggestion& s = l.suggestions[0];
  CHECK(has(s.reason, "Promised delivery for Sun 15 Nov, 6 days ago"));
  CHECK(has(s.reason, "no new date given"));
  CHECK(has(s.reason, "last message from us 21 days ago"));
  CHECK(has(s.body, "Dear Marco,"));
  CHECK(has(s.body, "Anna Berg"));
  CHECK_FALSE(has(s.body, "noreply"));
  CHECK(s.channel == Channel::email);

  REQUIRE(l.customers.size() == 1);
  CHECK(l.customers[0].worst == Severity::overdue);
  CHECK(l.customers[0].worst_label == "delivery 6 days overdue");
  CHECK(l.customers[0].pending_exceptions == 2);
  CHECK(l.customers[0].held_messages == 1);
  CHECK(l.customers[0].suggestions == 4);
}

TEST_CASE("story: the furniture in eight deliveries (split delivery, wrong item, a slipped date told)") {
  Book b = with_manager();
  b.customers.push_back(customer("c-sofa", "Helen Price", "m-anna", Stage::active, Channel::phone));
  b.cases.push_back(kase("k-suite", "c-sofa", CaseKind::order, "Dining suite and sideboard"));
  b.exceptions.push_back(exception("x-split", "c-sofa", "k-suite", "split_delivery",
                                   "the order delivered in eight shipments", T("2026-08-01"), "warehouse",
                                   ExceptionStatus::resolved));
  b.exceptions.push_back(exception("x-wrong", "c-sofa", "k-suite", "wrong_item",
                                   "the wrong sideboard door was shipped", T("2026-11-10T10:00Z"), "warehouse"));
  b.promises.push_back(promise("p-legs", "c-sofa", "k-suite", PromiseKind::delivery, "Replacement table legs",
                               T("2026-11-05"), {}, PromiseStatus::kept));
  b.promises.push_back(promise("p-door", "c-sofa", "k-suite", PromiseKind::delivery, "The correct sideboard door",
                               T("2026-11-23"), {{T("2026-11-18"), T("2026-11-16T10:00Z"), true}}));
  b.promises.push_back(promise("p-call", "c-sofa", "k-suite", PromiseKind::callback,
                               "Call back about the delivery slot", T("2026-11-21T17:00Z")));
  b.promises.push_back(promise("p-chairs", "c-sofa", "k-suite", PromiseKind::delivery, "The last shipment: chairs",
                               T("2026-12-05")));
  for (int i = 0; i < 8; ++i)
    b.touchpoints.push_back(touch("t-y" + std::to_string(i), "c-sofa", "k-suite", T("2026-08-10") + i * 10 * kDay,
                                  "system:yodel", TouchKind::status_update, "Your delivery is on its way"));
  b.touchpoints.push_back(touch("t-call", "c-sofa", "k-suite", T("2026-11-20T11:00Z"), "m-anna",
                                TouchKind::status_update, "About the door", Direction::out, Channel::phone));
  b.scheduled.push_back(sched("s-rev", "c-sofa", "k-suite", T("2026-11-24T10:00Z"), TouchKind::review_request,
                              "How did we do?"));

  const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
  CHECK(suggestion_set(l) == Strings{"held_message_replacement:s-rev", "promise_due_soon:p-door",
                                     "promise_overdue:p-call"});
  CHECK(held_set(l) == Strings{"s-rev:before_fulfilment"});
  REQUIRE(l.overdue_promises.size() == 1);
  CHECK(l.overdue_promises[0].id == "p-call");
  CHECK(l.overdue_promises[0].days_overdue == 0);
  REQUIRE(l.due_soon_promises.size() == 1);
  CHECK(l.due_soon_promises[0].id == "p-door");
  CHECK(l.due_soon_promises[0].slips == 1);
  CHECK(l.due_soon_promises[0].customer_told);
  CHECK_FALSE(l.due_soon_promises[0].untold_slip);
  REQUIRE(l.pending_exceptions.size() == 1);
  CHECK(l.pending_exceptions[0].days_since_contact == 1);  // the call two days ago silences exception_update

  // Phone is her channel: the suggestion is a call script mentioning the earlier date.
  const Suggestion* door = find_suggestion(l, SuggestionKind::promise_due_soon, "p-door");
  REQUIRE(door);
  CHECK(door->channel == Channel::phone);
  CHECK(has(door->body, "Call Helen Price on"));
  CHECK(has(door->body, "Wednesday 18 November"));
}

TEST_CASE("story: the fairy costume (a review request before the delivery)") {
  Book b = with_manager();
  b.customers.push_back(customer("c-fairy", "Sanne de Vries", "m-anna"));
  b.cases.push_back(kase("k-fairy", "c-fairy", CaseKind::order, "Spring fairy costume", CaseStatus::open,
                         T("2026-11-19T20:00Z")));
  b.promises.push_back(promise("p-fairy", "c-fairy", "k-fairy", PromiseKind::delivery, "Delivery before the party",
                               T("2026-11-23")));
  b.touchpoints.push_back(touch("t-oc", "c-fairy", "k-fairy", T("2026-11-19T20:05Z"), "system:shop",
                                TouchKind::order_confirmation, "Thank you for your order"));
  b.scheduled.push_back(sched("s-review", "c-fairy", "k-fairy", T("2026-11-22T10:00Z"), TouchKind::review_request,
                              "How was your shopping experience?", "system:shop"));

  SUBCASE("before the delivery: the review request is held, the delivery is due soon") {
    const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
    CHECK(suggestion_set(l) == Strings{"held_message_replacement:s-review", "promise_due_soon:p-fairy"});
    CHECK(held_set(l) == Strings{"s-review:before_fulfilment"});
    const Suggestion* h = find_suggestion(l, SuggestionKind::held_message_replacement, "s-review");
    REQUIRE(h);
    CHECK(has(h->body, "Spring fairy costume is on its way, expected Monday 23 November"));
  }
  SUBCASE("after the delivery: the review may go, a personal follow-up is owed") {
    b.cases[0].status = CaseStatus::fulfilled;
    b.cases[0].fulfilled_at = T("2026-11-21T15:00Z");
    b.promises[0].status = PromiseStatus::kept;
    b.promises[0].kept_at = T("2026-11-21T15:00Z");
    b.scheduled[0].scheduled_at = T("2026-11-24T10:00Z");
    const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
    CHECK(suggestion_set(l) == Strings{"fulfilment_followup:k-fairy"});
    CHECK(held_set(l).empty());
    REQUIRE(l.verdicts.size() == 1);
    CHECK_FALSE(l.verdicts[0].held());

    // A personal message after the delivery ends it.
    b.touchpoints.push_back(touch("t-hi", "c-fairy", no_case(), T("2026-11-22T08:00Z"), "m-anna",
                                  TouchKind::question, "Did it arrive in time?"));
    CHECK(lists_for(b, "m-anna", T("2026-11-22T09:00Z")).suggestions.empty());
  }
}

TEST_CASE("story: the kit-car insurance (a former customer, renewals, four confused emails)") {
  Book b = with_manager();
  Customer c = customer("c-kit", "Graham Hollis", "m-anna", Stage::former);
  c.former_at = T("2025-11-30");
  b.customers.push_back(c);
  b.cases.push_back(kase("k-pol", "c-kit", CaseKind::policy, "Kit car insurance policy", CaseStatus::cancelled,
                         T("2021-06-01")));
  b.touchpoints.push_back(touch("t-wel", "c-kit", "k-pol", T("2021-06-01T12:00Z"), "system:portal", TouchKind::welcome,
                                "Welcome to Kit Car Cover"));
  b.touchpoints.push_back(touch("t-cancel", "c-kit", "k-pol", T("2025-11-30T10:00Z"), "customer", TouchKind::other,
                                "Cancelling: car sold", Direction::in, Channel::phone));
  b.touchpoints.push_back(touch("t-renew", "c-kit", "k-pol", T("2026-11-21T12:00Z"), "system:renewals",
                                TouchKind::renewal_notice, "Your policy renews on 1 December"));
  b.touchpoints.push_back(touch("t-reply", "c-kit", "k-pol", T("2026-11-21T13:00Z"), "customer",
                                TouchKind::complaint, "I sold the car a year ago", Direction::in));
  b.touchpoints.push_back(touch("t-phone", "c-kit", "k-pol", T("2026-11-21T15:00Z"), "customer", TouchKind::other,
                                "Called to cancel again", Direction::in, Channel::phone));
  // The four responses after the call, a minute apart.
  b.scheduled.push_back(sched("s-a", "c-kit", "k-pol", T("2026-11-22T10:00Z"), TouchKind::welcome,
                              "Thank you for signing up", "system:portal"));
  b.scheduled.push_back(sched("s-b", "c-kit", "k-pol", T("2026-11-22T10:01Z"), TouchKind::other,
                              "Thank you for contacting us", "system:crm"));
  b.scheduled.push_back(sched("s-c", "c-kit", "k-pol", T("2026-11-22T10:02Z"), TouchKind::cancellation_confirmation,
                              "Your cancellation", "system:crm"));
  b.scheduled.push_back(sched("s-d", "c-kit", "k-pol", T("2026-11-22T10:03Z"), TouchKind::legal_notice,
                              "Driving without insurance is a criminal offence", "system:legal"));
  b.scheduled.push_back(sched("s-mkt", "c-kit", no_case(), T("2026-11-28T09:00Z"), TouchKind::marketing,
                              "Winter offers for kit car owners", "system:marketing"));
  b.scheduled.push_back(sched("s-ren", "c-kit", "k-pol", T("2026-12-21T08:00Z"), TouchKind::renewal_notice,
                              "Final reminder: your policy renews", "system:renewals"));

  const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
  // s-b and s-c may go: s-a is held, so it does not count toward the cap; s-d is the
  // 4th automated message in 24 h (t-renew, s-b, s-c, itself).
  CHECK(held_set(l) == Strings{"s-a:former_customer+duplicate", "s-d:former_customer+frequency_cap",
                               "s-mkt:former_customer", "s-ren:former_customer"});
  CHECK(suggestion_set(l) == Strings{"closing_message:c-kit", "held_message_replacement:s-a",
                                     "held_message_replacement:s-d", "held_message_replacement:s-mkt",
                                     "held_message_replacement:s-ren"});
  const Suggestion* close = find_suggestion(l, SuggestionKind::closing_message, "c-kit");
  REQUIRE(close);
  CHECK(has(close->reason, "Graham Hollis became a former customer on Sun 30 Nov 2025"));
  CHECK(has(close->body, "Kit car insurance policy has ended"));
  CHECK(has(close->body, "Anna Berg"));
  CHECK(l.suggestions.back().kind == SuggestionKind::closing_message);  // the lowest tier

  const Suggestion* ren = find_suggestion(l, SuggestionKind::held_message_replacement, "s-ren");
  REQUIRE(ren);
  CHECK(has(ren->body, "ended on Sunday 30 November 2025. I have stopped it."));
  CHECK(l.verdicts.size() == 6);
}

namespace {

Book trade_in() {
  Book b = with_manager();
  b.customers.push_back(customer("c-suv", "Lucía Bauzá", "m-anna", Stage::active, Channel::sms));
  b.cases.push_back(kase("k-trade", "c-suv", CaseKind::trade_in, "Trade-in of the SUV", CaseStatus::open,
                         T("2026-11-16T12:00Z")));
  b.cases.push_back(kase("k-new", "c-suv", CaseKind::order, "New car", CaseStatus::open, T("2026-11-16T11:00Z")));
  b.promises.push_back(promise("p-pay", "c-suv", "k-trade", PromiseKind::payment,
                               "Payment for the SUV in about 5 days", T("2026-11-21")));
  b.exceptions.push_back(exception("x-docs", "c-suv", "k-trade", "documents_held",
                                   "the SUV's registration documents, held until payment", T("2026-11-16T12:00Z"),
                                   "used cars"));
  b.touchpoints.push_back(touch("t-visit", "c-suv", "k-trade", T("2026-11-16T11:30Z"), "customer", TouchKind::other,
                                "Visit at the dealership", Direction::in, Channel::in_person));
  b.touchpoints.push_back(touch("t-receipt", "c-suv", "k-trade", T("2026-11-16T12:30Z"), "system:dms",
                                TouchKind::order_confirmation, "Trade-in receipt"));
  b.scheduled.push_back(sched("s-mkt", "c-suv", no_case(), T("2026-11-23T09:00Z"), TouchKind::marketing,
                              "Accessories for your new car", "system:marketing"));
  return b;
}

}  // namespace

TEST_CASE("story: the car trade-in (payment in 'near 5 days', documents held)") {
  const Book b = trade_in();
  SUBCASE("two days before: the payment is due soon") {
    const Lists l = lists_for(b, "m-anna", T("2026-11-20T09:00Z"));
    CHECK(suggestion_set(l) == Strings{"exception_update:x-docs", "held_message_replacement:s-mkt",
                                       "promise_due_soon:p-pay"});
    CHECK(held_set(l) == Strings{"s-mkt:open_exception"});
    CHECK(l.overdue_promises.empty());
    const Suggestion* pay = find_suggestion(l, SuggestionKind::promise_due_soon, "p-pay");
    REQUIRE(pay);
    CHECK(pay->channel == Channel::sms);
    CHECK(pay->body.size() <= 240);  // an SMS is short
    CHECK(has(pay->body, "tomorrow"));
  }
  SUBCASE("the day after: the payment is overdue") {
    const Lists l = lists_for(b, "m-anna", T("2026-11-22T09:00Z"));
    CHECK(suggestion_set(l) == Strings{"exception_update:x-docs", "held_message_replacement:s-mkt",
                                       "promise_overdue:p-pay"});
    CHECK(held_set(l) == Strings{"s-mkt:open_exception"});
    REQUIRE(l.overdue_promises.size() == 1);
    CHECK(l.overdue_promises[0].days_overdue == 0);
    REQUIRE(l.pending_exceptions.size() == 1);
    CHECK(l.pending_exceptions[0].age_days == 5);
    CHECK(l.pending_exceptions[0].waiting_on == "used cars");
    CHECK(l.pending_exceptions[0].days_since_contact == 5);
  }
  SUBCASE("once the exception is resolved the marketing may go") {
    Book r = b;
    r.exceptions[0].status = ExceptionStatus::resolved;
    const Lists l = lists_for(r, "m-anna", T("2026-11-22T09:00Z"));
    CHECK(suggestion_set(l) == Strings{"promise_overdue:p-pay"});
    CHECK(held_set(l).empty());
  }
}
