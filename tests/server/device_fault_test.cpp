// Sync under faults, end to end (issue 6): whole devices (the app's AppController on
// real SQLite files, the native HTTP client) and headless `cockpit-cli sync` processes,
// with the real cockpit-server on loopback, faults injected by tests/server/fault_proxy.
//
// Every case ends the same way: each device holds exactly what the server gives its
// manager (a fresh device signed in straight to the server is the reference), and the
// server holds each edit exactly once (the numbered notes are counted in the lead's
// full pull). Nothing waits on a clock: the tests wait on conditions (the proxy's
// counters, a device's state, a line of a child's output), each with a timeout.
//
// [SECTION] Helpers: devices, the server's view, convergence
// [SECTION] a. two devices offline edit one record (a2, a3: a known server bug)
// [SECTION] b. a cockpit-cli device killed mid-push
// [SECTION] c. dropped, duplicated, delayed, reordered requests, lost responses
// [SECTION] d. clocks hours off
// [SECTION] e. the server killed and restarted
// [SECTION] f. a failed upload retries on its own
// [SECTION] g. the server's database restored from a backup
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <tuple>

#include "child_process.hpp"
#include "device.hpp"
#include "device_checks.hpp"
#include "domain/document.hpp"
#include "fault_proxy.hpp"
#include "harness.hpp"
#include "test_store.hpp"

using namespace cockpit;
using namespace cockpit::test;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------- [SECTION] Helpers

const std::vector<std::string> kServerArgs{"--demo", "--heartbeat", "2"};

// Server's constructor starts it; a second start() would leave an orphan process.
void ensure_running(Server& s) {
  if (!s.running()) s.start();
}

// The proxy's counters of the paths under `prefix`, waited on: re-checked whenever any
// counter changes, until `pred` holds or `timeout` passes.
bool wait_path(const FaultProxy& p, const std::string& prefix, const std::function<bool(const FaultCounts&)>& pred,
               std::chrono::milliseconds timeout = 15s) {
  auto key = [](const FaultCounts& k) {
    return std::make_tuple(k.seen, k.forwarded, k.server_answered, k.answered, k.held, k.cut, k.refused,
                           k.upstream_errors, k.responses_lost, k.dropped);
  };
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred(p.counts(prefix))) return true;
    const auto before = key(p.counts());
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    p.wait_for([&](const FaultCounts& k) { return key(k) != before; }, left);
  }
}

// Faults for pushes only; everything else passes.
Policy pushes(Fault f) {
  return [f](const RequestInfo& r) { return r.path == "/api/push" ? f : Fault::pass; };
}

LogContact note(const Book& b, int k, const std::string& label) {
  std::vector<std::string> ids;
  for (const Customer& c : b.customers) ids.push_back(c.id);
  std::sort(ids.begin(), ids.end());
  LogContact n;
  n.customer = ids.at(static_cast<std::size_t>(k) % ids.size());
  n.channel = Channel::phone;
  n.subject = label + " " + std::to_string(k);
  return n;
}

// Makes notes `label from`..`label to` on the device (each one transaction).
void make_notes(TestDevice& d, const std::string& label, int from, int to) {
  for (int k = from; k <= to; ++k) {
    const Outcome o = d.app->apply(note(slice(d), k, label), d.now());
    REQUIRE_MESSAGE(o.ok, o.message);
  }
}

template <class T>
const T* by_id(const std::vector<T>& list, const std::string& id) {
  for (const T& r : list)
    if (r.id == id) return &r;
  return nullptr;
}

std::vector<std::string> open_promises(const Book& b) {
  std::vector<std::string> out;
  for (const Promise& p : b.promises)
    if (p.status == PromiseStatus::open) out.push_back(p.id);
  std::sort(out.begin(), out.end());
  return out;
}

std::string open_exception(const Book& b) {
  for (const Exception& x : b.exceptions)
    if (x.status == ExceptionStatus::open) return x.id;
  return {};
}

// 17:00 UTC, `days` after today: a due date every device's clock puts in the future.
Time due_in(int days) { return (now_utc() / kDay + days) * kDay + 17 * kHour; }

// Each of `label from`..`label to` is on the server exactly `times` times.
void check_notes(const std::map<std::string, int>& on_server, const std::string& label, int from, int to, int times = 1) {
  for (int k = from; k <= to; ++k) {
    const std::string subject = label + " " + std::to_string(k);
    auto it = on_server.find(subject);
    const int n = it == on_server.end() ? 0 : it->second;
    CHECK_MESSAGE(n == times, "\"" << subject << "\" is on the server " << n << " times, not " << times);
  }
}

