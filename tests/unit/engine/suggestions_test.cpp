// Every suggestion rule at its edges ("Suggestion kinds" and "Precise meanings"),
// plus dismissals and snoozes.
#include <doctest/doctest.h>

#include "builders.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

Time now0() { return T("2026-11-22T09:00Z"); }

Book base(Stage stage = Stage::active) {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  b.customers.push_back(customer("c-1", "Marco Rossi", "m-1", stage));
  b.cases.push_back(kase("k-1", "c-1", CaseKind::order, "Bike"));
  return b;
}

Strings kinds(const Book& b, Time now) { return suggestion_set(lists_for(b, "m-1", now)); }

}  // namespace

TEST_CASE("promise: due exactly now is due soon, not overdue; one ms later it is overdue") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::delivery, "Bike", now0()));
  Lists l = lists_for(b, "m-1", now0());
  CHECK(suggestion_set(l) == Strings{"promise_due_soon:p-1"});
  CHECK(l.overdue_promises.empty());
  CHECK(l.due_soon_promises.size() == 1);
  l = lists_for(b, "m-1", now0() + 1);
  CHECK(suggestion_set(l) == Strings{"promise_overdue:p-1"});
  CHECK(l.overdue_promises.at(0).days_overdue == 0);
  CHECK(lists_for(b, "m-1", now0() + kDay).overdue_promises.at(0).days_overdue == 1);
}

TEST_CASE("promise: due soon up to now + 48 h exactly, not 1 ms more") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::delivery, "Bike", now0() + 48 * kHour));
  CHECK(kinds(b, now0()) == Strings{"promise_due_soon:p-1"});
  b.promises[0].due_at += 1;
  CHECK(kinds(b, now0()).empty());
}

TEST_CASE("promise: due soon only while the case is not fulfilled; no case or cancelled counts as not") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::payment, "Pay", now0() + kHour));
  b.promises.push_back(promise("p-2", "c-1", no_case(), PromiseKind::callback, "Call", now0() + kHour));
  b.cases[0].status = CaseStatus::fulfilled;
  b.cases[0].fulfilled_at = now0() - 30 * kDay;  // long ago: no follow-up either
  CHECK(kinds(b, now0()) == Strings{"promise_due_soon:p-2"});
  b.cases[0].status = CaseStatus::cancelled;
  CHECK(kinds(b, now0()) == Strings{"promise_due_soon:p-1", "promise_due_soon:p-2"});
}

TEST_CASE("promise: kept and cancelled promises are never late") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::delivery, "Bike", now0() - kDay, {},
                               PromiseStatus::kept));
  b.promises.push_back(promise("p-2", "c-1", "k-1", PromiseKind::delivery, "Bike", now0() + kHour, {},
                               PromiseStatus::cancelled));
  const Lists l = lists_for(b, "m-1", now0());
  CHECK(l.suggestions.empty());
  CHECK(l.overdue_promises.empty());
  CHECK(l.due_soon_promises.empty());
}

TEST_CASE("promise: was the customer told?") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::delivery, "Bike", T("2026-11-15")));
  SUBCASE("never slipped, nobody wrote after the date: not told") {
    CHECK_FALSE(lists_for(b, "m-1", now0()).overdue_promises.at(0).customer_told);
  }
  SUBCASE("never slipped, a personal message at or after due_at: told") {
    b.touchpoints.push_back(touch("t-1", "c-1", no_case(), T("2026-11-15"), "m-1", TouchKind::apology, "Sorry"));
    CHECK(lists_for(b, "m-1", now0()).overdue_promises.at(0).customer_told);
    b.touchpoints[0].at -= 1;  // before the date passed: not about the lateness
    CHECK_FALSE(lists_for(b, "m-1", now0()).overdue_promises.at(0).customer_told);
    b.touchpoints[0].at = T("2026-11-16");
    b.touchpoints[0].sender = "system:crm";  // automated: not personal
    CHECK_FALSE(lists_for(b, "m-1", now0()).overdue_promises.at(0).customer_told);
  }
  SUBCASE("slipped: the latest change decides, and an untold slip comes first") {
    b.promises[0].history = {{T("2026-11-01"), T("2026-10-30"), false}, {T("2026-11-08"), T("2026-11-07"), true}};
    b.promises.push_back(promise("p-2", "c-1", "k-1", PromiseKind::delivery, "Helmet", T("2026-11-20"),
                                 {{T("2026-11-18"), T("2026-11-17"), false}}));
    const Lists l = lists_for(b, "m-1", now0());
    REQUIRE(l.overdue_promises.size() == 2);
    CHECK(l.overdue_promises[0].id == "p-2");  // 1 day overdue but untold beats 6 days overdue
    CHECK(l.overdue_promises[0].untold_slip);
    CHECK_FALSE(l.overdue_promises[0].customer_told);
    CHECK(l.overdue_promises[1].id == "p-1");
    CHECK(l.overdue_promises[1].customer_told);
    CHECK(l.overdue_promises[1].slips == 2);
    CHECK(l.suggestions.at(0).about == "p-2");
    CHECK(l.suggestions.at(0).priority > 7'000'000'000);
    CHECK(l.suggestions.at(0).reason.find("not told") != std::string::npos);
    const Suggestion* p1 = find_suggestion(l, SuggestionKind::promise_overdue, "p-1");
    REQUIRE(p1);
    CHECK(p1->body.find("moved twice") != std::string::npos);
    CHECK(p1->body.find("Sunday 1 November, then Sunday 8 November") != std::string::npos);
  }
}

