#include "app/csv_upload.hpp"

#include <algorithm>

namespace cockpit {

BookKnownRecords::BookKnownRecords(const Book& book) {
  for (const Manager& m : book.managers) managers_.insert(m.id);
  for (const Customer& c : book.customers) customers_.insert(c.id);
  for (const Case& c : book.cases) cases_.emplace(c.id, c.customer);
}
bool BookKnownRecords::has_manager(std::string_view id) const { return managers_.count(id) > 0; }
bool BookKnownRecords::has_customer(std::string_view id) const { return customers_.count(id) > 0; }
std::optional<std::string> BookKnownRecords::case_customer(std::string_view id) const {
  auto it = cases_.find(id);
  if (it == cases_.end()) return std::nullopt;
  return it->second;
}

namespace vm {
namespace {

CsvMapping mapping_of(const CsvUploadInput& in) {
  CsvMapping m;
  m.dates = in.dates;
  for (const auto& [field, header] : in.mapping) m.map(field, header);
  return m;
}

std::string hint_of(const CsvFieldInfo& f, DateForm dates) {
  if (f.time) return "a date (" + std::string(date_pattern(dates)) + ")";
  if (f.choices.empty()) return "";
  std::string out = "one of: ";
  for (std::size_t i = 0; i < f.choices.size(); ++i) out += (i ? ", " : "") + f.choices[i];
  return out;
}

// The stored records (in the slice) with the ids of the import.
Book stored_of(const Book& slice, const CsvImport& csv) {
  std::set<std::string, std::less<>> ids;
  for (const Customer& c : csv.book.customers) ids.insert(c.id);
  for (const Promise& p : csv.book.promises) ids.insert(p.id);
  Book out;
  for (const Customer& c : slice.customers)
    if (ids.count(c.id)) out.customers.push_back(c);
  for (const Promise& p : slice.promises)
    if (ids.count(p.id)) out.promises.push_back(p);
  return out;
}

void describe_changes(CsvPreview& p, const CsvImport& csv, const Book& stored) {
  for (const CsvChange& c : csv_changes(csv, stored)) {
    std::string what = c.is_new ? "new" : c.fields.empty() ? "unchanged" : "changes ";
    for (std::size_t i = 0; i < c.fields.size(); ++i) what += (i ? ", " : "") + c.fields[i];
    (c.is_new ? p.fresh : c.fields.empty() ? p.unchanged : p.changed) += 1;
    if (p.lines.size() < CsvPreview::kMaxLines) p.lines.push_back("row " + std::to_string(c.row) + ": " + c.id + ": " + what);
  }
  p.records = csv.records();
  p.summary = std::to_string(p.records) + " " + std::string(list_name(csv.kind)) + ": " + std::to_string(p.fresh) +
              " new, " + std::to_string(p.changed) + " changed, " + std::to_string(p.unchanged) + " unchanged";
}

}  // namespace

CsvPreview build_csv_preview(const Book& slice, const CsvUploadInput& in) {
  CsvPreview p;
  if (in.file_name.empty() && in.text.empty()) return p;
  p.loaded = true;
  p.file_name = in.file_name;
  CsvRead read = read_csv(in.text);
  if (read.ok()) p.headers = read.table.header;
  const BookKnownRecords known(slice);
  CsvImport csv = read.ok() ? import_csv(read.table, in.kind, mapping_of(in), &known) : csv_read_problem(read, in.kind);
  for (const ResolvedField& f : csv.fields)
    p.fields.push_back({f.info.name, f.info.required, f.header, hint_of(f.info, in.dates)});
  p.ignored = csv.ignored;
  p.problems = csv.messages();
  if (!csv.ok()) return p;
  const Book stored = stored_of(slice, csv);
  keep_unfed_fields(csv, stored);
  describe_changes(p, csv, stored);
  p.book = std::move(csv.book);
  return p;
}

}  // namespace vm
}  // namespace cockpit
