// CSV rows -> contract records (see csv_import.hpp and CSV.md).
//
// [SECTION] Index
//  - Fields: what a kind's CSV may feed, from domain/fields.hpp
//  - Dates: the three forms a sheet may use
//  - Mapping: defaults by header, then the checks of the mapping itself
//  - Rows: cells -> one contract document -> parse_document -> problems by row and column
#include "domain/csv_import.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <unordered_map>

#include "domain/enums.hpp"
#include "domain/fields.hpp"

namespace cockpit {

// ---------------------------------------------------------------- [SECTION] Fields

namespace {

template <class T>
struct plain {
  using type = T;
};
template <class T>
struct plain<std::optional<T>> {
  using type = T;
};

template <class R>
std::vector<CsvFieldInfo> fields_of() {
  std::vector<CsvFieldInfo> out;
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    if constexpr (!is_list<T>::value) {
      using V = typename plain<T>::type;
      CsvFieldInfo info{std::string(f.name), std::string(f.column()), !may_be_absent(f), std::is_same_v<V, Time>, {}};
      if constexpr (std::is_enum_v<V>)
        for (const auto& [value, name] : enum_values<V>()) info.choices.emplace_back(name);
      out.push_back(std::move(info));
    }
  });
  return out;
}

}  // namespace

bool csv_importable(RecordKind kind) { return kind == RecordKind::customer || kind == RecordKind::promise; }

std::vector<CsvFieldInfo> csv_fields(RecordKind kind) {
  if (kind == RecordKind::customer) return fields_of<Customer>();
  if (kind == RecordKind::promise) return fields_of<Promise>();
  return {};
}

