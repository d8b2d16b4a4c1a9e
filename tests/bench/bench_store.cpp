// bench_store: the store's budgets on the 10,000-customer synthetic book (native).
//   import            whole book into a fresh file            budget < 3 s
//   lists             compute_lists for 1 manager, from the   budget < 5 ms
//                     slice in memory (what the app redoes after every change)
//   open + first frame open the existing file, load the slice, budget < 50 ms
//                     compute the lists (what the app does once, at open)
// Prints median figures: wall-clock time, and in brackets the CPU time of this process
// (on a shared machine the wall time includes waiting for a core; the CPU time does
// not). Usage: bench_store [DIR] [--customers N] [--runs R]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/lists.hpp"
#include "engine/templates.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
namespace fs = std::filesystem;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix);
}

void report(const char* what, double ms, double cpu, double budget_ms) {
  std::printf("%-34s %10.2f ms  [cpu %8.2f ms]  budget %g ms: %s\n", what, ms, cpu, budget_ms,
              ms <= budget_ms ? "ok" : "OVER");
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path() / "cockpit-bench";
  int customers = 10'000, runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--customers") && i + 1 < argc)
      customers = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else
      dir = argv[i];
  }
  fs::create_directories(dir);
  const fs::path db = dir / "bench.db";
  const Time now = *parse_time("2026-11-20T09:00:00Z");

  SyntheticSpec spec;
  spec.customers = customers;
  spec.now = now;
  auto t0 = std::chrono::steady_clock::now();
  const Book book = generate_book(spec);
  std::printf("book: %zu managers, %zu customers, %zu cases, %zu promises, %zu exceptions, %zu touchpoints, "
              "%zu scheduled (generated in %.0f ms)\n",
              book.managers.size(), book.customers.size(), book.cases.size(), book.promises.size(),
              book.exceptions.size(), book.touchpoints.size(), book.scheduled.size(), ms_since(t0));

  std::vector<double> imports, import_cpu;
  for (int r = 0; r < runs; ++r) {
    remove_db(db);
    auto store = Store::open(db.string());
    if (!store) {
      std::fprintf(stderr, "open: %s\n", store.error().c_str());
      return 1;
    }
    t0 = std::chrono::steady_clock::now();
    double c0 = cpu_ms();
    auto res = store->import_document(book, {"bench", now});
    imports.push_back(ms_since(t0));
    import_cpu.push_back(cpu_ms() - c0);
    if (!res) {
      std::fprintf(stderr, "import: %s\n", res.error().c_str());
      return 1;
    }
  }
  report("import (fresh file)", median(imports), median(import_cpu), 3000);

  {
    auto store = Store::open(db.string());
    t0 = std::chrono::steady_clock::now();
    auto res = store->import_document(book, {"bench", now});
    std::printf("%-34s %10.2f ms   (%zu unchanged)\n", "re-import (nothing changes)", ms_since(t0),
                res ? res->unchanged : 0);
  }

  const std::string manager = "m-007";
  std::vector<double> slices, lists_ms, lists_cpu, both, both_cpu;
  std::size_t seen = 0, touch = 0, suggestions = 0;
  {
    auto store = Store::open(db.string());
    for (int r = 0; r < std::max(runs * 5, 15); ++r) {
      t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_ms();
      auto slice = store->load_slice(manager);
      const double s_ms = ms_since(t0);
      auto t1 = std::chrono::steady_clock::now();
      const double c1 = cpu_ms();
      const Lists l = compute_lists(*slice, manager, now, Settings{}, builtin_templates());
      const double l_ms = ms_since(t1);
      lists_cpu.push_back(cpu_ms() - c1);
      slices.push_back(s_ms);
      lists_ms.push_back(l_ms);
      both.push_back(s_ms + l_ms);
      both_cpu.push_back(cpu_ms() - c0);
      seen = slice->customers.size();
      touch = slice->touchpoints.size();
      suggestions = l.suggestions.size();
    }
  }
  std::printf("slice of %s: %zu customers, %zu touchpoints, %zu suggestions\n", manager.c_str(), seen, touch,
              suggestions);
  report("lists (compute_lists)", median(lists_ms), median(lists_cpu), 5);
  std::printf("%-34s %10.2f ms   (reading the slice from the file: once, at open)\n", "  load_slice",
              median(slices));
  std::printf("%-34s %10.2f ms  [cpu %8.2f ms]\n", "  load_slice + compute_lists", median(both), median(both_cpu));

  std::vector<double> opens, opens_cpu;
  for (int r = 0; r < std::max(runs * 3, 9); ++r) {
    t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_ms();
    auto store = Store::open(db.string());
    auto slice = store->load_slice(manager);
    const Lists l = compute_lists(*slice, manager, now, Settings{}, builtin_templates());
    opens.push_back(ms_since(t0));
    opens_cpu.push_back(cpu_ms() - c0);
  }
  report("open + first frame's data", median(opens), median(opens_cpu), 50);

  {
    auto store = Store::open(db.string());
    t0 = std::chrono::steady_clock::now();
    auto slice = store->load_slice("m-lead");
    std::printf("%-34s %10.2f ms   (%zu customers)\n", "load_slice (lead, everything)", ms_since(t0),
                slice->customers.size());
    t0 = std::chrono::steady_clock::now();
    auto all = store->export_all();
    std::printf("%-34s %10.2f ms\n", "export_all", ms_since(t0));
  }
  return 0;
}