TEST_CASE("exception_update: fires at 72 h without an outgoing touchpoint, not at 72 h - 1 ms") {
  Book b = base();
  b.exceptions.push_back(exception("x-1", "c-1", "k-1", "address_change", "New address", T("2026-11-01"), "logistics"));
  b.touchpoints.push_back(touch("t-out", "c-1", "k-1", now0() - 72 * kHour, "system:crm", TouchKind::status_update,
                                "Update"));
  CHECK(kinds(b, now0()) == Strings{"exception_update:x-1"});
  b.touchpoints[0].at += 1;
  CHECK(kinds(b, now0()).empty());
  SUBCASE("incoming touchpoints do not count") {
    b.touchpoints[0].direction = Direction::in;
    b.touchpoints[0].sender = "customer";
    CHECK(kinds(b, now0()) == Strings{"exception_update:x-1"});
  }
  SUBCASE("touchpoints after now do not count") {
    b.touchpoints[0].at = now0() + 1;
    CHECK(kinds(b, now0()) == Strings{"exception_update:x-1"});
  }
  SUBCASE("any case of the customer counts") {
    b.touchpoints[0].case_id = std::nullopt;
    CHECK(kinds(b, now0()).empty());
  }
}

TEST_CASE("exception_update: nothing ever sent fires; resolved exceptions never do; one per exception") {
  Book b = base();
  b.exceptions.push_back(exception("x-1", "c-1", "k-1", "address_change", "New address", now0() - kHour, "logistics"));
  b.exceptions.push_back(exception("x-2", "c-1", no_case(), "payment_method", "Bank transfer", now0() - kHour,
                                   "billing"));
  b.exceptions.push_back(exception("x-3", "c-1", "k-1", "wrong_item", "Wrong", now0() - kDay, "warehouse",
                                   ExceptionStatus::resolved));
  const Lists l = lists_for(b, "m-1", now0());
  CHECK(suggestion_set(l) == Strings{"exception_update:x-1", "exception_update:x-2"});
  REQUIRE(l.pending_exceptions.size() == 2);
  CHECK_FALSE(l.pending_exceptions[0].days_since_contact);
  CHECK(l.suggestions[0].reason.find("nothing has ever been sent") != std::string::npos);
}

