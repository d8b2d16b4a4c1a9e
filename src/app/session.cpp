#include "app/session.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

namespace cockpit {
namespace {

template <typename R>
std::vector<R>& list_of(Book& b) {
  return b.*RecordInfo<R>::book;
}

// The record as the slice holds it now, if it does.
std::optional<AnyRecord> current(Book& book, const AnyRecord& r) {
  return std::visit(
      [&](const auto& v) -> std::optional<AnyRecord> {
        using R = std::decay_t<decltype(v)>;
        auto& list = list_of<R>(book);
        auto it = std::find_if(list.begin(), list.end(), [&](const R& x) { return x.id == v.id; });
        if (it == list.end()) return std::nullopt;
        return AnyRecord{*it};
      },
      r);
}

}  // namespace

void patch_book(Book& book, const RecordWrites& writes) {
  for (const auto& w : writes) {
    std::visit(
        [&](const auto& v) {
          using R = std::decay_t<decltype(v)>;
          auto& list = list_of<R>(book);
          auto it = std::find_if(list.begin(), list.end(), [&](const R& x) { return x.id == v.id; });
          if (w.erase) {
            if (it != list.end()) list.erase(it);
          } else if (it != list.end()) {
            *it = v;
          } else {
            list.push_back(v);
          }
        },
        w.record);
  }
}

std::string random_id(std::string_view prefix) {
  // One generator per process, seeded from the OS: ids must not collide across devices.
  static std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = gen();
  std::string id(prefix);
  id += '-';
  for (int i = 0; i < 16; ++i, v >>= 4) id += kHex[v & 15];
  return id;
}

Session::Session(Store& store, Actor actor, Settings settings, Templates templates)
    : store_(store), actor_(std::move(actor)), settings_(settings), templates_(std::move(templates)) {}

Status Session::load(Time now) {
  auto slice = store_.load_slice(actor_.manager_id);
  if (!slice) return Error{slice.error()};
  slice_ = std::move(slice.value());
  refresh(now);
  return {};
}

void Session::refresh(Time now) { lists_ = compute_lists(slice_, actor_.manager_id, now, settings_, templates_); }

// After writes to a few customers' records, only their part of the lists is computed
// again (a tenth of the whole on a 500-customer share: what a change from another
// device costs before it shows). A manager record signs every draft: then all of it.
void Session::refresh_after(const RecordWrites& writes, Time now) {
  std::vector<std::string> customers;
  for (const auto& w : writes) {
    std::string c = customer_of(w.record);
    if (c.empty()) return refresh(now);
    customers.push_back(std::move(c));
  }
  std::sort(customers.begin(), customers.end());
  customers.erase(std::unique(customers.begin(), customers.end()), customers.end());
  // Each customer's part is found by a scan of the slice: for many, one pass is cheaper.
  constexpr std::size_t kFewCustomers = 16;
  if (customers.size() > kFewCustomers) return refresh(now);
  update_lists(lists_, slice_, customers, now, settings_, templates_);
}

Outcome Session::apply(const Action& action, Time now) {
  if (std::holds_alternative<Undo>(action)) return undo(now);
  ActionPlan plan = plan_action(slice_, actor_, action, now, random_id);
  if (!plan.ok()) return {false, plan.error};

  // Before-images for undo, taken from the slice before anything changes.
  RecordWrites before, created;
  const bool undoable = !std::holds_alternative<ImportRecords>(action);
  for (const auto& w : undoable ? plan.writes : RecordWrites{}) {
    if (auto old = current(slice_, w.record))
      before.push_back({*old});
    else
      created.push_back({w.record});
  }
  Outcome out = commit(plan.writes, action_name(action), plan.summary, now);
  // An import is not undone (it would delete customers, which sync refuses): the last
  // action before it is not undone either, Undo then having nothing to take back.
  if (out.ok && !undoable)
    undo_.reset();
  else if (out.ok)
    undo_ = UndoEntry{invert_writes(before, created), plan.summary};
  return out;
}

void Session::follow(const RemoteApplied& applied, Time now) {
  // Patching finds each record by a linear scan: past a few hundred, reading the slice
  // again (one range per table) is cheaper.
  constexpr std::size_t kPatchLimit = 256;
  if (applied.reload || applied.writes.size() > kPatchLimit) {
    if (load(now)) return;
  }
  if (applied.writes.empty()) return;
  patch_book(slice_, applied.writes);
  refresh_after(applied.writes, now);
}

Outcome Session::undo(Time now) {
  if (!undo_) return {false, "nothing to undo"};
  Outcome out = commit(undo_->inverse, "undo", "undid: " + undo_->label, now);
  if (out.ok) undo_.reset();
  return out;
}

Outcome Session::commit(const RecordWrites& writes, std::string_view action, const std::string& summary, Time now) {
  const Stamp who{actor_.manager_id, now};
  nlohmann::json detail = {{"summary", summary}, {"records", nlohmann::json::array()}};
  for (const auto& w : writes)
    detail["records"].push_back({{"kind", list_name(kind_of(w.record))}, {"id", record_id(w.record)}, {"op", w.erase ? "delete" : "upsert"}});

  Status s = store_.transaction([&]() -> Status {
    for (const auto& w : writes) {
      if (w.erase) {
        if (auto r = store_.remove(kind_of(w.record), record_id(w.record), who); !r) return Error{r.error()};
      } else {
        auto r = std::visit([&](const auto& v) { return store_.put(v, who); }, w.record);
        if (!r) return Error{r.error()};
      }
    }
    return store_.append_audit(who, action, detail.dump());
  });
  if (!s) return {false, "not saved: " + s.error()};

  // The hook first: it makes the commit durable (the browser) and sends it to the server
  // at once; recomputing this device's lists (milliseconds on a big book) can follow
  // while the change is on its way to the manager's other devices.
  if (after_commit_) after_commit_();
  // Patching finds each record by a linear scan: past a few hundred (an import), reading
  // the slice again is cheaper.
  constexpr std::size_t kPatchLimit = 256;
  if (writes.size() > kPatchLimit && load(now)) return {true, summary};
  patch_book(slice_, writes);
  refresh_after(writes, now);
  return {true, summary};
}

}  // namespace cockpit
