// The security suite (ctest label `security`, issue 16): each finding of the hardening
// review run as an attack against the real cockpit-server on 127.0.0.1, at the size the
// review stated. During each attack a normal person (m-ben, from an address of their own)
// signs in and pulls: the median of five tries must answer within 200 ms (or twice what
// the same took on the quiet server before and after, when the shared machine alone is
// slower),
// and the server's resident memory (/proc/PID/status) must stay under 256 MiB. The server
// runs with its production defaults unless a case says otherwise.
//
// To show that a case fails without its fix, run this binary against another build:
// COCKPIT_SERVER_BIN=/path/to/old/cockpit-server build/…/test_security
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <doctest/doctest.h>

#include "harness.hpp"
#include "raw_socket.hpp"

using namespace cockpit::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kAnswerBudgetMs = 200;
constexpr double kMemoryBudgetMib = 256;
const std::string kProbeAddress = "127.0.0.3";  // the normal person's address, never an attacker's
const std::string kQuietAddress = "127.0.0.2";  // the same before the attack

// The time and memory budgets are the production build's: under ASan (`bash .ci/dev
// sanitize`) the server is several times slower and bigger by design, and the suite runs
// for what the sanitizers find.
bool budgets_apply() { return std::getenv("COCKPIT_SANITIZED") == nullptr; }

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double load_average() {
  std::ifstream f("/proc/loadavg");
  double l = 0;
  f >> l;
  return l;
}

struct Probe {
  double sign_in_ms = 0, pull_ms = 0, rss_mib = 0;  // medians of five, peak RSS
};

// Five sign-ins and pulls of a normal person from `from`.
Probe probe(const Server& s, const std::string& what, const std::string& who, const std::string& password,
            const std::string& from) {
  std::vector<double> sign_in_ms, pull_ms;
  Probe out;
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    auto r = s.call({.method = "POST", .path = "/api/session",
                     .body = json{{"manager", who}, {"password", password}}.dump(), .source = from});
    sign_in_ms.push_back(ms_since(t0));
    CHECK_MESSAGE(r.status == 200, what << ": the normal sign-in got " << r.status << " " << r.body);
    if (r.status != 200) continue;
    t0 = Clock::now();
    auto p = s.call({.path = "/api/pull?since=0", .bearer = r.as_json()["token"], .source = from});
    pull_ms.push_back(ms_since(t0));
    CHECK_MESSAGE(p.status == 200, what << ": the normal pull got " << p.status);
    out.rss_mib = std::max(out.rss_mib, rss_mib(s.pid()));
  }
  out.sign_in_ms = median(sign_in_ms);
  out.pull_ms = median(pull_ms);
  return out;
}

// The same probe on the quiet server, before the attack starts and again after it ended:
// a shared 2-core machine with compilers running makes one sign-in (Argon2, ~35 ms of
// CPU) take 60-300 ms by itself, swinging within seconds, and the figures under attack
// must be told apart from that.
Probe quiet(const Server& s, const std::string& who = "m-ben", const std::string& password = "demo-ben") {
  return probe(s, "quiet", who, password, kQuietAddress);
}

// While an attack runs: the probe from the normal person's own address.
Probe under_attack(const Server& s, const std::string& attack, const std::string& who = "m-ben",
                   const std::string& password = "demo-ben") {
  return probe(s, attack, who, password, kProbeAddress);
}

// Once the attack has ended: each median under attack within 200 ms, or within twice the
// slower quiet figure (before, after) when the machine alone was slower than that; RSS
// under 256 MiB. The server that had the findings took 10 s and more (timeouts) and 676
// MiB. Prints the figures (the report of issue 16 quotes them).
void check_budgets(const Server& s, const std::string& attack, const Probe& before, const Probe& under,
                   const std::string& who = "m-ben", const std::string& password = "demo-ben") {
  const Probe after = quiet(s, who, password);
  const double sign_in_quiet = std::max(before.sign_in_ms, after.sign_in_ms);
  const double pull_quiet = std::max(before.pull_ms, after.pull_ms);
  MESSAGE(attack << ": sign-in median " << under.sign_in_ms << " ms (quiet " << before.sign_in_ms << " / "
                 << after.sign_in_ms << " ms), pull median " << under.pull_ms << " ms (quiet " << before.pull_ms
                 << " / " << after.pull_ms << " ms), server RSS " << under.rss_mib << " MiB; load average "
                 << load_average());
  if (!budgets_apply()) return;
  CHECK(under.sign_in_ms < std::max(kAnswerBudgetMs, 2 * sign_in_quiet));
  CHECK(under.pull_ms < std::max(kAnswerBudgetMs, 2 * pull_quiet));
  CHECK(under.rss_mib < kMemoryBudgetMib);
}

