#pragma once
// How each record kind maps to its table: column list (in bind/read order), binding a
// record to an upsert, reading one back from a row. Private to src/store.
// Binding does not copy the record's text (bind_ref): the record must outlive the step.
// The column lists here and the CREATE TABLEs in schema.cpp must agree.
#include <array>
#include <string>

#include "domain/enums.hpp"
#include "domain/document.hpp"
#include "domain/records.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace cockpit::tables {

template <typename E>
E enum_or(std::string_view s, std::optional<E> (*parse)(std::string_view), E fallback) {
  return parse(s).value_or(fallback);
}

// Empty history is by far the most common: skip JSON both ways for it.
inline std::string history_text(const std::vector<DueChange>& h) { return h.empty() ? "[]" : history_to_json(h); }
inline std::vector<DueChange> history_of(std::string_view text) {
  if (text == "[]" || text.empty()) return {};
  return parse_history(text).value_or(std::vector<DueChange>{});
}

template <typename R>
struct Table;

template <>
struct Table<Manager> {
  static constexpr bool owned = false;
  static constexpr Entity entity = Entity::manager;
  static constexpr const char* name = "managers";
  static constexpr std::array<const char*, 4> columns = {"id", "name", "email", "role"};
  static void bind(sql::Stmt& s, const Manager& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.name);
    s.bind_ref(3, r.email);
    s.bind_ref(4, to_string(r.role));
  }
  static Manager read(const sql::Stmt& s) {
    Manager r;
    r.id = s.text(0);
    r.name = s.text(1);
    r.email = s.text(2);
    r.role = enum_or(s.view(3), parse_Role, Role::manager);
    return r;
  }
};

template <>
struct Table<Customer> {
  static constexpr bool owned = false;
  static constexpr Entity entity = Entity::customer;
  static constexpr const char* name = "customers";
  static constexpr std::array<const char*, 9> columns = {"id",    "name",  "owner",
                                                         "stage", "email", "phone",
                                                         "preferred_channel", "since", "former_at"};
  static void bind(sql::Stmt& s, const Customer& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.name);
    s.bind_ref(3, r.owner);
    s.bind_ref(4, to_string(r.stage));
    s.bind_ref(5, r.email);
    s.bind_ref(6, r.phone);
    s.bind_ref(7, to_string(r.preferred_channel));
    s.bind_ref(8, r.since);
    s.bind_ref(9, r.former_at);
  }
  static Customer read(const sql::Stmt& s) {
    Customer r;
    r.id = s.text(0);
    r.name = s.text(1);
    r.owner = s.text(2);
    r.stage = enum_or(s.view(3), parse_Stage, Stage::active);
    r.email = s.text(4);
    r.phone = s.text(5);
    r.preferred_channel = enum_or(s.view(6), parse_Channel, Channel::email);
    r.since = s.integer(7);
    r.former_at = s.opt_integer(8);
    return r;
  }
};

template <>
struct Table<Case> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::case_;
  static constexpr const char* name = "cases";
  static constexpr std::array<const char*, 7> columns = {"id",     "customer",  "kind",        "title",
                                                         "status", "opened_at", "fulfilled_at"};
  static void bind(sql::Stmt& s, const Case& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.customer);
    s.bind_ref(3, to_string(r.kind));
    s.bind_ref(4, r.title);
    s.bind_ref(5, to_string(r.status));
    s.bind_ref(6, r.opened_at);
    s.bind_ref(7, r.fulfilled_at);
  }
  static Case read(const sql::Stmt& s) {
    Case r;
    r.id = s.text(0);
    r.customer = s.text(1);
    r.kind = enum_or(s.view(2), parse_CaseKind, CaseKind::other);
    r.title = s.text(3);
    r.status = enum_or(s.view(4), parse_CaseStatus, CaseStatus::open);
    r.opened_at = s.integer(5);
    r.fulfilled_at = s.opt_integer(6);
    return r;
  }
};

