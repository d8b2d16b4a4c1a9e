#pragma once
// Customers or promises from a spreadsheet's CSV (src/domain/CSV.md). Pure: no I/O.
//
// A column mapping says which CSV column feeds which field of the contract's record
// (the field lists of domain/fields.hpp: nothing here restates a field's name). By
// default a field takes the column whose header is its name, written any way a
// spreadsheet does ("Preferred channel", "PREFERRED-CHANNEL", "preferred_channel"), or
// its store column ("case_id"). A field may also be given one fixed value for every
// row ("owner" = "m-anna" for a sheet of one manager's customers).
//
// Every row becomes a record of the contract and the whole set is checked with the
// contract document's own rules (domain/document.hpp: required fields, enums, times,
// unique ids, references to managers, customers and cases in the file or the store),
// so a CSV row is held to exactly what a document is. A problem is reported by the
// spreadsheet's row and the column it came from:
//   row 14, column "Due date" (due_at): "31/02/2026" is not a date in the form DD/MM/YYYY
// All or nothing: a file with one problem yields no records at all.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/csv.hpp"
#include "domain/document.hpp"
#include "domain/record_kind.hpp"

namespace cockpit {

// How the sheet writes its dates (the user says which: 03/04/2026 is ambiguous).
// A date alone is the end of that day, as in the contract; a time may follow it
// ("14:30" or "14:30:15", UTC).
enum class DateForm {
  iso,  // 2026-04-03, 2026-04-03T14:30Z, 2026-04-03 14:30 (a spreadsheet's space for the T)
  dmy,  // 03/04/2026, 3.4.2026, 03-04-2026 (day first: most of Europe)
  mdy,  // 04/03/2026 (month first: the United States)
};
std::string_view to_string(DateForm f);
std::optional<DateForm> parse_DateForm(std::string_view s);  // "iso", "dmy", "mdy"
// "DD/MM/YYYY", for messages.
std::string_view date_pattern(DateForm f);

// What a CSV of one kind may feed: the kind's fields but lists (a promise's history
// has no place in one row).
struct CsvFieldInfo {
  std::string name;                  // the contract's field name
  std::string column;                // its store column, another header it is known by
  bool required = false;             // a row must give it (no column: the file is refused)
  bool time = false;                 // read with the DateForm
  std::vector<std::string> choices;  // an enum's spellings; empty for text and times
};
// Only customers and promises are imported from CSV; other kinds give an empty list.
std::vector<CsvFieldInfo> csv_fields(RecordKind kind);
bool csv_importable(RecordKind kind);

struct CsvMapping {
  struct Entry {
    std::string field;
    std::string header;                // the CSV column, when `fixed` is not set
    std::optional<std::string> fixed;  // one value for every row
  };
  std::vector<Entry> entries;  // at most one per field; fields not named take their default
  DateForm dates = DateForm::iso;

  // Sets (or replaces) a field's entry.
  void map(std::string field, std::string header);
  void fix(std::string field, std::string value);
  const Entry* find(std::string_view field) const;
};

// "Preferred channel" -> "preferred_channel": lower case, runs of spaces, '-' and '.'
// as one '_', ends trimmed.
std::string normalize_header(std::string_view header);

// One field and where its values come from, after defaults.
struct ResolvedField {
  CsvFieldInfo info;
  std::optional<std::size_t> column;  // 0-based column of the table
  std::string header;                 // that column's header
  std::optional<std::string> fixed;
};

struct CsvProblem {
  std::size_t row = 0;     // spreadsheet row (1 = header); 0 = the file or the mapping
  std::string header;      // the CSV column's header; "" when none
  std::string field;       // the contract field; "" when none
  std::string problem;
  bool fixed = false;      // the value was the mapping's fixed value, not a cell
  std::size_t column = 0;  // 1-based column number, when there is no header to name (a reading problem)
  // `row 14, column "Due date" (due_at): …`
  std::string message() const;
};

struct CsvImport {
  RecordKind kind = RecordKind::customer;
  std::vector<ResolvedField> fields;  // the mapping used (also when refused, if it resolved)
  std::vector<std::string> ignored;   // headers no field takes
  Book book;                          // the records (customers or promises); empty unless ok()
  std::vector<std::size_t> rows;      // the spreadsheet row of each record, in order
  std::size_t blank_rows = 0;         // rows with no value at all, skipped
  std::vector<CsvProblem> problems;   // why it was refused (at most ParseLimits::max_messages)
  std::size_t left_out = 0;           // further problems not listed
  std::size_t records() const { return rows.size(); }
  bool ok() const { return problems.empty(); }
  // Every problem's message, with "… and N more" at the end when some were left out.
  std::vector<std::string> messages() const;
};

// The default mapping of a header row (what the UI shows first).
CsvMapping default_mapping(RecordKind kind, const std::vector<std::string>& header, DateForm dates = DateForm::iso);

// Rows -> records, checked by the contract's rules against the file and `known` (may
// be null: then every reference must be in the file, which for CSV means refused).
CsvImport import_csv(const CsvTable& table, RecordKind kind, const CsvMapping& mapping,
                     const KnownRecords* known, const ParseLimits& limits = {});
// A reading problem of read_csv as the import's one problem.
CsvImport csv_read_problem(const CsvRead& read, RecordKind kind);
// read_csv, then import_csv; a reading problem is one CsvProblem.
CsvImport import_csv_text(std::string_view text, RecordKind kind, const CsvMapping& mapping,
                          const KnownRecords* known, const CsvLimits& csv_limits = {},
                          const ParseLimits& limits = {});

// For records that already exist: a field the sheet does not feed (no column and no
// fixed value, or a list such as a promise's history) keeps its stored value instead
// of the default, so a sheet without a phone column does not erase phone numbers.
// `stored` holds the existing records with the ids of the import (others are ignored).
void keep_unfed_fields(CsvImport& import, const Book& stored);

// What applying the import would do to each record.
struct CsvChange {
  std::size_t row = 0;
  std::string id;
  bool is_new = false;
  std::vector<std::string> fields;  // the fields whose value changes; empty and not new: unchanged
};
std::vector<CsvChange> csv_changes(const CsvImport& import, const Book& stored);

// "due_at=Due date" (a column) or, with `fixed`, "owner=m-anna" (a value for every
// row) into the mapping; nullopt when taken, otherwise what is wrong with it.
std::optional<std::string> add_mapping_argument(CsvMapping& mapping, std::string_view argument, bool fixed);

// A cell's time in the contract's form ("2026-04-03", "2026-04-03T14:30:00Z"), or
// nullopt when it is not a valid date in that form.
std::optional<std::string> csv_time(std::string_view cell, DateForm form);

}  // namespace cockpit