TEST_CASE("fulfilment_followup: within 7 days of fulfilment until a personal message at or after it") {
  Book b = base();
  const Time done = T("2026-11-15T09:00Z");
  b.cases[0].status = CaseStatus::fulfilled;
  b.cases[0].fulfilled_at = done;
  CHECK(kinds(b, done + 7 * kDay) == Strings{"fulfilment_followup:k-1"});  // exactly 7 days: still owed
  CHECK(kinds(b, done + 7 * kDay + 1).empty());
  CHECK(kinds(b, done - 1).empty());  // not fulfilled yet as of then
  SUBCASE("a personal message exactly at fulfilled_at ends it") {
    b.touchpoints.push_back(touch("t-1", "c-1", "k-1", done, "m-1", TouchKind::question, "All well?"));
    CHECK(kinds(b, now0()).empty());
    b.touchpoints[0].at = done - 1;
    CHECK(kinds(b, now0()) == Strings{"fulfilment_followup:k-1"});
  }
  SUBCASE("with no case it counts; on another case, from a system, or incoming it does not") {
    b.cases.push_back(kase("k-2", "c-1", CaseKind::order, "Helmet"));
    b.touchpoints.push_back(touch("t-1", "c-1", "k-2", done + kHour, "m-1", TouchKind::question, "Helmet?"));
    b.touchpoints.push_back(touch("t-2", "c-1", "k-1", done + kHour, "system:shop", TouchKind::review_request, "Review"));
    b.touchpoints.push_back(touch("t-3", "c-1", "k-1", done + kHour, "customer", TouchKind::question, "Hi",
                                  Direction::in));
    CHECK(kinds(b, now0()) == Strings{"fulfilment_followup:k-1"});
    b.touchpoints.push_back(touch("t-4", "c-1", no_case(), done + kHour, "m-1", TouchKind::question, "Hi"));
    CHECK(kinds(b, now0()).empty());
  }
}

TEST_CASE("closing_message: from former_at, else the cancellation confirmation, else any personal message") {
  Book b = base(Stage::former);
  b.cases[0].status = CaseStatus::cancelled;
  SUBCASE("with former_at") {
    b.customers[0].former_at = T("2026-11-10T12:00Z");
    b.touchpoints.push_back(touch("t-old", "c-1", no_case(), T("2026-11-10T11:59Z"), "m-1", TouchKind::other, "Hi"));
    CHECK(kinds(b, now0()) == Strings{"closing_message:c-1"});
    b.touchpoints.push_back(touch("t-new", "c-1", "k-1", T("2026-11-10T12:00Z"), "m-1", TouchKind::other, "Bye"));
    CHECK(kinds(b, now0()).empty());
  }
  SUBCASE("without former_at: after the latest outgoing cancellation confirmation") {
    b.touchpoints.push_back(touch("t-me", "c-1", no_case(), T("2026-11-01"), "m-1", TouchKind::other, "Hi"));
    b.touchpoints.push_back(touch("t-cc1", "c-1", "k-1", T("2026-11-02"), "system:crm",
                                  TouchKind::cancellation_confirmation, "Cancelled"));
    b.touchpoints.push_back(touch("t-cc2", "c-1", "k-1", T("2026-11-05"), "system:crm",
                                  TouchKind::cancellation_confirmation, "Cancelled"));
    const Lists l = lists_for(b, "m-1", now0());
    CHECK(suggestion_set(l) == Strings{"closing_message:c-1"});
    CHECK(l.suggestions.at(0).key == "closing_message|c-1|since=2026-11-05T23:59:59.999Z");
    b.touchpoints.push_back(touch("t-me2", "c-1", no_case(), T("2026-11-04"), "m-1", TouchKind::other, "Hi"));
    CHECK(kinds(b, now0()) == Strings{"closing_message:c-1"});  // before the latest one
    b.touchpoints.back().at = T("2026-11-06");
    CHECK(kinds(b, now0()).empty());
  }
  SUBCASE("neither: any personal message ends it") {
    CHECK(kinds(b, now0()) == Strings{"closing_message:c-1"});
    b.touchpoints.push_back(touch("t-sys", "c-1", no_case(), T("2020-06-01"), "system:crm", TouchKind::other, "x"));
    CHECK(kinds(b, now0()) == Strings{"closing_message:c-1"});
    b.touchpoints.push_back(touch("t-me", "c-1", no_case(), T("2020-06-01"), "m-1", TouchKind::other, "Hi"));
    CHECK(kinds(b, now0()).empty());
  }
  SUBCASE("active and prospect customers are never closed") {
    b.customers[0].stage = Stage::active;
    CHECK(kinds(b, now0()).empty());
  }
}

