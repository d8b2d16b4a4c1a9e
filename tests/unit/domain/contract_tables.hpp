#pragma once
// The field tables of src/domain/CONTRACT.md against the field lists of
// src/domain/fields.hpp: what each table must say (field, type, presence) is derived
// from the code, and compare_contract() lists every difference as one sentence.
// Used by contract_doc_test.cpp; pure, no I/O.
//
// A table belongs to the heading above it; the heading's first `backticked` word is its
// key: a kind's list name (`promises`), or `history` for a promise's history entries.
// Only tables whose header row is `| field | type | presence | meaning |` are read.
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "domain/enums.hpp"
#include "domain/fields.hpp"

namespace cockpit::test {

struct ContractRow {
  std::string field, type, presence;
  bool operator==(const ContractRow&) const = default;
};

struct ContractTables {
  std::map<std::string, std::vector<ContractRow>> tables;  // key → rows in order
  std::map<std::string, std::string> kinds;               // key → the kind named in its heading's 2nd backticks
  std::vector<std::string> problems;                      // malformed tables
};

namespace contract_detail {

inline std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

// The cells of a table row "| a | b |" (no escaped pipes: the tables do not use them).
inline std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  return out;
}

// The words between backticks, in order.
inline std::vector<std::string> backticked(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t a = s.find('`'); a != std::string::npos; a = s.find('`', a)) {
    const auto b = s.find('`', a + 1);
    if (b == std::string::npos) break;
    out.push_back(s.substr(a + 1, b - a - 1));
    a = b + 1;
  }
  return out;
}

inline std::string unquote(const std::string& cell) {
  auto w = backticked(cell);
  return w.size() == 1 && cell == "`" + w[0] + "`" ? w[0] : cell;
}

}  // namespace contract_detail

inline ContractTables parse_contract_tables(const std::string& markdown) {
  using namespace contract_detail;
  ContractTables out;
  std::string key;
  bool in_table = false, wanted = false;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    auto end = markdown.find('\n', pos);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = trim(markdown.substr(pos, end - pos));
    pos = end + 1;
    if (line.rfind("#", 0) == 0) {
      const auto words = backticked(line);
      key = words.empty() ? "" : words[0];
      if (words.size() > 1) out.kinds[key] = words[1];
      in_table = false;
      continue;
    }
    if (line.rfind("|", 0) != 0) {
      in_table = false;
      continue;
    }
    const auto c = cells(line);
    if (!in_table) {  // the header row
      in_table = true;
      wanted = c.size() >= 3 && c[0] == "field" && c[1] == "type" && c[2] == "presence";
      if (wanted && key.empty()) out.problems.push_back("a field table under a heading without a `key`: " + line);
      if (wanted && out.tables.count(key)) out.problems.push_back("two field tables for `" + key + "`");
      if (wanted) out.tables[key];
      continue;
    }
    if (!wanted || (!c.empty() && c[0].rfind("---", 0) == 0)) continue;
    if (c.size() < 4) {
      out.problems.push_back("`" + key + "`: a row with fewer than 4 cells: " + line);
      continue;
    }
    out.tables[key].push_back({unquote(c[0]), c[1], c[2]});
  }
  return out;
}

// ---------------------------------------------------------------- what the code says

template <class T>
std::string type_text(const FieldOptions& o) {
  if constexpr (is_optional<T>::value) {
    return type_text<typename T::value_type>(o) + " or null";
  } else if constexpr (std::is_same_v<T, std::string>) {
    switch (o.refers) {
      case Ref::manager: return "manager id";
      case Ref::customer: return "customer id";
      case Ref::case_: return "case id";
      case Ref::sender: return "sender";
      case Ref::none: break;
    }
    return o.nonempty ? "text, non-empty" : "text";
  } else if constexpr (std::is_same_v<T, Time>) {
    return "time";
  } else if constexpr (std::is_same_v<T, bool>) {
    return "true or false";
  } else if constexpr (std::is_enum_v<T>) {
    std::string s = "one of ";
    bool first = true;
    for (const auto& [value, name] : enum_values<T>()) {
      s += (first ? "`" : ", `") + std::string(name) + "`";
      first = false;
    }
    return s;
  } else if constexpr (std::is_same_v<T, std::vector<DueChange>>) {
    return "list of history entries";
  } else if constexpr (std::is_same_v<T, std::vector<ExternalId>>) {
    return "list of external id entries";
  } else {
    static_assert(sizeof(T) == 0, "a field type CONTRACT.md has no word for: add one here and in its section 2");
  }
}