std::int64_t cursor_of(const Server& s) { return s.get("/api/health").as_json()["cursor"].get<std::int64_t>(); }

std::string address(int third, int fourth) { return "127.0." + std::to_string(third) + "." + std::to_string(fourth); }

void close_all(std::vector<int>& fds) {
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
  fds.clear();
}

}  // namespace

TEST_CASE("finding 1: a long list of empty objects costs linear time, before and after sign-in") {
  Server s(temp_path("sec-parse.db"), {"--demo"});
  const Probe before = quiet(s);
  const std::string token = s.sign_in("m-anna", "demo-anna");
  // 600 KB: 200,000 empty objects in one list (the review's request).
  std::string objects = "[";
  for (int i = 0; i < 200000; ++i) objects += i ? ",{}" : "{}";
  objects += "]";
  const std::string as_push = R"({"client_id":"x","schema_version":1,"mutations":)" + objects + "}";
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0}, other{0};
  std::vector<double> attack_ms[8];
  std::vector<std::thread> attackers;
  for (int t = 0; t < 8; ++t)
    attackers.emplace_back([&, t] {
      const bool before_sign_in = t % 2 == 0;  // half at the sign-in, half at push with a session
      // Each client sends ten a second (the review's eight requests, again and again):
      // a flood of bytes would measure the loopback, not the parser.
      for (auto next = Clock::now(); !stop; next += std::chrono::milliseconds(100)) {
        std::this_thread::sleep_until(next);
        const auto t0 = Clock::now();
        auto r = before_sign_in ? s.call({.method = "POST", .path = "/api/session", .body = objects,
                                          .timeout_ms = 60000, .source = address(0, 10 + t)})
                                : s.call({.method = "POST", .path = "/api/push", .body = as_push, .bearer = token,
                                          .timeout_ms = 60000, .source = address(0, 10 + t)});
        attack_ms[t].push_back(ms_since(t0));
        // 413 before sign-in (or the connection cut while the body was still going out),
        // 400 after it; 429 when the rate limit comes first.
        const bool expected = r.status == 429 || (before_sign_in ? r.status == 413 || r.status == 0 : r.status == 400);
        (expected ? refused : other)++;
      }
    });
  while (refused + other < 24) std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the attack is on
  const std::string attack = "8 clients posting 600 KB lists of empty objects, 10 a second each";
  const Probe under = under_attack(s, attack);
  stop = true;
  for (auto& t : attackers) t.join();
  check_budgets(s, attack, before, under);
  std::vector<double> all;
  for (auto& v : attack_ms) all.insert(all.end(), v.begin(), v.end());
  MESSAGE("the attack's own requests: " << all.size() << ", answered in " << median(all) << " ms (median)");
  CHECK(other == 0);
  CHECK(refused > 0);
  if (budgets_apply()) CHECK(median(all) < kAnswerBudgetMs);
  // The refusals say what is wrong.
  auto at_sign_in = s.call({.method = "POST", .path = "/api/session", .body = objects, .source = "127.0.0.20"});
  CHECK(at_sign_in.as_json()["code"] == "too_large");
  auto at_push = s.call({.method = "POST", .path = "/api/push", .body = as_push, .bearer = token});
  CHECK(at_push.as_json()["code"] == "bad_json");
  CHECK(at_push.as_json()["error"].get<std::string>().find("more than 10000 entries") != std::string::npos);
  CHECK(at_push.as_json()["field"] == "mutations");
}

