#pragma once
// Turns an action into the record writes it means, checked against what the signed-in
// person sees right now. Pure: no store, no clock (now is given), no randomness (new ids
// come from the caller's IdSource), so every rule here is tested by tables.
//
// Who may do what: a manager acts only on their own customers; a lead on everyone's,
// and only a lead reassigns. The server checks the same again at apply time (sync).
#include <functional>
#include <string>

#include "app/actions.hpp"
#include "domain/record_write.hpp"
#include "domain/records.hpp"

namespace cockpit {

struct Actor {
  std::string manager_id;
  Role role = Role::manager;
};

using IdSource = std::function<std::string(std::string_view prefix)>;

struct ActionPlan {
  RecordWrites writes;
  std::string error;  // non-empty: the action is refused, nothing is written
  std::string summary;  // one line for the audit trail and the "done" toast
  bool ok() const { return error.empty(); }
};

// `slice` is what `actor` sees (the session's book). Undo is not planned here: the
// dispatcher inverts the stored before-images of the last action.
ActionPlan plan_action(const Book& slice, const Actor& actor, const Action& action, Time now, const IdSource& new_id);

// Writes that put back `before` (records as they were before an action) and erase what
// the action created (`created`: records that did not exist before).
RecordWrites invert_writes(const RecordWrites& before_images, const RecordWrites& created);

}  // namespace cockpit
