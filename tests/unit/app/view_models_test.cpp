// View models: given records, the screen shows these rows in this order with these
// labels; this key means this action. Pure: no window, no store (except the last cases,
// which drive the AppController on a real SQLite file).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "app/app_controller.hpp"
#include "app/view_models.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "engine/lists.hpp"
#include "engine/templates.hpp"

using namespace cockpit;
using namespace cockpit::vm;

namespace {

// Monday 23 November 2026, 09:00 UTC.
const Time kNow = *parse_time("2026-11-23T09:00:00Z");

struct Fixture {
  Book book = demo_book_at(kNow);
  Lists lists;
  SearchIndex index;
  explicit Fixture(const std::string& who = "m-anna") {
    lists = compute_lists(book, who, kNow, Settings{}, builtin_templates());
    index.build(book);
  }
};

std::vector<std::string> row_ids(const Fixture& f, const TodayModel& m) {
  std::vector<std::string> out;
  for (int i : m.rows) out.push_back(f.lists.customers[static_cast<std::size_t>(i)].id);
  return out;
}

OpenOptions opts() {
  OpenOptions o;
#ifdef __EMSCRIPTEN__
  o.journal_mode = "DELETE";
#endif
  return o;
}

std::string fresh_db(const char* name) {
  std::string path = std::string(COCKPIT_TEST_TMP) + "/" + name + ".db";
  for (const char* ext : {"", "-wal", "-shm", "-journal", ".identity"}) std::filesystem::remove(path + ext);
  return path;
}

}  // namespace

TEST_CASE("dates read relative and absolute") {
  CHECK(day_label(kNow, kNow) == "Mon 23 Nov");
  CHECK(day_label(*parse_time("2026-11-20T14:00Z"), kNow) == "Fri 20 Nov");
  CHECK(day_label(*parse_time("2025-12-31T14:00Z"), kNow) == "Wed 31 Dec 2025");
  CHECK(day_time_label(*parse_time("2026-11-20T14:05Z"), kNow) == "Fri 20 Nov, 14:05");
  CHECK(relative_label(kNow - 30 * kSecond, kNow) == "just now");
  CHECK(relative_label(kNow - 5 * kMinute, kNow) == "5 minutes ago");
  CHECK(relative_label(kNow + 3 * kHour, kNow) == "in 3 hours");
  CHECK(relative_label(kNow - 10 * kHour, kNow) == "yesterday");  // 23:00 the day before
  CHECK(relative_label(kNow + 20 * kHour, kNow) == "tomorrow");
  CHECK(relative_label(*parse_time("2026-11-20T14:00Z"), kNow) == "3 days ago");
  CHECK(relative_label(kNow + 2 * kDay, kNow) == "in 2 days");
  CHECK(relative_label(kNow - 90 * kDay, kNow) == "3 months ago");
  CHECK(when_label(*parse_time("2026-11-20T14:00Z"), kNow) == "3 days ago \xC2\xB7 Fri 20 Nov");
  CHECK(days_text(1) == "1 day");
  CHECK(humanize("address_change") == "Address change");
}

TEST_CASE("a settings' window reads in its largest whole unit") {
  struct Row {
    Time window;
    const char* text;
  };
  const Row rows[] = {{2 * kDay, "2 days"}, {kDay, "1 day"}, {36 * kHour, "36 hours"}, {kHour, "1 hour"},
                      {90 * kMinute, "90 minutes"}};
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(window_text(r.window) == r.text);
  }
}

TEST_CASE("tones mean the same everywhere") {
  CHECK(tone_of(Severity::overdue) == Tone::overdue);
  CHECK(tone_of(Severity::at_risk) == Tone::at_risk);
  CHECK(tone_of(Severity::fine) == Tone::fine);
  CHECK(tone_word(Tone::at_risk) == "At risk");
}

