#pragma once
// The records the guard decides a customer from, as a Book (guard_apply.cpp). The guard
// decides again after every write that touches a customer, and most writes from a source
// are for another customer each, so reading the stored texts must be cheap for a customer
// not read recently: each text is read in one pass by scan_record (domain/record_scan.hpp)
// instead of through the contract's document reader, which built a JSON tree of every
// text and checked what was already checked when it was written. (A cache of parsed
// texts, kept here before, cost more than it saved once reading became this cheap: with
// 10,000 customers it missed, and filling and dropping it churned the allocator.)
#include <vector>

#include "domain/records.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

// One customer's stored records as a Book, each kind in the order given. The fields are
// those the contract's reader gives; the lists inside a record (a customer's
// external_ids, a promise's history) are left empty, as no rule of the guard reads them.
// Throws when a stored record does not read back.
Book guard_book(const std::vector<StoredText>& records);

}  // namespace cockpit::server
