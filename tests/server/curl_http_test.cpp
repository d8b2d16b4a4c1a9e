// CurlHttp (shell/native/curl_http.cpp) against the REAL cockpit-server process: GET,
// POST and DELETE, the bearer token, network errors, Retry-After, a parked long-poll that
// must not hold up other requests, cancel(), per-request timeouts, wait(), and
// destruction with requests in flight.
//
// Only what is stable in the demo book is relied on: signing in as m-anna with the demo
// password, /api/me, /api/health and the live channel. No sleeps: every wait is on a
// condition with a deadline; where a test checks that something does NOT happen, it
// waits past the moment it would have happened (the server's heartbeat) and says so.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "harness.hpp"
#include "native/curl_http.hpp"

using namespace cockpit::test;
using cockpit::client::HttpRequest;
using cockpit::client::HttpResponse;
using cockpit::client::RequestId;
using cockpit::native::CurlHttp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kHeartbeatS = 3;  // the live tests' server answers a parked poll after 2.4–3 s

long ms_since(Clock::time_point t0) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
}

// Runs wait() + poll() until `done()` holds or `ms` pass; false on timeout.
bool pump_until(CurlHttp& http, const std::function<bool()>& done, int ms = 10000) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  while (!done()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    http.wait(static_cast<int>(left));
    http.poll();
  }
  return true;
}

// Keeps calling wait() + poll() for `ms`, however often something finishes.
void pump_for(CurlHttp& http, int ms) {
  const auto t0 = Clock::now();
  pump_until(http, [&] { return ms_since(t0) >= ms; }, ms + 1000);
}

HttpRequest get(const std::string& path, int timeout_ms = 10000) {
  HttpRequest r;
  r.path = path;
  r.timeout_ms = timeout_ms;
  return r;
}

HttpRequest post(const std::string& path, const json& body) {
  HttpRequest r;
  r.method = "POST";
  r.path = path;
  r.body = body.dump();
  return r;
}

// One request, answered (the test fails after 10 s).
HttpResponse fetch(CurlHttp& http, HttpRequest r) {
  std::optional<HttpResponse> got;
  http.send(std::move(r), [&](HttpResponse x) { got = std::move(x); });
  REQUIRE_MESSAGE(pump_until(http, [&] { return got.has_value(); }), "no answer within 10 s");
  return *got;
}

json body_json(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) FAIL("not JSON (status " << r.status << ", error '" << r.error << "'): " << r.body.substr(0, 300));
  return j;
}

std::string base_url(const Server& s) { return "http://127.0.0.1:" + std::to_string(s.port()); }

std::string sign_in_anna(CurlHttp& http) {
  auto r = fetch(http, post("/api/session", json{{"manager", "m-anna"}, {"password", "demo-anna"}}));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return body_json(r)["token"].get<std::string>();
}

// A TCP port that refuses connections for as long as this object lives: bound, never
// listening (so nobody else can take it meanwhile).
struct ClosedPort {
  int fd = -1;
  std::uint16_t port = 0;
  ClosedPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~ClosedPort() { ::close(fd); }
};

}  // namespace

