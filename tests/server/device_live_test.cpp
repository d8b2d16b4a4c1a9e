// The live channel end to end (issue 9): whole devices (the app's AppController, or the
// device's SyncClient over its own SQLite store) and the REAL cockpit-server on loopback.
//
//   a. two devices of one manager: every kind of change (kept, new date, a logged call,
//      a sent message, its Undo: a delete, both directions) reaches the other device by
//      the live channel alone, with 1 request on the device that acted and 2 on the other
//   b. ingest from an upstream system reaches only the owner's (and the lead's) devices;
//      a lead's reassignment moves the customer at once, later ingest follows the owner
//   c. the server restarted (SIGTERM) under 100 connected devices: all come back, spread
//      in time (the distribution is printed), and converge
//   d. a session ended elsewhere: "sign in again", then NO request at all until the
//      manager signs in again; then what waited goes out
//   e. Link::live while the channel is up; periodic pulls (within fallback_pull_ms) while
//      the live endpoint cannot be held (fault proxy: /api/live dropped, answers lost)
//
// Periodic pulls are switched off (10 min) wherever a test claims "live": a change that
// arrives within seconds came through the channel. Nothing sleeps: every wait is a
// condition with a timeout, the devices' loops turning meanwhile.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "client/sync_client.hpp"
#include "device.hpp"
#include "domain/document.hpp"
#include "fault_proxy.hpp"
#include "harness.hpp"
#include "native/curl_http.hpp"

using namespace cockpit;
using namespace cockpit::test;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

namespace {

// ---------------------------------------------------------------- helpers

// Quick retries; periodic pulls off, so what arrives came by the live channel.
client::SyncOptions live_opts(int heartbeat_s) {
  client::SyncOptions o;
  o.heartbeat_ms = heartbeat_s * 1000;
  o.backoff_min_ms = 50;
  o.backoff_max_ms = 400;
  o.fallback_pull_ms = 600000;
  o.safety_pull_ms = 600000;
  return o;
}

double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// Turns every device's loop until `done` holds or `timeout_ms` passes (the devices of a
// test all keep running, as they would on their own machines).
bool pump_all(const std::vector<TestDevice*>& devs, const std::function<bool()>& done, int timeout_ms = 10000) {
  const auto end = Clock::now() + Ms(timeout_ms);
  for (std::size_t k = 0;; ++k) {
    for (TestDevice* d : devs) d->tick();
    if (done()) return true;
    if (Clock::now() >= end) return false;
    devs[k % devs.size()]->http->wait(5);
  }
}

// Turns the loops for `ms` while nothing is expected (to see that nothing happens).
void pump_for(const std::vector<TestDevice*>& devs, int ms) { pump_all(devs, [] { return false; }, ms); }

const client::SyncStatus& st(TestDevice& d) { return *d.app->sync_status(); }
bool is_live(TestDevice& d) { return d.app->sync_status() && st(d).link == client::Link::live; }
bool quiet(TestDevice& d) { return d.app->sync_status() && !st(d).busy && st(d).waiting == 0; }

// Every device idle and no request answered for `calm_ms`: the live polls are parked.
bool settle_all(const std::vector<TestDevice*>& devs, int calm_ms = 300, int timeout_ms = 10000) {
  std::vector<std::uint64_t> last(devs.size(), ~0ull);
  auto since = Clock::now();
  return pump_all(
      devs,
      [&] {
        bool same = true;
        for (std::size_t i = 0; i < devs.size(); ++i) {
          const std::uint64_t x = st(*devs[i]).exchanges;
          if (x != last[i] || !quiet(*devs[i])) same = false;
          last[i] = x;
        }
        if (!same) since = Clock::now();
        return ms_between(since, Clock::now()) >= calm_ms;
      },
      timeout_ms);
}

template <typename R>
const R* by_id(const std::vector<R>& v, const std::string& id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const R& x) { return x.id == id; });
  return it == v.end() ? nullptr : &*it;
}

bool has_customer(const Book& b, const std::string& id) { return by_id(b.customers, id) != nullptr; }

// A book in one canonical text: every list ordered by id (slices are patched in place,
// so two devices may hold the same records in different orders).
std::string canonical(Book b) {
  auto order = [](auto& v) { std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.id < y.id; }); };
  order(b.managers), order(b.customers), order(b.cases), order(b.promises), order(b.exceptions);
  order(b.touchpoints), order(b.scheduled), order(b.decisions);
  return to_json(b);
}

const Promise* open_promise(const Book& b, std::size_t nth = 0) {
  for (const Promise& p : b.promises)
    if (p.status == PromiseStatus::open && nth-- == 0) return &p;
  return nullptr;
}


