#pragma once
// One signed-in person's working state: their slice of the store, the engine's lists
// over it, and the one place where actions are applied (style.md §4).
//
// apply() = plan (pure) → one store transaction (record writes, each logged to the
// change log by the store, plus an audit row) → patch the in-memory slice → recompute
// the lists. If the transaction fails nothing changed, in the store or in memory.
// After a commit the `after_commit` hook runs (the browser flushes IndexedDB there).
#include <functional>
#include <optional>
#include <string>

#include "app/actions.hpp"
#include "app/plan_action.hpp"
#include "domain/record_write.hpp"
#include "engine/lists.hpp"
#include "engine/settings.hpp"
#include "engine/templates.hpp"
#include "store/store.hpp"

namespace cockpit {

struct Outcome {
  bool ok = false;
  std::string message;  // what was done ("sent …"), or why not
};

class Session {
 public:
  Session(Store& store, Actor actor, Settings settings, Templates templates);

  // (Re)loads the slice from the store and computes the lists as of `now`.
  Status load(Time now);
  // Recomputes the lists as of `now` without touching the store (the clock moved).
  void refresh(Time now);

  Outcome apply(const Action& action, Time now);

  // Follows what sync wrote into the store (another device's change, the server's
  // answer): patches the slice, or reloads it when a lot changed, then the lists.
  void follow(const RemoteApplied& applied, Time now);

  const Actor& actor() const { return actor_; }
  const Book& slice() const { return slice_; }
  const Lists& lists() const { return lists_; }
  const Settings& settings() const { return settings_; }
  const Templates& templates() const { return templates_; }
  bool can_undo() const { return undo_.has_value(); }
  const std::string& undo_label() const { return undo_ ? undo_->label : empty_; }

  void set_after_commit(std::function<void()> hook) { after_commit_ = std::move(hook); }

 private:
  // What undo needs of the last action: writes that put things back as they were.
  struct UndoEntry {
    RecordWrites inverse;
    std::string label;
  };

  Outcome commit(const RecordWrites& writes, std::string_view action, const std::string& summary, Time now);
  // The lists after `writes` (already in the slice): only their customers' part again.
  void refresh_after(const RecordWrites& writes, Time now);
  Outcome undo(Time now);

  Store& store_;
  Actor actor_;
  Settings settings_;
  Templates templates_;
  Book slice_;
  Lists lists_;
  std::optional<UndoEntry> undo_;
  std::function<void()> after_commit_;
  std::string empty_;
};

// Applies writes to an in-memory book (upsert by id, erase): the slice after a commit.
void patch_book(Book& book, const RecordWrites& writes);

// A fresh random id with a readable prefix: "t-3f9c2a7b1e0d4c58".
std::string random_id(std::string_view prefix);

}  // namespace cockpit
