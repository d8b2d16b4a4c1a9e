// SyncClient's state machine over a scripted in-memory HttpClient: no network, no
// server process (the real server is driven in tests/server). A small fake server
// keeps records and a cursor and answers push, pull and live the way PROTOCOL.md says;
// each test bends it (holds requests, fails them, answers 401/413/426, …).
//
// Time: SyncClient's timers run on steady_clock; the tests make backoff and fallback
// periods tiny through SyncOptions and poll in a loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <cstdio>
#include <deque>
#include <functional>
#include <optional>
#include <thread>

#include "client/sync_client.hpp"
#include "client_fixtures.hpp"
#include "store/store.hpp"

using namespace cockpit;
using namespace cockpit::test;
using cockpit::client::HttpRequest;
using cockpit::client::HttpResponse;
using cockpit::client::Link;
using cockpit::client::RequestId;
using cockpit::client::Stop;
using cockpit::client::SyncClient;
using cockpit::client::SyncOptions;
using Clock = std::chrono::steady_clock;

namespace {

const Stamp kAnna{"m-anna", kT0};

// ---------------------------------------------------------------- the scripted HTTP client

class FakeHttp final : public client::HttpClient {
 public:
  struct Sent {
    RequestId id;
    HttpRequest req;
    Clock::time_point at;
  };
  std::vector<Sent> sent;            // every request, in order
  std::vector<RequestId> cancelled;
  // Decides the answer when a request is sent (delivered by a later poll()); nullopt
  // holds it until answer().
  std::function<std::optional<HttpResponse>(const HttpRequest&)> responder;

  RequestId send(HttpRequest request, std::function<void(HttpResponse)> done) override {
    const RequestId id = ++next_;
    sent.push_back({id, request, Clock::now()});
    Open o{id, std::move(request), std::move(done), std::nullopt};
    if (responder) o.answer = responder(o.req);
    open_.push_back(std::move(o));
    return id;
  }
  void cancel(RequestId id) override {
    cancelled.push_back(id);
    open_.erase(std::remove_if(open_.begin(), open_.end(), [&](const Open& o) { return o.id == id; }), open_.end());
  }
  void poll() override {
    std::vector<Open> ready;
    for (auto it = open_.begin(); it != open_.end();) {
      if (it->answer) {
        ready.push_back(std::move(*it));
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& o : ready) {
      delivered_.push_back(o.req.path);
      o.done(std::move(*o.answer));  // may send new requests
    }
  }
  // Answers handed to the client so far, of requests whose path starts with `prefix`.
  std::size_t delivered(const std::string& prefix) const {
    return static_cast<std::size_t>(std::count_if(delivered_.begin(), delivered_.end(),
                                                  [&](const std::string& p) { return p.rfind(prefix, 0) == 0; }));
  }
  bool wait(int) override {
    return std::any_of(open_.begin(), open_.end(), [](const Open& o) { return o.answer.has_value(); });
  }
  void set_token(std::string t) override { token = std::move(t); }
  void set_wakeup(std::function<void()>) override {}

  // Answers the oldest held request whose path starts with `prefix`.
  bool answer(const std::string& prefix, HttpResponse r) {
    for (auto& o : open_)
      if (!o.answer && o.req.path.rfind(prefix, 0) == 0) {
        o.answer = std::move(r);
        return true;
      }
    return false;
  }
  std::size_t held(const std::string& prefix) const {
    return static_cast<std::size_t>(std::count_if(open_.begin(), open_.end(), [&](const Open& o) {
      return !o.answer && o.req.path.rfind(prefix, 0) == 0;
    }));
  }
  std::vector<Sent> sent_to(const std::string& prefix) const {
    std::vector<Sent> out;
    for (const auto& s : sent)
      if (s.req.path.rfind(prefix, 0) == 0) out.push_back(s);
    return out;
  }
  std::string token;

 private:
  struct Open {
    RequestId id;
    HttpRequest req;
    std::function<void(HttpResponse)> done;
    std::optional<HttpResponse> answer;
  };
  std::deque<Open> open_;
  std::vector<std::string> delivered_;
  RequestId next_ = 0;
};

HttpResponse reply(int status, json body) { return HttpResponse{status, body.dump(), "", -1}; }
HttpResponse error_reply(int status, const std::string& code, const std::string& message) {
  return reply(status, json{{"error", message}, {"code", code}});
}
HttpResponse unreachable() { return HttpResponse{0, "", "connection refused", -1}; }

std::int64_t since_of(const std::string& path) {
  const auto at = path.find("since=");
  return at == std::string::npos ? -1 : std::strtoll(path.c_str() + at + 6, nullptr, 10);
}

// ---------------------------------------------------------------- a small fake server

struct FakeServer {
  struct Row {
    std::int64_t seq;
    json body;
  };
  std::map<std::pair<RecordKind, std::string>, Row> records;
  std::vector<sync::Deletion> tombstones;
  std::int64_t cursor = 0;
  std::vector<sync::PushRequest> pushes;  // as received
  // Mutations the server refuses (by record id) with this code.
  std::map<std::string, std::string> refuse;