TEST_CASE("the demo book is a valid document that tells the seed stories") {
  const Book b = demo_book_at(kNow);
  CHECK(validate_book(b).empty());
  REQUIRE(b.managers.size() == 3);
  CHECK(b.customers.size() == 13);
  auto owner = [&](const std::string& id) {
    for (const Customer& c : b.customers)
      if (c.id == id) return c.owner;
    return std::string();
  };
  // Two managers share the five stories; the lead has a customer of her own.
  CHECK(owner("c-bike") == "m-anna");
  CHECK(owner("c-wardrobe") == "m-anna");
  CHECK(owner("c-fairy") == "m-anna");
  CHECK(owner("c-kitcar") == "m-ben");
  CHECK(owner("c-tradein") == "m-ben");
  CHECK(owner("c-atlas") == "m-lena");
  auto held_in = [](const Lists& l, const std::string& id, HoldReason r) {
    for (const HeldRow& h : l.held_messages)
      if (h.scheduled == id) return std::find(h.reasons.begin(), h.reasons.end(), r) != h.reasons.end();
    return false;
  };
  auto overdue_ids = [](const Lists& l) {
    std::vector<std::string> out;
    for (const auto& p : l.overdue_promises) out.push_back(p.id);
    std::sort(out.begin(), out.end());
    return out;
  };
  const Lists anna = compute_lists(b, "m-anna", kNow, Settings{}, builtin_templates());
  CHECK(held_in(anna, "s-bike-oc11", HoldReason::duplicate));
  CHECK(held_in(anna, "s-bike-mkt", HoldReason::open_exception));
  CHECK(held_in(anna, "s-fairy-review", HoldReason::before_fulfilment));
  CHECK(overdue_ids(anna) == std::vector<std::string>{"p-bike"});  // the bike
  const Lists ben = compute_lists(b, "m-ben", kNow, Settings{}, builtin_templates());
  CHECK(held_in(ben, "s-kit-renewal", HoldReason::former_customer));  // the second tranche
  CHECK(held_in(ben, "s-kit-legal", HoldReason::former_customer));
  CHECK(held_in(ben, "s-novak-mkt", HoldReason::frequency_cap));
  CHECK(overdue_ids(ben) == std::vector<std::string>{"p-ovens", "p-payout"});  // the ovens, the trade-in payout

  // The kit car (seed 003): a former customer renewed anyway, who wrote, called, got four
  // confusing emails, and was promised a refund.
  int kit_mails = 0, kit_calls = 0;
  for (const Touchpoint& t : b.touchpoints) {
    if (t.customer != "c-kitcar" || t.at < kNow - 30 * kDay) continue;
    kit_mails += t.direction == Direction::out && t.sender.rfind("system:", 0) == 0;
    kit_calls += t.direction == Direction::in;
  }
  CHECK(kit_mails == 4);
  CHECK(kit_calls == 1);  // the call; his email came the day before
  bool refund = false, payout = false;
  for (const Promise& p : b.promises) {
    if (p.id == "p-kit-refund") refund = p.kind == PromiseKind::refund && p.status == PromiseStatus::open;
    // The trade-in (seed 004): to be paid "in near 5 days", moved once, now overdue.
    if (p.id == "p-payout")
      payout = p.text.find("in near 5 days") != std::string::npos && p.history.size() == 1 &&
               p.history[0].due_at - p.made_at < 6 * kDay && p.due_at < kNow;
  }
  CHECK(refund);
  CHECK(payout);
  const auto docs = std::find_if(b.exceptions.begin(), b.exceptions.end(), [](const Exception& x) { return x.id == "x-docs"; });
  REQUIRE(docs != b.exceptions.end());
  CHECK(docs->kind == "documents_held");
  CHECK(docs->status == ExceptionStatus::open);
}