TEST_CASE("finding 2a: 4,100 idle sockets from one address do not lock anyone else out") {
  raise_fd_limit();
  Server s(temp_path("sec-idle.db"), {"--demo"});
  const Probe before = quiet(s);
  std::vector<int> fds;
  for (int i = 0; i < 4100; ++i) fds.push_back(connect_from("127.0.0.1", s.port()));
  // The server closes what is over the per-address cap at once; the rest stay idle.
  std::vector<std::string> answers;
  std::vector<bool> closed;
  read_all(fds, 1000, answers, closed);
  const auto kept = std::count(closed.begin(), closed.end(), false);
  MESSAGE("idle sockets from one address: " << fds.size() << " opened, " << kept << " kept by the server");
  CHECK(kept <= 128);
  const Probe under = under_attack(s, "4,100 idle sockets from one address");
  close_all(fds);
  check_budgets(s, "4,100 idle sockets from one address", before, under);

  // A connection that says nothing is closed after --idle-timeout.
  Server quick(temp_path("sec-idle-timeout.db"), {"--demo", "--idle-timeout", "1"});
  std::vector<int> silent{connect_from("127.0.0.1", quick.port())};
  const auto t0 = Clock::now();
  read_all(silent, 10000, answers, closed);
  MESSAGE("a silent connection with --idle-timeout 1 was closed after " << ms_since(t0) << " ms");
  CHECK(closed[0]);
  close_all(silent);
}

TEST_CASE("finding 2b: two sessions parking 4,200 live polls hold a handful of them") {
  raise_fd_limit();
  // --rate 0: the per-identity rate limit would refuse most polls first; this case shows
  // that the per-session cap holds on its own.
  Server s(temp_path("sec-polls.db"), {"--demo", "--rate", "0"});
  const Probe before = quiet(s);
  const std::string tokens[2] = {s.sign_in("m-anna", "demo-anna"), s.sign_in("m-anna", "demo-anna")};
  const std::int64_t since = cursor_of(s);
  std::vector<int> fds;
  for (int i = 0; i < 4200; ++i) {
    // 42 addresses, 100 polls each: under the per-address cap, so the session cap is what holds.
    const int fd = connect_from(address(1, 1 + i / 100), s.port());
    REQUIRE(fd >= 0);
    const std::string req = "GET /api/live?since=" + std::to_string(since) +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tokens[i % 2] + "\r\n\r\n";
    REQUIRE(::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size()));
    fds.push_back(fd);
  }
  std::vector<std::string> answers;
  std::vector<bool> closed;
  read_all(fds, 3000, answers, closed);
  int parked = 0, capped = 0;
  for (const auto& a : answers) {
    if (a.empty()) ++parked;
    else if (status_of(a) == 429 && a.find("too_many_polls") != std::string::npos) ++capped;
  }
  MESSAGE("live polls of two sessions: 4,200 sent, " << parked << " parked, " << capped << " refused 429");
  CHECK(parked == 8);
  CHECK(capped == 4200 - 8);
  const Probe under = under_attack(s, "4,200 live polls of two sessions");
  // Another person's poll still parks.
  const std::string ben = s.sign_in("m-ben", "demo-ben");
  auto poll = raw_exchange("127.0.0.4", s.port(),
                           "GET /api/live?since=" + std::to_string(cursor_of(s)) +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ben + "\r\n\r\n",
                           500);
  CHECK(poll.empty());  // parked: no answer within 500 ms
  close_all(fds);
  check_budgets(s, "4,200 live polls of two sessions", before, under);
}

TEST_CASE("finding 3: a made-up token on each request gets no fresh rate-limit bucket") {
  Server s(temp_path("sec-rate.db"), {"--demo"});
  const Probe before = quiet(s);
  const std::string anna = s.sign_in("m-anna", "demo-anna");
  std::mt19937_64 rng(16);
  int limited = 0, unauthorized = 0;
  std::string retry_after;
  const auto t0 = Clock::now();
  for (int i = 0; i < 600; ++i) {
    Call c{.path = "/api/me", .source = "127.0.0.5"};
    if (i % 2) c.bearer = std::to_string(rng());
    else c.cookie = "cockpit_session=" + std::to_string(rng());
    const auto r = s.call(c);
    limited += r.status == 429;
    unauthorized += r.status == 401;
    if (r.status == 429) retry_after = r.header("retry-after");
  }
  const double seconds = ms_since(t0) / 1000;
  MESSAGE("600 requests with made-up credentials from one address in " << seconds << " s: " << unauthorized
                                                                     << " × 401, " << limited << " × 429");
  // No more got through than the address's own bucket holds: the burst (200) and what
  // refills meanwhile (100/s).
  CHECK(unauthorized <= 200 + static_cast<int>(seconds * 100) + 2);
  CHECK(limited + unauthorized == 600);
  CHECK(!retry_after.empty());
  // A real session behind the same address keeps its own bucket.
  CHECK(s.call({.path = "/api/me", .bearer = anna, .source = "127.0.0.5"}).status == 200);
  check_budgets(s, "made-up tokens from one address", before, under_attack(s, "made-up tokens"));
}

