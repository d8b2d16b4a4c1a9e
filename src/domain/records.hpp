#pragma once
// The records of the contract (src/domain/CONTRACT.md), as plain values. Pure: no I/O.
// Enum values keep the contract's spelling through to_string/parse in enums.hpp.
// Each struct's fields are described, in the document's order, in domain/fields.hpp
// (which does not compile while a member here is missing from its list).
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace cockpit {

enum class Role { manager, lead };
enum class Stage { prospect, active, former };
// Touchpoint channels; a customer's preferred channel is one of email, phone, sms, letter.
enum class Channel { email, phone, sms, chat, letter, portal, in_person };
enum class CaseKind { order, quote, policy, trade_in, support, other };
enum class CaseStatus { open, fulfilled, cancelled };
enum class PromiseKind { delivery, payment, callback, refund, document, other };
enum class PromiseStatus { open, kept, cancelled };
enum class ExceptionStatus { open, resolved };
enum class Direction { out, in };
enum class TouchKind {
  order_confirmation, status_update, review_request, renewal_notice, marketing, welcome,
  cancellation_confirmation, legal_notice, payment_request, apology, question, complaint, other
};
// Cockpit's addition: what became of a scheduled message once a manager decided.
// `pending` is the default: the guard decides whether it is held.
enum class ScheduledStatus { pending, released, cancelled };

struct Manager {
  std::string id, name, email;
  Role role = Role::manager;
  bool operator==(const Manager&) const = default;
};

// One of a customer's ids in another system ("stripe" / "cus_…"): how a source's
// webhook event finds its customer (src/server/CONNECT.md).
struct ExternalId {
  std::string source, id;
  bool operator==(const ExternalId&) const = default;
};

struct Customer {
  std::string id, name, owner;
  Stage stage = Stage::active;
  std::string email, phone;  // may be empty
  Channel preferred_channel = Channel::email;
  Time since = 0;
  std::optional<Time> former_at;
  std::vector<ExternalId> external_ids;
  bool operator==(const Customer&) const = default;
};

struct Case {
  std::string id, customer;
  CaseKind kind = CaseKind::order;
  std::string title;
  CaseStatus status = CaseStatus::open;
  Time opened_at = 0;
  std::optional<Time> fulfilled_at;
  bool operator==(const Case&) const = default;
};

struct DueChange {
  Time due_at = 0, changed_at = 0;
  bool customer_told = false;
  bool operator==(const DueChange&) const = default;
};

struct Promise {
  std::string id, customer;
  std::optional<std::string> case_id;
  PromiseKind kind = PromiseKind::other;
  std::string text;
  Time made_at = 0, due_at = 0;
  PromiseStatus status = PromiseStatus::open;
  std::optional<Time> kept_at;
  std::vector<DueChange> history;  // earlier due dates, oldest first
  bool operator==(const Promise&) const = default;
};

struct Exception {
  std::string id, customer;
  std::optional<std::string> case_id;
  std::string kind, summary;
  Time raised_at = 0;
  std::string waiting_on;
  ExceptionStatus status = ExceptionStatus::open;
  std::optional<Time> resolved_at;
  bool operator==(const Exception&) const = default;
};

struct Touchpoint {
  std::string id, customer;
  std::optional<std::string> case_id;
  Time at = 0;
  Channel channel = Channel::email;
  Direction direction = Direction::out;
  std::string sender;  // a manager id, "customer", or "system:<name>"
  TouchKind kind = TouchKind::other;
  std::string subject;
  std::string body;  // Cockpit's addition: the text of a message sent from Cockpit; may be empty
  bool operator==(const Touchpoint&) const = default;
};

struct Scheduled {
  std::string id, customer;
  std::optional<std::string> case_id;
  Time scheduled_at = 0;
  Channel channel = Channel::email;
  Direction direction = Direction::out;  // always out
  std::string sender;
  TouchKind kind = TouchKind::other;
  std::string subject;
  // Cockpit's additions: the manager's decision on a held message.
  ScheduledStatus status = ScheduledStatus::pending;
  std::string decision_note;
  // Cockpit's additions, set by the server only: the first time the message's sender
  // asked the guard before sending it (POST /api/guard/check), which integration asked
  // and how ("check": the sender's own call; "relay": the mail relay's milter). Never
  // asked: the sender does not ask, so a hold does not stop it.
  std::optional<Time> asked_at;
  std::optional<std::string> asked_by, asked_via;
  bool operator==(const Scheduled&) const = default;
};

// Cockpit's addition: a manager dismissed or snoozed a suggestion. `suggestion_key`
// is the engine's stable key for a suggestion (see engine/suggestions.hpp); it includes
// the facts it rests on, so a dismissal lapses by itself when those facts change.
enum class DecisionKind { dismissed, snoozed };
struct SuggestionDecision {
  std::string id, suggestion_key, customer;
  DecisionKind kind = DecisionKind::dismissed;
  Time at = 0;
  std::optional<Time> until;  // snoozed: shown again from this time on
  std::string reason, by;     // by: the manager id who decided
  bool operator==(const SuggestionDecision&) const = default;
};

// A whole document of the contract, or a slice of the store (what one identity sees).
struct Book {
  std::vector<Manager> managers;
  std::vector<Customer> customers;
  std::vector<Case> cases;
  std::vector<Promise> promises;
  std::vector<Exception> exceptions;
  std::vector<Touchpoint> touchpoints;
  std::vector<Scheduled> scheduled;
  std::vector<SuggestionDecision> decisions;  // exported as "suggestion_decisions"
  bool operator==(const Book&) const = default;
};

inline bool is_system_sender(const std::string& sender) { return sender.rfind("system:", 0) == 0; }

}  // namespace cockpit