// One exchange-counting step: `act` changes something on `from`; waits until `seen`
// holds on `to`, then until both are idle again; returns the requests each answered.
struct Deltas {
  std::uint64_t from = 0, to = 0;
  double ms = 0;
};
Deltas step(TestDevice& from, TestDevice& to, const std::vector<TestDevice*>& all, const std::function<void()>& act,
            const std::function<bool()>& seen) {
  REQUIRE(settle_all(all));
  const std::uint64_t f0 = st(from).exchanges, t0 = st(to).exchanges;
  const auto start = Clock::now();
  act();
  Deltas d;
  REQUIRE(pump_all(all, seen));
  d.ms = ms_between(start, Clock::now());
  REQUIRE(settle_all(all));
  d.from = st(from).exchanges - f0;
  d.to = st(to).exchanges - t0;
  return d;
}

}  // namespace

// ---------------------------------------------------------------- a. two devices of one manager

TEST_CASE("live a: every kind of change, a delete by Undo included, reaches the manager's other device by the live channel, 3 requests each") {
  // A heartbeat longer than the test: every answered request below is one the change caused.
  Server s(temp_path("live-two.db"), {"--demo", "--heartbeat", "40"});
  const auto o = live_opts(40);
  TestDevice a(temp_path("live-two-a.db"), s.url(""), o);
  TestDevice b(temp_path("live-two-b.db"), s.url(""), o);
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  const std::vector<TestDevice*> both{&a, &b};
  REQUIRE(pump_all(both, [&] { return is_live(a) && is_live(b); }));
  auto A = [&]() -> const Book& { return a.app->session()->slice(); };
  auto B = [&]() -> const Book& { return b.app->session()->slice(); };
  REQUIRE(canonical(A()) == canonical(B()));

  auto expect_3 = [&](const Deltas& d, const char* what) {
    INFO(std::string(what) << ": " << d.ms << " ms");
    CHECK(d.from == 1);  // its push, which carried its pull; its own poll stayed parked
    CHECK(d.to == 2);    // its poll's answer, its pull
    MESSAGE(std::string(what) << ": seen on the other device after " << d.ms << " ms, requests " << d.from << " + " << d.to);
  };

  // 1. A promise kept.
  const Promise* p1 = open_promise(A());
  REQUIRE(p1);
  const std::string kept = p1->id, kept_customer = p1->customer;
  expect_3(step(a, b, both, [&] { REQUIRE(a.app->apply(MarkKept{kept}, a.now()).ok); },
                [&] {
                  const Promise* q = by_id(B().promises, kept);
                  return q && q->status == PromiseStatus::kept;
                }),
           "kept");
  // The other device marks what just changed (the "subtle sign").
  CHECK(b.app->recently_changed(kept_customer, b.now()) > 0);

  // 2. A new date: B's lists move with it (due soon now; not for a fulfilled case's
  // promise, which "due soon" leaves out).
  const Promise* p2 = nullptr;
  for (const Promise& p : A().promises) {
    const Case* c = p.case_id ? by_id(A().cases, *p.case_id) : nullptr;
    if (p.status == PromiseStatus::open && !(c && c->status == CaseStatus::fulfilled)) p2 = &p;
  }
  REQUIRE(p2);
  const std::string dated = p2->id;
  const std::size_t slips = p2->history.size();
  const Time due = (a.now() + 30 * kHour) / kMinute * kMinute;  // within the 48 h of "due soon"
  expect_3(step(a, b, both, [&] { REQUIRE(a.app->apply(NewDate{dated, due, "supplier late"}, a.now()).ok); },
                [&] {
                  const auto& soon = b.app->session()->lists().due_soon_promises;
                  return std::any_of(soon.begin(), soon.end(), [&](const PromiseRow& r) { return r.id == dated && r.due_at == due; });
                }),
           "new date");
  CHECK(by_id(B().promises, dated)->history.size() == slips + 1);

  // 3. A call logged: a new touchpoint.
  const std::string customer = A().customers.front().id;
  auto touch_by_subject = [](const Book& bk, const std::string& subject) -> const Touchpoint* {
    for (const Touchpoint& t : bk.touchpoints)
      if (t.subject == subject) return &t;
    return nullptr;
  };
  LogContact call;
  call.customer = customer;
  call.subject = "called about the invoice (live a)";
  call.body = "they will pay on Friday";
  expect_3(step(a, b, both, [&] { REQUIRE(a.app->apply(call, a.now()).ok); },
                [&] { return touch_by_subject(B(), call.subject) != nullptr; }),
           "logged call");

  // 4. A message sent, then 5. undone: the touchpoint is deleted on the server and on B.
  SendMessage msg;
  msg.customer = customer;
  msg.subject = "your order (live a)";
  msg.body = "It ships tomorrow.";
  expect_3(step(a, b, both, [&] { REQUIRE(a.app->apply(msg, a.now()).ok); },
                [&] { return touch_by_subject(B(), msg.subject) != nullptr; }),
           "message sent");
  const std::string sent = touch_by_subject(A(), msg.subject)->id;
  expect_3(step(a, b, both, [&] { REQUIRE(a.app->apply(Undo{}, a.now()).ok); },
                [&] { return by_id(B().touchpoints, sent) == nullptr; }),
           "undo (delete)");
  CHECK(by_id(A().touchpoints, sent) == nullptr);
  CHECK(touch_by_subject(B(), call.subject) != nullptr);  // only the undone one went
  {
    // And on the server: a fresh pull has no such touchpoint.
    const std::string tok = s.sign_in("m-anna", "demo-anna");
    const json j = s.get("/api/pull?since=0", tok).as_json();
    for (const auto& c : j["changes"]) CHECK(c["id"] != sent);
  }

  // 6. The other way: B resolves an exception (if Anna has one open), A sees it.
  const Exception* open_ex = nullptr;
  for (const Exception& e : B().exceptions)
    if (e.status == ExceptionStatus::open) open_ex = &e;
  if (open_ex) {
    const std::string ex = open_ex->id;
    expect_3(step(b, a, both, [&] { REQUIRE(b.app->apply(ResolveException{ex, "refunded"}, b.now()).ok); },
                  [&] {
                    const Exception* e = by_id(A().exceptions, ex);
                    return e && e->status != ExceptionStatus::open;
                  }),
             "exception resolved (B to A)");
  }
  // 7. B dismisses a suggestion from its own lists: the decision reaches A, and A's lists
  // no longer show it.
  const auto& sugg = b.app->session()->lists().suggestions;
  REQUIRE(!sugg.empty());
  const Suggestion sg = sugg.front();
  expect_3(step(b, a, both,
                [&] { REQUIRE(b.app->apply(DismissSuggestion{sg.key, sg.customer, "done by phone"}, b.now()).ok); },
                [&] {
                  const auto& as = a.app->session()->lists().suggestions;
                  return std::none_of(as.begin(), as.end(), [&](const Suggestion& x) { return x.key == sg.key; });
                }),
           "suggestion dismissed (B to A)");

  CHECK(canonical(A()) == canonical(B()));
  CHECK(a.app->unsent_changes() == 0);
  CHECK(b.app->unsent_changes() == 0);
  CHECK(a.app->notices().empty());
  CHECK(s.stop() == 0);
}

