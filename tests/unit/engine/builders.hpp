#pragma once
// Small builders so each test reads as data: a Book written record by record.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "domain/time.hpp"
#include "engine/lists.hpp"

// Readable failures for the string-set comparisons below.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return (s + "}").c_str();
  }
};
}  // namespace doctest

namespace cockpit::test {

// Throws on a typo (doctest reports it), so it is also safe in a static initialiser.
inline Time T(const char* iso) {
  const auto t = parse_time(iso);
  if (!t) throw std::invalid_argument(std::string("bad time in test: ") + iso);
  return *t;
}

inline std::optional<std::string> no_case() { return std::nullopt; }

inline Manager manager(std::string id, std::string name, Role role = Role::manager) {
  Manager m;
  m.id = std::move(id);
  m.name = std::move(name);
  m.email = m.id.substr(2) + "@example.com";
  m.role = role;
  return m;
}

inline Customer customer(std::string id, std::string name, std::string owner, Stage stage = Stage::active,
                         Channel preferred = Channel::email) {
  Customer c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.owner = std::move(owner);
  c.stage = stage;
  c.preferred_channel = preferred;
  c.email = "customer@example.com";
  c.phone = "+44 20 7946 0000";
  c.since = T("2020-01-01");
  return c;
}

inline Case kase(std::string id, std::string cust, CaseKind kind, std::string title,
                 CaseStatus status = CaseStatus::open, Time opened = T("2026-10-01"),
                 std::optional<Time> fulfilled = std::nullopt) {
  Case c;
  c.id = std::move(id);
  c.customer = std::move(cust);
  c.kind = kind;
  c.title = std::move(title);
  c.status = status;
  c.opened_at = opened;
  c.fulfilled_at = fulfilled;
  return c;
}

inline Promise promise(std::string id, std::string cust, std::optional<std::string> case_id, PromiseKind kind,
                       std::string text, Time due, std::vector<DueChange> history = {},
                       PromiseStatus status = PromiseStatus::open) {
  Promise p;
  p.id = std::move(id);
  p.customer = std::move(cust);
  p.case_id = std::move(case_id);
  p.kind = kind;
  p.text = std::move(text);
  p.made_at = T("2026-10-01");
  p.due_at = due;
  p.history = std::move(history);
  p.status = status;
  return p;
}

inline Exception exception(std::string id, std::string cust, std::optional<std::string> case_id, std::string kind,
                           std::string summary, Time raised, std::string waiting_on,
                           ExceptionStatus status = ExceptionStatus::open) {
  Exception x;
  x.id = std::move(id);
  x.customer = std::move(cust);
  x.case_id = std::move(case_id);
  x.kind = std::move(kind);
  x.summary = std::move(summary);
  x.raised_at = raised;
  x.waiting_on = std::move(waiting_on);
  x.status = status;
  return x;
}

inline Touchpoint touch(std::string id, std::string cust, std::optional<std::string> case_id, Time at,
                        std::string sender, TouchKind kind, std::string subject, Direction dir = Direction::out,
                        Channel channel = Channel::email) {
  Touchpoint t;
  t.id = std::move(id);
  t.customer = std::move(cust);
  t.case_id = std::move(case_id);
  t.at = at;
  t.sender = std::move(sender);
  t.kind = kind;
  t.subject = std::move(subject);
  t.direction = dir;
  t.channel = channel;
  return t;
}

inline Scheduled sched(std::string id, std::string cust, std::optional<std::string> case_id, Time at, TouchKind kind,
                       std::string subject, std::string sender = "system:noreply") {
  Scheduled s;
  s.id = std::move(id);
  s.customer = std::move(cust);
  s.case_id = std::move(case_id);
  s.scheduled_at = at;
  s.kind = kind;
  s.subject = std::move(subject);
  s.sender = std::move(sender);
  return s;
}

// "kind:about" of every visible suggestion, sorted: for exact set comparisons.
inline std::vector<std::string> suggestion_set(const Lists& l) {
  std::vector<std::string> out;
  for (const Suggestion& s : l.suggestions) out.push_back(std::string(to_string(s.kind)) + ":" + s.about);
  std::sort(out.begin(), out.end());
  return out;
}

// "scheduled:reason+reason" of every held message, sorted.
inline std::vector<std::string> held_set(const Lists& l) {
  std::vector<std::string> out;
  for (const HeldRow& h : l.held_messages) {
    std::string s = h.scheduled + ":";
    for (std::size_t i = 0; i < h.reasons.size(); ++i) s += (i ? "+" : "") + std::string(to_string(h.reasons[i]));
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline const Suggestion* find_suggestion(const Lists& l, SuggestionKind kind, const std::string& about) {
  for (const Suggestion& s : l.suggestions)
    if (s.kind == kind && s.about == about) return &s;
  return nullptr;
}

// compute_lists with the contract's settings and the built-in templates.
inline Lists lists_for(const Book& b, const std::string& manager, Time now) {
  return compute_lists(b, manager, now, Settings{}, builtin_templates());
}

using Strings = std::vector<std::string>;

}  // namespace cockpit::test