template <>
struct Table<Promise> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::promise;
  static constexpr const char* name = "promises";
  static constexpr std::array<const char*, 10> columns = {"id",     "customer", "case_id", "kind",    "text",
                                                          "made_at", "due_at",  "status",  "kept_at", "history"};
  static void bind(sql::Stmt& s, const Promise& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.customer);
    s.bind_ref(3, r.case_id);
    s.bind_ref(4, to_string(r.kind));
    s.bind_ref(5, r.text);
    s.bind_ref(6, r.made_at);
    s.bind_ref(7, r.due_at);
    s.bind_ref(8, to_string(r.status));
    s.bind_ref(9, r.kept_at);
    s.bind(10, history_text(r.history));
  }
  static Promise read(const sql::Stmt& s) {
    Promise r;
    r.id = s.text(0);
    r.customer = s.text(1);
    r.case_id = s.opt_text(2);
    r.kind = enum_or(s.view(3), parse_PromiseKind, PromiseKind::other);
    r.text = s.text(4);
    r.made_at = s.integer(5);
    r.due_at = s.integer(6);
    r.status = enum_or(s.view(7), parse_PromiseStatus, PromiseStatus::open);
    r.kept_at = s.opt_integer(8);
    r.history = history_of(s.view(9));
    return r;
  }
};

template <>
struct Table<Exception> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::exception;
  static constexpr const char* name = "exceptions";
  static constexpr std::array<const char*, 9> columns = {"id",        "customer",   "case_id", "kind",       "summary",
                                                         "raised_at", "waiting_on", "status",  "resolved_at"};
  static void bind(sql::Stmt& s, const Exception& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.customer);
    s.bind_ref(3, r.case_id);
    s.bind_ref(4, r.kind);
    s.bind_ref(5, r.summary);
    s.bind_ref(6, r.raised_at);
    s.bind_ref(7, r.waiting_on);
    s.bind_ref(8, to_string(r.status));
    s.bind_ref(9, r.resolved_at);
  }
  static Exception read(const sql::Stmt& s) {
    Exception r;
    r.id = s.text(0);
    r.customer = s.text(1);
    r.case_id = s.opt_text(2);
    r.kind = s.text(3);
    r.summary = s.text(4);
    r.raised_at = s.integer(5);
    r.waiting_on = s.text(6);
    r.status = enum_or(s.view(7), parse_ExceptionStatus, ExceptionStatus::open);
    r.resolved_at = s.opt_integer(8);
    return r;
  }
};

template <>
struct Table<Touchpoint> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::touchpoint;
  static constexpr const char* name = "touchpoints";
  static constexpr std::array<const char*, 10> columns = {"id",        "customer", "case_id", "at",      "channel",
                                                          "direction", "sender",   "kind",    "subject", "body"};
  static void bind(sql::Stmt& s, const Touchpoint& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.customer);
    s.bind_ref(3, r.case_id);
    s.bind_ref(4, r.at);
    s.bind_ref(5, to_string(r.channel));
    s.bind_ref(6, to_string(r.direction));
    s.bind_ref(7, r.sender);
    s.bind_ref(8, to_string(r.kind));
    s.bind_ref(9, r.subject);
    s.bind_ref(10, r.body);
  }
  static Touchpoint read(const sql::Stmt& s) {
    Touchpoint r;
    r.id = s.text(0);
    r.customer = s.text(1);
    r.case_id = s.opt_text(2);
    r.at = s.integer(3);
    r.channel = enum_or(s.view(4), parse_Channel, Channel::email);
    r.direction = enum_or(s.view(5), parse_Direction, Direction::out);
    r.sender = s.text(6);
    r.kind = enum_or(s.view(7), parse_TouchKind, TouchKind::other);
    r.subject = s.text(8);
    r.body = s.text(9);
    return r;
  }
};