std::string normalize_header(std::string_view header) {
  std::string out;
  bool gap = false;
  for (char c : header) {
    if (c == ' ' || c == '-' || c == '.' || c == '_' || c == '\t') {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out.push_back('_');
    gap = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// ---------------------------------------------------------------- [SECTION] Dates

std::string_view to_string(DateForm f) {
  switch (f) {
    case DateForm::iso: return "iso";
    case DateForm::dmy: return "dmy";
    case DateForm::mdy: return "mdy";
  }
  return "iso";
}

std::optional<DateForm> parse_DateForm(std::string_view s) {
  for (DateForm f : {DateForm::iso, DateForm::dmy, DateForm::mdy})
    if (to_string(f) == s) return f;
  return std::nullopt;
}

std::string_view date_pattern(DateForm f) {
  switch (f) {
    case DateForm::iso: return "YYYY-MM-DD";
    case DateForm::dmy: return "DD/MM/YYYY";
    case DateForm::mdy: return "MM/DD/YYYY";
  }
  return "YYYY-MM-DD";
}

namespace {

// Reads 1..max digits at p; false when there are none.
bool digits(std::string_view s, std::size_t& p, std::size_t min, std::size_t max, unsigned& out) {
  std::size_t n = 0;
  out = 0;
  while (p < s.size() && n < max && s[p] >= '0' && s[p] <= '9') out = out * 10 + unsigned(s[p++] - '0'), ++n;
  return n >= min;
}

std::string two(unsigned v) { return std::string(1, char('0' + v / 10 % 10)) + char('0' + v % 10); }

// " 14:30" or " 14:30:15" after a date (p at the space); "" for none; nullopt if malformed.
std::optional<std::string> clock_part(std::string_view s, std::size_t p) {
  if (p == s.size()) return std::string();
  unsigned h = 0, m = 0, sec = 0;
  if (s[p++] != ' ' || !digits(s, p, 1, 2, h) || p >= s.size() || s[p++] != ':' || !digits(s, p, 2, 2, m))
    return std::nullopt;
  if (p < s.size() && (s[p++] != ':' || !digits(s, p, 2, 2, sec))) return std::nullopt;
  if (p != s.size()) return std::nullopt;
  return "T" + two(h) + ":" + two(m) + ":" + two(sec) + "Z";
}

// 03/04/2026, 3.4.2026, 03-04-2026 (the same separator twice), day or month first.
std::optional<std::string> numeric_date(std::string_view s, bool day_first) {
  std::size_t p = 0;
  unsigned a = 0, b = 0, y = 0;
  if (!digits(s, p, 1, 2, a) || p >= s.size()) return std::nullopt;
  const char sep = s[p++];
  if (sep != '/' && sep != '.' && sep != '-') return std::nullopt;
  if (!digits(s, p, 1, 2, b) || p >= s.size() || s[p++] != sep || !digits(s, p, 4, 4, y)) return std::nullopt;
  auto clock = clock_part(s, p);
  if (!clock) return std::nullopt;
  const unsigned day = day_first ? a : b, month = day_first ? b : a;
  return std::to_string(y) + "-" + two(month) + "-" + two(day) + *clock;
}

}  // namespace

std::optional<std::string> csv_time(std::string_view cell, DateForm form) {
  std::string iso;
  if (form == DateForm::iso) {
    iso.assign(cell);
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';  // "2026-04-03 14:30", as sheets export
  } else {
    auto converted = numeric_date(cell, form == DateForm::dmy);
    if (!converted) return std::nullopt;
    iso = std::move(*converted);
  }
  if (!parse_time(iso)) return std::nullopt;
  return iso;
}

// ---------------------------------------------------------------- [SECTION] Mapping

void CsvMapping::map(std::string field, std::string header) {
  for (auto& e : entries)
    if (e.field == field) {
      e.header = std::move(header);
      e.fixed.reset();
      return;
    }
  entries.push_back({std::move(field), std::move(header), std::nullopt});
}

void CsvMapping::fix(std::string field, std::string value) {
  for (auto& e : entries)
    if (e.field == field) {
      e.header.clear();
      e.fixed = std::move(value);
      return;
    }
  entries.push_back({std::move(field), "", std::move(value)});
}

const CsvMapping::Entry* CsvMapping::find(std::string_view field) const {
  for (const auto& e : entries)
    if (e.field == field) return &e;
  return nullptr;
}

std::string CsvProblem::message() const {
  std::string where;
  if (row) where = "row " + std::to_string(row);
  if (!header.empty() || !field.empty()) {
    if (!where.empty()) where += ", ";
    if (!header.empty())
      where += "column \"" + header + "\"" + (field.empty() ? "" : " (" + field + ")");
    else
      where += "field " + field + (fixed ? " (fixed value)" : "");
  } else if (column) {
    where += (where.empty() ? "" : ", ") + std::string("column ") + std::to_string(column);
  }
  return where.empty() ? problem : where + ": " + problem;
}

std::vector<std::string> CsvImport::messages() const {
  std::vector<std::string> out;
  out.reserve(problems.size() + 1);
  for (const auto& p : problems) out.push_back(p.message());
  if (left_out) out.push_back("… and " + std::to_string(left_out) + " more");
  return out;
}

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

// The column whose header normalizes to the field's name or store column.
std::optional<std::size_t> default_column(const CsvFieldInfo& f, const std::vector<std::string>& header) {
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string h = normalize_header(header[c]);
    if (!h.empty() && (h == f.name || h == f.column)) return c;
  }
  return std::nullopt;
}

CsvProblem mapping_problem(std::string field, std::string problem) {
  return CsvProblem{0, "", std::move(field), std::move(problem)};
}

// Where each field's values come from; problems of the mapping itself go to `out`.
void resolve_one(const CsvFieldInfo& f, const CsvMapping& m, const std::vector<std::string>& header, CsvImport& out) {
  ResolvedField r{f, std::nullopt, {}, std::nullopt};
  const CsvMapping::Entry* e = m.find(f.name);
  if (e && e->fixed) {
    r.fixed = e->fixed;
  } else if (e && !e->header.empty()) {
    std::vector<std::size_t> at;
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == e->header) at.push_back(c);
    if (at.empty())
      out.problems.push_back(mapping_problem(f.name, "no column \"" + e->header + "\" in the file (its columns: " +
                                                         quoted_list(header) + ")"));
    else if (at.size() > 1)
      out.problems.push_back(mapping_problem(f.name, "the header \"" + e->header + "\" names more than one column (" +
                                                         std::to_string(at[0] + 1) + " and " +
                                                         std::to_string(at[1] + 1) + ")"));
    else
      r.column = at[0], r.header = header[at[0]];
  } else if (!e) {
    r.column = default_column(f, header);
    if (r.column) r.header = header[*r.column];
  }
  if (f.required && !r.column && !r.fixed && !(e && !e->header.empty()))
    out.problems.push_back(mapping_problem(
        f.name, "is required and no column feeds it: map one (" + f.name + "=HEADER) or give a fixed value"));
  out.fields.push_back(std::move(r));
}

void resolve_mapping(RecordKind kind, const CsvMapping& m, const std::vector<std::string>& header, CsvImport& out) {
  const std::vector<CsvFieldInfo> fields = csv_fields(kind);
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.name);
  for (const auto& e : m.entries)
    if (std::find(names.begin(), names.end(), e.field) == names.end())
      out.problems.push_back(mapping_problem("", "unknown field \"" + e.field + "\" for " +
                                                     std::string(list_name(kind)) + " (its fields: " + joined(names) +
                                                     ")"));
  for (const auto& f : fields) resolve_one(f, m, header, out);
  for (std::size_t c = 0; c < header.size(); ++c) {
    const bool used = std::any_of(out.fields.begin(), out.fields.end(), [&](const auto& r) { return r.column == c; });
    if (!used && !header[c].empty()) out.ignored.push_back(header[c]);
  }
}

}  // namespace