// The conflict notice about `field` of a record, with the value it replaced.
std::optional<json> conflict_on(TestDevice& d, const std::string& id, const std::string& field) {
  for (const SyncNotice& n : notices_of(d, "conflict", id)) {
    json j = json::parse(n.detail, nullptr, false);
    if (j.is_object() && j.value("field", "") == field) return j;
  }
  return std::nullopt;
}

std::optional<Time> time_of(const json& v) {
  return v.is_string() ? parse_time(v.get<std::string>()) : std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] a. two devices offline edit one record

TEST_CASE("a: two devices of one manager edit one promise offline: the later push wins per field, the other "
          "fields keep both edits, the replaced value is shown as a conflict") {
  Server s(temp_path("faults-conflict.db"), kServerArgs);
  ensure_running(s);
  FaultProxy net_a(s.port()), net_b(s.port());  // each device's own network
  TestDevice a(temp_path("faults-conflict-a.db"), net_a.base_url(), quick());
  TestDevice b(temp_path("faults-conflict-b.db"), net_b.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  const auto promises = open_promises(slice(a));
  REQUIRE(!promises.empty());
  const std::string p = promises.front(), x = open_exception(slice(a));
  REQUIRE(!x.empty());
  const std::size_t history = by_id(slice(a).promises, p)->history.size();

  net_a.set_down(true);
  net_b.set_down(true);
  const Time date_a = due_in(10), date_b = due_in(20);
  REQUIRE(a.app->apply(NewDate{p, date_a, "the supplier is late"}, a.now()).ok);
  REQUIRE(a.app->apply(RerouteException{x, "faults-desk", "they know the carrier"}, a.now()).ok);
  REQUIRE(b.app->apply(NewDate{p, date_b, "the customer asked for later"}, b.now()).ok);
  REQUIRE(b.app->apply(ResolveException{x, "sorted out on the phone"}, b.now()).ok);
  CHECK(a.app->unsent_changes() == 2);
  CHECK(b.app->unsent_changes() == 2);
  // Both try, fail and keep their changes.
  REQUIRE(pump_all({&a, &b}, [&] {
    return a.app->sync_status()->link == client::Link::offline && b.app->sync_status()->link == client::Link::offline;
  }));

  // A's network comes back first, then B's: B's push is the later one in server order.
  net_a.set_down(false);
  REQUIRE(a.settle(15000));
  net_b.set_down(false);
  REQUIRE(b.settle(15000));

  const Book want = server_share(s, temp_path("faults-conflict-ref.db"), "m-anna", "demo-anna");
  const Promise* sp = by_id(want.promises, p);
  const Exception* sx = by_id(want.exceptions, x);
  REQUIRE(sp);
  REQUIRE(sx);
  CHECK(sp->due_at == date_b);                 // the same field: the later writer's value
  CHECK(sp->history.size() == history + 1);    // B's history (one moved date), not both
  CHECK(sx->waiting_on == "faults-desk");      // different fields of one record: both edits
  CHECK(sx->status == ExceptionStatus::resolved);

  // B's push replaced A's date: B's manager is told, with A's value to put back.
  auto c = conflict_on(b, p, "due_at");
  REQUIRE_MESSAGE(c, "no conflict notice on B for " << p);
  CHECK(time_of((*c)["theirs"]) == date_a);
  CHECK(time_of((*c)["yours"]) == date_b);
  CHECK(notices_of(a, "conflict", "").empty());  // A's push came first: it replaced nothing
  // (That B gets no conflict for x, whose other fields A changed: the next case.)

  require_converged({{&a, &want}, {&b, &want}});
}

// A field null since its record was created (an open exception's resolved_at) has no
// field stamp: it has not changed since, so B's resolution after A's reroute is no
// conflict (plan_mutation once took a missing stamp as "changed at the latest seq").
TEST_CASE("a2: edits of different fields of one record on two devices are no conflict") {
  Server s(temp_path("faults-fields.db"), kServerArgs);
  ensure_running(s);
  FaultProxy net_a(s.port()), net_b(s.port());
  TestDevice a(temp_path("faults-fields-a.db"), net_a.base_url(), quick());
  TestDevice b(temp_path("faults-fields-b.db"), net_b.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  const std::string x = open_exception(slice(a));
  REQUIRE(!x.empty());
  net_a.set_down(true);
  net_b.set_down(true);
  REQUIRE(a.app->apply(RerouteException{x, "faults-desk", "they know the carrier"}, a.now()).ok);
  REQUIRE(b.app->apply(ResolveException{x, "sorted out on the phone"}, b.now()).ok);
  net_a.set_down(false);
  REQUIRE(a.settle(15000));
  net_b.set_down(false);
  REQUIRE(b.settle(15000));
  for (const SyncNotice& n : notices_of(b, "conflict", x)) MESSAGE("B was told: " << n.message << " " << n.detail);
  CHECK(notices_of(b, "conflict", x).empty());
  const Book want = server_share(s, temp_path("faults-fields-ref.db"), "m-anna", "demo-anna");
  CHECK(by_id(want.exceptions, x)->waiting_on == "faults-desk");
  CHECK(by_id(want.exceptions, x)->status == ExceptionStatus::resolved);
  require_converged({{&a, &want}, {&b, &want}});
}

// One device alone: its second edit of a promise goes in one push with the first
// (whose answer was lost), from the base before both; kept_at, null since the promise
// was created, must not count as changed by someone else.
TEST_CASE("a3: a device's own edits of one record, sent together after a lost answer, are no conflict") {
  Server s(temp_path("faults-own.db"), kServerArgs);
  ensure_running(s);
  FaultProxy proxy(s.port());
  TestDevice a(temp_path("faults-own-a.db"), proxy.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  const auto promises = open_promises(slice(a));
  REQUIRE(!promises.empty());
  const std::string p = promises.front();
  // The first push commits and its answer is lost; the next one is dropped (libcurl may
  // itself re-send at once a request that got nothing back on a reused connection; then
  // the device would not see the failure). So the device knows the push failed.
  proxy.set_policy(next_matching("/api/push", Fault::lose_response, next_matching("/api/push", Fault::drop_request)));
  REQUIRE(a.app->apply(NewDate{p, due_in(10), "a new date"}, a.now()).ok);
  REQUIRE(a.pump_until([&] { return !a.app->sync_status()->error.empty(); }));
  REQUIRE(a.app->apply(MarkKept{p}, a.now()).ok);  // the retry carries both
  REQUIRE(a.settle());
  for (const SyncNotice& n : notices_of(a, "conflict", "")) MESSAGE("A was told: " << n.message << " " << n.detail);
  CHECK(notices_of(a, "conflict", "").empty());
  const Book want = server_share(s, temp_path("faults-own-ref.db"), "m-anna", "demo-anna");
  CHECK(by_id(want.promises, p)->status == PromiseStatus::kept);
  CHECK(by_id(want.promises, p)->due_at == due_in(10));
  require_converged({{&a, &want}});
}

// ---------------------------------------------------------------- [SECTION] b. a cockpit-cli device killed mid-push

namespace {

std::vector<std::string> cli(const std::string& db, const std::string& url, std::vector<std::string> more) {
  std::vector<std::string> v{COCKPIT_CLI_BIN, "sync", "--db", db, "--server", url};
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

// `cockpit-cli sync --once` to the end: exit 0 and nothing waiting.
void cli_once(const std::string& db, const std::string& url, const std::string& err) {
  ChildProcess c(cli(db, url, {"--once", "--timeout", "20"}), "", err);
  const int rc = c.wait(30000);
  CHECK_MESSAGE(rc == 0, "cockpit-cli sync --once ended with " << rc << ": " << c.output() << c.errors());
  CHECK_MESSAGE(c.output().find(", waiting 0, notices 0") != std::string::npos, c.output());
}

}  // namespace

TEST_CASE("b: cockpit-cli killed in the middle of a push: restarted, every edit is on the server exactly once") {
  Server s(temp_path("faults-kill.db"), kServerArgs);
  ensure_running(s);
  const std::string lead = s.sign_in("m-lena", "demo-lena");
  FaultProxy proxy(s.port());
  const std::string db = temp_path("faults-kill-dev.db"), err = temp_path("faults-kill-cli.err");
  std::filesystem::remove(db + ".session");
  const std::string url = proxy.base_url();

  // Round 1: the push is held at the proxy, the client is killed, then the push reaches
  // the server anyway (it commits for a client that is gone). The first edit went out
  // alone the moment it committed (a device pushes at once); the other five waited
  // behind it on the device. The restart replays the first and sends the rest.
  proxy.set_delay(1500ms);
  proxy.set_policy(pushes(Fault::delay));
  {
    ChildProcess c(cli(db, url, {"--as", "m-anna", "--password-stdin", "--watch", "--act", "6", "--label", "kill-a"}),
                   "demo-anna\n", err);
    REQUIRE_MESSAGE(c.wait_line("committed 6/6"), c.output() << c.errors());
    REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.held == 1; }));
    CHECK(c.stop(SIGKILL) == 128 + SIGKILL);
  }
  REQUIRE(wait_path(proxy, "/api/push", [](const FaultCounts& k) { return k.server_answered == 1; }));
  check_notes(server_subjects(s, lead), "kill-a", 1, 1);
  check_notes(server_subjects(s, lead), "kill-a", 2, 6, 0);
  proxy.set_policy({});
  cli_once(db, url, err);
  check_notes(server_subjects(s, lead), "kill-a", 1, 6);

  // Round 2: killed while the push is held, and the push never reaches the server (the
  // network drops it). The restart sends it for the first time.
  proxy.reset_counts();
  proxy.set_delay(20s);
  proxy.set_policy(pushes(Fault::delay));
  {
    ChildProcess c(cli(db, url, {"--watch", "--act", "5", "--label", "kill-b"}), "", err);
    REQUIRE_MESSAGE(c.wait_line("committed 5/5"), c.output() << c.errors());
    REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.held == 1; }));
    CHECK(c.stop(SIGKILL) == 128 + SIGKILL);
  }
  proxy.set_down(true);  // cuts the held push before it is forwarded
  REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.held == 0; }));
  proxy.set_down(false);
  CHECK(proxy.counts("/api/push").forwarded == 0);
  check_notes(server_subjects(s, lead), "kill-b", 1, 5, 0);
  proxy.set_policy({});
  cli_once(db, url, err);
  check_notes(server_subjects(s, lead), "kill-b", 1, 5);

  // Round 3: the server commits, the answer is lost; the client's retry is held and the
  // client killed before it gets an answer. The restart's push is a replay.
  proxy.reset_counts();
  proxy.set_policy(next_matching("/api/push", Fault::lose_response, pushes(Fault::delay)));
  {
    ChildProcess c(cli(db, url, {"--watch", "--act", "4", "--label", "kill-c"}), "", err);
    REQUIRE_MESSAGE(c.wait_line("committed 4/4"), c.output() << c.errors());
    REQUIRE(wait_path(proxy, "/api/push", [](const FaultCounts& k) { return k.responses_lost == 1 && k.held == 1; }));
    CHECK(c.stop(SIGKILL) == 128 + SIGKILL);
  }
  proxy.set_down(true);
  REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.held == 0; }));
  proxy.set_down(false);
  check_notes(server_subjects(s, lead), "kill-c", 1, 4);
  proxy.set_policy({});
  cli_once(db, url, err);

  const auto on_server = server_subjects(s, lead);
  check_notes(on_server, "kill-a", 1, 6);
  check_notes(on_server, "kill-b", 1, 5);
  check_notes(on_server, "kill-c", 1, 4);
  // The killed-and-restarted device holds exactly Anna's share.
  const Book want = server_share(s, temp_path("faults-kill-ref.db"), "m-anna", "demo-anna");
  auto store = Store::open(db, OpenOptions{"WAL", false});
  REQUIRE_MESSAGE(store, store.error());
  auto held = store.value().export_all();
  REQUIRE(held);
  CHECK_MESSAGE(canonical(held.value()) == want, difference(canonical(held.value()), want));
  CHECK(store.value().outbox_size().value_or(99) == 0);
}

