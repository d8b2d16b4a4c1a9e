// Benchmark (not a ctest test): ingest of the 10,000-customer synthetic book on SQLite
// (issue 17 item 4 and its budgets):
//   - server ingest over HTTP (POST /api/ingest)          ≥ 200,000 records/s,
//                                                          peak memory ≤ 3× the document
//   - `cockpit-cli import` of the book into a new file     ≤ 1 s
// and, in this process, where the server's ingest spends its time: reading and checking
// the document, the canonical forms, the writes, the guard (the same ingest with and
// without it installed).
// Run: build/headless/tests/server/bench_ingest  (COCKPIT_BENCH_SEED: the book's seed;
// COCKPIT_BENCH_PART=phases, http or cli: that part only, for profiling it)
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "domain/document.hpp"
#include "harness.hpp"
#include "server/guard_apply.hpp"
#include "server/ingest.hpp"
#include "server/record_check.hpp"
#include "server/storage.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
using namespace cockpit::test;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

double status_mib(pid_t pid, const char* key) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + std::strlen(key) + 1, nullptr) / 1024.0;
  return -1;
}

std::uint64_t seed() {
  const char* v = std::getenv("COCKPIT_BENCH_SEED");
  return v ? std::strtoull(v, nullptr, 10) : 1;
}

bool part(const char* name) {
  const char* v = std::getenv("COCKPIT_BENCH_PART");
  return !v || !*v || std::strcmp(v, name) == 0;
}

// The admin path's ingest of the whole book into a new SQLite file, in this process:
// managers writable (an API ingest would need the accounts first; the work is the same).
double ingest_ms(const std::string& doc, bool guard, std::size_t* changed) {
  auto storage = server::open_sqlite_storage(temp_path(guard ? "bench-ingest-g.db" : "bench-ingest-n.db"));
  if (guard) {
    server::GuardSettings settings;
    server::install_guard(*storage, settings, nullptr);
  }
  const auto t0 = Clock::now();
  const auto out = server::ingest_document(*storage, doc, "bench", "127.0.0.1", server::ManagerRecords::writable);
  const double ms = ms_since(t0);
  REQUIRE_MESSAGE(out.ok, (out.errors.empty() ? out.code : out.errors.front()));
  *changed = out.changed;
  return ms;
}

void phases(const std::string& doc, std::size_t records) {
  auto storage = server::open_sqlite_storage(temp_path("bench-ingest-p.db"));
  auto txn = storage->begin();
  auto t0 = Clock::now();
  ParsedDocument parsed = parse_document(doc, txn.get());
  const double parse = ms_since(t0);
  REQUIRE(parsed.ok());
  t0 = Clock::now();
  const auto canon = server::canonical_records(parsed.book);
  const double canonical = ms_since(t0);
  std::size_t changed = 0;
  const double plain = ingest_ms(doc, false, &changed);
  const double guarded = ingest_ms(doc, true, &changed);
  std::printf("in process (SQLite, %zu records, %zu changed):\n", records, changed);
  std::printf("  reading and checking the document  %8.0f ms\n", parse);
  std::printf("  canonical forms                    %8.0f ms (%zu)\n", canonical, canon.size());
  std::printf("  writes (ingest without the guard, less the two above) %8.0f ms\n", plain - parse - canonical);
  std::printf("  the guard (with it less without)   %8.0f ms\n", guarded - plain);
  std::printf("  whole ingest with the guard        %8.0f ms = %.0f records/s\n", guarded,
              static_cast<double>(records) * 1000.0 / guarded);
}

void over_http(const std::string& doc, std::size_t records) {
  const std::string db = temp_path("bench-ingest-http.db");
  Server s(db, {"--max-body", "1000000000", "--rate", "0", "--no-log"});
  add_managers(s, json::parse(doc), "bench-password");  // ingest never creates accounts
  const std::string token = integration_token(s, "bench");
  const double before = status_mib(s.pid(), "VmHWM");
  const auto t0 = Clock::now();
  const auto r = ingest(s, token, doc);
  const double ms = ms_since(t0);
  REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 500));
  const double peak = status_mib(s.pid(), "VmHWM");
  const double doc_mib = static_cast<double>(doc.size()) / (1024.0 * 1024.0);
  std::printf("over HTTP (cockpit-server, SQLite): %.0f ms = %.0f records/s (budget 200,000); %s\n", ms,
              static_cast<double>(records) * 1000.0 / ms, r.body.c_str());
  std::printf("  server peak memory (VmHWM) %.0f MiB = %.1f× the document (budget 3×); before the ingest %.0f MiB\n",
              peak, peak / doc_mib, before);
  // The same document again: every record already stored (nothing changes), the case
  // where Cockpit's own fields of stored records are kept.
  const auto t1 = Clock::now();
  const auto again = ingest(s, token, doc);
  REQUIRE_MESSAGE(again.status == 200, again.body.substr(0, 500));
  const double again_peak = status_mib(s.pid(), "VmHWM");
  std::printf("  the same document again: %.0f ms, %s; peak memory since the start %.0f MiB = %.1f× the document\n",
              ms_since(t1), again.body.c_str(), again_peak, again_peak / doc_mib);
}

// `cockpit-cli import --db NEW FILE`: wall time, and the peak memory as /usr/bin/time
// sees it (a child forked from this process would count this process's pages, the
// book held here, in its own peak).
void cli_import(const std::string& doc) {
  const std::string file = temp_path("bench-ingest-book.json");
  std::ofstream(file, std::ios::binary) << doc;
  const std::string db = temp_path("bench-ingest-cli.db");
  const std::string peak_file = temp_path("bench-ingest-cli.peak");
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    execl("/usr/bin/time", "time", "-f", "%M", "-o", peak_file.c_str(), COCKPIT_CLI_BIN, "import", "--db",
          db.c_str(), file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  const double ms = ms_since(t0);
  REQUIRE(WIFEXITED(status));
  REQUIRE_MESSAGE(WEXITSTATUS(status) == 0, "cockpit-cli import (through /usr/bin/time) failed");
  std::ifstream peak(peak_file);
  double kb = -1;
  peak >> kb;
  std::printf("cockpit-cli import of the book: %.0f ms (budget 1,000), peak memory %.0f MiB\n", ms, kb / 1024.0);
}

}  // namespace

TEST_CASE("bench: ingest of the 10,000-customer book") {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  SyntheticSpec spec;
  spec.seed = seed();
  const Book book = generate_book(spec);
  const std::string doc = to_json(book);
  const std::size_t records = server::record_count(book);
  std::printf("== book: seed %llu, %zu customers, %zu records, %.1f MB as one document; load average %s\n",
              static_cast<unsigned long long>(spec.seed), book.customers.size(), records,
              static_cast<double>(doc.size()) / 1e6, load_average().c_str());
  if (part("phases")) phases(doc, records);
  if (part("http")) over_http(doc, records);
  if (part("cli")) cli_import(doc);
  std::printf("== load average after: %s\n", load_average().c_str());
}
