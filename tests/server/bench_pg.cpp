// Benchmark (not a ctest test): cockpit-server on PostgreSQL with the 10,000-customer
// synthetic book, with 1 process and with 2 processes behind HAProxy (the sample
// src/server/deploy/haproxy.cfg), on a private cluster with fsync on (issue 19 budgets):
//   - ingest of the whole book (one document)                            ≤ 10 s
//   - a manager's first sync (pull since 0 + client parse)               ≤ 1 s
//   - device → device across the two processes: A pushes to process 1,
//     B's live poll parked on process 2 answers, B pulls from it          ≤ 15 ms median, 3 requests
//   - push/pull load: 100 keep-alive clients through the balancer         ≥ 4,000 requests/s, nothing lost
// Run: build/headless/tests/server/bench_pg  (COCKPIT_BENCH_SECONDS: load window, default 5;
// COCKPIT_BENCH_INGEST_ONLY=1: the ingest row only, 1 process, for profiling it)
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "domain/document.hpp"
#include "harness.hpp"
#include "haproxy.hpp"
#include "load.hpp"
#include "store/synthetic.hpp"
#include "test_store.hpp"

using namespace cockpit::test;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

bool ingest_only() {
  const char* v = std::getenv("COCKPIT_BENCH_INGEST_ONLY");
  return v && std::string(v) == "1";
}

const std::vector<std::string> kArgs{"--max-body", "1000000000", "--rate", "0", "--no-log", "--threads", "4",
                                     "--max-connections-per-address", "0", "--heartbeat", "20"};

struct Run {
  std::vector<std::unique_ptr<Server>> servers;
  std::unique_ptr<Haproxy> lb;
  std::string url() const { return lb ? lb->url() : servers[0]->url(""); }
};

void bench_processes(const std::string& cluster, const std::string& doc, int processes) {
  const std::string db = cluster + "/bench" + std::to_string(processes);
  pg_exec(cluster + "/postgres", "DROP DATABASE IF EXISTS bench" + std::to_string(processes) + " WITH (FORCE)");
  pg_exec(cluster + "/postgres", "CREATE DATABASE bench" + std::to_string(processes));
  Run run;
  for (int i = 0; i < processes; ++i) run.servers.push_back(std::make_unique<Server>(db, kArgs));
  if (processes > 1) {
    std::vector<std::uint16_t> ports;
    for (auto& s : run.servers) ports.push_back(s->port());
    run.lb = std::make_unique<Haproxy>(ports);
  }
  Server& s1 = *run.servers.front();
  Server& s2 = *run.servers.back();
  MESSAGE("---- " << processes << " process(es)" << std::string(run.lb ? " behind HAProxy" : "") << ", load average "
                  << load_average());
  add_managers(s1, json::parse(doc), "bench-password");
  const std::string token = integration_token(s1, "bench");
  auto t0 = Clock::now();
  auto r = ingest(s1, token, doc);
  REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 500));
  const double ingest_ms = ms_since(t0);
  MESSAGE("ingest of the book: " << ingest_ms << " ms (budget 10,000): " << r.body);
  if (ingest_only()) return;

  // A manager's first sync, through the balancer.
  Device a{&s1, s1.sign_in("m-001", "bench-password"), "bench-a"};
  Device b{&s2, a.token, "bench-b"};
  std::vector<double> full;
  std::int64_t cursor = 0;
  std::size_t records = 0;
  for (int i = 0; i < 5; ++i) {
    Call c;
    c.path = "/api/pull?since=0";
    c.bearer = a.token;
    t0 = Clock::now();
    auto p = call_url(run.url(), c);
    REQUIRE(p.status == 200);
    const json j = p.as_json();
    full.push_back(ms_since(t0));
    records = j["changes"].size();
    cursor = j["cursor"];
  }
  MESSAGE("first sync of m-001: " << records << " records, median " << pct(full, 0.5) << " ms (budget 1,000)");

  std::string pid;
  std::int64_t base = 0;
  {
    const json j = a.pull(0).as_json();
    for (const auto& c : j["changes"])
      if (c["kind"] == "promise") {
        pid = c["id"];
        base = c["seq"];
        break;
      }
  }
  REQUIRE_FALSE(pid.empty());

  // Device → device: B's poll parked on the last process, A pushes to the first.
  b.cursor = cursor;
  std::vector<double> live;
  for (int i = 0; i < 100; ++i) {
    std::atomic<bool> ready{false};
    Clock::time_point pushed_at;
    double seen_ms = 0;
    std::thread tb([&] {
      Call c;
      c.path = "/api/live?since=" + std::to_string(b.cursor) + "&client=bench-b";
      c.bearer = b.token;
      ready = true;
      auto w = s2.call(c);
      auto pj = b.pull(b.cursor).as_json();
      seen_ms = ms_since(pushed_at);
      b.cursor = pj["cursor"];
    });
    while (!ready) std::this_thread::yield();
    // The poll must be parked before the push for the figure to mean anything; nothing
    // reports it, so a short settle (a benchmark, not a test).
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pushed_at = Clock::now();
    auto pr = a.push({a.upsert("promise", pid, {{"text", "live " + std::to_string(i)}}, base)});
    REQUIRE(pr.status == 200);
    base = pr.as_json()["results"][0]["seq"];
    tb.join();
    live.push_back(seen_ms);
  }
  MESSAGE("device A (process 1) -> device B (process " << processes << "): median " << pct(live, 0.5) << " ms, p95 "
                                                         << pct(live, 0.95)
                                                         << " ms (budget 15 ms median; 3 requests: push, poll answer, pull)");

  // Push/pull load through the balancer.
  const char* secs = std::getenv("COCKPIT_BENCH_SECONDS");
  Device lena{&s1, s1.sign_in("m-001", "bench-password"), "bench-c"};
  const LoadResult load = run_load_at(run.url(), {a.token, lena.token}, pid, "pg" + std::to_string(processes),
                                      secs ? std::atoi(secs) : 5);
  MESSAGE("push/pull load, 100 clients: " << load.per_s << " requests/s ok (budget 4,000), " << load.failed
                                          << " failed, " << load.pushes_ok << " pushes applied, cursor moved "
                                          << load.cursor_moved << "; load average " << load_average());
  CHECK(load.failed == 0);
  CHECK(load.cursor_moved == load.pushes_ok);
}

}  // namespace

TEST_CASE("bench: PostgreSQL, 10,000-customer book, 1 and 2 processes") {
  cockpit::SyntheticSpec spec;
  spec.now = cockpit::now_utc();
  const std::string doc = cockpit::to_json(cockpit::generate_book(spec));
  MESSAGE("book document: " << doc.size() / 1e6 << " MB");
  const std::string dir = temp_path("bench-pg-cluster");
  const std::string script = std::string(COCKPIT_SOURCE_DIR) + "/tests/server/pg_cluster.sh";
  REQUIRE(std::system(("bash '" + script + "' start '" + dir + "' fsync").c_str()) == 0);
  std::string cluster;
  std::getline(std::ifstream(dir + "/url"), cluster);
  bench_processes(cluster, doc, 1);
  if (!ingest_only()) bench_processes(cluster, doc, 2);
  CHECK(std::system(("bash '" + script + "' stop '" + dir + "'").c_str()) == 0);
}