// ---------------------------------------------------------------- [SECTION] c. dropped, duplicated, delayed, reordered, lost

TEST_CASE("c: 36 edits through dropped, duplicated, delayed and reordered requests and lost responses; a second "
          "device reads; all exactly once, both equal to the server") {
  Server s(temp_path("faults-mix.db"), kServerArgs);
  ensure_running(s);
  const std::string lead = s.sign_in("m-lena", "demo-lena");
  FaultProxy::Options po;
  po.delay = 120ms;
  po.reorder_timeout = 600ms;
  FaultProxy proxy(s.port(), po);
  TestDevice a(temp_path("faults-mix-a.db"), proxy.base_url(), quick());
  TestDevice b(temp_path("faults-mix-b.db"), proxy.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.pump_until([&] { return b.app->sync_status()->link == client::Link::live; }));

  const auto promises = open_promises(slice(a));
  REQUIRE(promises.size() >= 2);
  const std::string moved = promises[0], kept = promises[1], x = open_exception(slice(a));
  REQUIRE(!x.empty());
  const std::size_t history = by_id(slice(a).promises, moved)->history.size();
  const Time first_date = due_in(9), second_date = due_in(16);

  // Pushes draw their faults from their own seeded sequence (so the n-th push always
  // gets the same fault, whatever the live polls and pulls do); everything else from another.
  const std::map<Fault, double> mix{{Fault::drop_request, 0.1}, {Fault::lose_response, 0.15},
                                    {Fault::duplicate, 0.15},    {Fault::delay, 0.1},
                                    {Fault::reorder, 0.1}};
  Policy push_mix = seeded_mix(6061, mix), other_mix = seeded_mix(6062, mix);
  proxy.set_policy([push_mix, other_mix](const RequestInfo& r) {
    return r.path == "/api/push" ? push_mix(r) : other_mix(r);
  });

  // The schedule: 30 notes, and at some of them one more action, in a table. An undo
  // comes before its note (k 13 undoes the note of k 12 while it may still be on its
  // way: a delete, sent once); the other actions after it. Edits of one record follow
  // each other while the first one's push is in flight (20, 21 and 26, 27): the
  // device's own earlier write is no conflict.
  struct Extra {
    int at;                       // with which note
    bool before_note;             // before it (else after)
    bool stays;                   // an edit the server must end with (an undone one does not)
    std::function<Outcome()> act;
  };
  const auto apply = [&](auto action) { return [&a, action] { return a.app->apply(action, a.now()); }; };
  const Extra extras[] = {
      {.at = 8, .before_note = false, .stays = true, .act = apply(NewDate{moved, first_date, "first move"})},
      {.at = 12, .before_note = false, .stays = false, .act = [&] { return a.app->apply(note(slice(a), 1, "undone"), a.now()); }},
      {.at = 13, .before_note = true, .stays = false, .act = apply(Undo{})},
      {.at = 14, .before_note = false, .stays = true, .act = apply(MarkKept{kept})},
      {.at = 20, .before_note = false, .stays = true, .act = apply(NewDate{moved, second_date, "second move"})},
      {.at = 21, .before_note = false, .stays = true, .act = apply(MarkKept{moved})},
      {.at = 26, .before_note = false, .stays = true, .act = apply(RerouteException{x, "mix-desk", "rerouted under faults"})},
      {.at = 27, .before_note = false, .stays = true, .act = apply(ResolveException{x, "resolved under faults"})},
  };
  const auto run_extras = [&](int k, bool before_note) {
    int stayed = 0;
    for (const Extra& e : extras) {
      if (e.at != k || e.before_note != before_note) continue;
      const Outcome o = e.act();
      REQUIRE_MESSAGE(o.ok, o.message);
      stayed += e.stays ? 1 : 0;
    }
    return stayed;
  };

  int edits = 0;
  for (int k = 1; k <= 30; ++k) {
    edits += run_extras(k, true);
    REQUIRE(a.app->apply(note(slice(a), k, "mix"), a.now()).ok);
    ++edits;
    edits += run_extras(k, false);
    // On to the next edit once a push has left with this one (or everything is answered).
    const auto sent = proxy.counts("/api/push").seen;
    pump_all({&a, &b}, [&] { return proxy.counts("/api/push").seen > sent || settled(a); }, 5000);
  }
  CHECK(edits == 36);
  REQUIRE(pump_all({&a, &b}, [&] { return settled(a); }, 30000));

  // Every fault happened to pushes (the seeded sequence has each within its first pushes).
  const FaultCounts pk = proxy.counts("/api/push");
  INFO("pushes seen " << pk.seen << ", dropped " << pk.dropped << ", lost " << pk.responses_lost << ", duplicated "
                      << pk.duplicated << ", delayed " << pk.delayed << ", reordered " << pk.reordered << "+"
                      << pk.reorder_timeouts);
  CHECK(pk.dropped >= 1);
  CHECK(pk.responses_lost >= 1);
  CHECK(pk.duplicated >= 1);
  CHECK(pk.delayed >= 1);
  CHECK(pk.reordered + pk.reorder_timeouts >= 1);

  const auto on_server = server_subjects(s, lead);
  check_notes(on_server, "mix", 1, 30);
  check_notes(on_server, "undone", 1, 1, 0);
  const Book want = server_share(s, temp_path("faults-mix-ref.db"), "m-anna", "demo-anna");
  REQUIRE(by_id(want.promises, moved));
  CHECK(by_id(want.promises, moved)->due_at == second_date);
  CHECK(by_id(want.promises, moved)->history.size() == history + 2);  // two moves, each once
  CHECK(by_id(want.promises, moved)->status == PromiseStatus::kept);
  CHECK(by_id(want.promises, kept)->status == PromiseStatus::kept);
  CHECK(by_id(want.exceptions, x)->waiting_on == "mix-desk");
  CHECK(by_id(want.exceptions, x)->status == ExceptionStatus::resolved);
  // A device's own edits never conflict, whatever the faults did to their order.
  for (const SyncNotice& n : notices_of(a, "conflict", "")) MESSAGE("A was told: " << n.message);
  CHECK(notices_of(a, "conflict", "").empty());
  // The reader follows through the same faults.
  require_converged({{&a, &want}, {&b, &want}}, 30000);
}

