// Benchmark (not a ctest test) for the source webhooks' budgets (issue 20), on the real
// server with the 10,000-customer synthetic book. Run: build/…/tests/server/bench_connect
//   - signed events/s per source, on loopback: COCKPIT_BENCH_SENDERS (default 16)
//     keep-alive senders, each delivering new signed events as fast as they are answered
//     (Stripe invoice.payment_failed, Shopify orders/create, Zendesk ticket.created, each
//     for a customer found by e-mail or by the source's id; every event writes records)
//     [budget >= 2,000 events/s per source]. Each request is one event, signed as the
//     source signs it, as a source delivers it; the 16 senders stand for the source's
//     parallel deliveries. The server applies the events that arrive while a commit is
//     in flight in one transaction (CONNECT.md), so the senders' number sets how many
//     events share a commit (at most 16 here).
//   - an event's effect in the owning manager's lists: the manager's live poll is parked;
//     from the server's answer to the source until the manager's pull holds the new record
//     [budget <= 50 ms]
#include <doctest/doctest.h>

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <cstring>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "connect_fixtures.hpp"
#include "domain/document.hpp"
#include "harness.hpp"
#include "store/synthetic.hpp"

using namespace cockpit::test;
using namespace cockpit::test::connect;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kSecret = "whsec_bench_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
// COCKPIT_BENCH_CUSTOMERS: a smaller book for quick runs (the budget is for 10,000).
const int kCustomers = std::atoi(std::getenv("COCKPIT_BENCH_CUSTOMERS") ? std::getenv("COCKPIT_BENCH_CUSTOMERS") : "10000");

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string customer_id(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "c-%05d", i);
  return id;
}

// The n-th event of sender `who` for `source`, signed: what a source would send.
Call event(const std::string& source, int who, long n) {
  const int c = static_cast<int>((n * 7919 + who * 131) % kCustomers) + 1;
  const std::string tag = std::to_string(who) + "-" + std::to_string(n);
  if (source == "stripe")
    return stripe_call(kSecret,
                       stripe_event("invoice.payment_failed", "evt_b" + tag, now_s(),
                                    stripe_invoice("in_b" + tag, "", customer_id(c) + "@mail.example", 1000 + n))
                           .dump(),
                       now_s());
  if (source == "shopify")
    return shopify_call(kSecret, "orders/create", "sh-" + tag,
                        shopify_order(1'000'000L * (who + 1) + n, "#B" + tag, customer_id(c) + "@mail.example", 0,
                                      iso_now(), iso_now())
                            .dump());
  return zendesk_call(kSecret,
                      zendesk_ticket("zen:event-type:ticket.created", "zd-" + tag, "9" + tag, std::to_string(c), "OPEN",
                                     "PROBLEM", iso_now())
                          .dump(),
                      iso_now());
}

std::size_t sink(char*, std::size_t s, std::size_t n, void*) { return s * n; }

// One sender on one keep-alive connection for `seconds`; counts answers that are 200.
void sender(const Server& s, const std::string& source, int who, int seconds, std::atomic<long>& ok,
            std::atomic<long>& failed) {
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, s.url("/api/connect/" + source).c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  for (long n = 0; Clock::now() < end; ++n) {
    const Call c = event(source, who, n);
    curl_slist* hd = curl_slist_append(nullptr, "Content-Type: application/json");
    hd = curl_slist_append(hd, "Expect:");
    for (const auto& line : c.headers) hd = curl_slist_append(hd, line.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, c.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(c.body.size()));
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    (status == 200 ? ok : failed)++;
    curl_slist_free_all(hd);
  }
  curl_easy_cleanup(h);
}

// CPU seconds (user + system) of a process, from /proc/PID/stat; and of this process.
double cpu_s(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return -1;
  char buf[2048];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  const char* p = std::strrchr(buf, ')');
  unsigned long utime = 0, stime = 0;
  if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}
// The machine's 1-minute load average: the figures move with it (the senders, the
// server and whatever else runs share the cores), so each line says what it was.
double load_average() {
  double load = -1;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = -1;
    std::fclose(f);
  }
  return load;
}
double own_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void throughput(const Server& s, const std::string& source) {
  const int senders_n = std::stoi(env_or("COCKPIT_BENCH_SENDERS", "16"));
  const int seconds = std::stoi(env_or("COCKPIT_BENCH_SECONDS", "8"));
  std::atomic<long> ok{0}, failed{0};
  const std::int64_t before = s.get("/api/health").as_json()["cursor"];
  std::vector<std::thread> threads;
  const double server_cpu0 = cpu_s(s.pid()), client_cpu0 = own_cpu_s();
  const auto t0 = Clock::now();
  for (int i = 0; i < senders_n; ++i) threads.emplace_back(sender, std::cref(s), source, i, seconds, std::ref(ok), std::ref(failed));
  for (auto& t : threads) t.join();
  const double secs = ms_since(t0) / 1000;
  const double server_cpu = cpu_s(s.pid()) - server_cpu0, client_cpu = own_cpu_s() - client_cpu0;
  const std::int64_t after = s.get("/api/health").as_json()["cursor"];
  std::printf("== %s: %d senders, %ld events answered 200 in %.1f s = %.0f events/s, %ld failed; %lld records "
              "written [budget >= 2000 events/s]; CPU: server %.1f s (%.0f us/event), senders %.1f s; load %.1f\n",
              source.c_str(), senders_n, ok.load(), secs, static_cast<double>(ok.load()) / secs, failed.load(),
              static_cast<long long>(after - before), server_cpu, ok.load() ? server_cpu * 1e6 / static_cast<double>(ok.load()) : 0.0,
              client_cpu, load_average());
}

