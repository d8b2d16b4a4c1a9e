#pragma once
// The guard: for each pending scheduled message, may it go, or must it be held and why.
// Implements the contract's "Hold reasons" with the readings of "Precise meanings"
// (src/domain/CONTRACT.md, sections 5 and 6). Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.hpp"
#include "engine/index.hpp"
#include "engine/settings.hpp"

namespace cockpit {

// In the contract's spelling (to_string) and in this order in every verdict.
enum class HoldReason { before_fulfilment, former_customer, duplicate, open_exception, frequency_cap };
std::string_view to_string(HoldReason r);
std::optional<HoldReason> parse_HoldReason(std::string_view s);

struct Verdict {
  std::string scheduled;  // the scheduled message's id
  std::string customer;
  Time scheduled_at = 0;
  std::vector<HoldReason> reasons;  // empty: it may go. Every reason that applies, enum order.
  bool held() const { return !reasons.empty(); }
  bool operator==(const Verdict&) const = default;
};

// Verdicts for one customer's `pending` scheduled messages, in guard order
// (scheduled_at, then id). Released and cancelled messages get no verdict.
//
// The readings, rule by rule:
// - before_fulfilment: a review_request whose case is among the customer's cases and is
//   not `fulfilled` (an unknown case holds nothing: we cannot say).
// - former_customer: renewal_notice, marketing, welcome, payment_request, legal_notice
//   while the customer's stage is `former`.
// - duplicate: the "group" is the message's case; with no case, the whole customer
//   (every touchpoint or scheduled message to that customer, whatever its case).
//   Counted against it: outgoing touchpoints of the same kind in the group (dated <= now),
//   and other scheduled messages of the group that are not cancelled (pending or
//   released) and go earlier (scheduled_at, ties by the smaller id).
//   * once-per-case kinds (order_confirmation, welcome, cancellation_confirmation,
//     review_request): any such one, at any time, any subject.
//   * other kinds: the exactly equal subject, dated within
//     [scheduled_at - duplicate_window, scheduled_at].
// - open_exception: marketing while the customer has an `open` exception.
// - frequency_cap: count, within [scheduled_at - frequency_window, scheduled_at],
//   outgoing touchpoints from system:* senders (dated <= now), earlier scheduled
//   messages that are not held (released ones, and pending ones whose own verdict is
//   not held - hence the evaluation in guard order), and the message itself; held when
//   the count exceeds frequency_cap (the 4th or later).
std::vector<Verdict> guard_customer(const CustomerRecords& r, const Settings& settings);

// Verdicts for every pending scheduled message of every customer in `slice`, grouped
// by customer in slice order, each customer's in guard order.
std::vector<Verdict> guard_all(const Book& slice, Time now, const Settings& settings = {});

}  // namespace cockpit