TEST_CASE("finding 4: 100 unfinished 8 MiB uploads without credentials are refused before buffering") {
  raise_fd_limit();
  Server s(temp_path("sec-upload.db"), {"--demo"});
  const Probe before = quiet(s);
  std::vector<int> fds;
  std::vector<std::size_t> sent;
  for (int i = 0; i < 100; ++i) {
    const int fd = connect_from(address(2, 1 + i / 50), s.port());
    REQUIRE(fd >= 0);
    const std::string path = i % 2 ? "/api/push" : "/api/session";
    const std::string head = "POST " + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Content-Length: 8388608\r\n\r\n";
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(head.size()));
    fds.push_back(fd);
    sent.push_back(0);
  }
  // Each sends up to 8 MiB less one byte, 64 KiB at a time, for at most 10 s.
  const std::string chunk(64 << 10, ' ');
  const auto until = Clock::now() + std::chrono::seconds(10);
  bool busy = true;
  while (busy && Clock::now() < until) {
    busy = false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i] < 0 || sent[i] + chunk.size() >= (8u << 20)) continue;
      const ssize_t n = ::send(fds[i], chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) sent[i] += static_cast<std::size_t>(n), busy = true;
      else if (errno != EAGAIN) ::close(fds[i]), fds[i] = -1;
    }
  }
  std::size_t total = 0;
  for (auto n : sent) total += n;
  const auto refused = std::count(fds.begin(), fds.end(), -1);
  MESSAGE("100 unfinished 8 MiB uploads: " << total / (1 << 20) << " MiB sent in all before the server cut "
                                           << refused << " of them off");
  const Probe under = under_attack(s, "100 unfinished 8 MiB uploads without credentials");
  close_all(fds);
  check_budgets(s, "100 unfinished 8 MiB uploads without credentials", before, under);
  // What such a client is told: 401 before the body for push, 413 for sign-in.
  const std::string head = " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 8388608\r\n\r\n";
  CHECK(status_of(raw_exchange("127.0.0.8", s.port(), "POST /api/push" + head)) == 401);
  CHECK(status_of(raw_exchange("127.0.0.8", s.port(), "POST /api/session" + head)) == 413);
}

TEST_CASE("finding 5: ingest never creates or changes managers") {
  Server s(temp_path("sec-ingest.db"), {"--demo"});
  const std::string token = integration_token(s, "shop");
  const std::string lena = s.sign_in("m-lena", "demo-lena");
  json managers = json::array();
  const auto share = s.get("/api/pull?since=0", lena);
  REQUIRE_MESSAGE(share.status == 200, share.body);
  const json pulled = share.as_json();  // kept: a loop over a temporary's member would dangle
  for (const auto& c : pulled["changes"])
    if (c["kind"] == "manager") managers.push_back(c["record"]);
  REQUIRE(managers.size() >= 3);
  const std::int64_t c0 = cursor_of(s);
  // The stored manager records sent back unchanged pass.
  auto same = ingest(s, token, json{{"managers", managers}}.dump());
  CHECK(same.status == 200);
  CHECK(same.as_json()["changed"] == 0);
  // Anna made a lead, with a valid case beside it: refused whole, naming record and field.
  json promoted = managers;
  std::size_t anna = 0;
  while (promoted[anna]["id"] != "m-anna") ++anna;
  promoted[anna]["role"] = "lead";
  json doc{{"managers", promoted},
           {"cases", json::array({json{{"id", "k-sec"}, {"customer", "c-hoffmann"}, {"kind", "order"},
                                       {"title", "x"}, {"status", "open"}, {"opened_at", "2026-11-01T09:00:00Z"},
                                       {"fulfilled_at", nullptr}}})}};
  auto r = ingest(s, token, doc.dump());
  CHECK(r.status == 403);
  CHECK(r.as_json()["code"] == "managers_read_only");
  const std::string msg = r.as_json()["error"];
  CHECK(msg.find("m-anna") != std::string::npos);
  CHECK(msg.find("\"role\"") != std::string::npos);
  // A new manager: refused too.
  json added = managers;
  added.push_back(json{{"id", "m-mallory"}, {"name", "Mallory"}, {"email", "m@example.com"}, {"role", "lead"}});
  auto r2 = ingest(s, token, json{{"managers", added}}.dump());
  CHECK(r2.status == 403);
  CHECK(r2.as_json()["error"].get<std::string>().find("m-mallory") != std::string::npos);
  // Nothing applied: same cursor, Anna still a manager.
  CHECK(cursor_of(s) == c0);
  CHECK(s.get("/api/me", s.sign_in("m-anna", "demo-anna")).as_json()["manager"]["role"] == "manager");
}

