#pragma once
// The facts the suggestions and lists rest on, derived once per customer: which
// promises are overdue or due soon and whether the customer was told, which
// exceptions are pending and how long the customer has waited for news.
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/index.hpp"
#include "engine/settings.hpp"

namespace cockpit {

struct PromiseFacts {
  const Promise* promise = nullptr;
  const Case* case_ = nullptr;  // its case among the customer's, if any
  bool overdue = false;         // open and due_at < now
  bool due_soon = false;        // open, now <= due_at <= now + window, case not fulfilled
  bool case_fulfilled = false;  // its case exists and is `fulfilled`
  std::int64_t days_overdue = 0;
  int slips = 0;                // history size
  // "Was the customer told?"
  // - It slipped (history not empty): whether the latest due-date change was told
  //   (history.back().customer_told).
  // - It never slipped: for an overdue promise, whether a personal message about it
  //   went at or after due_at (and not after now); "about it" = on its case or with no
  //   case (any personal message when the promise has no case). A promise that is not
  //   overdue and never slipped has nothing untold: true.
  bool customer_told = true;
  // Slipped, and the latest change was not told: the most urgent state of all.
  bool untold_slip = false;
};

// The facts for the customer's open promises that are overdue or due soon, in the
// customer's promise order.
std::vector<PromiseFacts> promise_facts(const CustomerRecords& r, Time now, const Settings& st);

// When the customer last heard from us: the latest outgoing touchpoint (any sender,
// any case) dated <= now, or nullopt if nothing ever went out.
std::optional<Time> last_outgoing(const CustomerRecords& r);

}  // namespace cockpit