  FakeServer() {
    for (const auto& r : share_records()) put(r);
  }
  void put(const AnyRecord& r) { records[{kind_of(r), record_id(r)}] = Row{++cursor, contract(r)}; }

  sync::PullResponse pull_since(std::int64_t since) const {
    sync::PullResponse p;
    p.cursor = cursor;
    p.full = since == 0;
    for (const auto& [k, row] : records)
      if (row.seq > since) p.changes.push_back(sync::Change{k.first, k.second, row.seq, row.body});
    if (since > 0)
      for (const auto& d : tombstones)
        if (d.seq > since) p.deleted.push_back(d);
    return p;
  }

  HttpResponse push(const HttpRequest& r) {
    auto d = sync::decode_push(json::parse(r.body));
    REQUIRE_MESSAGE(d.ok(), d.error);
    pushes.push_back(*d.value);
    sync::PushResponse resp;
    for (const auto& m : d.value->mutations) {
      sync::MutationResult x;
      x.mutation_id = m.mutation_id;
      if (auto it = refuse.find(m.record_id); it != refuse.end()) {
        x.status = sync::MutationStatus::refused;
        x.code = it->second;
        x.message = "customer c-1 is not yours";
        resp.results.push_back(x);
        continue;
      }
      const auto key = std::make_pair(m.record_kind, m.record_id);
      if (m.kind == sync::MutationKind::remove) {
        records.erase(key);
        tombstones.push_back(sync::Deletion{m.record_kind, m.record_id, ++cursor});
        x.seq = cursor;
      } else {
        json body = records.count(key) ? records[key].body : json::object();
        for (auto it = m.fields.begin(); it != m.fields.end(); ++it) body[it.key()] = it.value();
        body["id"] = m.record_id;
        records[key] = Row{++cursor, body};
        x.seq = cursor;
        x.record = body;
      }
      resp.results.push_back(x);
    }
    resp.cursor = cursor;
    if (d.value->since) resp.pull = std::make_shared<sync::PullResponse>(pull_since(*d.value->since));
    return reply(200, sync::to_json(resp));
  }
  HttpResponse pull(const HttpRequest& r) { return reply(200, sync::to_json(pull_since(since_of(r.path)))); }
  // A live poll: at once when something is newer than `since`, else held (nullopt).
  std::optional<HttpResponse> live(const HttpRequest& r) {
    if (cursor > since_of(r.path)) return reply(200, json{{"cursor", cursor}, {"changed", true}});
    return std::nullopt;
  }
  // Everything as this server answers it.
  std::function<std::optional<HttpResponse>(const HttpRequest&)> responder() {
    return [this](const HttpRequest& r) -> std::optional<HttpResponse> {
      if (r.path.rfind("/api/push", 0) == 0) return push(r);
      if (r.path.rfind("/api/pull", 0) == 0) return pull(r);
      if (r.path.rfind("/api/live", 0) == 0) return live(r);
      return error_reply(404, "not_found", "no such endpoint");
    };
  }
};

// ---------------------------------------------------------------- a device

std::string fresh_db(const std::string& name) {
  const std::string p = std::string(COCKPIT_TEST_TMP) + "/client-" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

Store open_store(const std::string& name) {
  OpenOptions o;
  o.journal_mode = "DELETE";
  auto s = Store::open(fresh_db(name), o);
  INFO(s.error());
  REQUIRE(s.ok());
  REQUIRE(s->set_replica_value("client_id", "dev-A").ok());
  REQUIRE(s->set_replica_value("manager", "m-anna").ok());
  return std::move(s).value();
}

SyncOptions quick(bool live = false) {
  SyncOptions o;
  o.live = live;
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 2000;
  o.fallback_pull_ms = 60000;  // no periodic pulls unless a test wants them
  o.safety_pull_ms = 60000;
  o.seed = 7;
  return o;
}

// Polls until `done` or `ms` have passed; returns whether `done` came true. What the
// polls returned goes to `applied` when given.
bool poll_until(SyncClient& sync, const std::function<bool()>& done, int ms = 3000,
                std::vector<RemoteApplied>* applied = nullptr) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    for (auto& a : sync.poll(kT0))
      if (applied) applied->push_back(std::move(a));
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

void poll_for(SyncClient& sync, int ms) {
  poll_until(sync, [] { return false; }, ms);
}

// A device that has its first share: started, pulled in full, nothing waiting.
struct Device {
  FakeHttp http;
  FakeServer server;
  Store store;
  SyncClient sync;
  Device(const std::string& name, SyncOptions o) : store(open_store(name)), sync(store, http, o) {
    http.responder = server.responder();
    sync.start(kT0);
    REQUIRE(poll_until(sync, [&] { return sync.status().have_share && !sync.status().busy; }));
    REQUIRE(sync.cursor() == server.cursor);
    REQUIRE(store.get_promise("p-1").value());
  }
  void edit_p1(const std::string& text) {
    Promise p = store.get_promise("p-1").value().value();
    p.text = text;
    REQUIRE(store.put(p, kAnna).value());
  }
};

}  // namespace

// ---------------------------------------------------------------- push and pull

TEST_CASE("sync client: the first start pulls the whole share; a change goes out with since=cursor and the pull in the answer is applied") {
  Device d("push.db", quick());
  auto pulls = d.http.sent_to("/api/pull");
  REQUIRE(pulls.size() == 1);
  CHECK(pulls[0].req.path == "/api/pull?since=0");
  CHECK(d.store.replica_value("cursor").value() == std::to_string(d.server.cursor));
  CHECK(d.store.outbox_size().value() == 0);
  CHECK(d.sync.status().link == Link::online);
  CHECK(d.sync.status().last_sync == kT0);
  const std::int64_t cursor = d.sync.cursor();

  // Meanwhile another device renamed c-2 on the server.
  Customer c2 = customer("c-2", "m-anna");
  c2.name = "Renamed elsewhere";
  d.server.put(c2);
  d.edit_p1("Delivery on Friday");
  d.sync.nudge();
  std::vector<RemoteApplied> applied;
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }, 3000, &applied));
  REQUIRE(d.server.pushes.size() == 1);
  const auto& push = d.server.pushes[0];
  CHECK(push.client_id == "dev-A");
  CHECK(push.schema_version == sync::kSchemaVersion);
  REQUIRE(push.since);
  CHECK(*push.since == cursor);
  REQUIRE(push.mutations.size() == 1);
  CHECK(push.mutations[0].record_id == "p-1");
  CHECK(push.mutations[0].fields == json{{"text", "Delivery on Friday"}});  // only what changed
  CHECK(push.mutations[0].base_seq > 0);
  CHECK(d.http.sent_to("/api/push").at(0).req.method == "POST");
  // The embedded pull did the pull's work: no separate request, c-2 is renamed.
  CHECK(d.http.sent_to("/api/pull").size() == 1);
  CHECK(d.store.get_customer("c-2").value()->name == "Renamed elsewhere");
  CHECK(d.sync.cursor() == d.server.cursor);
  CHECK(d.store.replica_value("cursor").value() == std::to_string(d.server.cursor));
  bool told = false;
  for (const auto& a : applied)
    for (const auto& w : a.writes) told |= record_id(w.record) == "c-2";
  CHECK(told);
  CHECK(d.sync.status().waiting == 0);
}