// ---------------------------------------------------------------- b. ingest and reassignment

TEST_CASE("live b: ingest reaches the owner's and the lead's devices only; a reassignment moves the customer at once; later ingest follows the new owner") {
  Server s(temp_path("live-ingest.db"), {"--demo", "--heartbeat", "40"});
  const auto o = live_opts(40);
  TestDevice lead(temp_path("live-ingest-lead.db"), s.url(""), o);
  TestDevice anna(temp_path("live-ingest-anna.db"), s.url(""), o);
  TestDevice anna2(temp_path("live-ingest-anna2.db"), s.url(""), o);
  TestDevice ben(temp_path("live-ingest-ben.db"), s.url(""), o);
  REQUIRE(lead.sign_in("m-lena", "demo-lena"));
  REQUIRE(anna.sign_in("m-anna", "demo-anna"));
  REQUIRE(anna2.sign_in("m-anna", "demo-anna"));
  REQUIRE(ben.sign_in("m-ben", "demo-ben"));
  const std::vector<TestDevice*> all{&lead, &anna, &anna2, &ben};
  REQUIRE(pump_all(all, [&] { return is_live(lead) && is_live(anna) && is_live(anna2) && is_live(ben); }));
  const std::string token = integration_token(s, "shop");

  const std::string customer = anna.app->session()->slice().customers.front().id;
  REQUIRE(!has_customer(ben.app->session()->slice(), customer));
  const Time now = anna.now();
  const Time due = (now + 30 * kHour) / kMinute * kMinute;
  json doc = json::parse(R"({"cases": [{"id":"k-live","kind":"order","title":"Order 7100","status":"open",
                              "fulfilled_at":null}],
                             "promises": [{"id":"p-live","case":"k-live","kind":"delivery","text":"Delivery of order 7100",
                              "status":"open","kept_at":null,"history":[]}]})");
  doc["cases"][0]["customer"] = customer;
  doc["cases"][0]["opened_at"] = format_time(now - kDay);
  doc["promises"][0]["customer"] = customer;
  doc["promises"][0]["made_at"] = format_time(now - kDay);
  doc["promises"][0]["due_at"] = format_time(due);

  auto has_promise = [](TestDevice& d, const std::string& id, const std::string& text = "") {
    const Promise* p = by_id(d.app->session()->slice().promises, id);
    return p && (text.empty() || p->text == text);
  };
  auto in_due_soon = [](TestDevice& d, const std::string& id) {
    const auto& soon = d.app->session()->lists().due_soon_promises;
    return std::any_of(soon.begin(), soon.end(), [&](const PromiseRow& r) { return r.id == id; });
  };

  // 1. Ingest: Anna's two devices and the lead's get it through their polls; Ben's poll
  // is not even answered.
  REQUIRE(settle_all(all));
  const std::uint64_t ben0 = st(ben).exchanges;
  const auto t0 = Clock::now();
  auto r = ingest(s, token, doc.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(pump_all(all, [&] { return in_due_soon(anna, "p-live") && in_due_soon(anna2, "p-live") && has_promise(lead, "p-live"); }));
  MESSAGE("ingest → Anna's devices' lists and the lead's: " << ms_between(t0, Clock::now()) << " ms");
  REQUIRE(settle_all(all));
  CHECK(!has_promise(ben, "p-live"));
  CHECK(st(ben).exchanges == ben0);

  // 2. The lead reassigns the customer to Ben: off both of Anna's devices, onto Ben's with
  // every record (the ingested promise too), without anyone asking.
  REQUIRE(lead.app->apply(ReassignCustomer{customer, "m-ben"}, lead.now()).ok);
  const auto t1 = Clock::now();
  REQUIRE(pump_all(all, [&] {
    return !has_customer(anna.app->session()->slice(), customer) && !has_customer(anna2.app->session()->slice(), customer) &&
           has_customer(ben.app->session()->slice(), customer) && in_due_soon(ben, "p-live");
  }));
  MESSAGE("reassignment → off Anna's two devices, onto Ben's lists: " << ms_between(t1, Clock::now()) << " ms");
  CHECK(!has_promise(anna, "p-live"));
  CHECK(!has_promise(anna2, "p-live"));
  CHECK(std::none_of(anna.app->session()->lists().customers.begin(), anna.app->session()->lists().customers.end(),
                     [&](const CustomerRow& c) { return c.id == customer; }));

  // 3. The shop updates the promise: now it is Ben's devices that are told, not Anna's.
  REQUIRE(settle_all(all));
  const std::uint64_t anna0 = st(anna).exchanges, anna20 = st(anna2).exchanges;
  doc["promises"][0]["text"] = "Delivery of order 7100 (two parcels)";
  r = ingest(s, token, doc.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.as_json()["changed"] == 1);
  REQUIRE(pump_all(all, [&] {
    return has_promise(ben, "p-live", "Delivery of order 7100 (two parcels)") &&
           has_promise(lead, "p-live", "Delivery of order 7100 (two parcels)");
  }));
  REQUIRE(settle_all(all));
  CHECK(st(anna).exchanges == anna0);
  CHECK(st(anna2).exchanges == anna20);
  CHECK(canonical(anna.app->session()->slice()) == canonical(anna2.app->session()->slice()));
  CHECK(s.stop() == 0);
}