TEST_CASE("CurlHttp: GET, POST, DELETE on the real server; callbacks only from poll(); the bearer token") {
  Server s(temp_path("curl_http.db"), {"--demo"});
  // What the wakeup hook touches is declared before the client, so it outlives it.
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  int wakes = 0;
  std::thread::id wake_thread;
  CurlHttp http(base_url(s) + "/");  // a trailing slash in the base is fine
  const auto main_thread = std::this_thread::get_id();

  // The wakeup hook is called from the worker when a response is ready.
  http.set_wakeup([&] {
    std::lock_guard<std::mutex> lock(wake_mu);
    ++wakes;
    wake_thread = std::this_thread::get_id();
    wake_cv.notify_all();
  });

  // Nothing in flight: wait() times out.
  auto t0 = Clock::now();
  CHECK_FALSE(http.wait(50));
  CHECK(ms_since(t0) >= 45);

  // A callback runs only inside poll(), on the caller's thread, exactly once.
  int runs = 0;
  std::thread::id ran_on;
  HttpResponse health;
  http.send(get("/api/health"), [&](HttpResponse r) {
    ++runs;
    ran_on = std::this_thread::get_id();
    health = std::move(r);
  });
  REQUIRE(http.wait(10000));
  CHECK(runs == 0);  // finished, but not run: that is poll()'s job
  {
    std::unique_lock<std::mutex> lock(wake_mu);
    REQUIRE(wake_cv.wait_for(lock, std::chrono::seconds(5), [&] { return wakes > 0; }));
    CHECK(wake_thread != main_thread);
  }
  CHECK(runs == 0);
  http.poll();
  CHECK(runs == 1);
  CHECK(ran_on == main_thread);
  CHECK(health.status == 200);
  CHECK(health.ok());
  CHECK(health.error.empty());
  CHECK(health.retry_after_s == -1);
  CHECK(body_json(health).contains("cursor"));
  http.poll();
  CHECK(runs == 1);
  CHECK_FALSE(http.wait(0));  // nothing left

  // Without a token: 401 sign_in_required (an HTTP answer, so no error text).
  auto anon = fetch(http, get("/api/me"));
  CHECK(anon.status == 401);
  CHECK_FALSE(anon.ok());
  CHECK(anon.error.empty());
  CHECK(body_json(anon)["code"] == "sign_in_required");

  // POST with a JSON body (the server refuses other content types with 415).
  const std::string token = sign_in_anna(http);
  CHECK(token.size() > 20);

  // The token counts for requests started after set_token(), not for those before.
  std::optional<HttpResponse> before, after;
  http.send(get("/api/me"), [&](HttpResponse r) { before = std::move(r); });
  http.set_token(token);
  http.send(get("/api/me"), [&](HttpResponse r) { after = std::move(r); });
  REQUIRE(pump_until(http, [&] { return before && after; }));
  CHECK(before->status == 401);
  REQUIRE(after->status == 200);
  const json me = body_json(*after);
  CHECK(me["manager"]["id"] == "m-anna");
  CHECK(me.contains("cursor"));

  // Extra headers are sent.
  HttpRequest with_schema = get("/api/pull?since=0");
  with_schema.headers = {{"X-Cockpit-Schema", "1"}};
  auto pulled = fetch(http, with_schema);
  CHECK(pulled.status == 200);
  CHECK(body_json(pulled)["full"] == true);

  // Kept-alive connections are reused: twenty requests one after the other open none.
  const auto opened = http.connections_opened();
  for (int i = 0; i < 20; ++i) REQUIRE(fetch(http, get("/api/me")).status == 200);
  CHECK(http.connections_opened() == opened);

  // A finished but not yet polled request, cancelled: never run, and wait() forgets it.
  bool cancelled_ran = false;
  const RequestId late = http.send(get("/api/health"), [&](HttpResponse) { cancelled_ran = true; });
  REQUIRE(http.wait(10000));
  http.cancel(late);
  CHECK_FALSE(http.wait(0));
  http.poll();
  CHECK_FALSE(cancelled_ran);
  http.cancel(late);  // twice, or an unknown id: nothing happens
  http.cancel(987654321);

  // Cancelled before the worker could start it: never run either.
  const RequestId early = http.send(get("/api/health"), [&](HttpResponse) { cancelled_ran = true; });
  http.cancel(early);
  CHECK(fetch(http, get("/api/health")).status == 200);
  http.poll();
  CHECK_FALSE(cancelled_ran);

  // DELETE signs out; the same token is refused afterwards.
  HttpRequest out;
  out.method = "DELETE";
  out.path = "/api/session";
  CHECK(fetch(http, out).ok());
  CHECK(fetch(http, get("/api/me")).status == 401);
  http.set_token("");
  CHECK(fetch(http, get("/api/me")).status == 401);
}