TEST_CASE("Today: counts, the four areas and my customers, most urgent first") {
  Fixture f;
  const TodayModel m = build_today(f.book, f.lists, f.index, {}, kNow);
  CHECK(m.manager_name == "Anna Berger");
  CHECK(m.total_customers == 6);  // Anna's own only
  CHECK(m.overdue.count == 1);
  CHECK(m.exceptions.count == 3);
  CHECK(m.held.count == 3);
  CHECK(m.suggested.count == static_cast<int>(f.lists.suggestions.size()));
  CHECK(m.suggested.top.size() == 4);
  // The untold slip of the wardrobe's hinges is the most urgent suggestion of all.
  CHECK(m.suggested.top[0].customer_id == "c-wardrobe");
  CHECK(m.suggested.top[0].title == "Due soon");
  // Pending exceptions oldest first, with who they wait on and for how long.
  CHECK(m.exceptions.top[0].about == "x-ship");
  CHECK(m.exceptions.top[0].detail == "Waiting on logistics for 25 days");
  CHECK(m.exceptions.top[0].customer_name == "Marco Rossi (Domino srl)");
  // Overdue promises: the one whose slip was told comes after the never-moved one only by days.
  CHECK(m.overdue.top[0].when.rfind("due ", 0) == 0);
  const auto ids = row_ids(f, m);
  REQUIRE(ids.size() == 6);
  CHECK(ids.front() == "c-bike");
  CHECK(ids.back() == "c-nordlicht");  // nothing open, last by name
  CHECK(m.counts_by_severity[static_cast<int>(Severity::overdue)] == 1);
  CHECK(m.due_soon_window == window_text(Settings{}.due_soon_window));  // the settings', in words

  const CustomerListRow first = customer_row(f.book, f.lists, f.index, m.rows[0], "");
  CHECK(first.name == "Marco Rossi (Domino srl)");
  CHECK(first.stage == "Active");
  CHECK(first.tone == Tone::overdue);
  CHECK(first.worst.find("overdue") != std::string::npos);
}

TEST_CASE("search finds a customer, case or promise by any part of its name or id") {
  Fixture f;
  CustomerQuery q;
  q.search = "HINGE";  // a promise's text, any case
  TodayModel m = build_today(f.book, f.lists, f.index, q, kNow);
  CHECK(row_ids(f, m) == std::vector<std::string>{"c-wardrobe"});
  CHECK(customer_row(f.book, f.lists, f.index, m.rows[0], q.search).match == "promise p-hinges: Correct hinge set delivered");
  q.search = "k-chairs";  // a case id
  CHECK(row_ids(f, build_today(f.book, f.lists, f.index, q, kNow)) == std::vector<std::string>{"c-hoffmann"});
  q.search = "rossi";  // the name: no hint needed
  m = build_today(f.book, f.lists, f.index, q, kNow);
  CHECK(row_ids(f, m) == std::vector<std::string>{"c-bike"});
  CHECK(customer_row(f.book, f.lists, f.index, m.rows[0], q.search).match.empty());
  q.search = "c-hoff";  // a customer id
  CHECK(row_ids(f, build_today(f.book, f.lists, f.index, q, kNow)) == std::vector<std::string>{"c-hoffmann"});
  for (const char* bens : {"Bäckerei", "k-tradein", "c-kit"}) {  // Ben's customers: not in Anna's book
    q.search = bens;
    CHECK(build_today(f.book, f.lists, f.index, q, kNow).rows.empty());
  }
  Fixture ben("m-ben");
  q.search = "k-tradein";  // a case id
  CHECK(row_ids(ben, build_today(ben.book, ben.lists, ben.index, q, kNow)) == std::vector<std::string>{"c-tradein"});
  q.search = "c-kit";  // a customer id
  CHECK(row_ids(ben, build_today(ben.book, ben.lists, ben.index, q, kNow)) == std::vector<std::string>{"c-kitcar"});
}