// ---------------------------------------------------------------- c. restart under 100 devices

namespace {

// Wraps a (shared) HttpClient and keeps what one device sent, when, and how it ended:
// the requests are counted where they start, for real.
class Recorder final : public client::HttpClient {
 public:
  struct Entry {
    Clock::time_point sent, ended;
    std::string path;
    int status = -1;  // -1: not answered yet, -2: cancelled, 0: no HTTP answer
  };
  explicit Recorder(client::HttpClient& inner) : inner_(inner) {}
  client::RequestId send(client::HttpRequest r, std::function<void(client::HttpResponse)> done) override {
    const std::size_t i = log.size();
    log.push_back(Entry{Clock::now(), {}, r.path, -1});
    const client::RequestId id = inner_.send(std::move(r), [this, i, done = std::move(done)](client::HttpResponse resp) {
      log[i].ended = Clock::now();
      log[i].status = resp.status;
      ids_.erase(std::find_if(ids_.begin(), ids_.end(), [&](const auto& x) { return x.second == i; })->first);
      done(std::move(resp));
    });
    ids_[id] = i;
    return id;
  }
  void cancel(client::RequestId id) override {
    if (auto it = ids_.find(id); it != ids_.end()) {
      log[it->second].status = -2;
      log[it->second].ended = Clock::now();
      ids_.erase(it);
    }
    inner_.cancel(id);
  }
  void poll() override { inner_.poll(); }
  bool wait(int ms) override { return inner_.wait(ms); }
  void set_token(std::string t) override { inner_.set_token(std::move(t)); }
  void set_wakeup(std::function<void()> w) override { inner_.set_wakeup(std::move(w)); }

  std::vector<Entry> log;

 private:
  client::HttpClient& inner_;
  std::map<client::RequestId, std::size_t> ids_;
};

std::string random_client_id() {
  static std::mt19937_64 g{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(g()),
                static_cast<unsigned long long>(g()));
  return buf;
}

// A device without a window: its store, its sync, its requests.
struct BareDevice {
  std::string manager;
  std::unique_ptr<Store> store;
  std::unique_ptr<Recorder> http;
  std::unique_ptr<client::SyncClient> sync;