template <>
struct Table<Scheduled> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::scheduled;
  static constexpr const char* name = "scheduled";
  static constexpr std::array<const char*, 11> columns = {"id",      "customer", "case_id", "scheduled_at",
                                                          "channel", "direction", "sender", "kind",
                                                          "subject", "status",   "decision_note"};
  static void bind(sql::Stmt& s, const Scheduled& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.customer);
    s.bind_ref(3, r.case_id);
    s.bind_ref(4, r.scheduled_at);
    s.bind_ref(5, to_string(r.channel));
    s.bind_ref(6, to_string(r.direction));
    s.bind_ref(7, r.sender);
    s.bind_ref(8, to_string(r.kind));
    s.bind_ref(9, r.subject);
    s.bind_ref(10, to_string(r.status));
    s.bind_ref(11, r.decision_note);
  }
  static Scheduled read(const sql::Stmt& s) {
    Scheduled r;
    r.id = s.text(0);
    r.customer = s.text(1);
    r.case_id = s.opt_text(2);
    r.scheduled_at = s.integer(3);
    r.channel = enum_or(s.view(4), parse_Channel, Channel::email);
    r.direction = enum_or(s.view(5), parse_Direction, Direction::out);
    r.sender = s.text(6);
    r.kind = enum_or(s.view(7), parse_TouchKind, TouchKind::other);
    r.subject = s.text(8);
    r.status = enum_or(s.view(9), parse_ScheduledStatus, ScheduledStatus::pending);
    r.decision_note = s.text(10);
    return r;
  }
};

template <>
struct Table<SuggestionDecision> {
  static constexpr bool owned = true;  // has the owner column (schema.cpp)
  static constexpr Entity entity = Entity::suggestion_decision;
  static constexpr const char* name = "suggestion_decisions";
  static constexpr std::array<const char*, 8> columns = {"id", "suggestion_key", "customer", "kind",
                                                         "at", "until_at",       "reason",   "decided_by"};
  static void bind(sql::Stmt& s, const SuggestionDecision& r) {
    s.bind_ref(1, r.id);
    s.bind_ref(2, r.suggestion_key);
    s.bind_ref(3, r.customer);
    s.bind_ref(4, to_string(r.kind));
    s.bind_ref(5, r.at);
    s.bind_ref(6, r.until);
    s.bind_ref(7, r.reason);
    s.bind_ref(8, r.by);
  }
  static SuggestionDecision read(const sql::Stmt& s) {
    SuggestionDecision r;
    r.id = s.text(0);
    r.suggestion_key = s.text(1);
    r.customer = s.text(2);
    r.kind = enum_or(s.view(3), parse_DecisionKind, DecisionKind::dismissed);
    r.at = s.integer(4);
    r.until = s.opt_integer(5);
    r.reason = s.text(6);
    r.by = s.text(7);
    return r;
  }
};

// "t.id, t.name, …"
template <typename R>
std::string column_list(std::string_view prefix = "") {
  std::string out;
  for (const char* c : Table<R>::columns) {
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
    if (i) values += ", ";
    values += "?" + std::to_string(i + 1);
    if (std::string_view(cols[i]) == "customer") customer_param = i + 1;
    if (i == 0) continue;  // id
    if (!set.empty()) set += ", ";
    set += std::string(cols[i]) + " = excluded." + cols[i];
    if (!differs.empty()) differs += " OR ";
    differs += std::string(cols[i]) + " IS NOT excluded." + cols[i];
  }
  std::string names = column_list<R>();
  if constexpr (Table<R>::owned) {
    names += ", owner";
    values += ", COALESCE((SELECT owner FROM customers WHERE id = ?" + std::to_string(customer_param) + "), '')";
    set += ", owner = excluded.owner";
  }
  return std::string("INSERT INTO ") + Table<R>::name + " (" + names + ") VALUES (" + values +
         ") ON CONFLICT(id) DO UPDATE SET " + set + " WHERE " + differs;
}

}  // namespace cockpit::tables