TEST_CASE("finding 6: many addresses cannot grind one account; one NAT does not lock itself out") {
  Server s(temp_path("sec-sign-in.db"), {"--demo"});
  const Probe before = quiet(s, "m-lena", "demo-lena");
  auto attempt = [&](const std::string& who, const std::string& pw, const std::string& from) {
    return s.call({.method = "POST", .path = "/api/session", .body = json{{"manager", who}, {"password", pw}}.dump(),
                   .source = from});
  };
  // 40 addresses, one wrong guess each at Anna's account.
  int checked = 0, delayed = 0;
  std::vector<int> retry_after;
  for (int i = 0; i < 40; ++i) {
    auto r = attempt("m-anna", "guess-" + std::to_string(i), address(3, 1 + i));
    checked += r.status == 401;
    if (r.status == 429) {
      ++delayed;
      retry_after.push_back(std::stoi(r.header("retry-after")));
    }
  }
  MESSAGE("40 guesses at one account from 40 addresses: " << checked << " checked, " << delayed
                                                          << " refused 429 (account delay)");
  CHECK(checked <= 7);  // the 5 free failures, and one after each short block that passed
  CHECK(delayed >= 33);
  CHECK(std::all_of(retry_after.begin(), retry_after.end(), [](int s) { return s >= 1 && s <= 60; }));
  // Behind one NAT (127.0.0.9): someone fails at Ben's account over and over; Lena, same
  // address, signs in at once.
  for (int i = 0; i < 12; ++i) attempt("m-ben", "wrong", "127.0.0.9");
  CHECK(attempt("m-lena", "demo-lena", "127.0.0.9").status == 200);
  // Ben himself is slowed for a while (his account's delay), never for more than the ceiling.
  auto ben = attempt("m-ben", "demo-ben", "127.0.0.9");
  CHECK(ben.status == 429);
  CHECK(std::stoi(ben.header("retry-after")) <= 60);
  // The guessing goes on (other addresses, other wrong passwords) while Lena signs in.
  std::atomic<bool> stop{false};
  std::thread grinder([&] {
    for (int i = 0; !stop; i = (i + 1) % 200) attempt("m-anna", "more-" + std::to_string(i), address(4, 1 + i));
  });
  const Probe under = under_attack(s, "40 addresses guessing one account", "m-lena", "demo-lena");
  stop = true;
  grinder.join();
  check_budgets(s, "40 addresses guessing one account", before, under, "m-lena", "demo-lena");
}