TEST_CASE("filters and sorting") {
  Fixture f;
  CustomerQuery q;
  q.severity = SeverityFilter::overdue;
  CHECK(row_ids(f, build_today(f.book, f.lists, f.index, q, kNow)) == std::vector<std::string>{"c-bike"});
  q = {};
  q.stage = Stage::former;
  CHECK(build_today(f.book, f.lists, f.index, q, kNow).rows.empty());  // Anna has no former customer
  Fixture ben("m-ben");
  q = {};
  q.severity = SeverityFilter::overdue;
  CHECK(row_ids(ben, build_today(ben.book, ben.lists, ben.index, q, kNow)) == std::vector<std::string>{"c-bakery", "c-tradein"});
  q = {};
  q.stage = Stage::former;
  CHECK(row_ids(ben, build_today(ben.book, ben.lists, ben.index, q, kNow)) == std::vector<std::string>{"c-kitcar", "c-lind"});
  q = {};
  q.sort = SortKey::name;
  auto ids = row_ids(f, build_today(f.book, f.lists, f.index, q, kNow));
  CHECK(ids.front() == "c-wardrobe");  // Helen Carter
  CHECK(ids.back() == "c-fairy");      // Sofie Janssen
  q.descending = true;
  ids = row_ids(f, build_today(f.book, f.lists, f.index, q, kNow));
  CHECK(ids.front() == "c-fairy");
}

TEST_CASE("the customer view: the bike, its exceptions, ten identical confirmations as noise, the held eleventh") {
  Fixture f;
  const CustomerModel m = build_customer(f.book, f.lists, "c-bike", kNow);
  REQUIRE(m.found);
  CHECK(m.owner == "Anna Berger");
  CHECK(m.stage == "Active");
  CHECK(m.tone == Tone::overdue);
  CHECK(m.email == "marco.rossi@domino.example");
  REQUIRE(m.promises.size() == 1);
  CHECK(m.promises[0].overdue);
  CHECK(m.promises[0].status == "7 days overdue");
  REQUIRE(m.exceptions.size() == 2);
  CHECK(m.exceptions[0].waiting_on == "logistics");
  CHECK(m.exceptions[0].age == "waiting 25 days on logistics");
  CHECK(m.exceptions[1].waiting_on == "billing");
  // Scheduled: both held, the duplicate confirmation first (it goes first).
  REQUIRE(m.scheduled.size() == 2);
  CHECK(m.scheduled[0].id == "s-bike-oc11");
  CHECK(m.scheduled[0].verdict == "Held: duplicate");
  CHECK(m.scheduled[1].verdict == "Held: open exception");
  // Timeline: newest first; the ten confirmations are one head and nine repeats.
  int automated = 0, heads = 0;
  for (const TimelineView& t : m.timeline) {
    if (t.subject != "Your order 4711 is confirmed" || t.scheduled) continue;
    ++automated;
    CHECK(t.noise);
    CHECK(t.who == "Automated \xC2\xB7 noreply");
    heads += t.group_head;
  }
  CHECK(automated == 10);
  CHECK(heads == 1);
  CHECK(m.noise >= 9);
  CHECK(m.timeline.front().scheduled);  // what is about to go is newest
  // Action items in screen order: suggestions, open promises, open exceptions, held.
  REQUIRE(m.items.size() == m.suggestions.size() + 1 + 2 + 2);
  CHECK(m.items.front().kind == ActionItem::Kind::suggestion);
  CHECK(m.items.back().kind == ActionItem::Kind::held);
}

TEST_CASE("a held message says whether its sender asked the guard, or sends it anyway") {
  Fixture f;
  for (Scheduled& s : f.book.scheduled)
    if (s.id == "s-fairy-review") s.asked_at = kNow - 2 * kHour, s.asked_by = "shop", s.asked_via = "check";
  f.lists = compute_lists(f.book, "m-anna", kNow, Settings{}, builtin_templates());
  const CustomerModel fairy = build_customer(f.book, f.lists, "c-fairy", kNow);
  REQUIRE(fairy.scheduled.size() == 1);
  CHECK(fairy.scheduled[0].held);
  CHECK(fairy.scheduled[0].sender_asked);
  CHECK(fairy.scheduled[0].asked == "shop asked 2 hours ago, 07:00 \xE2\x80\x94 held there");
  const CustomerModel bike = build_customer(f.book, f.lists, "c-bike", kNow);
  REQUIRE(bike.scheduled.size() == 2);
  CHECK_FALSE(bike.scheduled[0].sender_asked);
  CHECK(bike.scheduled[0].asked == "Never asked: the hold does not stop it");
  // Through the mail relay.
  for (Scheduled& s : f.book.scheduled)
    if (s.id == "s-fairy-review") s.asked_via = "relay", s.asked_by = "relay-1";
  CHECK(build_customer(f.book, f.lists, "c-fairy", kNow).scheduled[0].asked ==
        "the mail relay (relay-1) asked 2 hours ago, 07:00 \xE2\x80\x94 held there");
}