template <class F>
std::string presence_text(const F& f) {
  std::string s = may_be_absent(f) ? "optional" : "required";
  if (f.options.own) s += ", own";
  if (f.options.omit_when_absent) s += ", omitted when absent";
  return s;
}

template <class R>
std::vector<ContractRow> code_rows() {
  std::vector<ContractRow> rows;
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    rows.push_back({std::string(f.name), type_text<T>(f.options), presence_text(f)});
  });
  return rows;
}

// Every table the code implies: one per kind (by list name) and `history`.
inline std::map<std::string, std::vector<ContractRow>> code_tables() {
  std::map<std::string, std::vector<ContractRow>> out;
  for_each_kind([&]<class R>(std::type_identity<R>) { out[std::string(RecordInfo<R>::list)] = code_rows<R>(); });
  out["history"] = code_rows<DueChange>();
  out["external_ids"] = code_rows<ExternalId>();
  return out;
}

// ---------------------------------------------------------------- the comparison

inline void compare_rows(const std::string& key, const std::vector<ContractRow>& doc,
                         const std::vector<ContractRow>& code, std::vector<std::string>& problems) {
  std::map<std::string, const ContractRow*> in_doc;
  for (const auto& r : doc) in_doc[r.field] = &r;
  std::vector<std::string> doc_order, code_order;
  for (const auto& r : code) {
    auto it = in_doc.find(r.field);
    if (it == in_doc.end()) {
      problems.push_back(key + ": field `" + r.field + "` is in the code but not in CONTRACT.md");
      continue;
    }
    code_order.push_back(r.field);
    if (it->second->type != r.type)
      problems.push_back(key + "." + r.field + ": type is \"" + it->second->type + "\", the code says \"" + r.type + "\"");
    if (it->second->presence != r.presence)
      problems.push_back(key + "." + r.field + ": presence is \"" + it->second->presence + "\", the code says \"" +
                         r.presence + "\"");
  }
  for (const auto& r : doc) {
    bool known = false;
    for (const auto& c : code) known = known || c.field == r.field;
    if (!known) problems.push_back(key + ": field `" + r.field + "` is in CONTRACT.md but not in the code");
    else doc_order.push_back(r.field);
  }
  if (doc_order != code_order) problems.push_back(key + ": the fields are not in the code's (the document's) order");
}

// Every difference between the document's tables and the code's field lists.
inline std::vector<std::string> compare_contract(const std::string& markdown) {
  const ContractTables doc = parse_contract_tables(markdown);
  std::vector<std::string> problems = doc.problems;
  const auto code = code_tables();
  for (const auto& [key, rows] : code) {
    auto it = doc.tables.find(key);
    if (it == doc.tables.end()) {
      problems.push_back("`" + key + "`: no field table in CONTRACT.md");
      continue;
    }
    compare_rows(key, it->second, rows, problems);
  }
  for (const auto& [key, rows] : doc.tables)
    if (!code.count(key)) problems.push_back("`" + key + "`: a field table in CONTRACT.md for a kind the code lacks");
  for (RecordKind k : all_record_kinds()) {
    const std::string list(list_name(k));
    auto it = doc.kinds.find(list);
    if (it == doc.kinds.end() || it->second != to_string(k))
      problems.push_back("`" + list + "`: its heading must name the kind `" + std::string(to_string(k)) + "`");
  }
  return problems;
}

}  // namespace cockpit::test