TEST_CASE("CurlHttp: no server gives status 0 and words; Retry-After is read") {
  {
    ClosedPort closed;
    CurlHttp http("http://127.0.0.1:" + std::to_string(closed.port));
    const auto t0 = Clock::now();
    auto r = fetch(http, get("/api/health"));
    CHECK(r.status == 0);
    CHECK_FALSE(r.ok());
    CHECK(r.body.empty());
    MESSAGE("refused: " << r.error);
    CHECK(r.error.find("connection refused") == 0);
    CHECK(r.error.find(std::to_string(closed.port)) != std::string::npos);  // curl's detail names the port
    CHECK(ms_since(t0) < 2000);
    // A POST too, and the client keeps working for later requests.
    auto p = fetch(http, post("/api/session", json{{"manager", "m-anna"}, {"password", "x"}}));
    CHECK(p.status == 0);
    CHECK(p.error.find("connection refused") == 0);
  }
  // Sign-in attempts are limited per address and account: the second attempt with a
  // burst of 1 is a 429 with Retry-After in seconds. (No --demo: nothing to set up.)
  Server s(temp_path("curl_http_limit.db"), {"--sign-in-burst", "1", "--sign-in-rate", "0.01"});
  CurlHttp http(base_url(s));
  auto first = fetch(http, post("/api/session", json{{"manager", "m-nobody"}, {"password", "guess-1"}}));
  CHECK(first.status == 401);
  CHECK(first.retry_after_s == -1);
  auto second = fetch(http, post("/api/session", json{{"manager", "m-nobody"}, {"password", "guess-2"}}));
  CHECK(second.status == 429);
  CHECK(body_json(second)["code"] == "rate_limited");
  CHECK(second.retry_after_s >= 1);
  CHECK(second.retry_after_s <= 1000);
}

TEST_CASE("CurlHttp: a parked long-poll holds up nothing; cancel() of it; timeouts") {
  Server s(temp_path("curl_http_live.db"), {"--demo", "--heartbeat", std::to_string(kHeartbeatS)});
  CurlHttp http(base_url(s));
  http.set_token(sign_in_anna(http));
  const auto me = fetch(http, get("/api/me"));
  REQUIRE(me.status == 200);
  const std::string live = "/api/live?since=" + body_json(me)["cursor"].dump();
  const int live_timeout = (kHeartbeatS + 10) * 1000;  // heartbeat + margin, as the sync client does

  SUBCASE("twenty requests complete while the poll stays parked") {
    std::optional<HttpResponse> polled;
    const auto t0 = Clock::now();
    http.send(get(live, live_timeout), [&](HttpResponse r) { polled = std::move(r); });
    // Ten at once, then ten one after the other.
    int done = 0, good = 0;
    for (int i = 0; i < 10; ++i)
      http.send(get(i % 2 ? "/api/me" : "/api/health"), [&](HttpResponse r) {
        ++done;
        good += r.status == 200;
      });
    REQUIRE(pump_until(http, [&] { return done == 10; }));
    for (int i = 0; i < 10; ++i) good += fetch(http, get("/api/me")).status == 200;
    const long twenty_ms = ms_since(t0);
    CHECK(good == 20);
    MESSAGE("20 requests beside a parked poll: " << twenty_ms << " ms");
    CHECK(twenty_ms < kHeartbeatS * 800);  // all before the earliest possible heartbeat…
    CHECK_FALSE(polled.has_value());        // …and the poll is still parked
    // Then the heartbeat answers it.
    REQUIRE(pump_until(http, [&] { return polled.has_value(); }, live_timeout));
    CHECK(ms_since(t0) >= kHeartbeatS * 800 - 100);
    REQUIRE(polled->status == 200);
    CHECK(body_json(*polled)["changed"] == false);
    CHECK(body_json(*polled)["heartbeat"] == true);
  }

  SUBCASE("a cancelled poll's callback never runs") {
    bool cancelled_ran = false;
    std::optional<HttpResponse> control;
    const auto t0 = Clock::now();
    const RequestId parked = http.send(get(live, live_timeout), [&](HttpResponse) { cancelled_ran = true; });
    http.send(get(live, live_timeout), [&](HttpResponse r) { control = std::move(r); });
    // Both reach the server and park (a request behind them proves the worker is moving).
    REQUIRE(fetch(http, get("/api/health")).status == 200);
    http.cancel(parked);
    // The control poll, sent after the cancelled one, gets its heartbeat…
    REQUIRE(pump_until(http, [&] { return control.has_value(); }, live_timeout));
    CHECK(control->status == 200);
    // …and by heartbeat + 1 s after it was sent the cancelled one would have had its
    // answer too (the server's jitter only shortens the wait). Nothing is delivered.
    pump_for(http, static_cast<int>(std::max(0L, kHeartbeatS * 1000 + 1000 - ms_since(t0))));
    CHECK_FALSE(http.wait(0));
    http.poll();
    CHECK_FALSE(cancelled_ran);
    // The client goes on working after the cancel.
    CHECK(fetch(http, get("/api/me")).status == 200);
  }

  SUBCASE("timeout_ms ends a poll well before the heartbeat; wait() times out meanwhile") {
    std::optional<HttpResponse> polled;
    const auto t0 = Clock::now();
    http.send(get(live, 300), [&](HttpResponse r) { polled = std::move(r); });
    CHECK_FALSE(http.wait(100));  // parked: nothing finished yet
    http.poll();
    CHECK_FALSE(polled.has_value());
    REQUIRE(pump_until(http, [&] { return polled.has_value(); }, 5000));
    const long took = ms_since(t0);
    MESSAGE("a 300 ms live poll ended after " << took << " ms: " << polled->error);
    CHECK(polled->status == 0);
    CHECK(polled->error.find("timed out") == 0);
    CHECK(took >= 290);
    CHECK(took < kHeartbeatS * 800 - 500);
    // And the next request gets through normally.
    CHECK(fetch(http, get("/api/me")).status == 200);
  }
}

