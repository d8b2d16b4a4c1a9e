#pragma once
// Suggestions: what the manager should say to whom, now, and why. One per fact the
// contract names ("Suggestion kinds" and "Exact readings" in src/domain/CONTRACT.md):
//
//   promise_overdue          per open promise with due_at < now              about: promise id
//   promise_due_soon         per open promise with now <= due_at <= now+48h
//                            whose case is not fulfilled                     about: promise id
//   exception_update         per open exception whose customer's latest
//                            outgoing touchpoint (<= now) is >= 72 h old,
//                            or who never had one                            about: exception id
//   fulfilment_followup      per fulfilled case with now-7d <= fulfilled_at
//                            <= now and no personal message (on that case or
//                            no case) dated in [fulfilled_at, now]           about: case id
//   closing_message          per former customer with no personal message
//                            at or after former_at (absent: at or after the
//                            latest outgoing cancellation_confirmation;
//                            neither: no personal message ever)              about: customer id
//   held_message_replacement per held pending scheduled message             about: scheduled id
//
// Priority (higher = more urgent), by tier then within the tier:
//   7e9  a promise that slipped without the customer being told (its latest history
//        entry not told): overdue ones + 1e8 + days_overdue*1000 + slips, due-soon ones
//        + hours already gone of the 48
//   6e9  promise_overdue + days_overdue*1000 + slips (days capped at 99,999)
//   5e9  held_message_replacement + number of reasons
//   4e9  exception_update + whole days since the last outgoing touchpoint
//        (999999 when nothing ever went out)
//   3e9  promise_due_soon + hours already gone of the 48 (sooner = higher)
//   2e9  fulfilment_followup + days since fulfilment (the window is closing)
//   1e9  closing_message + days since the customer became former
// Lists order suggestions by priority (descending), then customer id, about, kind.
//
// The key: "<kind>|<about>|<facts>", the facts being what the suggestion rests on, so
// a dismissal (SuggestionDecision.suggestion_key) lapses by itself when they change:
//   promise_overdue / promise_due_soon   due=<due_at>|slips=<n>
//   exception_update                     last_out=<time or never>
//   fulfilment_followup                  fulfilled=<fulfilled_at>
//   closing_message                      since=<former_at / cancellation time / none>
//   held_message_replacement             at=<scheduled_at>|reasons=<a+b>
// Times are written as format_time.
#include <cstdint>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "engine/suggestion_kind.hpp"

namespace cockpit {

struct Suggestion {
  SuggestionKind kind = SuggestionKind::promise_overdue;
  std::string customer;
  std::string about;           // the record it is about (see the table above)
  std::int64_t priority = 0;   // higher = more urgent
  std::string reason;          // plain language, citing the facts
  std::string subject, body;   // the draft, from the templates, signed by the owner
  Channel channel = Channel::email;  // the customer's preferred channel
  std::string key;             // stable: kind + about + facts
  bool operator==(const Suggestion&) const = default;
};

// Most urgent first: priority, then customer, about, kind.
bool more_urgent(const Suggestion& a, const Suggestion& b);

// Whether a decision hides this suggestion as of `now`: a decision whose
// suggestion_key equals the key and that is `dismissed`, or `snoozed` with now < until
// (a snooze without `until` hides like a dismissal).
bool hidden_by(const Suggestion& s, const std::vector<SuggestionDecision>& decisions, Time now);

}  // namespace cockpit
