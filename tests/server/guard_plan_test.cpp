// The server guard's pure part (server/guard_plan.hpp) by tables: each scheduled
// message's standing from its status and the engine's verdict, what changes between the
// standings kept and the new ones, and which events go to webhooks.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include "server/guard_plan.hpp"

using namespace cockpit;
using namespace cockpit::server;

namespace {

using Strings = std::vector<std::string>;

Scheduled sched(const std::string& id, ScheduledStatus status, TouchKind kind = TouchKind::marketing,
                const std::string& sender = "system:mkt") {
  Scheduled s;
  s.id = id;
  s.customer = "c-1";
  s.status = status;
  s.kind = kind;
  s.sender = sender;
  s.subject = "Sale";
  return s;
}

Verdict verdict(const std::string& id, std::vector<HoldReason> reasons) {
  Verdict v;
  v.scheduled = id;
  v.customer = "c-1";
  v.reasons = std::move(reasons);
  return v;
}

VerdictRow row(const std::string& id, GuardState state, Strings reasons = {},
               std::optional<std::string> decided_by = std::nullopt) {
  VerdictRow r;
  r.scheduled = id;
  r.customer = "c-1";
  r.kind = "marketing";
  r.sender = "system:mkt";
  r.state = state;
  r.reasons = std::move(reasons);
  r.decided_by = std::move(decided_by);
  if (r.decided_by) r.decided_at = 1'000;
  return r;
}

Strings event_types(const GuardChanges& c) {
  Strings out;
  for (const auto& e : c.events) out.push_back(e.type);
  return out;
}

}  // namespace

TEST_CASE("guard states and send verdicts spell as the API, and parse back") {
  struct Row {
    GuardState state;
    std::string name;
    SendVerdict verdict;
    const char* answer;
  };
  const Row rows[] = {
      {GuardState::may_go, "may_go", SendVerdict::send, "send"},
      {GuardState::held, "held", SendVerdict::hold, "hold"},
      {GuardState::released, "released", SendVerdict::send, "send"},
      {GuardState::cancelled, "cancelled", SendVerdict::cancel, "cancel"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(to_string(r.state) == r.name);
    CHECK(parse_GuardState(r.name) == r.state);
    CHECK(parse_GuardState(to_string(r.state)) == r.state);
    CHECK(verdict_for(r.state) == r.verdict);
    CHECK(to_string(verdict_for(r.state)) == r.answer);
  }
  CHECK(to_string(SendVerdict::send) == "send");
  CHECK(to_string(SendVerdict::hold) == "hold");
  CHECK(to_string(SendVerdict::cancel) == "cancel");
  for (const std::string bad : {"", "Held", "hold", "send", "may go", "held "}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_GuardState(bad));
  }
}

