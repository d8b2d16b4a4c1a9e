#pragma once
// How each record kind maps to its table, from its field list (domain/fields.hpp): one
// column per field, in the list's order (a field's `column` where its name would not
// do), bound and read by the field's type. Private to src/store.
// Binding does not copy the record's text (bind_ref): the record must outlive the step.
// The tables themselves are made by the migrations in schema.cpp; a test compares each
// table's columns with its field list (tests/unit/store/store_test.cpp).
#include <array>
#include <string>
#include <type_traits>

#include "domain/document.hpp"
#include "domain/enums.hpp"
#include "domain/fields.hpp"
#include "domain/records.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace cockpit::tables {

// A list of entries (a promise's history, a customer's external ids) is one JSON
// column. Empty is by far the most common: skip JSON both ways for it.
template <class T>
std::string entries_text(const std::vector<T>& list) {
  return list.empty() ? "[]" : entries_to_json(list);
}
template <class T>
std::vector<T> entries_of(std::string_view text) {
  if (text == "[]" || text.empty()) return {};
  return parse_entries<T>(text).value_or(std::vector<T>{});
}

// ---------------------------------------------------------------- one value, by type

inline void bind_value(sql::Stmt& s, int i, const std::string& v) { s.bind_ref(i, v); }
inline void bind_value(sql::Stmt& s, int i, const std::optional<std::string>& v) { s.bind_ref(i, v); }
inline void bind_value(sql::Stmt& s, int i, Time v) { s.bind_ref(i, v); }
inline void bind_value(sql::Stmt& s, int i, const std::optional<Time>& v) { s.bind_ref(i, v); }
template <class T>
void bind_value(sql::Stmt& s, int i, const std::vector<T>& v) {
  s.bind(i, entries_text(v));
}
template <class E>
  requires std::is_enum_v<E>
void bind_value(sql::Stmt& s, int i, E v) {
  s.bind_ref(i, to_string(v));  // the spelling's storage is static
}

inline void read_value(const sql::Stmt& s, int col, std::string& out) { out = s.text(col); }
inline void read_value(const sql::Stmt& s, int col, std::optional<std::string>& out) { out = s.opt_text(col); }
inline void read_value(const sql::Stmt& s, int col, Time& out) { out = s.integer(col); }
inline void read_value(const sql::Stmt& s, int col, std::optional<Time>& out) { out = s.opt_integer(col); }
template <class T>
void read_value(const sql::Stmt& s, int col, std::vector<T>& out) {
  out = entries_of<T>(s.view(col));
}
template <class E>
  requires std::is_enum_v<E>
void read_value(const sql::Stmt& s, int col, E& out) {
  if (auto e = parse_enum<E>(s.view(col))) out = *e;  // else the record's default
}

// ---------------------------------------------------------------- one kind

template <typename R>
struct Table {
  // The records about a customer carry a copy of its owner (schema.cpp explains why).
  static constexpr bool owned = requires(const R& r) { r.customer; };
  static constexpr std::string_view name = RecordInfo<R>::list;
  static constexpr RecordKind kind = RecordInfo<R>::kind;
  static constexpr auto columns = std::apply(
      [](const auto&... f) { return std::array<std::string_view, sizeof...(f)>{f.column()...}; }, RecordInfo<R>::fields);

  static void bind(sql::Stmt& s, const R& r) {
    int i = 0;
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) { bind_value(s, ++i, r.*f.member); });
  }
  static R read(const sql::Stmt& s) {
    R r;
    int col = 0;
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) { read_value(s, col++, r.*f.member); });
    return r;
  }
};

// "t.id, t.name, …"
template <typename R>
std::string column_list(std::string_view prefix = "") {
  std::string out;
  for (std::string_view c : Table<R>::columns) {
    if (!out.empty()) out += ", ";
    out += prefix;
    out += c;
  }
  return out;
}

// INSERT … ON CONFLICT(id) DO UPDATE … WHERE <some column differs>: an unchanged row
// is not touched, so sqlite3_changes() says whether anything changed. For a customer's
// record the owner column is filled from the customer (an unknown customer gives ''
// and the foreign key on `customer` then refuses the row with its usual error).
template <typename R>
std::string upsert_sql() {
  const auto& cols = Table<R>::columns;
  std::string values, set, differs;
  std::size_t customer_param = 0;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const std::string col(cols[i]);
    if (i) values += ", ";
    values += "?" + std::to_string(i + 1);
    if (col == "customer") customer_param = i + 1;
    if (i == 0) continue;  // id
    if (!set.empty()) set += ", ";
    set += col + " = excluded." + col;
    if (!differs.empty()) differs += " OR ";
    differs += col + " IS NOT excluded." + col;
  }
  std::string names = column_list<R>();
  if constexpr (Table<R>::owned) {
    names += ", owner";
    values += ", COALESCE((SELECT owner FROM customers WHERE id = ?" + std::to_string(customer_param) + "), '')";
    set += ", owner = excluded.owner";
  }
  return "INSERT INTO " + std::string(Table<R>::name) + " (" + names + ") VALUES (" + values +
         ") ON CONFLICT(id) DO UPDATE SET " + set + " WHERE " + differs;
}

}  // namespace cockpit::tables