TEST_CASE("CurlHttp: destroyed with requests in flight: clean, quick, no callback") {
  Server s(temp_path("curl_http_end.db"), {"--demo", "--heartbeat", std::to_string(kHeartbeatS)});
  std::string token, live;
  {
    CurlHttp http(base_url(s));
    token = sign_in_anna(http);
    http.set_token(token);
    live = "/api/live?since=" + body_json(fetch(http, get("/api/me")))["cursor"].dump();
  }
  std::atomic<int> ran{0}, woke{0};
  const auto t0 = Clock::now();
  {
    auto http = std::make_unique<CurlHttp>(base_url(s));
    http->set_token(token);
    http->set_wakeup([&] { ++woke; });
    http->send(get(live, 30000), [&](HttpResponse) { ++ran; });   // parked at the server
    http->send(get("/api/me"), [&](HttpResponse) { ++ran; });     // finishes, never polled
    http->send(get("/api/health"), [&](HttpResponse) { ++ran; });  // maybe not even started
    REQUIRE(http->wait(10000));  // at least one is answered and waiting for a poll()
    const auto t1 = Clock::now();
    http.reset();
    CHECK(ms_since(t1) < 1000);  // the worker stops at once, parked poll or not
  }
  CHECK(ran == 0);
  const int woke_at_end = woke;
  CHECK(woke_at_end >= 1);
  // The server is fine (its parked request's connection was closed), and nothing runs later.
  CHECK(s.get("/api/health").status == 200);
  CHECK(ran == 0);
  CHECK(woke == woke_at_end);
  CHECK(ms_since(t0) < kHeartbeatS * 800);
  // Also: destroyed right after a send, before the worker picked the request up.
  for (int i = 0; i < 20; ++i) {
    CurlHttp http(base_url(s));
    http.send(get("/api/health"), [&](HttpResponse) { ++ran; });
  }
  CHECK(ran == 0);
}
