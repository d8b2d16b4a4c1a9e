// What each action writes, and what it refuses, for a manager and for a lead.
#include <doctest/doctest.h>

#include "app/plan_action.hpp"
#include "fixtures.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

const Actor anna{"m-anna", Role::manager};
const Actor ben{"m-ben", Role::manager};
const Actor lea{"m-lea", Role::lead};

// What a lead's spreadsheet brings: a new customer of `owner` and a promise to c-2.
Book imported(std::string owner = "m-ben", std::optional<std::string> case_id = std::nullopt) {
  Book b;
  b.customers = {{"c-9", "Sheet Co", std::move(owner), Stage::prospect, "", "", Channel::phone, kNow, {}}};
  Promise p;
  p.id = "p-9";
  p.customer = "c-2";
  p.case_id = std::move(case_id);
  p.text = "Call back";
  p.made_at = kNow;
  p.due_at = kNow + kDay;
  b.promises = {p};
  return b;
}

}  // namespace

TEST_CASE("a lead's import writes every record of the sheet, customers first") {
  auto plan = plan_action(small_book(), lea, ImportRecords{imported(), "team.csv"}, kNow, counter());
  REQUIRE(plan.ok());
  REQUIRE(plan.writes.size() == 2);
  CHECK(std::get<Customer>(plan.writes[0].record).id == "c-9");
  CHECK(std::get<Promise>(plan.writes[1].record).customer == "c-2");
  CHECK(plan.summary == "imported 2 records from team.csv");
}

TEST_CASE("send: an outgoing touchpoint from the manager, and the suggestion answered") {
  Book b = small_book();
  auto plan = plan_action(b, anna,
                          SendMessage{"c-1", "k-1", "p-1", "promise_overdue:p-1:x", Channel::email, TouchKind::apology,
                                      "Your bike", "Dear Davide, …"},
                          kNow, counter());
  REQUIRE(plan.ok());
  REQUIRE(plan.writes.size() == 2);  // the promise never slipped: nothing to mark told
  const auto& t = std::get<Touchpoint>(plan.writes[0].record);
  CHECK(t.sender == "m-anna");
  CHECK(t.direction == Direction::out);
  CHECK(t.at == kNow);
  CHECK(t.body == "Dear Davide, …");
  const auto& d = std::get<SuggestionDecision>(plan.writes[1].record);
  CHECK(d.suggestion_key == "promise_overdue:p-1:x");
  CHECK(d.reason == "sent");
}

TEST_CASE("a new date keeps the old one in history, untold until a message about it is sent") {
  Book b = small_book();
  auto plan = plan_action(b, anna, NewDate{"p-1", kNow + 3 * kDay, "supplier delay"}, kNow, counter());
  REQUIRE(plan.ok());
  Promise q = std::get<Promise>(plan.writes.at(0).record);
  CHECK(q.due_at == kNow + 3 * kDay);
  REQUIRE(q.history.size() == 1);
  CHECK(q.history[0].due_at == kNow - 5 * kDay);
  CHECK(q.history[0].changed_at == kNow);
  CHECK_FALSE(q.history[0].customer_told);

  b.promises[0] = q;
  auto send = plan_action(b, anna, SendMessage{"c-1", "k-1", "p-1", "", Channel::email, TouchKind::status_update, "New date", "…"},
                          kNow, counter());
  REQUIRE(send.ok());
  REQUIRE(send.writes.size() == 2);
  CHECK(std::get<Promise>(send.writes[1].record).history.back().customer_told);
}

