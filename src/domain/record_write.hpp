#pragma once
// One change to one record: the unit that actions produce, the store applies in a
// transaction (and logs to the outbox), undo inverts, sync ships and pulls bring back.
// Pure: no I/O.
#include <string>
#include <variant>
#include <vector>

#include "domain/fields.hpp"
#include "domain/records.hpp"

namespace cockpit {

struct RecordWrite {
  AnyRecord record;    // the new state; for an erase, the record as it was (its id and kind matter)
  bool erase = false;  // remove the record (only undo of a record an action created does this)
};

using RecordWrites = std::vector<RecordWrite>;

inline const std::string& record_id(const AnyRecord& r) {
  return std::visit([](const auto& v) -> const std::string& { return v.id; }, r);
}

// The customer a record belongs to: a customer's own id, the `customer` of the others,
// "" for a manager.
std::string customer_of(const AnyRecord& r);

}  // namespace cockpit