CsvMapping default_mapping(RecordKind kind, const std::vector<std::string>& header, DateForm dates) {
  CsvMapping m;
  m.dates = dates;
  for (const auto& f : csv_fields(kind)) {
    auto c = default_column(f, header);
    m.map(f.name, c ? header[*c] : std::string());
  }
  return m;
}

// ---------------------------------------------------------------- [SECTION] Rows

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quote_cell(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string shown(s.substr(0, kMax));
  return nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         (s.size() > kMax ? "…" : "");
}

// The header the field's values came from, or "fixed value".
void locate(const CsvImport& import, CsvProblem& p) {
  for (const ResolvedField& f : import.fields) {
    if (f.info.name != p.field) continue;
    p.header = f.header;
    p.fixed = f.fixed.has_value();
  }
}

// A located problem of the document made of the rows, by row and column.
CsvProblem from_document(const CsvImport& import, const DocumentProblem& p) {
  const auto& rows = import.rows;
  CsvProblem c{p.index && *p.index < rows.size() ? rows[*p.index] : 0, "", p.field, p.problem};
  if (p.other_index && *p.other_index < rows.size())
    c.problem = "the same id as row " + std::to_string(rows[*p.other_index]);
  locate(import, c);
  return c;
}

// Builds the contract document of the rows and checks it with parse_document.
class RowReader {
 public:
  RowReader(const CsvTable& t, CsvImport& out, const CsvMapping& m, const ParseLimits& lim)
      : t_(t), out_(out), m_(m), lim_(lim) {}
  RowReader(const RowReader&) = delete;

  nlohmann::json records() {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < t_.rows.size(); ++i) {
      if (CsvTable::is_blank(t_.rows[i])) {
        ++out_.blank_rows;
        continue;
      }
      out_.rows.push_back(CsvTable::row_number(i));
      list.push_back(record(t_.rows[i], out_.rows.size() - 1));
    }
    return list;
  }

  // The document's problems, by row and column.
  void add_document_problems(const ParsedDocument& doc) {
    for (const DocumentProblem& p : doc.problems) add(from_document(out_, p));
    out_.left_out += doc.left_out;
  }

  void add(CsvProblem p) {
    if (out_.problems.size() < lim_.max_messages)
      out_.problems.push_back(std::move(p));
    else
      ++out_.left_out;
  }

 private:
  nlohmann::json record(const std::vector<std::string>& cells, std::size_t index) {
    nlohmann::json rec = nlohmann::json::object();
    for (const ResolvedField& f : out_.fields) {
      std::string_view raw;
      if (f.fixed)
        raw = *f.fixed;
      else if (f.column && *f.column < cells.size())
        raw = cells[*f.column];
      else
        continue;
      const std::string_view cell = trimmed(raw);
      if (cell.empty()) continue;  // absent: the contract's rules say whether it may be
      rec[f.info.name] = value_of(f, cell, index);
    }
    return rec;
  }

  std::string value_of(const ResolvedField& f, std::string_view cell, std::size_t index) {
    if (f.info.time) {
      if (auto iso = csv_time(cell, m_.dates)) return *iso;
      CsvProblem p{out_.rows[index], "", f.info.name,
                   quote_cell(cell) + " is not a date in the form " + std::string(date_pattern(m_.dates)) +
                       (m_.dates == DateForm::iso ? " (or 2026-11-20T14:00Z)" : " (optionally with HH:MM)")};
      locate(out_, p);
      add(std::move(p));
      // A stand-in the contract accepts, so the document adds no second problem for
      // this cell ("is required"); the import is refused anyway.
      return std::string("1970-01-01");
    }
    if (!f.info.choices.empty()) {  // an enum: "Active", "In person" are meant as active, in_person
      const std::string norm = normalize_header(cell);
      if (std::find(f.info.choices.begin(), f.info.choices.end(), cell) == f.info.choices.end() &&
          std::find(f.info.choices.begin(), f.info.choices.end(), norm) != f.info.choices.end())
        return norm;
    }
    return std::string(cell);
  }

  const CsvTable& t_;
  CsvImport& out_;
  const CsvMapping& m_;
  const ParseLimits& lim_;
};

// Problems in row order (a problem of the file or the mapping, row 0, first), and in a
// row in the order of the record's fields.
void sort_problems(CsvImport& out) {
  auto rank = [&](const CsvProblem& p) {  // a problem of no field (the row, the file) first
    for (std::size_t i = 0; i < out.fields.size(); ++i)
      if (out.fields[i].info.name == p.field) return i + 1;
    return std::size_t{0};
  };
  std::stable_sort(out.problems.begin(), out.problems.end(), [&](const CsvProblem& a, const CsvProblem& b) {
    return a.row != b.row ? a.row < b.row : rank(a) < rank(b);
  });
}

