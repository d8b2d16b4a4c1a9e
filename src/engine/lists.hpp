#pragma once
// compute_lists: everything the cockpit lists for one manager as of a time. Pure:
// no I/O; the caller loads the slice and the templates.
//
// Orders (most urgent first; every tie ends on ids so the output is deterministic):
//   customers           worst (overdue > at_risk > fine), then the priority of the
//                       customer's most urgent visible suggestion, then name, id
//   pending_exceptions  oldest first (raised_at), then id
//   overdue_promises    untold slips first, then most days overdue (due_at), then id
//   due_soon_promises   untold slips first, then falling due first (due_at), then id
//   suggestions         see suggestions.hpp (priority tiers)
//   held_messages       going out first (scheduled_at), then id
//   verdicts            by customer id, each in guard order (scheduled_at, then id)
//
// Cost: one pass over each list of the slice to index it by customer (hash map), then
// per-customer work on short vectors; nothing is quadratic in the book.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "engine/guard.hpp"
#include "engine/settings.hpp"
#include "engine/suggestions.hpp"
#include "engine/templates.hpp"

namespace cockpit {

// Where a customer stands, worst first when compared as numbers descending.
enum class Severity { fine = 0, at_risk = 1, overdue = 2 };
std::string_view to_string(Severity s);  // "fine", "at_risk", "overdue"

struct CustomerRow {
  std::string id, name;
  Stage stage = Stage::active;
  std::string owner;
  int overdue_promises = 0;
  int due_soon_promises = 0;
  int pending_exceptions = 0;
  int held_messages = 0;
  int suggestions = 0;  // visible ones (not dismissed or snoozed)
  // overdue: an overdue promise. at_risk: a promise due soon, a pending exception or a
  // held message. fine: none of these.
  Severity worst = Severity::fine;
  // The worst open issue in a few words: "delivery 7 days overdue", "payment due
  // tomorrow", "address change waiting on logistics for 12 days", "2 messages held",
  // else "closing message owed" / "follow-up owed" / "nothing open".
  std::string worst_label;
  std::int64_t top_priority = 0;  // of the most urgent visible suggestion, 0 if none
  int hidden_suggestions = 0;     // dismissed or snoozed ones
  bool operator==(const CustomerRow&) const = default;
};

struct ExceptionRow {
  std::string id, customer;
  std::optional<std::string> case_id;
  std::string kind, summary, waiting_on;
  Time raised_at = 0;
  std::int64_t age_days = 0;  // whole days since raised_at
  // Whole days since the customer last heard from us (latest outgoing touchpoint
  // <= now, any sender, any case); nullopt when nothing ever went out.
  std::optional<std::int64_t> days_since_contact;
  bool operator==(const ExceptionRow&) const = default;
};

struct PromiseRow {
  std::string id, customer;
  std::optional<std::string> case_id;
  PromiseKind kind = PromiseKind::other;
  std::string text;
  Time due_at = 0;
  std::int64_t days_overdue = 0;  // whole days since due_at (0 for due soon)
  int slips = 0;                  // history size
  bool customer_told = true;      // see PromiseFacts::customer_told (facts.hpp)
  bool untold_slip = false;       // slipped and the latest change was not told
  bool operator==(const PromiseRow&) const = default;
};

struct HeldRow {
  std::string scheduled, customer;
  std::optional<std::string> case_id;
  Time scheduled_at = 0;
  TouchKind kind = TouchKind::other;
  Channel channel = Channel::email;
  std::string sender, subject;
  std::vector<HoldReason> reasons;  // all that apply, enum order
  bool operator==(const HeldRow&) const = default;
};

struct Lists {
  std::string manager;
  Time as_of = 0;
  Time due_soon_window = 0;  // the settings' window the "due soon" list was made with
  std::vector<CustomerRow> customers;
  std::vector<ExceptionRow> pending_exceptions;
  std::vector<PromiseRow> overdue_promises;
  std::vector<PromiseRow> due_soon_promises;  // "at risk"
  std::vector<Suggestion> suggestions;        // visible ones only
  std::vector<HeldRow> held_messages;         // pending messages the guard holds
  std::vector<Verdict> verdicts;              // every pending scheduled message, held or allowed
  int hidden_suggestions = 0;                 // dismissed or snoozed as of now
  bool operator==(const Lists&) const = default;
};

// `slice` is what this identity sees; it is filtered again defensively: a manager
// (or an id not in slice.managers) gets only the customers they own, a lead everyone.
Lists compute_lists(const Book& slice, const std::string& manager_id, Time now, const Settings& settings,
                    const Templates& templates);

// The lists after a change of `changed` customers' records only: their part is computed
// again as of `now` (each customer's part depends on its own records, the managers and
// the decisions alone), the rest is kept as it was. Equal to compute_lists(slice, …, now)
// when nothing else changed and `now` is lists.as_of; a change of a manager record (the
// drafts are signed with it) or of who sees what needs compute_lists.
void update_lists(Lists& lists, const Book& slice, const std::vector<std::string>& changed, Time now,
                  const Settings& settings, const Templates& templates);

}  // namespace cockpit