TEST_CASE("sync client: one exchange at a time; a change made meanwhile goes in the next push") {
  Device d("one-at-a-time.db", quick());
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push") return std::nullopt;  // held
    return responder(r);
  };
  d.edit_p1("First");
  d.sync.nudge();
  poll_for(d.sync, 30);
  REQUIRE(d.http.sent_to("/api/push").size() == 1);
  CHECK(d.sync.status().busy);
  Touchpoint t = touchpoint("t-new", "c-1", "Your new date");
  REQUIRE(d.store.put(t, kAnna).value());
  d.sync.nudge();
  d.sync.refresh();
  CHECK(d.sync.status().waiting == 2);
  poll_for(d.sync, 50);
  CHECK(d.http.sent_to("/api/push").size() == 1);  // still just the one
  CHECK(d.http.sent_to("/api/pull").size() == 1);  // and no pull beside it
  // The server answers the first; the second change goes next, alone.
  const HttpRequest first = d.http.sent_to("/api/push").at(0).req;
  REQUIRE(d.http.answer("/api/push", d.server.push(first)));
  d.http.responder = d.server.responder();
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  REQUIRE(d.server.pushes.size() == 2);
  REQUIRE(d.server.pushes[1].mutations.size() == 1);
  CHECK(d.server.pushes[1].mutations[0].record_id == "t-new");
  CHECK(d.server.pushes[1].mutations[0].mutation_id > d.server.pushes[0].mutations[0].mutation_id);
  CHECK(d.store.get_touchpoint("t-new").value());
}

