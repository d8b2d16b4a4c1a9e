// The CSV reader (see csv.hpp): one pass over the bytes, a field at a time.
#include "domain/csv.hpp"

#include <cstring>

namespace cockpit {

std::string CsvError::message() const {
  std::string where;
  if (row) where = "row " + std::to_string(row);
  if (column) where += (where.empty() ? "" : ", ") + std::string("column ") + std::to_string(column);
  return where.empty() ? problem : where + ": " + problem;
}

namespace {

// The first byte of `s` that does not start or continue a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string shown_byte(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789ABCDEF";
  const auto u = static_cast<unsigned char>(c);
  return std::string("the byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

char detect_delimiter(std::string_view text) {
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  if (line.find(',') != std::string_view::npos) return ',';
  if (line.find(';') != std::string_view::npos) return ';';
  if (line.find('\t') != std::string_view::npos) return '\t';
  return ',';
}

class Reader {
 public:
  Reader(std::string_view text, char delimiter, const CsvLimits& lim) : s_(text), d_(delimiter), lim_(lim) {}

  CsvRead run() {
    out_.table.delimiter = d_;
    if (s_.empty()) return whole("the file is empty: its first row must name the columns");
    while (i_ < s_.size()) {
      if (row_ > lim_.max_rows) return whole("more than " + std::to_string(lim_.max_rows - 1) + " rows of data");
      if (!read_record() || !keep_record()) return std::move(out_);
      ++row_;
    }
    return std::move(out_);
  }

 private:
  // A problem of the whole input (row 0).
  CsvRead whole(std::string problem) {
    out_.table = {};
    out_.error = CsvError{0, 0, std::move(problem)};
    return std::move(out_);
  }
  // A problem in the current record (column 0: the record as a whole); false.
  bool failed(std::size_t column, std::string problem) {
    out_.table = {};
    out_.error = CsvError{row_, column, std::move(problem)};
    return false;
  }

  bool at_line_end() const { return i_ < s_.size() && (s_[i_] == '\n' || s_[i_] == '\r'); }
  void skip_line_end() {
    if (s_[i_] == '\r') ++i_;
    if (i_ < s_.size() && s_[i_] == '\n') ++i_;
  }

  // Fields up to the end of the line (or of the input); false on a problem.
  bool read_record() {
    rec_.clear();
    for (;;) {
      if (rec_.size() >= lim_.max_columns)
        return failed(rec_.size() + 1, "more than " + std::to_string(lim_.max_columns) + " columns");
      field_.clear();
      if (!(i_ < s_.size() && s_[i_] == '"' ? read_quoted() : read_plain())) return false;
      if (!check_field()) return false;
      rec_.push_back(field_);
      if (i_ >= s_.size()) return true;
      if (at_line_end()) {
        skip_line_end();
        return true;
      }
      ++i_;  // the delimiter (one at the very end gives a last, empty field)
    }
  }

  bool read_plain() {
    const std::size_t start = i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == d_ || c == '\n' || c == '\r') break;
      if (c == '"')
        return failed(rec_.size() + 1,
                      "a quote inside an unquoted field (put the whole field in quotes and double the quote)");
      ++i_;
    }
    if (i_ - start > lim_.max_field) return too_long();
    field_.assign(s_.substr(start, i_ - start));
    return true;
  }

  bool read_quoted() {
    ++i_;  // the opening quote
    for (;;) {
      const std::size_t q = s_.find('"', i_);
      if (q == std::string_view::npos) {
        return failed(rec_.size() + 1, "a quoted field that never ends (its closing quote is missing)");
      }
      field_.append(s_.substr(i_, q - i_));
      i_ = q + 1;
      if (field_.size() > lim_.max_field) return too_long();
      if (i_ < s_.size() && s_[i_] == '"') {  // a doubled quote stands for one
        field_.push_back('"');
        ++i_;
        continue;
      }
      break;
    }
    if (i_ < s_.size() && s_[i_] != d_ && !at_line_end())
      return failed(rec_.size() + 1, shown_byte(s_[i_]) +
                                         " after a closing quote (a field in quotes ends at its quote; a quote "
                                         "inside it is written twice)");
    return true;
  }

  bool too_long() {
    return failed(rec_.size() + 1, "a field longer than " + std::to_string(lim_.max_field) + " bytes");
  }

  bool check_field() {
    if (field_.find('\0') != std::string::npos) return failed(rec_.size() + 1, "contains a NUL byte");
    if (invalid_utf8_at(field_) != std::string_view::npos)
      return failed(rec_.size() + 1, "is not UTF-8 text (save the sheet as \"CSV UTF-8\")");
    return true;
  }

  bool keep_record() {
    if (row_ == 1) {
      out_.table.header = std::move(rec_);
      rec_ = {};
      return true;
    }
    const std::size_t want = out_.table.header.size();
    const bool blank_line = rec_.size() == 1 && rec_[0].empty();
    if (rec_.size() != want && !blank_line)
      return failed(rec_.size() > want ? want + 1 : 0,
                    std::to_string(rec_.size()) + " fields, but the header has " + std::to_string(want));
    out_.table.rows.push_back(std::move(rec_));
    rec_ = {};
    return true;
  }

  std::string_view s_;
  char d_;
  const CsvLimits& lim_;
  std::size_t i_ = 0, row_ = 1;
  std::vector<std::string> rec_;
  std::string field_;
  CsvRead out_;
};

}  // namespace

CsvRead read_csv(std::string_view text, char delimiter, const CsvLimits& limits) {
  if (text.size() > limits.max_bytes) {
    CsvRead r;
    r.error = CsvError{0, 0,
                       "the file has " + std::to_string(text.size()) + " bytes, more than the limit of " +
                           std::to_string(limits.max_bytes)};
    return r;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (delimiter == 0) delimiter = detect_delimiter(text);
  return Reader(text, delimiter, limits).run();
}

}  // namespace cockpit
