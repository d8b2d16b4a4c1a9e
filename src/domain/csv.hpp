#pragma once
// A CSV reader (RFC 4180, as spreadsheets write it). Pure: no I/O, no throw, one pass.
//
// What it accepts:
//  - fields separated by a delimiter (',' by default; ';' and TAB, which spreadsheets in
//    many locales write, when the caller asks or when `delimiter` is 0 and the header
//    line has no ',' but one of them);
//  - quoted fields ("…"), a doubled quote inside one ("" = "), the delimiter and line
//    ends inside one;
//  - records ended by CRLF, LF or a lone CR (old spreadsheets), the last one with or
//    without an end;
//  - a UTF-8 byte order mark at the very start (Excel's "CSV UTF-8" writes one);
//  - empty lines, kept as records of one empty field (a spreadsheet's empty row: row
//    numbers stay those the spreadsheet shows).
//
// What it refuses, with the row and column of the problem (row 1 is the header, as a
// spreadsheet numbers them; a record spanning lines counts once):
//  - a quote inside an unquoted field, anything but the delimiter or a line end after a
//    closing quote, a quoted field that never ends;
//  - a NUL byte, bytes that are not UTF-8 (a sheet saved as "CSV" in a legacy encoding);
//  - a record with more or fewer fields than the header (empty lines excepted);
//  - input, records, fields or a field larger than CsvLimits.
// Time and memory are linear in the input: every byte is looked at once.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cockpit {

struct CsvLimits {
  std::size_t max_bytes = 64u << 20;  // whole input
  std::size_t max_rows = 500'000;     // records, the header included
  std::size_t max_columns = 200;      // fields in one record
  std::size_t max_field = 100'000;    // bytes in one field (the contract's longest string)
};

struct CsvError {
  std::size_t row = 0;     // 1-based record number (1 = the header); 0 = the whole input
  std::size_t column = 0;  // 1-based field number; 0 = the whole row
  std::string problem;     // "a quote inside an unquoted field", …
  // "row 3, column 2: a quote inside an unquoted field"
  std::string message() const;
};

struct CsvTable {
  char delimiter = ',';
  std::vector<std::string> header;
  // The data records, each as many fields as the header, or one empty field (an empty
  // line). rows[i] is spreadsheet row i + 2.
  std::vector<std::vector<std::string>> rows;
  static std::size_t row_number(std::size_t index) { return index + 2; }
  static bool is_blank(const std::vector<std::string>& row) {
    for (const auto& f : row)
      if (!f.empty()) return false;
    return true;
  }
};

struct CsvRead {
  CsvTable table;                 // empty unless ok()
  std::optional<CsvError> error;  // the first problem (reading stops there)
  bool ok() const { return !error; }
};

// delimiter 0: ',' unless the header line has none and has ';' or a TAB (in that order).
CsvRead read_csv(std::string_view text, char delimiter = 0, const CsvLimits& limits = {});

}  // namespace cockpit