// ---------------------------------------------------------------- failures

TEST_CASE("sync client: a failed push is retried by itself, ever later, with jitter") {
  Device d("backoff.db", quick());
  int failures_left = 5;
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push" && failures_left-- > 0) return unreachable();
    return responder(r);
  };
  d.edit_p1("Mine");
  d.sync.nudge();
  // No further local change, no nudge: the client retries on its own. After each
  // failure, note the wait it scheduled (status().retry_in_ms): that is the backoff
  // itself, untouched by how late a busy machine runs the loop.
  std::vector<int> scheduled;
  std::size_t answered = 0;
  REQUIRE(poll_until(d.sync, [&] {
    if (d.http.delivered("/api/push") > answered) {
      answered = d.http.delivered("/api/push");
      if (d.sync.status().retry_in_ms > 0) scheduled.push_back(d.sync.status().retry_in_ms);
    }
    return d.store.outbox_size().value() == 0;
  }, 10000));
  const auto pushes = d.http.sent_to("/api/push");
  REQUIRE(pushes.size() == 6);
  REQUIRE(scheduled.size() == 5);
  std::vector<double> gaps;
  for (std::size_t i = 1; i < pushes.size(); ++i)
    gaps.push_back(std::chrono::duration<double, std::milli>(pushes[i].at - pushes[i - 1].at).count());
  for (std::size_t i = 0; i < scheduled.size(); ++i) {
    CAPTURE(i);
    CAPTURE(scheduled[i]);
    CAPTURE(gaps[i]);
    // Attempt n+1 waits between half and all of 20 ms * 2^n ("equal jitter") ...
    const int step = 20 << i;
    CHECK(scheduled[i] >= step / 2);
    CHECK(scheduled[i] <= step + 30);
    // ... never less than that, and each wait at least as long as the one before.
    CHECK(gaps[i] >= step / 2 - 1);
    if (i > 0) CHECK(scheduled[i] + 1 >= scheduled[i - 1]);
  }
  CHECK(scheduled.back() >= 8 * scheduled.front());
  CHECK(d.sync.status().link == Link::online);
  CHECK(d.sync.status().error.empty());
  CHECK(d.sync.status().retry_in_ms == 0);
}

TEST_CASE("sync client: while it waits to retry it says so, and a nudge does not jump the wait") {
  SyncOptions o = quick();
  o.backoff_min_ms = 2000;  // the first retry comes after 1-2 s: long enough to look
  Device d("waiting.db", o);
  d.http.responder = [](const HttpRequest&) -> std::optional<HttpResponse> { return unreachable(); };
  d.edit_p1("Mine again");
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().link == Link::offline; }));
  CHECK(d.sync.status().error.find("connection refused") != std::string::npos);
  CHECK(d.sync.status().waiting == 1);
  CHECK(d.sync.status().stop == Stop::none);
  // A nudge while backing off does not bypass the backoff.
  const std::size_t before = d.http.sent_to("/api/push").size();
  d.sync.nudge();
  d.sync.poll(kT0);
  CHECK(d.http.sent_to("/api/push").size() == before);
  CHECK(d.sync.status().retry_in_ms > 0);
}