CsvImport refused(CsvImport out) {
  out.book = {};
  out.rows.clear();
  sort_problems(out);
  return out;
}

}  // namespace

CsvImport import_csv(const CsvTable& table, RecordKind kind, const CsvMapping& mapping, const KnownRecords* known,
                     const ParseLimits& limits) {
  CsvImport out;
  out.kind = kind;
  if (!csv_importable(kind)) {
    out.problems.push_back({0, "", "", "only customers and promises are imported from CSV"});
    return out;
  }
  resolve_mapping(kind, mapping, table.header, out);
  if (!out.problems.empty()) return refused(std::move(out));
  RowReader rows(table, out, mapping, limits);
  nlohmann::json doc = nlohmann::json::object();
  doc[std::string(list_name(kind))] = rows.records();
  if (out.rows.empty()) {
    out.problems.push_back({0, "", "", "the file has no rows of data under its header"});
    return refused(std::move(out));
  }
  const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ParseLimits lim = limits;
  lim.max_bytes = std::max(lim.max_bytes, text.size());  // the CSV's own size limit applied already
  ParsedDocument parsed = parse_document(text, known, lim);
  rows.add_document_problems(parsed);
  if (!out.problems.empty() || out.left_out) return refused(std::move(out));
  out.book = std::move(parsed.book);
  return out;
}

CsvImport csv_read_problem(const CsvRead& read, RecordKind kind) {
  CsvImport out;
  out.kind = kind;
  if (!read.error) return out;
  CsvProblem p{read.error->row, "", "", read.error->problem};
  p.column = read.error->column;
  out.problems.push_back(std::move(p));
  return out;
}

CsvImport import_csv_text(std::string_view text, RecordKind kind, const CsvMapping& mapping,
                          const KnownRecords* known, const CsvLimits& csv_limits, const ParseLimits& limits) {
  CsvRead read = read_csv(text, 0, csv_limits);
  if (!read.ok()) return csv_read_problem(read, kind);
  return import_csv(read.table, kind, mapping, known, limits);
}

namespace {

bool fed(const CsvImport& import, std::string_view field) {
  for (const auto& f : import.fields)
    if (f.info.name == field) return f.column || f.fixed;
  return false;  // a list: never fed by a sheet
}

template <class R>
std::unordered_map<std::string, const R*> by_id(const Book& b) {
  std::unordered_map<std::string, const R*> out;
  for (const R& r : b.*RecordInfo<R>::book) out.emplace(r.id, &r);
  return out;
}

template <class R>
void keep_unfed(CsvImport& import, const Book& stored) {
  const auto old = by_id<R>(stored);
  for (R& r : import.book.*RecordInfo<R>::book) {
    auto it = old.find(r.id);
    if (it == old.end()) continue;
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      if (!fed(import, f.name)) r.*f.member = it->second->*f.member;
    });
  }
}

template <class R>
void changes_of(const CsvImport& import, const Book& stored, std::vector<CsvChange>& out) {
  const auto old = by_id<R>(stored);
  const auto& list = import.book.*RecordInfo<R>::book;
  for (std::size_t i = 0; i < list.size(); ++i) {
    CsvChange c{i < import.rows.size() ? import.rows[i] : 0, list[i].id, false, {}};
    auto it = old.find(list[i].id);
    if (it == old.end()) {
      c.is_new = true;
    } else {
      for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
        if (!(list[i].*f.member == it->second->*f.member)) c.fields.emplace_back(f.name);
      });
    }
    out.push_back(std::move(c));
  }
}

}  // namespace

void keep_unfed_fields(CsvImport& import, const Book& stored) {
  keep_unfed<Customer>(import, stored);
  keep_unfed<Promise>(import, stored);
}

std::vector<CsvChange> csv_changes(const CsvImport& import, const Book& stored) {
  std::vector<CsvChange> out;
  changes_of<Customer>(import, stored, out);
  changes_of<Promise>(import, stored, out);
  return out;
}

std::optional<std::string> add_mapping_argument(CsvMapping& mapping, std::string_view argument, bool fixed) {
  const std::size_t eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return "\"" + std::string(argument) + "\" is not FIELD=" + (fixed ? "VALUE" : "HEADER");
  std::string field(argument.substr(0, eq)), value(argument.substr(eq + 1));
  if (fixed)
    mapping.fix(std::move(field), std::move(value));
  else
    mapping.map(std::move(field), std::move(value));
  return std::nullopt;
}

}  // namespace cockpit
