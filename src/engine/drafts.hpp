#pragma once
// Drafts: the subject and body behind a suggestion, from the templates, with every
// placeholder filled from the records (see templates.hpp for the placeholders and
// which kinds provide them). Signed by the customer's owner, never by a system.
#include <optional>
#include <string>
#include <vector>

#include "engine/facts.hpp"
#include "engine/guard.hpp"
#include "engine/index.hpp"
#include "engine/templates.hpp"

namespace cockpit {

// Everything a draft about one customer may draw on.
struct DraftContext {
  const CustomerRecords& records;
  const Manager* signer;  // the owner (else the viewer); nullptr: "Your account manager"
  std::optional<Time> last_out;
  Time now;
  const Templates& templates;
  // The customer's and signer's placeholders, filled on first use and shared by every
  // draft about this customer (drafting is most of compute_lists' time).
  mutable std::optional<Values> common;
};

struct Draft {
  std::string subject, body;
};

Draft draft_promise(const DraftContext& cx, const PromiseFacts& f);  // overdue or due soon by f
Draft draft_exception(const DraftContext& cx, const Exception& x);
Draft draft_followup(const DraftContext& cx, const Case& c);
Draft draft_closing(const DraftContext& cx, std::optional<Time> since);
Draft draft_held(const DraftContext& cx, const Scheduled& s, const Verdict& v);

// The reason phrase for a hold, in the customer's terms
// ("it asks for a review before your order has arrived").
std::string hold_reason_text(const CustomerRecords& r, const Scheduled& s, HoldReason reason);
// The hold reason that shapes the replacement (the variant): former_customer,
// before_fulfilment, open_exception, duplicate, frequency_cap, in that precedence.
HoldReason main_reason(const Verdict& v);

}  // namespace cockpit