TEST_CASE("sync client: the jitter differs between devices") {
  std::vector<std::vector<double>> runs;
  for (std::uint64_t seed : {1u, 2u}) {
    SyncOptions o = quick();
    o.seed = seed;
    o.backoff_min_ms = 40;
    Device d("jitter-" + std::to_string(seed) + ".db", o);
    d.http.responder = [](const HttpRequest&) -> std::optional<HttpResponse> { return unreachable(); };
    d.edit_p1("Mine");
    d.sync.nudge();
    REQUIRE(poll_until(d.sync, [&] { return d.http.sent_to("/api/push").size() >= 4; }, 3000));
    const auto pushes = d.http.sent_to("/api/push");
    std::vector<double> gaps;
    for (std::size_t i = 1; i < 4; ++i)
      gaps.push_back(std::chrono::duration<double, std::milli>(pushes[i].at - pushes[i - 1].at).count());
    runs.push_back(gaps);
  }
  CAPTURE(runs[0]);
  CAPTURE(runs[1]);
  double diff = 0;
  for (std::size_t i = 0; i < 3; ++i) diff += std::abs(runs[0][i] - runs[1][i]);
  CHECK(diff > 3);  // not the same schedule to the millisecond
}

TEST_CASE("sync client: 401 stops everything until a new sign-in; 426 asks for a reload") {
  struct Row {
    const char* name;
    HttpResponse answer;
    Stop stop;
    const char* says;
  };
  const Row rows[] = {
      {"401 on a push", error_reply(401, "sign_in_required", "sign in first"), Stop::sign_in_required, "sign in again"},
      {"426 on a push", error_reply(426, "reload_required", "reload"), Stop::reload_required, "reload"},
  };
  int n = 0;
  for (const auto& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    Device d("stop-" + std::to_string(n++) + ".db", quick(true));
    d.edit_p1("Mine");
    auto responder = d.server.responder();
    d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
      if (r.path == "/api/push") return row.answer;
      return responder(r);
    };
    // The live poll is parked first (a nudge sends the push at once, before any poll()).
    REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
    d.sync.nudge();
    REQUIRE(poll_until(d.sync, [&] { return d.sync.status().stop != Stop::none; }));
    CHECK(d.sync.status().stop == row.stop);
    CHECK(d.sync.status().error.find(row.says) != std::string::npos);
    CHECK_FALSE(d.http.cancelled.empty());  // the parked live poll was given up
    const std::size_t sent = d.http.sent.size();
    d.sync.nudge();
    d.sync.refresh();
    poll_for(d.sync, 100);
    CHECK(d.http.sent.size() == sent);  // nothing more, not even a live poll
    CHECK(d.store.outbox_size().value() == 1);  // the change is kept on the device
    CHECK(d.sync.status().waiting == 1);
  }
  // A 401 on the live channel stops it too.
  Device d("stop-live.db", quick(true));
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  REQUIRE(d.http.answer("/api/live", error_reply(401, "sign_in_required", "session ended: sign in again")));
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().stop == Stop::sign_in_required; }));
  const std::size_t sent = d.http.sent.size();
  d.edit_p1("Mine");
  d.sync.nudge();
  poll_for(d.sync, 100);
  CHECK(d.http.sent.size() == sent);
}

TEST_CASE("sync client: 413 halves the batch; a single change the server still cannot take is undone with a notice") {
  SyncOptions o = quick();
  o.push_batch = 4;
  Device d("too-large.db", o);
  for (int i = 0; i < 4; ++i) REQUIRE(d.store.put(touchpoint("t-n" + std::to_string(i), "c-1"), kAnna).value());
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push" && json::parse(r.body)["mutations"].size() > 2)
      return error_reply(413, "too_large", "request body larger than 8388608 bytes");
    return responder(r);
  };
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  std::vector<std::size_t> sizes;
  for (const auto& s : d.http.sent_to("/api/push")) sizes.push_back(json::parse(s.req.body)["mutations"].size());
  CHECK(sizes == std::vector<std::size_t>{4, 2, 2});
  for (int i = 0; i < 4; ++i) CHECK(d.server.records.count({RecordKind::touchpoint, "t-n" + std::to_string(i)}));
  CHECK(d.sync.status().error.empty());
  CHECK(d.sync.status().notices == 0);

  // One change alone too large: undone here, with a notice; the next one goes on.
  REQUIRE(d.store.put(touchpoint("t-huge", "c-1", std::string(200, 'x')), kAnna).value());
  REQUIRE(d.store.put(touchpoint("t-fine", "c-1"), kAnna).value());
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push" && r.body.find("t-huge") != std::string::npos)
      return error_reply(413, "too_large", "request body larger than 8388608 bytes");
    return responder(r);
  };
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  CHECK_FALSE(d.store.get_touchpoint("t-huge").value());
  CHECK(d.store.get_touchpoint("t-fine").value());
  CHECK(d.server.records.count({RecordKind::touchpoint, "t-fine"}));
  CHECK(d.sync.status().notices == 1);
  auto ns = d.store.notices().value();
  REQUIRE(ns.size() == 1);
  CHECK(ns[0].kind == "refused");
  CHECK(ns[0].entity_id == "t-huge");
  CHECK(ns[0].message.find("t-huge") != std::string::npos);
  CHECK(ns[0].message.find("larger than") != std::string::npos);
}

