#pragma once
// Everything a manager or lead can do, as values (style.md §4). The UI and the CLI
// produce these; one dispatcher (app/dispatch.hpp) applies each in one store
// transaction, writes the change log (the sync outbox) and the audit trail, and keeps
// what undo needs. Nothing else in the app changes records.
#include <optional>
#include <string>
#include <variant>

#include "domain/records.hpp"

namespace cockpit {

// Send a suggested message (possibly edited). It becomes an outgoing touchpoint from
// the manager, and the suggestion goes away because its facts changed (a personal
// message now exists / the customer was told of the new date).
struct SendMessage {
  std::string customer;
  std::optional<std::string> case_id;
  std::string about;           // the record the suggestion was about (promise, exception, scheduled…), may be empty
  std::string suggestion_key;  // empty when not sent from a suggestion
  Channel channel = Channel::email;
  TouchKind kind = TouchKind::status_update;
  std::string subject, body;
};

// Give an open promise a new date. The old date goes to its history, not yet told;
// sending a message about the promise then marks it told.
struct NewDate {
  std::string promise;
  Time due_at = 0;
  std::string reason;
};

struct MarkKept {
  std::string promise;
};

struct DismissSuggestion {
  std::string suggestion_key, customer, reason;
};

// Snooze a suggestion until a time, never past the due date of an open promise it
// concerns (an overdue promise cannot be snoozed: give it a new date instead).
struct SnoozeSuggestion {
  std::string suggestion_key, customer, about;
  Time until = 0;
};

struct ResolveException {
  std::string exception, note;
};

struct RerouteException {
  std::string exception, waiting_on, note;
};

struct ReleaseHeld {
  std::string scheduled, note;
};

struct CancelHeld {
  std::string scheduled, note;
};

// Log a call, a meeting or a note: a touchpoint that happened outside Cockpit.
struct LogContact {
  std::string customer;
  std::optional<std::string> case_id;
  Channel channel = Channel::phone;
  Direction direction = Direction::out;
  TouchKind kind = TouchKind::other;
  std::string subject, body;
};

// A lead moves a customer to another manager.
struct ReassignCustomer {
  std::string customer, new_owner;
};

// A lead brings in the records of a spreadsheet (src/domain/CSV.md), already read and
// checked (the lead's upload: app/csv_upload.hpp). They are checked again against what
// the lead sees when applied, all or nothing. Not undone by Undo: customers are never
// deleted (sync refuses it); a corrected sheet imported again updates them.
struct ImportRecords {
  Book records;        // customers and promises
  std::string source;  // the file's name, for the audit trail
};

// Undo the signed-in person's last action (restores the records it changed).
struct Undo {};

using Action = std::variant<SendMessage, NewDate, MarkKept, DismissSuggestion, SnoozeSuggestion, ResolveException,
                            RerouteException, ReleaseHeld, CancelHeld, LogContact, ReassignCustomer, ImportRecords,
                            Undo>;

// A short name for the audit trail and logs ("send_message", "new_date", …).
std::string_view action_name(const Action& a);

}  // namespace cockpit
