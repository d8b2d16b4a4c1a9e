// The guard's hold reasons at their edges ("Hold reasons" and "Precise meanings").
#include <doctest/doctest.h>

#include "builders.hpp"
#include "engine/guard.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

const Time kNow = T("2026-11-22T09:00Z");

Book base(Stage stage = Stage::active) {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  b.customers.push_back(customer("c-1", "Marco Rossi", "m-1", stage));
  b.cases.push_back(kase("k-1", "c-1", CaseKind::order, "Bike"));
  b.cases.push_back(kase("k-2", "c-1", CaseKind::order, "Helmet"));
  return b;
}

// "id:reason+reason" for every verdict (allowed ones as "id:").
Strings verdicts(const Book& b, Time now = kNow) {
  Strings out;
  for (const Verdict& v : guard_all(b, now)) {
    std::string s = v.scheduled + ":";
    for (std::size_t i = 0; i < v.reasons.size(); ++i) s += (i ? "+" : "") + std::string(to_string(v.reasons[i]));
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("hold reasons spell as the contract") {
  CHECK(to_string(HoldReason::before_fulfilment) == "before_fulfilment");
  CHECK(to_string(HoldReason::frequency_cap) == "frequency_cap");
  CHECK(parse_HoldReason("open_exception") == HoldReason::open_exception);
  CHECK_FALSE(parse_HoldReason("late"));
}

TEST_CASE("before_fulfilment: a review request for a case that exists and is not fulfilled") {
  Book b = base();
  b.cases[1].status = CaseStatus::fulfilled;
  b.cases[1].fulfilled_at = T("2026-11-20");
  b.scheduled.push_back(sched("s-open", "c-1", "k-1", T("2026-11-23"), TouchKind::review_request, "Review"));
  b.scheduled.push_back(sched("s-done", "c-1", "k-2", T("2026-11-23"), TouchKind::review_request, "Review"));
  b.scheduled.push_back(sched("s-nocase", "c-2", no_case(), T("2026-11-23"), TouchKind::review_request, "Review"));
  b.customers.push_back(customer("c-2", "Eva Novak", "m-1"));
  b.scheduled.push_back(sched("s-status", "c-1", "k-1", T("2026-11-24"), TouchKind::status_update, "Update"));
  CHECK(verdicts(b) == Strings{"s-done:", "s-open:before_fulfilment", "s-status:", "s-nocase:"});
  b.cases[0].status = CaseStatus::cancelled;  // cancelled is not fulfilled either
  CHECK(verdicts(b)[1] == "s-open:before_fulfilment");
}

TEST_CASE("former_customer: only the listed kinds, only to a former customer") {
  Book b = base(Stage::former);
  const TouchKind held[] = {TouchKind::renewal_notice, TouchKind::marketing, TouchKind::welcome,
                            TouchKind::payment_request, TouchKind::legal_notice};
  const TouchKind allowed[] = {TouchKind::status_update, TouchKind::apology, TouchKind::other};
  int n = 0;
  for (TouchKind k : held)  // a day apart: no frequency cap, distinct subjects: no duplicate
    b.scheduled.push_back(sched("s-h" + std::to_string(n), "c-1", "k-" + std::to_string(1 + n % 2),
                                T("2026-11-23T09:00Z") + n * kDay, k, "S" + std::to_string(n))), ++n;
  for (TouchKind k : allowed)
    b.scheduled.push_back(sched("s-a" + std::to_string(n), "c-1", "k-1", T("2026-11-23T09:00Z") + n * kDay, k,
                                "S" + std::to_string(n))), ++n;
  CHECK(verdicts(b) == Strings{"s-h0:former_customer", "s-h1:former_customer", "s-h2:former_customer",
                               "s-h3:former_customer", "s-h4:former_customer", "s-a5:", "s-a6:", "s-a7:"});
  b.customers[0].stage = Stage::active;
  for (const std::string& v : verdicts(b)) CHECK(v.back() == ':');
}

TEST_CASE("duplicate: once-per-case kinds against anything sent or scheduled earlier on the case") {
  Book b = base();
  b.touchpoints.push_back(touch("t-1", "c-1", "k-1", T("2025-01-01"), "system:noreply", TouchKind::order_confirmation,
                                "Long ago, other subject"));
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", T("2026-11-23"), TouchKind::order_confirmation, "Your order"));
  b.scheduled.push_back(sched("s-2", "c-1", "k-2", T("2026-11-23"), TouchKind::order_confirmation, "Your order"));
  CHECK(verdicts(b) == Strings{"s-1:duplicate", "s-2:"});  // the other case is another group
  // An incoming one or one dated after now does not count as sent.
  b.touchpoints[0].direction = Direction::in;
  b.touchpoints.push_back(touch("t-2", "c-1", "k-1", T("2026-11-22T09:00:00.001Z"), "system:noreply",
                                TouchKind::order_confirmation, "Your order"));
  CHECK(verdicts(b) == Strings{"s-1:", "s-2:"});
}

TEST_CASE("duplicate: a tie on scheduled_at goes to the smaller id; cancelled ones do not count") {
  Book b = base();
  b.scheduled.push_back(sched("s-b", "c-1", "k-1", T("2026-11-23T10:00Z"), TouchKind::welcome, "Welcome"));
  b.scheduled.push_back(sched("s-a", "c-1", "k-1", T("2026-11-23T10:00Z"), TouchKind::welcome, "Welcome!"));
  b.scheduled.push_back(sched("s-0", "c-1", "k-1", T("2026-11-23T11:00Z"), TouchKind::welcome, "Welcome"));
  CHECK(verdicts(b) == Strings{"s-a:", "s-b:duplicate", "s-0:duplicate"});
  b.scheduled[1].status = ScheduledStatus::cancelled;  // s-a
  CHECK(verdicts(b) == Strings{"s-b:", "s-0:duplicate"});
  b.scheduled[0].status = ScheduledStatus::released;  // s-b will go: still counts, gets no verdict
  CHECK(verdicts(b) == Strings{"s-0:duplicate"});
}

TEST_CASE("duplicate: other kinds need the same subject within the 7 days before") {
  Book b = base();
  const Time at = T("2026-11-25T12:00Z");
  b.touchpoints.push_back(touch("t-in", "c-1", "k-1", at - 7 * kDay, "system:crm", TouchKind::status_update,
                                "Your order has shipped"));
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", at, TouchKind::status_update, "Your order has shipped"));
  CHECK(verdicts(b, at) == Strings{"s-1:duplicate"});  // exactly 7 days before: within
  b.touchpoints[0].at = at - 7 * kDay - 1;
  CHECK(verdicts(b, at) == Strings{"s-1:"});
  b.touchpoints[0].at = at - kDay;
  b.touchpoints[0].subject = "Your order has shipped!";  // not exactly equal
  CHECK(verdicts(b, at) == Strings{"s-1:"});
  b.touchpoints[0].subject = "Your order has shipped";
  b.touchpoints[0].kind = TouchKind::other;  // the kind must match
  CHECK(verdicts(b, at) == Strings{"s-1:"});
}

TEST_CASE("duplicate: with no case the customer stands in for the case") {
  Book b = base();
  b.touchpoints.push_back(touch("t-1", "c-1", "k-2", T("2026-11-21"), "system:mkt", TouchKind::marketing, "Sale"));
  b.scheduled.push_back(sched("s-nocase", "c-1", no_case(), T("2026-11-23"), TouchKind::marketing, "Sale"));
  b.scheduled.push_back(sched("s-case", "c-1", "k-1", T("2026-11-24"), TouchKind::marketing, "Sale"));
  // s-nocase matches anything to the customer; s-case only its own case, and the
  // earlier s-nocase is not on k-1.
  CHECK(verdicts(b) == Strings{"s-nocase:duplicate", "s-case:"});
}

TEST_CASE("open_exception: marketing only, while an exception is open") {
  Book b = base();
  b.exceptions.push_back(exception("x-1", "c-1", "k-2", "wrong_item", "Wrong helmet", T("2026-11-20"), "warehouse"));
  b.scheduled.push_back(sched("s-m", "c-1", no_case(), T("2026-11-23"), TouchKind::marketing, "Sale"));
  b.scheduled.push_back(sched("s-s", "c-1", "k-1", T("2026-11-24"), TouchKind::status_update, "Update"));
  CHECK(verdicts(b) == Strings{"s-m:open_exception", "s-s:"});
  b.exceptions[0].status = ExceptionStatus::resolved;
  CHECK(verdicts(b) == Strings{"s-m:", "s-s:"});
}

TEST_CASE("frequency_cap: the 4th automated message within 24 hours, itself included") {
  Book b = base();
  const Time at = T("2026-11-23T12:00Z");
  for (int i = 0; i < 2; ++i)
    b.touchpoints.push_back(touch("t-" + std::to_string(i), "c-1", "k-1", T("2026-11-22T08:00Z") + i * kMinute,
                                  "system:crm", TouchKind::status_update, "Update " + std::to_string(i)));
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", at - kHour, TouchKind::status_update, "A"));
  b.scheduled.push_back(sched("s-2", "c-1", "k-1", at, TouchKind::status_update, "B"));
  // Window for s-2: [2026-11-22T12:00, 2026-11-23T12:00]: the touchpoints (08:00) are
  // outside, so s-1 and s-2 make 2.
  CHECK(verdicts(b, T("2026-11-22T09:00Z")) == Strings{"s-1:", "s-2:"});
  // Move the touchpoints into the window: 2 + s-1 + s-2 = 4 for s-2; 3 for s-1.
  b.touchpoints[0].at = b.touchpoints[1].at = at - 24 * kHour;  // exactly 24 h before: within
  CHECK(verdicts(b, at) == Strings{"s-1:", "s-2:frequency_cap"});
  b.touchpoints[0].at = at - 24 * kHour - 1;  // just outside: 3, allowed
  CHECK(verdicts(b, at) == Strings{"s-1:", "s-2:"});
}

TEST_CASE("frequency_cap: only system senders and outgoing touchpoints count, and only those that happened") {
  Book b = base();
  const Time at = T("2026-11-22T12:00Z");
  b.touchpoints.push_back(touch("t-sys", "c-1", "k-1", at - kHour, "system:crm", TouchKind::status_update, "1"));
  b.touchpoints.push_back(touch("t-me", "c-1", "k-1", at - kHour, "m-1", TouchKind::status_update, "2"));
  b.touchpoints.push_back(touch("t-in", "c-1", "k-1", at - kHour, "customer", TouchKind::question, "3",
                                Direction::in));
  b.touchpoints.push_back(touch("t-sys2", "c-1", "k-1", at - 2 * kHour, "system:crm", TouchKind::status_update, "4"));
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", at, TouchKind::status_update, "5"));
  CHECK(verdicts(b, at) == Strings{"s-1:"});  // t-sys, t-sys2, itself: 3
  b.touchpoints.push_back(touch("t-sys3", "c-1", "k-1", at - 3 * kHour, "system:crm", TouchKind::status_update, "6"));
  CHECK(verdicts(b, at) == Strings{"s-1:frequency_cap"});
  CHECK(verdicts(b, at - 3 * kHour - 1) == Strings{"s-1:"});  // as of before they went: none counted
}

TEST_CASE("frequency_cap: earlier held messages do not count, released ones do") {
  Book b = base(Stage::former);
  const Time at = T("2026-11-23T12:00Z");
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", at - 3 * kMinute, TouchKind::marketing, "Held: former"));
  b.scheduled.push_back(sched("s-2", "c-1", "k-1", at - 2 * kMinute, TouchKind::status_update, "A"));
  b.scheduled.push_back(sched("s-3", "c-1", "k-1", at - 1 * kMinute, TouchKind::status_update, "B"));
  b.scheduled.push_back(sched("s-4", "c-1", "k-1", at, TouchKind::status_update, "C"));
  CHECK(verdicts(b) == Strings{"s-1:former_customer", "s-2:", "s-3:", "s-4:"});  // s-4 is the 3rd that goes
  b.scheduled[0].status = ScheduledStatus::released;  // a manager let s-1 go: it counts
  CHECK(verdicts(b) == Strings{"s-2:", "s-3:", "s-4:frequency_cap"});
  b.scheduled.push_back(sched("s-5", "c-1", "k-1", at + kMinute, TouchKind::status_update, "D"));
  // s-4 is held, so s-5 sees s-1, s-2, s-3 and itself: 4, held too.
  CHECK(verdicts(b) == Strings{"s-2:", "s-3:", "s-4:frequency_cap", "s-5:frequency_cap"});
}

TEST_CASE("every reason that applies is listed, in the contract's order") {
  Book b = base(Stage::former);
  b.exceptions.push_back(exception("x-1", "c-1", "k-1", "wrong_item", "Wrong", T("2026-11-20"), "warehouse"));
  for (int i = 0; i < 3; ++i)
    b.touchpoints.push_back(touch("t-" + std::to_string(i), "c-1", "k-1", T("2026-11-22T08:00Z"), "system:mkt",
                                  TouchKind::marketing, "Sale"));
  b.scheduled.push_back(sched("s-1", "c-1", "k-1", T("2026-11-22T10:00Z"), TouchKind::marketing, "Sale"));
  CHECK(verdicts(b) == Strings{"s-1:former_customer+duplicate+open_exception+frequency_cap"});
}