TEST_CASE("plan_standings: the status decides released and cancelled, the engine decides pending ones") {
  struct Row {
    std::string name;
    ScheduledStatus status;
    std::optional<std::vector<HoldReason>> engine;  // nullopt: the engine gave no verdict
    GuardState state;
    Strings reasons;
  };
  const Row rows[] = {
      {"pending, held for one reason", ScheduledStatus::pending, std::vector{HoldReason::frequency_cap},
       GuardState::held, {"frequency_cap"}},
      {"pending, held for two, in the engine's order", ScheduledStatus::pending,
       std::vector{HoldReason::before_fulfilment, HoldReason::duplicate}, GuardState::held,
       {"before_fulfilment", "duplicate"}},
      {"pending, the engine lets it go", ScheduledStatus::pending, std::vector<HoldReason>{}, GuardState::may_go, {}},
      {"pending, no verdict at all", ScheduledStatus::pending, std::nullopt, GuardState::may_go, {}},
      {"released, whatever the engine says", ScheduledStatus::released, std::vector{HoldReason::former_customer},
       GuardState::released, {}},
      {"released, no verdict", ScheduledStatus::released, std::nullopt, GuardState::released, {}},
      {"cancelled, whatever the engine says", ScheduledStatus::cancelled, std::vector{HoldReason::open_exception},
       GuardState::cancelled, {}},
      {"cancelled, no verdict", ScheduledStatus::cancelled, std::nullopt, GuardState::cancelled, {}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    const Scheduled s = sched("s-1", r.status);
    std::vector<Verdict> verdicts;
    // A held verdict of another message never leaks onto this one.
    verdicts.push_back(verdict("s-other", {HoldReason::duplicate}));
    if (r.engine) verdicts.push_back(verdict("s-1", *r.engine));
    const auto out = plan_standings({&s}, verdicts);
    REQUIRE(out.size() == 1);
    CHECK(out[0].scheduled == "s-1");
    CHECK(out[0].state == r.state);
    CHECK(out[0].reasons == r.reasons);
    CHECK_FALSE(out[0].decided_by);  // the caller fills these
    CHECK_FALSE(out[0].decided_at);
  }
}

TEST_CASE("plan_standings: one standing per message, in the order given, with its kind and sender") {
  const Scheduled a = sched("s-a", ScheduledStatus::pending, TouchKind::welcome, "system:crm");
  const Scheduled b = sched("s-b", ScheduledStatus::released, TouchKind::review_request, "system:shop");
  const Scheduled c = sched("s-c", ScheduledStatus::pending, TouchKind::payment_request, "m-anna");
  // The verdicts in guard order, which is not the order asked for.
  const std::vector<Verdict> verdicts = {verdict("s-c", {HoldReason::former_customer}), verdict("s-a", {})};
  const auto out = plan_standings({&c, &a, &b}, verdicts);
  REQUIRE(out.size() == 3);
  CHECK(out[0].scheduled == "s-c");
  CHECK(out[0].state == GuardState::held);
  CHECK(out[0].reasons == Strings{"former_customer"});
  CHECK(out[0].kind == "payment_request");
  CHECK(out[0].sender == "m-anna");
  CHECK(out[1].scheduled == "s-a");
  CHECK(out[1].state == GuardState::may_go);
  CHECK(out[1].kind == "welcome");
  CHECK(out[1].sender == "system:crm");
  CHECK(out[2].scheduled == "s-b");
  CHECK(out[2].state == GuardState::released);
  CHECK(out[2].kind == "review_request");
  for (const auto& r : out) CHECK(r.customer == "c-1");
  CHECK(plan_standings({}, verdicts).empty());
}

TEST_CASE("plan_guard_changes: a change of standing is put, and the events it raises") {
  using GS = GuardState;
  struct Row {
    std::string name;
    std::optional<VerdictRow> before;  // nullopt: a new message
    VerdictRow after;
    bool put;
    Strings events;
  };
  auto kind_changed = row("s-1", GS::may_go);
  kind_changed.kind = "welcome";
  auto sender_changed = row("s-1", GS::may_go);
  sender_changed.sender = "system:crm";
  auto stored = row("s-1", GS::held, {"duplicate"});  // as kept: with its feed cursor and time
  stored.cursor = 41;
  stored.at = 123'456;
  const Row rows[] = {
      // New messages.
      {"new, held", std::nullopt, row("s-1", GS::held, {"duplicate"}), true, {"message.held"}},
      {"new, may go: the feed only", std::nullopt, row("s-1", GS::may_go), true, {}},
      {"new, released", std::nullopt, row("s-1", GS::released, {}, "m-anna"), true, {"message.released"}},
      {"new, cancelled", std::nullopt, row("s-1", GS::cancelled, {}, "m-anna"), true, {"message.cancelled"}},
      // A change of state.
      {"held -> may_go: cleared", row("s-1", GS::held, {"duplicate"}), row("s-1", GS::may_go), true,
       {"message.cleared"}},
      {"may_go -> held", row("s-1", GS::may_go), row("s-1", GS::held, {"frequency_cap"}), true, {"message.held"}},
      {"held -> released", row("s-1", GS::held, {"duplicate"}), row("s-1", GS::released, {}, "m-anna"), true,
       {"message.released"}},
      {"held -> cancelled", row("s-1", GS::held, {"duplicate"}), row("s-1", GS::cancelled, {}, "m-anna"), true,
       {"message.cancelled"}},
      {"may_go -> released", row("s-1", GS::may_go), row("s-1", GS::released, {}, "m-anna"), true,
       {"message.released"}},
      {"may_go -> cancelled", row("s-1", GS::may_go), row("s-1", GS::cancelled, {}, "m-anna"), true,
       {"message.cancelled"}},
      {"cancelled -> held (pending again)", row("s-1", GS::cancelled, {}, "m-anna"),
       row("s-1", GS::held, {"duplicate"}), true, {"message.held"}},
      {"released -> may_go: not cleared, it was not held", row("s-1", GS::released, {}, "m-anna"),
       row("s-1", GS::may_go), true, {}},
      // The same state, something else changed: the feed only.
      {"held, the reasons change", row("s-1", GS::held, {"duplicate"}),
       row("s-1", GS::held, {"duplicate", "frequency_cap"}), true, {}},
      {"held, one reason for another", row("s-1", GS::held, {"duplicate"}), row("s-1", GS::held, {"frequency_cap"}),
       true, {}},
      {"released, by someone else", row("s-1", GS::released, {}, "m-anna"), row("s-1", GS::released, {}, "m-ben"),
       true, {}},
      {"may_go, the kind changes", row("s-1", GS::may_go), kind_changed, true, {}},
      {"may_go, the sender changes", row("s-1", GS::may_go), sender_changed, true, {}},
      // Nothing changed: nothing at all (the feed's cursor and time are not the standing).
      {"held, unchanged", stored, row("s-1", GS::held, {"duplicate"}), false, {}},
      {"may_go, unchanged", row("s-1", GS::may_go), row("s-1", GS::may_go), false, {}},
      {"cancelled, unchanged", row("s-1", GS::cancelled, {}, "m-anna"), row("s-1", GS::cancelled, {}, "m-anna"),
       false, {}},
  };
  const auto& known = guard_event_types();
  for (const auto& r : rows) {
    CAPTURE(r.name);
    std::vector<VerdictRow> before;
    if (r.before) before.push_back(*r.before);
    const GuardChanges c = plan_guard_changes(before, {r.after});
    CHECK(c.drop.empty());
    if (r.put) {
      REQUIRE(c.put.size() == 1);
      CHECK(c.put[0].scheduled == "s-1");
      CHECK(c.put[0].same_standing(r.after));
    } else {
      CHECK(c.put.empty());
    }
    CHECK(event_types(c) == r.events);
    for (const auto& e : c.events) {
      CHECK(e.scheduled == "s-1");
      CHECK(std::find(known.begin(), known.end(), e.type) != known.end());  // a webhook can subscribe to it
    }
  }
}

TEST_CASE("plan_guard_changes: a message whose record is gone is dropped, without an event") {
  const std::vector<VerdictRow> before = {row("s-1", GuardState::held, {"duplicate"}), row("s-2", GuardState::may_go),
                                          row("s-3", GuardState::released, {}, "m-anna")};
  GuardChanges c = plan_guard_changes(before, {row("s-2", GuardState::may_go)});
  std::sort(c.drop.begin(), c.drop.end());  // any order
  CHECK(c.drop == Strings{"s-1", "s-3"});
  CHECK(c.put.empty());
  CHECK(c.events.empty());

  c = plan_guard_changes(before, {});
  std::sort(c.drop.begin(), c.drop.end());
  CHECK(c.drop == Strings{"s-1", "s-2", "s-3"});
  CHECK(c.events.empty());

  c = plan_guard_changes({}, {});
  CHECK(c.put.empty());
  CHECK(c.drop.empty());
  CHECK(c.events.empty());
}

TEST_CASE("plan_guard_changes: several messages at once, events in the order of the standings put") {
  // `before` in any order; s-4 unchanged, s-5 gone.
  const std::vector<VerdictRow> before = {row("s-5", GuardState::may_go), row("s-4", GuardState::may_go),
                                          row("s-2", GuardState::held, {"duplicate"}),
                                          row("s-1", GuardState::may_go)};
  const std::vector<VerdictRow> after = {
      row("s-3", GuardState::held, {"frequency_cap"}),  // new, held
      row("s-1", GuardState::cancelled, {}, "m-anna"),  // may_go -> cancelled
      row("s-4", GuardState::may_go),                   // unchanged
      row("s-2", GuardState::may_go),                   // cleared
      row("s-6", GuardState::may_go),                   // new, may go
  };
  const GuardChanges c = plan_guard_changes(before, after);
  Strings put;
  for (const auto& p : c.put) put.push_back(p.scheduled);
  CHECK(put == Strings{"s-3", "s-1", "s-2", "s-6"});
  Strings events;
  for (const auto& e : c.events) events.push_back(e.scheduled + " " + e.type);
  CHECK(events == Strings{"s-3 message.held", "s-1 message.cancelled", "s-2 message.cleared"});
  CHECK(c.drop == Strings{"s-5"});
}

TEST_CASE("guard_event_types: the four events, once each") {
  CHECK(guard_event_types() == Strings{"message.held", "message.released", "message.cancelled", "message.cleared"});
}