  BareDevice(const std::string& path, const std::string& who, client::HttpClient& shared, const client::SyncOptions& o)
      : manager(who) {
    auto opened = Store::open(path);
    REQUIRE_MESSAGE(opened.ok(), opened.error());
    store = std::make_unique<Store>(std::move(opened.value()));
    REQUIRE(store->set_replica_value("client_id", random_client_id()));
    REQUIRE(store->set_replica_value("manager", manager));
    http = std::make_unique<Recorder>(shared);
    sync = std::make_unique<client::SyncClient>(*store, *http, o);
    sync->start(now_utc());
  }
  const client::SyncStatus& status() const { return sync->status(); }
  std::string contents() { return to_json(store->export_all().value()); }
};

}  // namespace

TEST_CASE("live c: the server restarted under 100 connected devices: all come back, spread in time, and converge") {
  const std::string db = temp_path("live-restart.db");
  // 100 devices on one address, five on each session: above the production caps, set here.
  const std::vector<std::string> args{"--demo", "--heartbeat", "20", "--sign-in-burst", "100",
                                      "--max-connections-per-address", "0", "--live-per-session", "5"};
  auto server = std::make_unique<Server>(db, args);
  const std::string port = std::to_string(server->port());
  const std::string url = server->url("");

  // 20 sessions of the three demo people, 5 devices on each (one HTTP client per
  // session: one worker thread, its connections), each device its own client id and
  // SQLite file. Realistic defaults for backoff and periodic pulls.
  client::SyncOptions o;
  o.heartbeat_ms = 20000;
  const char* who[][2] = {{"m-anna", "demo-anna"}, {"m-ben", "demo-ben"}, {"m-lena", "demo-lena"}};
  constexpr int kSessions = 20, kPerSession = 5, kDevices = kSessions * kPerSession;
  std::vector<std::unique_ptr<native::CurlHttp>> https;
  std::vector<std::unique_ptr<BareDevice>> fleet;
  for (int k = 0; k < kSessions; ++k) {
    https.push_back(std::make_unique<native::CurlHttp>(url));
    https.back()->set_token(server->sign_in(who[k % 3][0], who[k % 3][1]));
    for (int i = 0; i < kPerSession; ++i)
      fleet.push_back(std::make_unique<BareDevice>(temp_path("live-restart-" + std::to_string(k * kPerSession + i) + ".db"),
                                                who[k % 3][0], *https.back(), o));
  }
  std::size_t turn = 0;
  auto pump_once = [&] {
    const Time now = now_utc();
    for (auto& d : fleet) d->sync->poll(now);
    https[turn++ % https.size()]->wait(1);
  };
  auto pump_until = [&](const std::function<bool()>& done, int timeout_ms) {
    const auto end = Clock::now() + Ms(timeout_ms);
    while (!done()) {
      if (Clock::now() > end) return false;
      pump_once();
    }
    return true;
  };
  auto cursor = [&](const Server& s) { return s.get("/api/health").as_json()["cursor"].get<std::int64_t>(); };
  // A live poll out for a while with the newest cursor: parked at the server.
  auto parked = [&](BareDevice& d, std::int64_t c) {
    for (const auto& e : d.http->log)
      if (e.status == -1 && e.path.rfind("/api/live?since=" + std::to_string(c) + "&", 0) == 0 &&
          ms_between(e.sent, Clock::now()) > 300)
        return true;
    return false;
  };

  // Everyone has the share and a parked poll.
  std::int64_t c0 = cursor(*server);
  REQUIRE(pump_until(
      [&] {
        return std::all_of(fleet.begin(), fleet.end(),
                           [&](auto& d) { return d->status().have_share && d->sync->cursor() == c0 && parked(*d, c0); });
      },
      30000));
  for (auto& d : fleet) REQUIRE(d->status().link == client::Link::live);

  // The restart, from another thread, while the devices' loops keep turning: SIGTERM,
  // then (once three devices have queued an edit while the server is away) the same
  // database on the same port.
  std::mutex mu;
  std::condition_variable cv;
  bool down = false, edits_done = false, up = false;
  int exit_code = -1;
  Clock::time_point t_stop, t_down, t_up;
  std::unique_ptr<Server> next;
  std::vector<std::string> again = args;
  again.insert(again.end(), {"--port", port});
  t_stop = Clock::now();
  std::thread restarter([&] {
    const int code = server->stop(SIGTERM);
    std::unique_lock lock(mu);
    exit_code = code;
    t_down = Clock::now();
    down = true;
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return edits_done; });
    lock.unlock();
    auto s = std::make_unique<Server>(db, again);
    lock.lock();
    next = std::move(s);
    t_up = Clock::now();
    up = true;
  });
  // Offline edits: one device of each person changes a promise while the server is down.
  std::vector<std::string> edited;
  REQUIRE(pump_until([&] { std::lock_guard l(mu); return down; }, 20000));
  for (int m = 0; m < 3; ++m) {
    BareDevice& d = *fleet[static_cast<std::size_t>(m * kPerSession)];  // sessions 0, 1, 2: Anna, Ben, Lena
    Book share = d.store->load_slice(d.manager).value();
    std::sort(share.promises.begin(), share.promises.end(), [](auto& x, auto& y) { return x.id < y.id; });
    auto it = std::find_if(share.promises.begin(), share.promises.end(), [&](const Promise& x) {
      return std::find(edited.begin(), edited.end(), x.id) == edited.end();  // three different records
    });
    REQUIRE(it != share.promises.end());
    Promise p = *it;
    p.text = "edited offline during the restart by " + d.manager;
    REQUIRE(d.store->put(p, Stamp{d.manager, now_utc()}));
    d.sync->nudge();
    edited.push_back(p.id);
  }
  {
    std::lock_guard l(mu);
    edits_done = true;
  }
  cv.notify_all();
  REQUIRE(pump_until([&] { std::lock_guard l(mu); return up; }, 30000));
  restarter.join();
  CHECK(exit_code == 0);
  REQUIRE(next);

  // Back: every device has reached the new server (a request sent after the old one
  // exited that got an answer or is parked there — a refused one fails within ms), and
  // has its poll out again.
  auto reconnect = [&](BareDevice& d) -> std::optional<Clock::time_point> {
    for (const auto& e : d.http->log)
      if (e.sent > t_down && (e.status > 0 || (e.status == -1 && ms_between(e.sent, Clock::now()) > 200))) return e.sent;
    return std::nullopt;
  };
  auto poll_out = [&](BareDevice& d) {
    return std::any_of(d.http->log.begin(), d.http->log.end(),
                       [&](const auto& e) { return e.status == -1 && e.sent > t_up && e.path.rfind("/api/live", 0) == 0; });
  };
  REQUIRE(pump_until([&] { return std::all_of(fleet.begin(), fleet.end(), [&](auto& d) { return reconnect(*d) && poll_out(*d); }); },
                     40000));

  // The distribution of the returns, from SIGTERM.
  std::vector<double> at;
  for (auto& d : fleet) at.push_back(ms_between(t_stop, *reconnect(*d)));
  std::sort(at.begin(), at.end());
  std::size_t worst = 0;
  for (std::size_t i = 0, j = 0; i < at.size(); ++i) {
    while (j < at.size() && at[j] < at[i] + 100) ++j;
    worst = std::max(worst, j - i);
  }
  std::string hist;
  for (int b = 0; b * 500 <= at.back(); ++b) {
    const auto n = std::count_if(at.begin(), at.end(), [&](double x) { return x >= b * 500 && x < (b + 1) * 500; });
    char line[96];
    std::snprintf(line, sizeof line, "\n  %5.1f-%4.1f s %3ld %s", b * 0.5, (b + 1) * 0.5, static_cast<long>(n),
                  std::string(static_cast<std::size_t>(n), '#').c_str());
    hist += line;
  }
  MESSAGE("restart: SIGTERM → old server gone " << ms_between(t_stop, t_down) << " ms, new one listening "
                                                << ms_between(t_stop, t_up) << " ms; " << kDevices
                                                << " devices back from " << at.front() << " to " << at.back()
                                                << " ms (median " << at[at.size() / 2] << "), at most " << worst
                                                << " within any 100 ms; per 500 ms:" << hist);
  CHECK(at.back() - at.front() >= 1000);
  CHECK(worst <= kDevices / 5);  // at most 20 % in any 100 ms window

  // Converged: a change for every person wakes every parked poll; all devices are then
  // live, at the server's cursor, with nothing waiting, and hold what a fresh device of
  // the same person pulls.
  const std::string token = integration_token(*next, "restart");
  json doc = json::object();
  {
    const std::string lena = next->sign_in("m-lena", "demo-lena");
    const json all = next->get("/api/pull?since=0", lena).as_json();
    std::map<std::string, std::string> owner;
    for (const auto& c : all["changes"])
      if (c["kind"] == "customer") owner[c["id"]] = c["record"]["owner"];
    doc["promises"] = json::array();
    std::set<std::string> done;
    for (const auto& c : all["changes"])
      if (c["kind"] == "promise" && !done.count(owner[c["record"]["customer"]]) &&
          std::find(edited.begin(), edited.end(), c["id"].get<std::string>()) == edited.end()) {
        done.insert(owner[c["record"]["customer"]]);
        json p = c["record"];
        p["text"] = "after the restart";
        doc["promises"].push_back(p);
      }
  }
  auto r = ingest(*next, token, doc.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const std::int64_t c1 = cursor(*next);
  REQUIRE(pump_until(
      [&] {
        return std::all_of(fleet.begin(), fleet.end(), [&](auto& d) {
          return d->status().link == client::Link::live && d->sync->cursor() == c1 && d->status().waiting == 0;
        });
      },
      30000));
  std::map<std::string, std::string> reference;
  for (auto& [m, pw] : who) {
    auto http = std::make_unique<native::CurlHttp>(url);
    http->set_token(next->sign_in(m, pw));
    BareDevice fresh(temp_path(std::string("live-restart-fresh-") + m + ".db"), m, *http, o);
    const auto end = Clock::now() + Ms(20000);
    while (!(fresh.status().have_share && fresh.sync->cursor() == c1) && Clock::now() < end) {
      fresh.sync->poll(now_utc());
      http->wait(5);
    }
    REQUIRE(fresh.sync->cursor() == c1);
    reference[m] = fresh.contents();
  }
  int equal = 0;
  for (auto& d : fleet) equal += d->contents() == reference[d->manager];
  CHECK(equal == kDevices);
  {
    // The edits made while the server was away are on the server (the lead sees all).
    const json lead = json::parse(reference["m-lena"]);
    for (const auto& id : edited) {
      bool found = false;
      for (const auto& p : lead["promises"])
        if (p["id"] == id) found = p["text"].get<std::string>().rfind("edited offline during the restart", 0) == 0;
      CHECK_MESSAGE(found, id);
    }
  }
  std::size_t notices = 0;
  for (auto& d : fleet) notices += d->status().notices;
  CHECK(notices == 0);
  fleet.clear();
  CHECK(next->stop() == 0);
}