TEST_CASE("sync client: 400 for one mutation: that one is undone with a notice, the rest go on") {
  Device d("bad-request.db", quick());
  REQUIRE(d.store.put(touchpoint("t-a", "c-1"), kAnna).value());
  REQUIRE(d.store.put(touchpoint("t-bad", "c-1"), kAnna).value());
  REQUIRE(d.store.put(touchpoint("t-c", "c-1"), kAnna).value());
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push" && r.body.find("t-bad") != std::string::npos) {
      const auto muts = json::parse(r.body)["mutations"];
      for (std::size_t i = 0; i < muts.size(); ++i)
        if (muts[i]["record_id"] == "t-bad")
          return reply(400, json{{"error", "mutations[" + std::to_string(i) + "].fields: expected an object"},
                                 {"field", "mutations[" + std::to_string(i) + "].fields"},
                                 {"code", "bad_request"}});
    }
    return responder(r);
  };
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  CHECK(d.server.records.count({RecordKind::touchpoint, "t-a"}));
  CHECK(d.server.records.count({RecordKind::touchpoint, "t-c"}));
  CHECK_FALSE(d.server.records.count({RecordKind::touchpoint, "t-bad"}));
  CHECK_FALSE(d.store.get_touchpoint("t-bad").value());
  CHECK(d.store.get_touchpoint("t-a").value());
  CHECK(d.store.get_touchpoint("t-c").value());
  auto ns = d.store.notices().value();
  REQUIRE(ns.size() == 1);
  CHECK(ns[0].entity_id == "t-bad");
  CHECK(ns[0].message.find("expected an object") != std::string::npos);
  CHECK(d.sync.status().notices == 1);
  CHECK(d.sync.status().stop == Stop::none);
}

TEST_CASE("sync client: a 400 about the push as a whole undoes nothing: it is retried") {
  Device d("bad-push.db", quick());
  REQUIRE(d.store.put(touchpoint("t-a", "c-1"), kAnna).value());
  auto responder = d.server.responder();
  int refusals = 2;  // the server refuses the push twice (say, a client id it did not like), then takes it
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push" && refusals > 0) {
      --refusals;
      return reply(400, json{{"error", "client_id: empty"}, {"field", "client_id"}, {"code", "bad_request"}});
    }
    return responder(r);
  };
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  CHECK(refusals == 0);
  CHECK(d.server.records.count({RecordKind::touchpoint, "t-a"}));
  CHECK(d.store.get_touchpoint("t-a").value());  // kept, not undone
  CHECK(d.store.notices().value().empty());
}

TEST_CASE("sync client: a refusal by the server undoes the change and is counted as a notice until dismissed") {
  Device d("refused.db", quick());
  d.server.refuse["p-1"] = "not_owner";
  const Promise before = d.store.get_promise("p-1").value().value();
  d.edit_p1("Mine");
  d.sync.nudge();
  CHECK(d.sync.status().waiting == 1);
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().waiting == 0; }));
  CHECK(d.store.get_promise("p-1").value() == before);
  CHECK(d.sync.status().notices == 1);
  auto ns = d.store.notices().value();
  REQUIRE(ns.size() == 1);
  CHECK(ns[0].code == "not_owner");
  CHECK(ns[0].message == "Not applied: customer c-1 is not yours.");
  REQUIRE(d.store.dismiss_notice(0).ok());
  d.sync.recount();
  CHECK(d.sync.status().notices == 0);
}

// ---------------------------------------------------------------- live channel

