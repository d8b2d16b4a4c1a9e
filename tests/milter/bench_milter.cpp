// Benchmark (not a test; issue 18's budgets): mail through a real Postfix relay with and
// without cockpit-milter, against the real cockpit-server holding the 10,000-customer
// synthetic book. Each mail is an automated status update with X-Cockpit-Kind to one of
// the book's customers (its own subject, so the duplicate rule does not hold it), found by
// its address, so each one costs a check that writes a scheduled record.
//   latency     one sending session, mail after mail: the time from MAIL FROM to the
//               250 after the data, median and p99, without and with the milter; the
//               difference of the medians is what the milter adds (budget: <= 5 ms)
//   throughput  COCKPIT_BENCH_SESSIONS (8) sessions at once, COCKPIT_BENCH_MAILS (2,000)
//               mails: accepted per second, and per second until every mail has been
//               delivered to the sink or is in the hold queue (budget: >= 200/s, none lost)
//   COCKPIT_BENCH_SYNC=normal  the server without an fsync per commit (see below)
//   COCKPIT_BENCH_SOCKET=tcp   Postfix reaches the milter on 127.0.0.1 instead of a unix
//                              socket (every milter step answered, MILTER.md)
// Run: build/…/tests/milter/bench_milter (as root, with Debian's postfix: bash .ci/setup).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "domain/document.hpp"
#include "relay_world.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Bench {
  std::vector<std::string> emails;  // the book's customers' addresses
  int next = 0;
  std::atomic<int> serial{0};
  // The next mail: a status update to the next customer, with a subject of its own.
  std::pair<std::string, std::string> mail(const std::string& run) {
    const int n = serial++;
    const std::string& to = emails[static_cast<std::size_t>(n) % emails.size()];
    const std::string id = run + "-" + std::to_string(n);
    return {to, mail_text({{"From", "noreply@shop.example"}, {"To", to}, {"Subject", "Your parcel " + id},
                           {"Message-ID", "<" + id + "@bench.example>"}, {"X-Cockpit-Kind", "status_update"}},
                          "Your parcel is on its way.\r\n")};
  }
};

struct Run {
  std::vector<double> latencies;  // ms per mail
  double wall_ms = 0;
  int refused = 0;
};

// `sessions` SMTP sessions at once, `mails` in all, into `port`.
Run send_mails(Bench& b, std::uint16_t port, int sessions, int mails, const std::string& run) {
  Run out;
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(sessions));
  std::atomic<int> left{mails}, refused{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < sessions; ++s)
    threads.emplace_back([&, s] {
      SmtpClient c(port);
      while (left-- > 0) {
        auto [to, text] = b.mail(run);
        const auto a = Clock::now();
        const SmtpReply r = c.send("noreply@shop.example", {to}, text);
        lat[static_cast<std::size_t>(s)].push_back(ms_between(a, Clock::now()));
        if (r.code != 250) ++refused;
      }
      c.quit();
    });
  for (auto& t : threads) t.join();
  out.wall_ms = ms_between(t0, Clock::now());
  for (auto& l : lat) out.latencies.insert(out.latencies.end(), l.begin(), l.end());
  out.refused = refused;
  return out;
}

// Waits until `n` mails are accounted for (delivered to the sink, or held); the ms it took.
double until_accounted(const SmtpSink& sink, std::size_t before, const PostfixInstance& p, std::size_t n) {
  const auto t0 = Clock::now();
  eventually([&] { return sink.total() - before + p.in_queue("hold").size() >= n; }, 600000);
  return ms_between(t0, Clock::now());
}

}  // namespace