TEST_CASE("dismissed: hidden while the key matches; lapses when the due date changes") {
  Book b = base();
  b.promises.push_back(promise("p-1", "c-1", "k-1", PromiseKind::delivery, "Bike", T("2026-11-15")));
  Lists l = lists_for(b, "m-1", now0());
  REQUIRE(l.suggestions.size() == 1);
  const std::string key = l.suggestions[0].key;
  CHECK(key == "promise_overdue|p-1|due=2026-11-15T23:59:59.999Z|slips=0");
  SuggestionDecision d;
  d.id = "d-1";
  d.suggestion_key = key;
  d.customer = "c-1";
  d.kind = DecisionKind::dismissed;
  d.at = now0();
  b.decisions.push_back(d);
  l = lists_for(b, "m-1", now0() + 10 * kDay);
  CHECK(l.suggestions.empty());
  CHECK(l.hidden_suggestions == 1);
  CHECK(l.customers.at(0).suggestions == 0);
  CHECK(l.overdue_promises.size() == 1);  // the list still shows the fact
  // A new date (slipped, not told) is a new fact: the dismissal no longer applies.
  b.promises[0].history.push_back({b.promises[0].due_at, now0(), false});
  b.promises[0].due_at = T("2026-11-20");
  l = lists_for(b, "m-1", now0());
  CHECK(suggestion_set(l) == Strings{"promise_overdue:p-1"});
  CHECK(l.hidden_suggestions == 0);
}

TEST_CASE("snoozed: hidden until `until`, shown again from then on") {
  Book b = base();
  b.exceptions.push_back(exception("x-1", "c-1", "k-1", "address_change", "New address", T("2026-11-01"), "logistics"));
  const std::string key = lists_for(b, "m-1", now0()).suggestions.at(0).key;
  CHECK(key == "exception_update|x-1|last_out=never");
  SuggestionDecision d;
  d.id = "d-1";
  d.suggestion_key = key;
  d.kind = DecisionKind::snoozed;
  d.until = now0() + kDay;
  b.decisions.push_back(d);
  CHECK(kinds(b, now0()).empty());
  CHECK(kinds(b, now0() + kDay - 1).empty());
  CHECK(kinds(b, now0() + kDay) == Strings{"exception_update:x-1"});
  // Another key (a different suggestion) is not affected.
  b.decisions[0].suggestion_key = "exception_update|x-2|last_out=never";
  CHECK(kinds(b, now0()) == Strings{"exception_update:x-1"});
}

TEST_CASE("suggestion order: untold slip, overdue by days, held, exception, due soon, follow-up, closing") {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  for (const char* id : {"c-a", "c-b", "c-c", "c-d", "c-e", "c-f", "c-g"})
    b.customers.push_back(customer(id, id, "m-1"));
  b.customers.back().stage = Stage::former;  // c-g: closing
  b.cases.push_back(kase("k-f", "c-f", CaseKind::order, "F", CaseStatus::fulfilled, T("2026-11-01"),
                         now0() - 2 * kDay));
  b.promises.push_back(promise("p-told", "c-a", no_case(), PromiseKind::delivery, "A", now0() - 9 * kDay));
  b.promises.push_back(promise("p-untold", "c-b", no_case(), PromiseKind::delivery, "B", now0() - kHour,
                               {{now0() - 3 * kDay, now0() - 4 * kDay, false}}));
  b.promises.push_back(promise("p-old", "c-a", no_case(), PromiseKind::delivery, "A2", now0() - 20 * kDay));
  b.scheduled.push_back(sched("s-1", "c-c", no_case(), now0() + kHour, TouchKind::review_request, "R"));
  b.cases.push_back(kase("k-c", "c-c", CaseKind::order, "C"));
  b.scheduled[0].case_id = "k-c";
  b.exceptions.push_back(exception("x-1", "c-d", no_case(), "wrong_item", "W", now0() - kDay, "warehouse"));
  b.promises.push_back(promise("p-soon", "c-e", no_case(), PromiseKind::callback, "E", now0() + kHour));
  const Lists l = lists_for(b, "m-1", now0());
  Strings order;
  for (const Suggestion& s : l.suggestions) order.push_back(std::string(to_string(s.kind)) + ":" + s.about);
  CHECK(order == Strings{"promise_overdue:p-untold", "promise_overdue:p-old", "promise_overdue:p-told",
                         "held_message_replacement:s-1", "exception_update:x-1", "promise_due_soon:p-soon",
                         "fulfilment_followup:k-f", "closing_message:c-g"});
  for (std::size_t i = 1; i < l.suggestions.size(); ++i) CHECK(l.suggestions[i - 1].priority >= l.suggestions[i].priority);
}