TEST_CASE("sync client: live changed -> one pull, then a poll from the new cursor; a heartbeat just re-polls") {
  Device d("live.db", quick(true));
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  {
    const auto lives = d.http.sent_to("/api/live");
    CHECK(lives.back().req.path == "/api/live?since=" + std::to_string(d.sync.cursor()) + "&client=dev-A");
    CHECK(lives.back().req.timeout_ms > quick(true).heartbeat_ms);  // it outlives a heartbeat
  }
  CHECK(d.sync.status().link != Link::offline);

  // A heartbeat: nothing new, the poll goes again with the same cursor, no pull.
  const std::size_t pulls = d.http.sent_to("/api/pull").size();
  const std::size_t lives = d.http.sent_to("/api/live").size();
  REQUIRE(d.http.answer("/api/live", reply(200, json{{"cursor", d.sync.cursor()}, {"changed", false}, {"heartbeat", true}})));
  REQUIRE(poll_until(d.sync, [&] { return d.http.sent_to("/api/live").size() == lives + 1; }));
  CHECK(d.http.sent_to("/api/pull").size() == pulls);
  CHECK(d.sync.status().link == Link::live);

  // Another device changes something: the poll is answered, the device pulls once —
  // and while that pull is under way it does not keep asking the live channel.
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path.rfind("/api/pull", 0) == 0) return std::nullopt;  // a slow pull
    return responder(r);
  };
  Customer c2 = customer("c-2", "m-anna");
  c2.name = "Renamed elsewhere";
  d.server.put(c2);
  const std::int64_t old_cursor = d.sync.cursor();
  REQUIRE(d.http.answer("/api/live", reply(200, json{{"cursor", d.server.cursor}, {"changed", true}})));
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/pull") == 1; }));
  poll_for(d.sync, 100);
  CHECK(d.http.sent_to("/api/pull").size() == pulls + 1);
  CHECK(d.http.sent_to("/api/pull").back().req.path == "/api/pull?since=" + std::to_string(old_cursor));
  CHECK(d.http.sent_to("/api/live").size() <= lives + 2);  // no busy loop of polls
  // The pull arrives: applied, and the poll waits from the new cursor.
  const HttpRequest pull = d.http.sent_to("/api/pull").back().req;
  REQUIRE(d.http.answer("/api/pull", d.server.pull(pull)));
  REQUIRE(poll_until(d.sync, [&] { return d.sync.cursor() == d.server.cursor; }));
  CHECK(d.store.get_customer("c-2").value()->name == "Renamed elsewhere");
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  poll_for(d.sync, 50);
  CHECK(d.http.sent_to("/api/pull").size() == pulls + 1);  // one pull for one change
  CHECK(d.http.held("/api/live") == 1);
  CHECK(since_of(d.http.sent_to("/api/live").back().req.path) == d.server.cursor);
}

TEST_CASE("sync client: a live channel that fails backs off and periodic pulls take over") {
  SyncOptions o = quick(true);
  o.fallback_pull_ms = 60;
  o.backoff_min_ms = 40;
  Device d("fallback.db", o);
  // The poll the device holds open fails; so does every later one.
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path.rfind("/api/live", 0) == 0) return unreachable();
    return responder(r);
  };
  REQUIRE(d.http.answer("/api/live", unreachable()));
  const std::size_t pulls0 = d.http.sent_to("/api/pull").size();
  const std::size_t lives0 = d.http.sent_to("/api/live").size();
  poll_for(d.sync, 900);
  // Bounds that a slow machine cannot break: it may run the loop late (fewer requests),
  // never early.
  auto pulls = d.http.sent_to("/api/pull");
  pulls.erase(pulls.begin(), pulls.begin() + static_cast<std::ptrdiff_t>(pulls0));
  CAPTURE(pulls.size());
  CHECK(pulls.size() >= 4);   // about every 60 ms: some 15 in 900 ms
  CHECK(pulls.size() <= 17);  // and never more often
  // Never a burst: a period is counted from the start of the poll() that sends a pull,
  // and the send can come some ms into it (the callbacks run first), hence the margin.
  for (std::size_t i = 1; i < pulls.size(); ++i)
    CHECK(std::chrono::duration<double, std::milli>(pulls[i].at - pulls[i - 1].at).count() >= 30);
  CHECK(d.sync.status().link != Link::live);
  CHECK(d.sync.status().stop == Stop::none);
  // The live channel is tried again ever later: at least half of 40, 80, 160, 320 ms
  // after the previous try (its failure is handled after it was sent, so no margin).
  auto polls = d.http.sent_to("/api/live");
  polls.erase(polls.begin(), polls.begin() + static_cast<std::ptrdiff_t>(lives0));
  CAPTURE(polls.size());
  REQUIRE(polls.size() >= 2);
  CHECK(polls.size() <= 6);
  for (std::size_t i = 1; i < polls.size(); ++i) {
    CAPTURE(i);
    CHECK(std::chrono::duration<double, std::milli>(polls[i].at - polls[i - 1].at).count() >= (40 << i) / 2 - 1);
  }
  // Once the channel works again, it is live and the periodic pulls slow down.
  d.http.responder = responder;
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }, 3000));
  REQUIRE(d.http.answer("/api/live", reply(200, json{{"cursor", d.sync.cursor()}, {"changed", false}, {"heartbeat", true}})));
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().link == Link::live; }));
  const std::size_t after = d.http.sent_to("/api/pull").size();
  poll_for(d.sync, 300);
  CHECK(d.http.sent_to("/api/pull").size() <= after + 1);
}