// ---------------------------------------------------------------- d. the session ended

TEST_CASE("live d: a session ended elsewhere stops the device with 'sign in again' and then no request at all; a new sign-in sends what waited") {
  Server s(temp_path("live-expired.db"), {"--demo", "--heartbeat", "2"});
  FaultProxy proxy(s.port());  // counts every request the device makes
  const auto o = live_opts(2);
  TestDevice ben(temp_path("live-expired-ben.db"), proxy.base_url(), o);
  REQUIRE(ben.sign_in("m-ben", "demo-ben"));
  const std::vector<TestDevice*> one{&ben};
  REQUIRE(pump_all(one, [&] { return is_live(ben); }));
  auto end_session = [&](const std::string& token) {
    Call out;  // from another client: a sign-out in another tab, an admin's tool
    out.method = "DELETE";
    out.path = "/api/session";
    out.bearer = token;
    REQUIRE(s.call(out).status == 200);
    CHECK(s.get("/api/me", token).status == 401);
  };
  auto nothing_goes_out = [&](int ms) {
    const std::uint64_t seen = proxy.counts().seen, ex = st(ben).exchanges;
    pump_for(one, ms);
    CHECK(proxy.counts().seen == seen);
    CHECK(st(ben).exchanges == ex);
    CHECK(st(ben).stop == client::Stop::sign_in_required);
  };

  // 1. A change made after the session ended: its push gets 401, sync stops and says why.
  end_session(ben.tokens.token);
  const Promise* p = open_promise(ben.app->session()->slice());
  REQUIRE(p);
  const std::string kept = p->id;
  REQUIRE(ben.app->apply(MarkKept{kept}, ben.now()).ok);
  REQUIRE(pump_all(one, [&] { return st(ben).stop == client::Stop::sign_in_required; }));
  INFO(st(ben).error);
  CHECK(st(ben).error.find("sign in again") != std::string::npos);
  CHECK(st(ben).link != client::Link::live);
  CHECK(ben.app->unsent_changes() == 1);
  // No retries, no live channel, no periodic pulls: several heartbeats and backoff periods
  // pass, another change is made, and not one request leaves the device.
  const Promise* p2 = open_promise(ben.app->session()->slice());
  REQUIRE(p2);
  const std::string dated = p2->id;
  const std::size_t slips = p2->history.size();  // (p2 points into the slice, which the edit changes)
  REQUIRE(ben.app->apply(NewDate{dated, (ben.now() / kDay + 3) * kDay, "after the session ended"}, ben.now()).ok);
  nothing_goes_out(5000);
  CHECK(ben.app->unsent_changes() == 2);
  CHECK(ben.app->signed_in());  // the cockpit stays open, offline, with the edits kept

  // 2. Signed in again: both changes go out, the channel is live again.
  ben.app->sign_in_with_password("m-ben", "demo-ben", ben.now());
  REQUIRE(pump_all(one, [&] {
    return ben.app->sign_in_flow().step == SignInFlow::Step::idle && st(ben).stop == client::Stop::none &&
           ben.app->unsent_changes() == 0 && is_live(ben);
  }));
  {
    const json j = s.get("/api/pull?since=0", ben.tokens.token).as_json();
    bool k = false, d = false;
    for (const auto& c : j["changes"]) {
      if (c["id"] == kept) k = c["record"]["status"] == "kept";
      if (c["id"] == dated) d = c["record"]["history"].size() == slips + 1;
    }
    CHECK(k);
    CHECK(d);
  }

  // 3. An idle device finds out by itself: its parked poll comes back at the heartbeat,
  // the next poll gets 401, and it stops there.
  end_session(ben.tokens.token);
  REQUIRE(pump_all(one, [&] { return st(ben).stop == client::Stop::sign_in_required; }, 10000));
  CHECK(st(ben).error.find("sign in again") != std::string::npos);
  nothing_goes_out(3000);
  CHECK(s.stop() == 0);
}