TEST_CASE("the team view lists the senders that never ask, those with held messages first") {
  Fixture f("m-lena");
  for (Scheduled& s : f.book.scheduled)
    if (s.sender == "system:shop") s.asked_at = kNow - kHour, s.asked_by = "shop";
  f.lists = compute_lists(f.book, "m-lena", kNow, Settings{}, builtin_templates());
  const std::vector<SenderUse> senders = build_unasking_senders(f.book, f.lists);
  std::vector<std::string> names;
  for (const SenderUse& u : senders) names.push_back(u.sender);
  CHECK(std::find(names.begin(), names.end(), "system:shop") == names.end());  // it asks
  REQUIRE(!senders.empty());
  CHECK(senders.front().sender == "system:crm");  // three held marketing mails go anyway
  CHECK(senders.front().held_unasked == 3);
  CHECK(senders.front().line == "3 messages, none asked \xC2\xB7 3 held messages will go anyway");
  CHECK(senders.front().tone == Tone::at_risk);
  const auto erp = std::find(names.begin(), names.end(), "system:erp");
  REQUIRE(erp != names.end());
  CHECK(senders[static_cast<std::size_t>(erp - names.begin())].line == "1 message, none asked");
}

TEST_CASE("slip history says when the customer was not told") {
  Fixture f;
  const CustomerModel m = build_customer(f.book, f.lists, "c-wardrobe", kNow);
  REQUIRE(m.promises.size() == 1);
  const PromiseView& p = m.promises[0];
  REQUIRE(p.slips.size() == 2);
  CHECK(p.slips[0].told);
  CHECK_FALSE(p.slips[1].told);
  CHECK(p.slips[1].text.find("customer NOT told") != std::string::npos);
  CHECK(p.untold_slip);
  CHECK(p.tone == Tone::at_risk);
}

TEST_CASE("keys: this key on this item means this action") {
  Fixture f;
  const CustomerModel m = build_customer(f.book, f.lists, "c-bike", kNow);
  auto index_of = [&](ActionItem::Kind k) {
    for (std::size_t i = 0; i < m.items.size(); ++i)
      if (m.items[i].kind == k) return static_cast<int>(i);
    return -1;
  };
  const int promise = index_of(ActionItem::Kind::promise);
  const int held = index_of(ActionItem::Kind::held);
  const int exc = index_of(ActionItem::Kind::exception);

  KeyIntent in = intent_for_key(m, 0, 's');
  CHECK(in.kind == KeyIntent::Kind::compose);
  CHECK(in.suggestion == 0);
  // s on the overdue promise sends the suggestion about that promise.
  in = intent_for_key(m, promise, 's');
  REQUIRE(in.suggestion >= 0);
  CHECK(m.suggestions[static_cast<std::size_t>(in.suggestion)].about == "p-bike");
  CHECK(intent_for_key(m, promise, 'n').kind == KeyIntent::Kind::new_date);
  CHECK(intent_for_key(m, promise, 'k').kind == KeyIntent::Kind::kept);
  // Snoozing an overdue promise's suggestion is refused with the reason.
  in = intent_for_key(m, promise, 'z');
  CHECK(in.kind == KeyIntent::Kind::none);
  CHECK(in.message.find("new date") != std::string::npos);
  CHECK(intent_for_key(m, held, 'r').kind == KeyIntent::Kind::release);
  CHECK(intent_for_key(m, held, 'c').scheduled == 0);
  CHECK(intent_for_key(m, exc, 'x').kind == KeyIntent::Kind::resolve);
  CHECK(intent_for_key(m, exc, 'w').kind == KeyIntent::Kind::reroute);
  CHECK(intent_for_key(m, held, 'n').kind == KeyIntent::Kind::none);  // no promise on a held message
  CHECK(intent_for_key(m, -1, 'l').kind == KeyIntent::Kind::log_call);
  // No cursor: the key acts on the first item it fits.
  CHECK(intent_for_key(m, -1, 'n').promise == 0);
  CHECK(intent_for_key(m, -1, 'r').scheduled == 0);
}