TEST_CASE("sync client: a nudge after a local change pushes at once") {
  Device d("nudge.db", quick(true));
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  poll_for(d.sync, 20);
  CHECK(d.http.sent_to("/api/push").empty());  // nothing to send, nothing sent
  d.edit_p1("Now");
  d.sync.nudge();
  CHECK(d.sync.status().waiting == 1);  // counted before anything is sent
  d.sync.poll(kT0);
  CHECK(d.http.sent_to("/api/push").size() == 1);  // in the very next poll
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().waiting == 0; }));
  CHECK(d.http.held("/api/live") == 1);  // the poll stayed open throughout
}

TEST_CASE("sync client: stop cancels what is in flight; start again picks up the outbox") {
  Device d("restart.db", quick(true));
  REQUIRE(poll_until(d.sync, [&] { return d.http.held("/api/live") == 1; }));
  d.sync.stop();
  CHECK(d.http.held("/api/live") == 0);
  d.edit_p1("Offline edit");
  d.sync.nudge();
  poll_for(d.sync, 50);
  CHECK(d.http.sent_to("/api/push").empty());
  d.sync.start(kT0);
  REQUIRE(poll_until(d.sync, [&] { return d.store.outbox_size().value() == 0; }));
  CHECK(d.server.records[{RecordKind::promise, "p-1"}].body["text"] == "Offline edit");
  REQUIRE(d.server.pushes.size() == 1);
  CHECK(*d.server.pushes[0].since == d.server.cursor - 1);
}

TEST_CASE("sync client: 409 server_too_old keeps the outbox waiting while pulls go on") {
  Device d("too-old.db", quick());
  auto responder = d.server.responder();
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.path == "/api/push") return error_reply(409, "server_too_old", "server too old");
    return responder(r);
  };
  d.edit_p1("Mine");
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.sync.status().stop == Stop::server_too_old; }));
  CHECK(d.sync.status().waiting == 1);
  CHECK(d.store.get_promise("p-1").value()->text == "Mine");  // nothing undone
  CHECK(d.store.notice_count().value() == 0);
  const std::size_t pushes = d.http.sent_to("/api/push").size();
  d.sync.refresh();  // a pull still goes
  REQUIRE(poll_until(d.sync, [&] { return d.http.sent_to("/api/pull").size() == 2; }));
  poll_for(d.sync, 50);
  CHECK(d.http.sent_to("/api/push").size() <= pushes + 1);  // not hammered
  CHECK(d.store.outbox_size().value() == 1);
}

TEST_CASE("sync client: a push answer whose pull cannot be read still settles the pushed changes, then pulls again") {
  Device d("bad-pull.db", quick());
  auto responder = d.server.responder();
  int broken = 1;
  d.http.responder = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    auto resp = responder(r);
    if (r.path == "/api/push" && resp && broken-- > 0) {
      json j = json::parse(resp->body);
      j["pull"]["changes"].push_back(
          json{{"kind", "touchpoint"}, {"id", "t-x"}, {"seq", 1}, {"record", contract(touchpoint("t-x", "c-nobody"))}});
      resp->body = j.dump();
    }
    return resp;
  };
  const std::size_t pulls = d.http.sent_to("/api/pull").size();
  d.edit_p1("Mine");
  d.sync.nudge();
  REQUIRE(poll_until(d.sync, [&] { return d.http.sent_to("/api/pull").size() == pulls + 1 && !d.sync.status().busy; }));
  CHECK(d.store.outbox_size().value() == 0);  // the results counted
  CHECK_FALSE(d.store.get_touchpoint("t-x").value());
  CHECK(d.sync.cursor() == d.server.cursor);  // the pull that followed brought the cursor
}