// ---------------------------------------------------------------- e. live status and the fallback

TEST_CASE("live e: the status says live while the channel is up; when /api/live cannot be held, periodic pulls bring changes within fallback_pull_ms") {
  Server s(temp_path("live-fallback.db"), {"--demo", "--heartbeat", "2"});
  FaultProxy proxy(s.port());
  auto ob = live_opts(2);
  ob.fallback_pull_ms = 1000;
  TestDevice a(temp_path("live-fallback-a.db"), s.url(""), live_opts(2));
  TestDevice b(temp_path("live-fallback-b.db"), proxy.base_url(), ob);
  REQUIRE(a.sign_in("m-anna", "demo-anna"));
  REQUIRE(b.sign_in("m-anna", "demo-anna"));
  const std::vector<TestDevice*> both{&a, &b};
  REQUIRE(pump_all(both, [&] { return is_live(a) && is_live(b); }));

  std::size_t n = 0;
  std::vector<std::string> open;
  for (const Promise& p : a.app->session()->slice().promises)
    if (p.status == PromiseStatus::open) open.push_back(p.id);
  REQUIRE(!open.empty());
  // A changes a promise's text; returns how long until B has it, and whether B's status
  // said "live" at any moment meanwhile.
  auto change = [&](bool* was_live) {
    const std::string id = open[n % open.size()];
    const Time due = (a.now() / kDay + 3 + static_cast<Time>(n)) * kDay;
    ++n;
    const auto t0 = Clock::now();
    REQUIRE(a.app->apply(NewDate{id, due, "moved (" + std::to_string(n) + ")"}, a.now()).ok);
    bool live = false;
    REQUIRE(pump_all(both, [&] {
      live |= is_live(b);
      const Promise* q = by_id(b.app->session()->slice().promises, id);
      return q && q->due_at == due;
    }));
    if (was_live) *was_live = live;
    return ms_between(t0, Clock::now());
  };

  // 1. Up: the change comes through the channel.
  auto live0 = proxy.counts("/api/live").answered;
  const double up_ms = change(nullptr);
  CHECK(is_live(b));
  CHECK(proxy.counts("/api/live").answered > live0);
  MESSAGE("channel up: the change arrived after " << up_ms << " ms");

  // 2. /api/live dropped at the proxy (a proxy that cuts long requests): the parked poll
  // ends at its heartbeat, the next ones fail, the status leaves "live", and periodic
  // pulls bring every change within fallback_pull_ms (+ a pull's time).
  for (Fault f : {Fault::drop_request, Fault::lose_response}) {
    proxy.set_policy([f](const RequestInfo& r) { return r.path == "/api/live" ? f : Fault::pass; });
    REQUIRE(pump_all(both, [&] { return !is_live(b); }, 10000));
    const auto answered = proxy.counts("/api/live").answered;
    for (int i = 0; i < 3; ++i) {
      bool was_live = true;
      const double ms = change(&was_live);
      MESSAGE(std::string(fault_name(f)) << " on /api/live: change " << i << " arrived by a periodic pull after " << ms << " ms");
      CHECK(!was_live);
      CHECK(ms <= ob.fallback_pull_ms + 750);
    }
    CHECK(proxy.counts("/api/live").answered == answered);  // none came through the channel
    CHECK(st(b).stop == client::Stop::none);
    CHECK(st(b).error.empty());  // pulls work: nothing to report but "not live"
    CHECK(st(b).link == client::Link::online);
  }
  CHECK(proxy.counts("/api/live").dropped > 0);
  CHECK(proxy.counts("/api/live").responses_lost > 0);

  // 3. The channel can be held again: live within the backoff, and changes come through it.
  proxy.set_policy({});
  REQUIRE(pump_all(both, [&] { return is_live(b); }, 10000));
  live0 = proxy.counts("/api/live").answered;
  change(nullptr);
  CHECK(proxy.counts("/api/live").answered > live0);
  CHECK(canonical(a.app->session()->slice()) == canonical(b.app->session()->slice()));
  CHECK(s.stop() == 0);
}
