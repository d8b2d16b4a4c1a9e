// bench_csv: a spreadsheet of customers through the CSV import (issue 20, point 4), as
// `cockpit-cli import-csv` does it, on a store that holds the synthetic book's managers.
//   read      read_csv of the file's text (RFC 4180, UTF-8 checked)
//   check     import_csv: mapping, rows -> records, the contract's rules, references
//             against the store (one read transaction)
//   apply     keep_unfed_fields + import_document in one transaction (new records)
//   again     the same file once more: every record found unchanged, nothing written
//   preview   the lead's upload (app/csv_upload.hpp): the same sheet previewed against
//             a slice holding the managers (what the team view recomputes when the
//             mapping changes)
// Prints median figures over the runs: wall-clock time, and in brackets this process's
// CPU time (on a shared machine the wall time includes waiting for a core).
// Usage: bench_csv [DIR] [--rows N] [--runs R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "app/csv_upload.hpp"
#include "domain/csv_import.hpp"
#include "domain/enums.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double cpu_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void remove_db(const fs::path& p) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix);
}

// The synthetic book's customers as a sheet would hold them: its own headers, quoted
// names, day-first dates.
std::string sheet_of(const Book& book) {
  std::string csv = "Customer ID,Name,Owner,Stage,E-mail,Phone,Preferred channel,Customer since\r\n";
  for (const Customer& c : book.customers) {
    const std::string d = format_date(c.since);  // YYYY-MM-DD -> DD/MM/YYYY
    csv += c.id + ",\"" + c.name + "\"," + c.owner + "," + std::string(to_string(c.stage)) + "," + c.email + "," +
           c.phone + "," + std::string(to_string(c.preferred_channel)) + "," + d.substr(8, 2) + "/" +
           d.substr(5, 2) + "/" + d.substr(0, 4) + "\r\n";
  }
  return csv;
}

CsvMapping mapping() {
  CsvMapping m;
  m.dates = DateForm::dmy;
  m.map("id", "Customer ID");
  m.map("email", "E-mail");
  m.map("since", "Customer since");
  return m;
}

struct Phase {
  std::vector<double> wall, cpu;
  void add(Clock::time_point t0, double c0) {
    wall.push_back(ms_since(t0));
    cpu.push_back(cpu_ms() - c0);
  }
  void print(const char* what) const {
    std::printf("%-44s %9.1f ms  [cpu %8.1f ms]\n", what, median(wall), median(cpu));
  }
};

struct Run {
  Phase read, check, apply, again, preview;
};

// One import of `text` into `store`; false (with a message) when it was refused.
bool import_once(Store& store, const std::string& text, Phase& read_p, Phase& check_p, Phase* apply_p,
                 std::size_t& changed) {
  auto t0 = Clock::now();
  double c0 = cpu_ms();
  CsvRead read = read_csv(text);
  read_p.add(t0, c0);
  if (!read.ok()) return std::fprintf(stderr, "%s\n", read.error->message().c_str()), false;
  t0 = Clock::now(), c0 = cpu_ms();
  CsvImport csv;
  Book stored;
  store.reading([&] {
    csv = import_csv(read.table, RecordKind::customer, mapping(), &store.known());
    for (const Customer& c : csv.book.customers)
      if (auto r = store.get_customer(c.id); r && *r) stored.customers.push_back(**r);
  });
  check_p.add(t0, c0);
  if (!csv.ok()) return std::fprintf(stderr, "%s\n", csv.messages().front().c_str()), false;
  t0 = Clock::now(), c0 = cpu_ms();
  keep_unfed_fields(csv, stored);
  auto sum = store.import_document(csv.book, Stamp{"bench", 0});
  if (apply_p) apply_p->add(t0, c0);
  if (!sum) return std::fprintf(stderr, "%s\n", sum.error().c_str()), false;
  changed = sum->changed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path() / "cockpit-bench-csv";
  int rows = 10'000, runs = 5;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rows") && i + 1 < argc)
      rows = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else
      dir = argv[i];
  }
  fs::create_directories(dir);
  const fs::path db = dir / "bench.db";
  SyntheticSpec spec;
  spec.customers = rows;
  spec.now = *parse_time("2026-11-20T09:00:00Z");
  const Book book = generate_book(spec);
  const std::string text = sheet_of(book);
  Book managers;
  managers.managers = book.managers;
  std::printf("sheet: %zu customer rows, %zu bytes, %zu managers in the store; %d runs\n", book.customers.size(),
              text.size(), managers.managers.size(), runs);

  Run r;
  for (int run = 0; run < runs; ++run) {
    remove_db(db);
    auto opened = Store::open(db.string());
    if (!opened) return std::fprintf(stderr, "%s\n", opened.error().c_str()), 1;
    Store store = std::move(opened).value();
    if (auto s = store.import_document(managers, Stamp{"bench", 0}); !s) return 1;
    std::size_t changed = 0;
    if (!import_once(store, text, r.read, r.check, &r.apply, changed) || changed != book.customers.size()) return 1;
    Phase read2, check2;
    const auto t0 = Clock::now();
    const double c0 = cpu_ms();
    if (!import_once(store, text, read2, check2, nullptr, changed) || changed != 0) return 1;
    r.again.add(t0, c0);
    CsvUploadInput in{"sheet.csv", text, RecordKind::customer, DateForm::dmy, {}};
    for (const auto& e : mapping().entries) in.mapping.emplace_back(e.field, e.header);
    const auto t1 = Clock::now();
    const double c1 = cpu_ms();
    const vm::CsvPreview p = vm::build_csv_preview(managers, in);
    r.preview.add(t1, c1);
    if (!p.ok() || p.fresh != book.customers.size()) return std::fprintf(stderr, "preview: %s\n", p.summary.c_str()), 1;
  }
  r.read.print("read (read_csv)");
  r.check.print("check (import_csv, references in the store)");
  r.apply.print("apply (one transaction, new records)");
  std::printf("%-44s %9.1f ms\n", "total, first import",
              median(r.read.wall) + median(r.check.wall) + median(r.apply.wall));
  r.again.print("the same sheet again (all unchanged)");
  r.preview.print("the lead's preview (team view)");
  remove_db(db);
  return 0;
}