// ---------------------------------------------------------------- [SECTION] d. clocks hours off

TEST_CASE("d: devices whose clocks are 5 h ahead and 7 h behind: concurrent edits resolve by server order, "
          "never by device time") {
  Server s(temp_path("faults-clock.db"), kServerArgs);
  ensure_running(s);
  const std::string lead = s.sign_in("m-lena", "demo-lena");
  FaultProxy net_a(s.port()), net_b(s.port());
  TestDevice a(temp_path("faults-clock-a.db"), net_a.base_url(), quick(), 5 * kHour);
  TestDevice b(temp_path("faults-clock-b.db"), net_b.base_url(), quick(), -7 * kHour);
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  const auto promises = open_promises(slice(a));
  REQUIRE(promises.size() >= 2);
  const std::string p = promises[0], q = promises[1];

  // 1. Both offline edit p; A (clock 5 h ahead) is sent first, B (7 h behind) later.
  net_a.set_down(true);
  net_b.set_down(true);
  const Time real_1 = now_utc();
  REQUIRE(a.app->apply(NewDate{p, due_in(11), "from the fast clock"}, a.now()).ok);
  REQUIRE(a.app->apply(note(slice(a), 1, "clock a"), a.now()).ok);
  REQUIRE(b.app->apply(NewDate{p, due_in(12), "from the slow clock"}, b.now()).ok);
  REQUIRE(b.app->apply(note(slice(b), 1, "clock b"), b.now()).ok);
  net_a.set_down(false);
  REQUIRE(a.settle(15000));
  net_b.set_down(false);
  REQUIRE(b.settle(15000));

  // 2. Both offline edit q; A edits first (and its clock says 12 h later), B is sent
  //    first and A later: A's value wins because its push came later, nothing else.
  net_a.set_down(true);
  net_b.set_down(true);
  REQUIRE(a.app->apply(NewDate{q, due_in(13), "fast clock, edited first, sent last"}, a.now()).ok);
  REQUIRE(b.app->apply(NewDate{q, due_in(14), "slow clock, edited last, sent first"}, b.now()).ok);
  net_b.set_down(false);
  REQUIRE(b.settle(15000));
  net_a.set_down(false);
  REQUIRE(a.settle(15000));

  const Book want = server_share(s, temp_path("faults-clock-ref.db"), "m-anna", "demo-anna");
  const Promise* sp = by_id(want.promises, p);
  const Promise* sq = by_id(want.promises, q);
  REQUIRE(sp);
  REQUIRE(sq);
  CHECK(sp->due_at == due_in(12));  // B's: sent later, although stamped 12 h before A's
  CHECK(sq->due_at == due_in(13));  // A's: sent later, although edited first
  // The times the devices wrote are their own: B's history entry is stamped by its slow clock.
  REQUIRE(!sp->history.empty());
  CHECK(std::abs(sp->history.back().changed_at - (real_1 - 7 * kHour)) < 5 * kMinute);
  // Their notes keep the devices' clocks, and the server ordered them by arrival.
  std::map<std::string, std::pair<Time, std::int64_t>> notes;  // subject -> (at, seq)
  const json pull = lead_pull(s, lead);
  for (const json& c : pull["changes"])
    if (c["kind"] == "touchpoint") {
      const std::string subject = c["record"].value("subject", "");
      if (subject == "clock a 1" || subject == "clock b 1")
        notes[subject] = {time_of(c["record"]["at"]).value_or(0), c["seq"].get<std::int64_t>()};
    }
  REQUIRE(notes.size() == 2);
  CHECK(std::abs(notes["clock a 1"].first - (real_1 + 5 * kHour)) < 5 * kMinute);
  CHECK(std::abs(notes["clock b 1"].first - (real_1 - 7 * kHour)) < 5 * kMinute);
  CHECK(notes["clock b 1"].second > notes["clock a 1"].second);  // later seq, earlier device time
  // Each later push replaced the other device's value, and says so.
  CHECK(conflict_on(b, p, "due_at").has_value());
  CHECK(conflict_on(a, q, "due_at").has_value());
  CHECK(!conflict_on(a, p, "due_at").has_value());
  CHECK(!conflict_on(b, q, "due_at").has_value());
  check_notes(server_subjects(s, lead), "clock a", 1, 1);
  check_notes(server_subjects(s, lead), "clock b", 1, 1);
  require_converged({{&a, &want}, {&b, &want}});
}

