#pragma once
// The engine's thresholds. The defaults are the contract's numbers
// (src/domain/CONTRACT.md, "Suggestion kinds", "Hold reasons", "Exact readings");
// change them only for experiments: a report made with other numbers is not the
// contract's report.
#include "domain/time.hpp"

namespace cockpit {

struct Settings {
  // promise_due_soon: an open promise with now <= due_at <= now + due_soon_window.
  Time due_soon_window = 48 * kHour;
  // exception_update: fires when the customer's latest outgoing touchpoint is at least
  // this old (or nothing ever went out).
  Time days_without_update = 72 * kHour;
  // fulfilment_followup: owed for a case fulfilled within this window before now.
  Time followup_window = 7 * kDay;
  // duplicate (kinds that are not once-per-case): same kind and subject within this
  // window before the message's scheduled_at.
  Time duplicate_window = 7 * kDay;
  // frequency_cap: at most `frequency_cap` automated messages to one customer within
  // `frequency_window` before a message's scheduled_at (the message itself included).
  int frequency_cap = 3;
  Time frequency_window = 24 * kHour;
};

}  // namespace cockpit