TEST_CASE("bench: mail through the relay with and without cockpit-milter") {
  const int sessions = env_int("COCKPIT_BENCH_SESSIONS", 8), mails = env_int("COCKPIT_BENCH_MAILS", 2000),
            sequential = env_int("COCKPIT_BENCH_SEQUENTIAL", 500);
  SyntheticSpec spec;
  spec.now = now_utc();
  const Book book = generate_book(spec);
  Bench b;
  for (const Customer& c : book.customers)
    if (!c.email.empty()) b.emails.push_back(c.email);
  const std::string dir = temp_path("bench-milter");
  std::filesystem::create_directories(dir);
  // COCKPIT_BENCH_SYNC=normal: the server's SQLite without an fsync per commit (each
  // check that writes a record commits); the default is the server's own, full.
  const char* sync = std::getenv("COCKPIT_BENCH_SYNC");
  Server server(temp_path("bench-milter.db"), {"--max-body", "1000000000", "--no-log", "--integration-rate", "1000000",
                                               "--integration-burst", "1000000", "--synchronous", sync ? sync : "full"});
  std::printf("server: synchronous %s\n", sync ? sync : "full");
  std::string token;
  REQUIRE(run_admin({"add-integration", "--db", server.db(), "--name", "relay", "--scopes", "ingest,check,feed"}, "",
                    &token) == 0);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  const std::string doc = to_json(book);
  add_managers(server, json::parse(doc), "bench-password");  // ingest never creates managers
  auto t0 = Clock::now();
  REQUIRE(ingest(server, token, doc).status == 200);
  std::printf("machine: %u cores; book: %zu customers (synthetic), %zu scheduled; ingest %.0f ms\n",
              std::thread::hardware_concurrency(), book.customers.size(), book.scheduled.size(),
              ms_between(t0, Clock::now()));

  SmtpSink sink;
  const char* socket = std::getenv("COCKPIT_BENCH_SOCKET");
  const bool tcp = socket && std::string(socket) == "tcp";
  MilterProcess milter(dir + "/milter", server.url(""), token, dir + "/guarded/conf", "",
                       tcp ? MilterProcess::Socket::tcp : MilterProcess::Socket::unix_path);
  std::printf("milter socket: %s\n", tcp ? "tcp (127.0.0.1)" : "unix");
  milter.start();
  PostfixInstance plain(dir + "/plain", sink.port(), "");
  PostfixInstance guarded(dir + "/guarded", sink.port(), milter.postfix_address());

  // Latency: one session, mail after mail (after a short warm-up of each).
  send_mails(b, plain.port(), 1, 20, "warm-plain");
  send_mails(b, guarded.port(), 1, 20, "warm-guarded");
  const Run lp = send_mails(b, plain.port(), 1, sequential, "lat-plain");
  const Run lg = send_mails(b, guarded.port(), 1, sequential, "lat-guarded");
  const double added = percentile(lg.latencies, 0.5) - percentile(lp.latencies, 0.5);
  std::printf("latency, 1 session, %d mails each: without the milter p50 %.2f ms p99 %.2f ms; with p50 %.2f ms "
              "p99 %.2f ms; the milter adds %.2f ms at the median (budget <= 5 ms)\n",
              sequential, percentile(lp.latencies, 0.5), percentile(lp.latencies, 0.99), percentile(lg.latencies, 0.5),
              percentile(lg.latencies, 0.99), added);
  CHECK(lp.refused + lg.refused == 0);
  // Let the latency runs' deliveries finish before the throughput runs are counted.
  until_accounted(sink, 0, guarded, static_cast<std::size_t>(2 * (20 + sequential)));

  for (PostfixInstance* p : {&plain, &guarded}) {
    const bool with = p == &guarded;
    const std::size_t before_sink = sink.total(), before_hold = p->in_queue("hold").size();
    const Run r = send_mails(b, p->port(), sessions, mails, with ? "tp-guarded" : "tp-plain");
    const double settle = until_accounted(sink, before_sink, *p, static_cast<std::size_t>(mails) + before_hold);
    const std::size_t delivered = sink.total() - before_sink, held = p->in_queue("hold").size() - before_hold;
    std::printf("throughput %s the milter, %d sessions, %d mails: accepted %.0f/s (p50 %.2f ms, p99 %.2f ms); all "
                "delivered or held after %.0f ms: %.0f/s (budget >= 200/s); delivered %zu, held %zu, refused %d, "
                "lost %ld\n",
                with ? "with" : "without", sessions, mails, 1000.0 * mails / r.wall_ms, percentile(r.latencies, 0.5),
                percentile(r.latencies, 0.99), r.wall_ms + settle, 1000.0 * mails / (r.wall_ms + settle), delivered, held,
                r.refused, static_cast<long>(mails) - static_cast<long>(delivered + held) - r.refused);
    CHECK(delivered + held == static_cast<std::size_t>(mails));
  }
  std::fflush(stdout);
  milter.stop();
}
