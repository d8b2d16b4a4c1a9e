#pragma once
// One customer's records gathered once per call, so every rule is a scan of a few
// short vectors instead of the whole book (the 10 ms budget, see lists.hpp).
// Pointers point into the Book passed in; the Book must outlive the index.
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.hpp"

namespace cockpit {

struct CustomerRecords {
  const Customer* customer = nullptr;
  std::vector<const Case*> cases;
  std::vector<const Promise*> promises;
  std::vector<const Exception*> exceptions;
  // Only touchpoints dated at or before `now` (later ones have not happened yet),
  // oldest first (ties by id).
  std::vector<const Touchpoint*> touchpoints;
  // Every scheduled message whatever its status, in guard order: scheduled_at, then id.
  std::vector<const Scheduled*> scheduled;

  // The case with this id among the customer's cases, or nullptr.
  const Case* find_case(const std::optional<std::string>& id) const;
  // The latest outgoing touchpoint (any sender, any case), or nullptr.
  const Touchpoint* latest_outgoing() const;
};

// Who `manager_id` is and which customers they see: a lead sees everyone, a manager
// (or an id not in slice.managers) only the customers they own.
struct Viewer {
  const Manager* manager = nullptr;  // nullptr when the id is not in slice.managers
  bool lead = false;
  bool sees(const Customer& c, std::string_view manager_id) const { return lead || c.owner == manager_id; }
};
Viewer find_viewer(const Book& slice, std::string_view manager_id);

// Indexes the customers `viewer` sees, in slice order. One pass over each list.
std::vector<CustomerRecords> index_customers(const Book& slice, const Viewer& viewer, std::string_view manager_id,
                                             Time now);

// Indexes a single customer (empty `customer` when the id is unknown).
CustomerRecords index_customer(const Book& slice, std::string_view customer_id, Time now);

// A personal message (contract: an outgoing touchpoint whose sender is a manager id).
// Read defensively: any outgoing sender that is neither "customer" nor "system:*"
// nor empty is a manager, because a slice may not carry every manager record (a
// former owner's message is still personal).
bool is_personal(const Touchpoint& t);

// The manager whose name signs drafts for this customer: the owner, else the viewer.
const Manager* signer(const Book& slice, const Customer& c, const Manager* viewer);

}  // namespace cockpit