TEST_CASE("refusals name what is wrong and write nothing") {
  Book b = small_book();
  auto id = counter();
  struct Row {
    const char* name;
    Actor who;
    Action action;
    const char* expect;
  };
  const Row rows[] = {
      {"other manager's customer", ben, MarkKept{"p-1"}, "belongs to m-anna"},
      {"unknown promise", anna, MarkKept{"p-404"}, "does not exist"},
      {"date in the past", anna, NewDate{"p-1", kNow - kDay, "x"}, "future"},
      {"date without reason", anna, NewDate{"p-1", kNow + kDay, "  "}, "say why"},
      {"empty message", anna, SendMessage{"c-1", {}, "", "", Channel::email, TouchKind::other, "s", " \n"}, "no text"},
      {"snooze an overdue promise", anna, SnoozeSuggestion{"k", "c-1", "p-1", kNow + kDay}, "overdue"},
      {"snooze into the past", anna, SnoozeSuggestion{"k", "c-1", "", kNow - 1}, "future"},
      {"release without a note", anna, ReleaseHeld{"s-1", ""}, "why"},
      {"reroute to the same place", anna, RerouteException{"x-1", "logistics", ""}, "already waits"},
      {"manager reassigns", anna, ReassignCustomer{"c-1", "m-ben"}, "only a team lead"},
      {"reassign to nobody", lea, ReassignCustomer{"c-1", "m-nobody"}, "does not exist"},
      {"dismiss without reason", anna, DismissSuggestion{"k", "c-1", ""}, "say why"},
      {"manager imports", anna, ImportRecords{imported(), "s.csv"}, "only a team lead can import"},
      {"import of nothing", lea, ImportRecords{Book{}, "s.csv"}, "holds no records"},
      {"import for nobody", lea, ImportRecords{imported("m-nobody"), "s.csv"},
       "not imported: customers[0] (id \"c-9\"): field \"owner\": no manager \"m-nobody\""},
      {"import of another's case", lea, ImportRecords{imported("m-ben", "k-1"), "s.csv"},
       "field \"case\": case \"k-1\" belongs to customer \"c-1\", not \"c-2\""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto plan = plan_action(b, r.who, r.action, kNow, id);
    CHECK_FALSE(plan.ok());
    CHECK(plan.writes.empty());
    CHECK(plan.error.find(r.expect) != std::string::npos);
  }
}

TEST_CASE("snooze never goes past the due date of the open promise it concerns") {
  Book b = small_book();
  b.promises[0].due_at = kNow + 2 * kDay;
  auto plan = plan_action(b, anna, SnoozeSuggestion{"promise_due_soon:p-1", "c-1", "p-1", kNow + 7 * kDay}, kNow, counter());
  REQUIRE(plan.ok());
  CHECK(*std::get<SuggestionDecision>(plan.writes[0].record).until == kNow + 2 * kDay);
}

TEST_CASE("held messages: release with a note, cancel, and never twice") {
  Book b = small_book();
  auto rel = plan_action(b, anna, ReleaseHeld{"s-1", "customer asked for it"}, kNow, counter());
  REQUIRE(rel.ok());
  CHECK(std::get<Scheduled>(rel.writes[0].record).status == ScheduledStatus::released);
  b.scheduled[0].status = ScheduledStatus::cancelled;
  CHECK_FALSE(plan_action(b, anna, ReleaseHeld{"s-1", "x"}, kNow, counter()).ok());
}

TEST_CASE("a lead acts on everyone's customers and reassigns") {
  Book b = small_book();
  CHECK(plan_action(b, lea, MarkKept{"p-1"}, kNow, counter()).ok());
  auto plan = plan_action(b, lea, ReassignCustomer{"c-1", "m-ben"}, kNow, counter());
  REQUIRE(plan.ok());
  CHECK(std::get<Customer>(plan.writes[0].record).owner == "m-ben");
}

TEST_CASE("a logged incoming call is from the customer") {
  Book b = small_book();
  auto plan = plan_action(b, anna, LogContact{"c-1", {}, Channel::phone, Direction::in, TouchKind::question, "Where is it?", ""},
                          kNow, counter());
  REQUIRE(plan.ok());
  CHECK(std::get<Touchpoint>(plan.writes[0].record).sender == "customer");
}

TEST_CASE("undo inverts: created records are erased, changed ones restored") {
  Book b = small_book();
  RecordWrites before{{b.promises[0]}};
  Touchpoint t;
  t.id = "t-9";
  RecordWrites created{{t}};
  auto inv = invert_writes(before, created);
  REQUIRE(inv.size() == 2);
  CHECK(inv[0].erase);
  CHECK(record_id(inv[0].record) == "t-9");
  CHECK_FALSE(inv[1].erase);
  CHECK(std::get<Promise>(inv[1].record) == b.promises[0]);
}
