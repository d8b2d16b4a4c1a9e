// compute_lists as a whole: who sees what, the customer rows and their order, the
// verdict for every pending message, the timeline.
#include <doctest/doctest.h>

#include "builders.hpp"
#include "engine/timeline.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

Time now0() { return T("2026-11-22T09:00Z"); }

Book two_managers() {
  Book b;
  b.managers.push_back(manager("m-anna", "Anna Berg"));
  b.managers.push_back(manager("m-ben", "Ben Costa"));
  b.managers.push_back(manager("m-lead", "Lena Weber", Role::lead));
  b.customers.push_back(customer("c-a", "Ada", "m-anna"));
  b.customers.push_back(customer("c-b", "Bob", "m-ben"));
  b.customers.push_back(customer("c-l", "Lou", "m-lead"));
  for (const char* c : {"c-a", "c-b", "c-l"})
    b.exceptions.push_back(exception(std::string("x-") + c, c, no_case(), "wrong_item", "W", T("2026-11-01"), "w"));
  return b;
}

Strings customer_ids(const Lists& l) {
  Strings out;
  for (const CustomerRow& r : l.customers) out.push_back(r.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("who sees what: a manager their own customers, a lead everyone's") {
  const Book b = two_managers();
  Lists l = lists_for(b, "m-anna", now0());
  CHECK(customer_ids(l) == Strings{"c-a"});
  CHECK(suggestion_set(l) == Strings{"exception_update:x-c-a"});
  CHECK(l.pending_exceptions.size() == 1);
  l = lists_for(b, "m-lead", now0());
  CHECK(customer_ids(l) == Strings{"c-a", "c-b", "c-l"});
  CHECK(l.pending_exceptions.size() == 3);
  // An id the slice does not know is treated as a plain manager.
  CHECK(lists_for(b, "m-nobody", now0()).customers.empty());
  CHECK(l.manager == "m-lead");
  CHECK(l.as_of == now0());
}

TEST_CASE("drafts are signed by the customer's owner, also when a lead looks") {
  const Book b = two_managers();
  const Lists l = lists_for(b, "m-lead", now0());
  const Suggestion* s = find_suggestion(l, SuggestionKind::exception_update, "x-c-b");
  REQUIRE(s);
  CHECK(s->body.find("Ben Costa") != std::string::npos);
  CHECK(s->body.find("Lena Weber") == std::string::npos);
}

TEST_CASE("customer rows: where each stands, worst first") {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  b.customers.push_back(customer("c-fine", "Fay", "m-1"));
  b.customers.push_back(customer("c-risk", "Rob", "m-1"));
  b.customers.push_back(customer("c-late", "Lia", "m-1"));
  b.customers.push_back(customer("c-later", "Leo", "m-1"));
  b.customers.push_back(customer("c-exc", "Eli", "m-1"));
  b.promises.push_back(promise("p-r", "c-risk", no_case(), PromiseKind::payment, "Pay", now0() + 30 * kHour));
  b.promises.push_back(promise("p-l", "c-late", no_case(), PromiseKind::delivery, "Sofa", now0() - 7 * kDay - kHour));
  b.promises.push_back(promise("p-ll", "c-later", no_case(), PromiseKind::refund, "Refund", now0() - 12 * kDay));
  b.exceptions.push_back(exception("x-1", "c-exc", no_case(), "documents_held", "Docs", now0() - 12 * kDay, "used cars"));
  b.touchpoints.push_back(touch("t-1", "c-exc", no_case(), now0() - kHour, "m-1", TouchKind::status_update, "News"));
  const Lists l = lists_for(b, "m-1", now0());
  Strings order, labels;
  for (const CustomerRow& r : l.customers) {
    order.push_back(r.id);
    labels.push_back(std::string(to_string(r.worst)) + ": " + r.worst_label);
  }
  CHECK(order == Strings{"c-later", "c-late", "c-risk", "c-exc", "c-fine"});
  CHECK(labels == Strings{"overdue: refund 12 days overdue", "overdue: delivery 7 days overdue",
                          "at_risk: payment due tomorrow", "at_risk: documents held waiting on used cars for 12 days",
                          "fine: nothing open"});
  CHECK(l.customers[3].pending_exceptions == 1);
  CHECK(l.customers[3].suggestions == 0);  // updated an hour ago
  CHECK(l.customers[0].overdue_promises == 1);
  CHECK(l.customers[2].due_soon_promises == 1);
}

TEST_CASE("verdicts: every pending message, allowed or held; released and cancelled are not reported") {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  b.customers.push_back(customer("c-1", "Ada", "m-1", Stage::former));
  b.scheduled.push_back(sched("s-ok", "c-1", no_case(), now0() + kHour, TouchKind::status_update, "Update"));
  b.scheduled.push_back(sched("s-held", "c-1", no_case(), now0() + 2 * kHour, TouchKind::marketing, "Sale"));
  b.scheduled.push_back(sched("s-rel", "c-1", no_case(), now0() + 3 * kHour, TouchKind::marketing, "Sale 2"));
  b.scheduled.push_back(sched("s-can", "c-1", no_case(), now0() + 4 * kHour, TouchKind::marketing, "Sale 3"));
  b.scheduled[2].status = ScheduledStatus::released;
  b.scheduled[3].status = ScheduledStatus::cancelled;
  const Lists l = lists_for(b, "m-1", now0());
  REQUIRE(l.verdicts.size() == 2);
  CHECK(l.verdicts[0].scheduled == "s-ok");
  CHECK_FALSE(l.verdicts[0].held());
  CHECK(l.verdicts[1].scheduled == "s-held");
  CHECK(held_set(l) == Strings{"s-held:former_customer"});
  CHECK(suggestion_set(l) == Strings{"closing_message:c-1", "held_message_replacement:s-held"});
  CHECK(l.held_messages.at(0).subject == "Sale");
}

TEST_CASE("timeline: newest first, automated flagged, repeats marked, verdicts attached") {
  Book b;
  b.managers.push_back(manager("m-1", "Anna Berg"));
  b.customers.push_back(customer("c-1", "Marco", "m-1"));
  b.cases.push_back(kase("k-1", "c-1", CaseKind::order, "Bike"));
  for (int i = 0; i < 3; ++i)
    b.touchpoints.push_back(touch("t-oc" + std::to_string(i), "c-1", "k-1", T("2026-11-01") + i * kDay,
                                  "system:noreply", TouchKind::order_confirmation, "Your order"));
  b.touchpoints.push_back(touch("t-me", "c-1", "k-1", T("2026-11-10"), "m-1", TouchKind::status_update, "News"));
  b.touchpoints.push_back(touch("t-in", "c-1", "k-1", T("2026-11-11"), "customer", TouchKind::question, "When?",
                                Direction::in));
  b.touchpoints.push_back(touch("t-future", "c-1", "k-1", now0() + kDay, "m-1", TouchKind::other, "Later"));
  b.scheduled.push_back(sched("s-oc", "c-1", "k-1", now0() + kHour, TouchKind::order_confirmation, "Your order"));
  const auto tl = timeline(b, "c-1", now0());
  Strings ids;
  for (const TimelineEntry& e : tl) ids.push_back(e.id);
  CHECK(ids == Strings{"s-oc", "t-in", "t-me", "t-oc2", "t-oc1", "t-oc0"});  // t-future has not happened
  CHECK(tl[0].automated);
  CHECK(tl[0].repeat);
  CHECK(tl[0].repeats == 4);
  REQUIRE(tl[0].verdict);
  CHECK(tl[0].verdict->reasons == std::vector<HoldReason>{HoldReason::duplicate});
  CHECK(tl[0].status == ScheduledStatus::pending);
  CHECK_FALSE(tl[1].automated);
  CHECK_FALSE(tl[2].automated);
  CHECK(tl[2].repeats == 1);
  CHECK(tl[3].repeat);
  CHECK_FALSE(tl[5].repeat);  // the first of the run is not noise
  CHECK(tl[5].repeats == 4);
  CHECK(timeline(b, "c-unknown", now0()).empty());
}
