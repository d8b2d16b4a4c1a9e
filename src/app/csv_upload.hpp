#pragma once
// The lead's upload of a spreadsheet (src/domain/CSV.md) in the team view: the file and
// the choices made about it (kind, date form, the mapping) in, a preview out — the
// mapping as used, every problem by row and column, what each row would change — and,
// when nothing is wrong, the records for ImportRecords. Pure: the slice is given.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/csv_import.hpp"
#include "domain/document.hpp"
#include "domain/records.hpp"

namespace cockpit {

struct CsvUploadInput {
  std::string file_name, text;  // the file as picked
  RecordKind kind = RecordKind::customer;
  DateForm dates = DateForm::iso;
  // The person's choices, field -> header ("" for none); a field not named takes its default.
  std::vector<std::pair<std::string, std::string>> mapping;
  bool operator==(const CsvUploadInput&) const = default;
};

// The managers, customers and cases of a Book as KnownRecords (a lead's slice holds
// every one of them).
class BookKnownRecords final : public KnownRecords {
 public:
  explicit BookKnownRecords(const Book& book);
  bool has_manager(std::string_view id) const override;
  bool has_customer(std::string_view id) const override;
  std::optional<std::string> case_customer(std::string_view id) const override;

 private:
  std::set<std::string, std::less<>> managers_, customers_;
  std::map<std::string, std::string, std::less<>> cases_;  // case id -> its customer
};

namespace vm {

struct CsvFieldRow {
  std::string field;
  bool required = false;
  std::string header;  // the column that feeds it; "" for none
  std::string hint;    // "a date (DD/MM/YYYY)", "one of: prospect, active, former"
};

struct CsvPreview {
  bool loaded = false;                // a file was read
  std::string file_name;
  std::vector<std::string> headers;   // the file's columns (for the mapping's choices)
  std::vector<CsvFieldRow> fields;    // the mapping, field by field
  std::vector<std::string> ignored;   // columns no field takes
  std::vector<std::string> problems;  // by row and column; empty: ready to import
  std::vector<std::string> lines;     // "row 2: c-10 Domino: new" (the first kMaxLines)
  std::size_t records = 0, fresh = 0, changed = 0, unchanged = 0;
  std::string summary;                // "12 customers: 10 new, 2 changed, 0 unchanged"
  Book book;                          // the records to import (when problems is empty)
  bool ok() const { return loaded && problems.empty() && records > 0; }
  static constexpr std::size_t kMaxLines = 200;
};

CsvPreview build_csv_preview(const Book& slice, const CsvUploadInput& input);

}  // namespace vm
}  // namespace cockpit