// A new event for customer `c` (one of the manager's), and the record it makes.
std::pair<Call, std::string> owned_event(const std::string& source, int c, int i) {
  const std::string n = std::to_string(i);
  if (source == "stripe")
    return {stripe_call(kSecret,
                        stripe_event("invoice.payment_failed", "evt_v" + n, now_s(),
                                     stripe_invoice("in_v" + n, "", customer_id(c) + "@mail.example", 700))
                            .dump(),
                        now_s()),
            "x-stripe-in_v" + n};
  if (source == "shopify")
    return {shopify_call(kSecret, "orders/create", "shv-" + n,
                         shopify_order(777'000'000L + i, "#V" + n, customer_id(c) + "@mail.example", 0, iso_now(), iso_now())
                             .dump()),
            "k-shopify-" + std::to_string(777'000'000L + i)};
  return {zendesk_call(kSecret,
                       zendesk_ticket("zen:event-type:ticket.created", "zv-" + n, "77" + n, std::to_string(c), "OPEN",
                                      "PROBLEM", iso_now())
                           .dump(),
                       iso_now()),
          "t-zendesk-77" + n};
}

// From the answer to the source until the owner's pull (woken by its live poll) holds the record.
void visible(const Server& s, const std::string& source) {
  const std::string owner_token = s.sign_in("m-001", "bench-password");  // owns c-00001, c-00021, …
  std::vector<double> took;
  for (int i = 0; i < 30; ++i) {
    const std::int64_t cursor = s.get("/api/health").as_json()["cursor"];
    auto live = std::async(std::launch::async, [&] {
      return s.get("/api/live?since=" + std::to_string(cursor) + "&client=bench-live", owner_token);
    });
    // Let the poll park first, as a device's does (the pull below does not depend on it).
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto [call, want] = owned_event(source, 1 + 20 * (i + 1), i);
    const HttpReply r = s.call(call);
    const auto answered = Clock::now();
    REQUIRE_MESSAGE(r.status == 200, r.body);
    live.wait();
    bool seen = false;
    while (!seen) {
      const json pull = s.get("/api/pull?since=" + std::to_string(cursor), owner_token).as_json();
      for (const auto& ch : pull["changes"]) seen = seen || ch["id"] == want;
      REQUIRE(ms_since(answered) < 5000);
    }
    took.push_back(ms_since(answered));
  }
  std::printf("== %s: answer to the source -> record in the owner's pull (live poll parked): median %.1f ms, "
              "p90 %.1f ms, max %.1f ms [budget <= 50 ms]\n",
              source.c_str(), pct(took, 0.5), pct(took, 0.9), pct(took, 1.0));
}

}  // namespace

TEST_CASE("bench: source webhooks on the synthetic book (10,000 customers)") {
  cockpit::SyntheticSpec spec;
  spec.customers = kCustomers;
  spec.now = cockpit::now_utc();
  const std::string doc = cockpit::to_json(cockpit::generate_book(spec));
  Server s(temp_path("bench-connect.db"),
           {"--max-body", "1000000000", "--rate", "0", "--no-log", "--max-connections-per-address", "0",
            "--synchronous", env_or("COCKPIT_BENCH_SYNC", "full"), "--integration-rate", "1000000",
            "--integration-burst", "1000000"});
  add_managers(s, json::parse(doc), "bench-password");
  std::string token;
  REQUIRE(run_admin({"add-integration", "--db", s.db(), "--name", "bench"}, "", &token) == 0);
  token.erase(token.find_last_not_of("\r\n") + 1);
  auto t0 = Clock::now();
  REQUIRE(ingest(s, token, doc).status == 200);
  std::printf("ingest %d customers: %.0f ms\n", kCustomers, ms_since(t0));
  for (const char* source : {"stripe", "shopify", "zendesk"})
    REQUIRE(run_admin({"add-integration", "--db", s.db(), "--name", std::string(source) + "-bench", "--source", source,
                       "--secret-stdin"},
                      kSecret + "\n") == 0);
  // Zendesk names requesters by its user id: link every customer first (user.created).
  t0 = Clock::now();
  for (int c = 1; c <= kCustomers; ++c)
    REQUIRE(s.call(zendesk_call(kSecret, zendesk_user("zu-" + std::to_string(c), std::to_string(c),
                                                      customer_id(c) + "@mail.example", iso_now()).dump(),
                                iso_now()))
                .status == 200);
  std::printf("link %d Zendesk users one at a time (user.created): %.0f ms\n", kCustomers, ms_since(t0));
  for (const char* source : {"stripe", "shopify", "zendesk"}) throughput(s, source);
  for (const char* source : {"stripe", "shopify", "zendesk"}) visible(s, source);
}