TEST_CASE("finding 7: static files stay inside the app folder, whatever the request target") {
  namespace fs = std::filesystem;
  const std::string base = temp_path("sec-static");
  const std::string app = base + "/app";
  fs::create_directories(app + "/assets");
  fs::create_directories(base + "/app-old");
  fs::create_directories(base + "/outside");
  auto write = [](const std::string& path, const std::string& text) { std::ofstream(path) << text; };
  write(app + "/index.html", "<p>app</p>");
  write(app + "/assets/app.js", "ok();");
  write(base + "/app-old/secret.txt", "SECRET-SIBLING");
  write(base + "/outside/secret.txt", "SECRET-OUTSIDE");
  write(app + "/.hidden", "SECRET-HIDDEN");
  fs::create_directory_symlink(base + "/outside", app + "/linked");
  fs::create_symlink(base + "/outside/secret.txt", app + "/assets/linked.txt");
  Server s(temp_path("sec-static.db"), {"--demo", "--app-dir", app});
  auto get = [&](const std::string& target) {
    return raw_exchange("127.0.0.1", s.port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  };
  CHECK(get("/").find("<p>app</p>") != std::string::npos);
  CHECK(get("/assets/app.js").find("ok();") != std::string::npos);
  const char* attacks[] = {"-old/secret.txt", "/../app-old/secret.txt", "/%2e%2e/app-old/secret.txt",
                           "/..%2fapp-old/secret.txt", "/assets/../../app-old/secret.txt", "/linked/secret.txt",
                           "/assets/linked.txt", "/.hidden", "//etc/passwd", "/assets/..%5c..%5capp-old/secret.txt",
                           "-old%2fsecret.txt", "/%2e/index.html", "../app-old/secret.txt"};
  for (const char* target : attacks) {
    CAPTURE(target);
    const std::string r = get(target);
    CHECK(r.find("SECRET") == std::string::npos);
    CHECK(status_of(r) >= 400);
  }
}

TEST_CASE("finding 8: bad bytes, forged log lines, existence, HSTS, headers everywhere, a private database") {
  const std::string db = temp_path("sec-small.db");
  Server s(db, {"--demo", "--max-body", "100000"});
  const std::string anna = s.sign_in("m-anna", "demo-anna");
  // Invalid UTF-8 in JSON and in a path: 400, never 500.
  auto bad_json = s.call({.method = "POST", .path = "/api/session", .body = "{\"manager\":\"m-\xff\xfe\",\"password\":\"x\"}"});
  CHECK(bad_json.status == 400);
  auto bad_push = s.call({.method = "POST", .path = "/api/push", .body = "{\"client_id\":\"\xc3\x28\"}", .bearer = anna});
  CHECK(bad_push.status == 400);
  CHECK(s.get("/api/%ff%fe").status == 400);
  CHECK(status_of(raw_exchange("127.0.0.1", s.port(), "GET /%c3%28 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 400);
  // A %0a in a path cannot forge a log line.
  s.get("/api/x%0a2026-01-01T00:00:00Z%2010.0.0.1%20GET%20/forged%20200");
  std::ifstream log(db + ".log");
  std::string line;
  bool forged = false;
  while (std::getline(log, line)) forged = forged || line.rfind("2026-01-01T00:00:00Z 10.0.0.1", 0) == 0;
  CHECK_FALSE(forged);
  // Refusals read the same for Ben's customer and for one that does not exist.
  Device d{&s, anna, "sec-d"};
  auto theirs = d.push({d.upsert("case", "k-sec-1", {{"customer", "c-bakery"}, {"kind", "order"}, {"title", "x"},
                                                     {"status", "open"}, {"opened_at", "2026-11-01T09:00:00Z"}}, 0)});
  auto nobody = d.push({d.upsert("case", "k-sec-2", {{"customer", "c-nobody"}, {"kind", "order"}, {"title", "x"},
                                                     {"status", "open"}, {"opened_at", "2026-11-01T09:00:00Z"}}, 0)});
  const json a = theirs.as_json()["results"][0], b = nobody.as_json()["results"][0];
  CHECK(a["code"] == b["code"]);
  CHECK(a["message"].get<std::string>().find("c-bakery") != std::string::npos);
  std::string shape_a = a["message"], shape_b = b["message"];
  shape_a.replace(shape_a.find("c-bakery"), 8, "C");
  shape_b.replace(shape_b.find("c-nobody"), 8, "C");
  CHECK(shape_a == shape_b);
  // HSTS behind a TLS proxy, not on plain HTTP.
  CHECK(s.call({.path = "/api/health", .headers = {"X-Forwarded-Proto: https"}})
            .header("strict-transport-security")
            .find("max-age=") == 0);
  CHECK(s.get("/api/health").header("strict-transport-security").empty());
  // Security headers on refusals made before any handler: 413, 401, 400, 429.
  auto big = s.call({.method = "POST", .path = "/api/push", .body = std::string(200000, ' '), .bearer = anna});
  CHECK(big.status == 413);
  for (const auto& r : {big, s.get("/api/me"), s.get("/api/%ff")}) {
    CAPTURE(r.status);
    CHECK(!r.header("content-security-policy").empty());
    CHECK(r.header("x-content-type-options") == "nosniff");
  }
  // The database and its WAL: the owner's alone.
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  if (::stat((db + "-wal").c_str(), &st) == 0) CHECK((st.st_mode & 0777) == 0600);
}