// ---------------------------------------------------------------- [SECTION] e. the server killed and restarted

TEST_CASE("e: the server killed (SIGKILL) and restarted on its database while devices push: nothing acknowledged "
          "is lost, the rest is re-sent and applied once") {
  Server s(temp_path("faults-restart.db"), kServerArgs);
  ensure_running(s);
  std::string lead = s.sign_in("m-lena", "demo-lena");
  FaultProxy proxy(s.port());  // the devices' fixed address; the server's port changes
  TestDevice a1(temp_path("faults-restart-a1.db"), proxy.base_url(), quick());
  TestDevice a2(temp_path("faults-restart-a2.db"), proxy.base_url(), quick());
  TestDevice bn(temp_path("faults-restart-ben.db"), proxy.base_url(), quick());
  REQUIRE(a1.sign_in("m-anna", "demo-anna"));
  REQUIRE(a2.sign_in("m-anna", "demo-anna"));
  REQUIRE(bn.sign_in("m-ben", "demo-ben"));
  const std::vector<TestDevice*> all{&a1, &a2, &bn};

  // Acknowledged before anything goes wrong.
  make_notes(a1, "restart a1", 1, 3);
  make_notes(bn, "restart ben", 1, 2);
  REQUIRE(pump_all(all, [&] { return settled(a1) && settled(bn); }));

  // Killed while pushes are under way (held at the proxy, then sent to a dead server).
  proxy.set_delay(300ms);
  proxy.set_policy(pushes(Fault::delay));
  make_notes(a1, "restart a1", 4, 6);
  make_notes(bn, "restart ben", 3, 4);
  REQUIRE(pump_all(all, [&] { return proxy.counts().held >= 1; }));
  CHECK(s.stop(SIGKILL) == 128 + SIGKILL);
  // What each device has been told is on the server: the outbox leaves in order, so the
  // first (made - waiting) of its notes.
  const int a1_acked = 6 - static_cast<int>(a1.app->unsent_changes());
  const int bn_acked = 4 - static_cast<int>(bn.app->unsent_changes());
  CHECK(a1_acked >= 3);
  CHECK(bn_acked >= 2);

  // The devices keep working while the server is gone.
  make_notes(a2, "restart a2", 1, 3);
  REQUIRE(pump_all(all, [&] {
    for (TestDevice* d : all)
      if (d->app->sync_status()->link != client::Link::offline) return false;
    return true;
  }));

  // Back on the same database (on another port: the proxy follows it). What was
  // acknowledged is there before any device has sent anything again (synchronous=FULL).
  s.start();
  proxy.set_target(s.port());
  proxy.set_policy({});
  {
    const auto on_server = server_subjects(s, lead);
    check_notes(on_server, "restart a1", 1, a1_acked);
    check_notes(on_server, "restart ben", 1, bn_acked);
  }

  // Killed again right after it committed a push whose answer was lost: the retry (the
  // device's after the restart, or libcurl's own at once) must be a replay.
  proxy.fault_next("/api/push", Fault::lose_response);
  REQUIRE(pump_all(all, [&] { return proxy.counts("/api/push").responses_lost == 1; }));
  CHECK(s.stop(SIGKILL) == 128 + SIGKILL);
  make_notes(a2, "restart a2", 4, 4);
  s.start();
  proxy.set_target(s.port());

  REQUIRE(pump_all(all, [&] { return settled(a1) && settled(a2) && settled(bn); }, 30000));
  const auto on_server = server_subjects(s, lead);
  check_notes(on_server, "restart a1", 1, 6);
  check_notes(on_server, "restart ben", 1, 4);
  check_notes(on_server, "restart a2", 1, 4);
  const Book anna = server_share(s, temp_path("faults-restart-ref-anna.db"), "m-anna", "demo-anna");
  const Book ben = server_share(s, temp_path("faults-restart-ref-ben.db"), "m-ben", "demo-ben");
  require_converged({{&a1, &anna}, {&a2, &anna}, {&bn, &ben}});
  CHECK(s.stop() == 0);
}

