// Benchmark (not a ctest test): the real cockpit-server with the 10,000-customer
// synthetic book. Run: build/…/tests/server/bench_sync
//   - ingest of the whole book (one document)
//   - a new device's first full sync of one manager's share      (budget < 2 s)
//   - one change from device A seen by device B: push + pull round trip (budget < 20 ms median)
//   - the same through the live channel: push → B's parked poll answers → B pulls
//     (issue 9 budget: ≤ 10 ms median, ≤ 25 ms p95, 3 HTTP requests)
//   - push/pull requests per second from 100 concurrent keep-alive clients (budget ≥ 2,000/s)
#include <doctest/doctest.h>

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "domain/document.hpp"
#include "harness.hpp"
#include "load.hpp"
#include "store/synthetic.hpp"

using namespace cockpit::test;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

TEST_CASE("bench: 10,000-customer book") {
  cockpit::SyntheticSpec spec;
  spec.now = cockpit::now_utc();
  const std::string doc = cockpit::to_json(cockpit::generate_book(spec));
  MESSAGE("book document: " << doc.size() / 1e6 << " MB");
  Server s(temp_path("bench.db"), {"--max-body", "1000000000", "--rate", "0", "--no-log", "--threads", "4",
                                        "--max-connections-per-address", "0"});
  add_managers(s, json::parse(doc), "bench-password");  // ingest never creates accounts
  const std::string token = integration_token(s, "bench");
  auto t0 = Clock::now();
  auto r = ingest(s, token, doc);
  REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 500));
  MESSAGE("ingest: " << r.body << " in " << ms_since(t0) << " ms");
  t0 = Clock::now();
  r = ingest(s, token, doc);
  MESSAGE("ingest again (idempotent): " << r.body << " in " << ms_since(t0) << " ms");

  Device a{&s, s.sign_in("m-001", "bench-password"), "bench-a"};
  Device b{&s, s.sign_in("m-001", "bench-password"), "bench-b"};

  // First full sync of one manager's share.
  std::vector<double> full;
  std::size_t records = 0, bytes = 0;
  std::int64_t cursor = 0;
  for (int i = 0; i < 5; ++i) {
    t0 = Clock::now();
    auto p = a.pull(0);
    const double took = ms_since(t0);
    REQUIRE(p.status == 200);
    auto j = p.as_json();  // a client parses it too; the parse is part of the budget
    full.push_back(ms_since(t0));
    records = j["changes"].size();
    bytes = p.body.size();
    cursor = j["cursor"];
    (void)took;
  }
  MESSAGE("first full sync of m-001: " << records << " records, " << bytes / 1e6 << " MB, median "
                                       << pct(full, 0.5) << " ms (incl. client JSON parse), max " << pct(full, 1.0) << " ms");
  CHECK(pct(full, 0.5) < 2000);

  // Pick one of m-001's promises.
  std::string pid;
  std::int64_t base = 0;
  {
    auto j = a.pull(0).as_json();
    for (const auto& c : j["changes"])
      if (c["kind"] == "promise") {
        pid = c["id"];
        base = c["seq"];
        break;
      }
  }
  REQUIRE_FALSE(pid.empty());

  // Round trip: A pushes one change, B pulls since its cursor.
  std::vector<double> rt;
  b.cursor = cursor;
  for (int i = 0; i < 200; ++i) {
    t0 = Clock::now();
    auto pr = a.push({a.upsert("promise", pid, {{"text", "round trip " + std::to_string(i)}}, base)});
    REQUIRE(pr.status == 200);
    auto pj = b.pull(b.cursor).as_json();
    rt.push_back(ms_since(t0));
    REQUIRE(pj["changes"].size() >= 1);
    b.cursor = pj["cursor"];
    base = pr.as_json()["results"][0]["seq"];
  }
  MESSAGE("push + pull round trip: median " << pct(rt, 0.5) << " ms, p95 " << pct(rt, 0.95) << " ms");

  // Live: B's poll is parked; A pushes; B's poll answers; B pulls.
  std::vector<double> live;
  for (int i = 0; i < 100; ++i) {
    std::atomic<bool> ready{false};
    Clock::time_point pushed_at;
    double seen_ms = 0;
    std::thread tb([&] {
      Call c;
      c.path = "/api/live?since=" + std::to_string(b.cursor);
      c.bearer = b.token;
      ready = true;
      auto w = s.call(c);
      auto pj = b.pull(b.cursor).as_json();
      seen_ms = ms_since(pushed_at);
      b.cursor = pj["cursor"];
    });
    while (!ready) std::this_thread::yield();
    // The poll must be parked before the push for the measure to mean anything; the
    // server parks within microseconds of the request, so wait for it to show in /api/health? It
    // does not report it — a short fixed settle is acceptable in a benchmark (not a test).
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pushed_at = Clock::now();
    auto pr = a.push({a.upsert("promise", pid, {{"text", "live " + std::to_string(i)}}, base)});
    base = pr.as_json()["results"][0]["seq"];
    tb.join();
    live.push_back(seen_ms);
  }
  MESSAGE("live: A's push → B's list has it: median " << pct(live, 0.5) << " ms, p95 " << pct(live, 0.95)
                                                       << " ms (3 HTTP requests: push, poll answer, pull)");

  // Throughput: 100 clients (half Anna-like, half Ben-like devices), 1 push per 4 pulls.
  const LoadResult load = run_load(s, {a.token, b.token}, pid, "sync", 5);
  MESSAGE("load: 100 clients, " << load.per_s << " requests/s ok, " << load.failed << " failed, "
                                << load.pushes_ok << " pushes applied, cursor moved " << load.cursor_moved);
  CHECK(load.failed == 0);
  CHECK(load.cursor_moved == load.pushes_ok);
  CHECK(s.stop() == 0);
}
