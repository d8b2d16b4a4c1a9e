// libFuzzer target: the CSV reader (domain/csv.hpp) and the import of its rows
// (domain/csv_import.hpp). Any bytes must be refused with a located problem or read; a
// read table must have as many fields in every row as its header (or be an empty line),
// and written back as CSV (every field quoted) must read back the same, or the target
// traps. The rows then go through the import as customers and as promises: refused
// with problems or turned into as many records as non-blank rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/csv_import.hpp"

namespace {

std::string write_csv(const cockpit::CsvTable& t) {
  std::string out;
  auto record = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += t.delimiter;
      out += '"';
      for (char c : fields[i]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += "\r\n";
  };
  record(t.header);
  for (const auto& r : t.rows) record(r);
  return out;
}

void import_as(const cockpit::CsvTable& t, cockpit::RecordKind kind) {
  cockpit::CsvImport r = cockpit::import_csv(t, kind, cockpit::default_mapping(kind, t.header), nullptr);
  if (r.ok() && r.records() + r.blank_rows != t.rows.size()) __builtin_trap();
  if (!r.ok() && (!r.book.customers.empty() || !r.book.promises.empty())) __builtin_trap();  // all or nothing
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cockpit::CsvLimits lim;
  lim.max_rows = 1000;
  lim.max_columns = 50;
  cockpit::CsvRead read = cockpit::read_csv(text, 0, lim);
  if (!read.ok()) {
    if (read.error->problem.empty()) __builtin_trap();
    return 0;
  }
  const cockpit::CsvTable& t = read.table;
  for (const auto& row : t.rows)
    if (row.size() != t.header.size() && !(row.size() == 1 && row[0].empty())) __builtin_trap();
  cockpit::CsvRead again = cockpit::read_csv(write_csv(t), t.delimiter, lim);
  if (!again.ok() || again.table.header != t.header || again.table.rows != t.rows) __builtin_trap();
  import_as(t, cockpit::RecordKind::customer);
  import_as(t, cockpit::RecordKind::promise);
  return 0;
}