// ---------------------------------------------------------------- [SECTION] f. a failed upload retries on its own

TEST_CASE("f: an edit made while the server is unreachable arrives when it is back, with no further local action") {
  Server s(temp_path("faults-retry.db"), kServerArgs);
  ensure_running(s);
  const std::string lead = s.sign_in("m-lena", "demo-lena");
  const std::string anna_token = s.sign_in("m-anna", "demo-anna");
  FaultProxy proxy(s.port());
  TestDevice a(temp_path("faults-retry-a.db"), proxy.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(a.pump_until([&] { return a.app->sync_status()->link == client::Link::live; }));
  const std::int64_t cursor_before = s.get("/api/me", anna_token).as_json()["cursor"].get<std::int64_t>();

  proxy.set_down(true);
  REQUIRE(a.app->apply(note(slice(a), 1, "retry"), a.now()).ok);  // the last local action
  // The device keeps trying on its own while nothing answers.
  const std::uint64_t refused_before = proxy.counts().refused;
  REQUIRE(a.pump_until([&] {
    return proxy.counts().refused >= refused_before + 4 && a.app->sync_status()->link == client::Link::offline;
  }));
  CHECK(a.app->unsent_changes() == 1);
  check_notes(server_subjects(s, lead), "retry", 1, 1, 0);

  proxy.set_down(false);
  REQUIRE(a.pump_until([&] { return proxy.counts("/api/push").answered >= 1 && settled(a); }));
  check_notes(server_subjects(s, lead), "retry", 1, 1);
  CHECK(s.get("/api/me", anna_token).as_json()["cursor"].get<std::int64_t>() > cursor_before);
  const Book want = server_share(s, temp_path("faults-retry-ref.db"), "m-anna", "demo-anna");
  require_converged({{&a, &want}});
}

// ---------------------------------------------------------------- [SECTION] g. the server's database restored from a backup

TEST_CASE("g: the server's database replaced by an older copy: devices take the restored share, then go quiet") {
  const std::string db = temp_path("faults-backup.db"), copy = temp_path("faults-backup-copy.db");
  Server s(db, kServerArgs);
  ensure_running(s);
  FaultProxy proxy(s.port());
  TestDevice a(temp_path("faults-backup-a.db"), proxy.base_url(), quick());
  TestDevice b(temp_path("faults-backup-b.db"), proxy.base_url(), quick());
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  REQUIRE(a.pump_until([&] { return a.app->sync_status()->link == client::Link::live; }));

  // The backup: the database as it is now (the server killed: with synchronous=FULL
  // every commit is in the SQLite files, which recover the WAL on open; on PostgreSQL
  // pg_dump and pg_restore, test_store.hpp).
  CHECK(s.stop(SIGKILL) == 128 + SIGKILL);
  copy_store(db, copy);
  s.start();
  proxy.set_target(s.port());

  // Work after the backup; A hears of it through its live channel.
  make_notes(b, "after backup", 1, 5);
  REQUIRE(pump_all({&a, &b}, [&] {
    int n = 0;
    for (const Touchpoint& t : slice(a).touchpoints) n += t.subject.rfind("after backup", 0) == 0;
    return settled(b) && n == 5;
  }));

  // The server comes back from the backup: that work is gone from it.
  CHECK(s.stop(SIGKILL) == 128 + SIGKILL);
  Server restored(copy, kServerArgs);
  ensure_running(restored);
  proxy.set_target(restored.port());
  const Book want = server_share(restored, temp_path("faults-backup-ref.db"), "m-anna", "demo-anna");
  require_converged({{&a, &want}, {&b, &want}});

  // In step, the devices wait on the live channel instead of pulling again and again.
  proxy.reset_counts();
  REQUIRE(pump_all({&a, &b}, [&] { return proxy.counts("/api/live").answered >= 2; }, 15000));
  const FaultCounts pulls = proxy.counts("/api/pull"), pushes = proxy.counts("/api/push");
  CHECK_MESSAGE(pulls.seen + pushes.seen <= 4, pulls.seen << " pulls and " << pushes.seen
                                                          << " pushes over about one heartbeat of each device");
}

TEST_CASE("a lead's device takes the book in pages: stopped between two it goes on, and opens only with all of it") {
  Server s(temp_path("pages-dev.db"), {"--demo", "--heartbeat", "2", "--pull-page", "6"});
  s.start();
  TestDevice lead(temp_path("pages-dev-lead.db"), s.url(""), quick());
  lead.app->sign_in_with_password("m-lena", "demo-lena", lead.now());
  // The first page is in; the app is killed before the rest.
  REQUIRE(lead.pump_until([&] {
    const client::SyncStatus* st = lead.app->sync_status();
    return st && st->share_records > 0;
  }));
  CHECK_FALSE(lead.app->signed_in());  // part of a book is not shown as the book
  CHECK_FALSE(lead.app->sync_status()->have_share);
  CHECK(lead.app->sign_in_flow().step == SignInFlow::Step::loading);
  lead.restart();
  CHECK_FALSE(lead.app->signed_in());
  CHECK(lead.app->sign_in_flow().step == SignInFlow::Step::loading);
  REQUIRE(lead.pump_until([&] { return lead.app->signed_in(); }));
  CHECK(lead.app->sync_status()->exchanges >= 5);  // pages of 6 records: many pulls
  CHECK(lead.app->sync_status()->share_records > 0);

  // What a server that does not page gives a new device of the lead.
  const std::string db = s.db();
  REQUIRE(s.stop() == 0);
  Server whole(db, {"--heartbeat", "2"});
  whole.start();
  const Book want = server_share(whole, temp_path("pages-dev-ref.db"), "m-lena", "demo-lena");
  CHECK(want.customers.size() >= 13);
  lead.reconnect(whole.url(""));
  require_converged({{&lead, &want}});
  CHECK(whole.stop() == 0);
}