TEST_CASE("the team lead's view: each manager's load, busiest first") {
  Fixture f("m-lena");
  const std::vector<ManagerLoad> loads = build_lead(f.book, f.lists, kNow);
  REQUIRE(loads.size() == 3);
  CHECK(loads[0].id == "m-ben");  // two overdue promises: the ovens, the trade-in payout
  CHECK(loads[0].customers == 6);
  CHECK(loads[0].overdue == 2);
  CHECK(loads[0].exceptions == 2);
  CHECK(loads[0].oldest == "oldest waiting 15 days");
  CHECK(loads[0].tone == Tone::overdue);
  CHECK(loads[1].id == "m-anna");
  CHECK(loads[1].customers == 6);
  CHECK(loads[1].overdue == 1);
  CHECK(loads[1].exceptions == 3);
  CHECK(loads[1].oldest == "oldest waiting 25 days");
  CHECK(loads[1].tone == Tone::overdue);
  CHECK(loads[2].id == "m-lena");
  CHECK(loads[2].oldest == "none waiting");
  CHECK(find_customers(f.book, "nov", 5).front().first == "c-novak");
}

TEST_CASE("the controller: an empty store gets the demo book; a sent suggestion leaves and stays gone") {
  const std::string path = fresh_db("controller_send");
  std::string key;
  {
    AppController c;
    ControllerConfig cfg;
    cfg.db_path = path;
    cfg.journal_mode = opts().journal_mode;
    REQUIRE_MESSAGE(c.open(cfg, kNow), c.error());
    CHECK(c.demo());
    CHECK(c.people().size() == 3);
    CHECK(c.people().front().role == Role::manager);
    REQUIRE(c.sign_in("m-anna", kNow));
    const TodayModel& t = c.today({}, kNow);
    const int before = t.suggested.count;
    REQUIRE(before > 0);
    const CustomerModel& m = c.customer("c-bike", kNow);
    REQUIRE_FALSE(m.suggestions.empty());
    const SuggestionView s = m.suggestions[0];
    key = s.key;
    const auto rev = c.revision();
    Outcome out = c.apply(SendMessage{s.customer, s.case_id, s.about, s.key, s.channel, s.touch_kind, s.subject, s.body}, kNow);
    REQUIRE_MESSAGE(out.ok, out.message);
    CHECK(c.revision() > rev);
    // One message also answers the exceptions waiting for news: at least this one goes.
    CHECK(c.today({}, kNow).suggested.count < before);
    for (const SuggestionView& x : c.customer("c-bike", kNow).suggestions) CHECK(x.key != key);
  }
  AppController again;
  ControllerConfig cfg;
  cfg.db_path = path;
  cfg.journal_mode = opts().journal_mode;
  REQUIRE(again.open(cfg, kNow));
  CHECK(again.demo());  // the badge survives a restart
  REQUIRE(again.sign_in_remembered(kNow));  // who signed in last
  CHECK(again.me().id == "m-anna");
  for (const Suggestion& s : again.session()->lists().suggestions) CHECK(s.key != key);
  CHECK_FALSE(again.sign_in("m-nobody", kNow));
}
