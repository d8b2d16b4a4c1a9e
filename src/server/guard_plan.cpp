#include "server/guard_plan.hpp"

#include <array>
#include <unordered_map>

#include "domain/enums.hpp"

namespace cockpit::server {

namespace {
constexpr std::array<std::string_view, 4> kStateNames = {"may_go", "held", "released", "cancelled"};
constexpr std::array<std::string_view, 3> kVerdictNames = {"send", "hold", "cancel"};
}  // namespace

std::string_view to_string(GuardState s) { return kStateNames[static_cast<std::size_t>(s)]; }

std::optional<GuardState> parse_GuardState(std::string_view s) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == s) return static_cast<GuardState>(i);
  return std::nullopt;
}

std::string_view to_string(SendVerdict v) { return kVerdictNames[static_cast<std::size_t>(v)]; }

SendVerdict verdict_for(GuardState s) {
  switch (s) {
    case GuardState::held: return SendVerdict::hold;
    case GuardState::cancelled: return SendVerdict::cancel;
    case GuardState::may_go:
    case GuardState::released: break;
  }
  return SendVerdict::send;
}

std::vector<VerdictRow> plan_standings(const std::vector<const Scheduled*>& scheduled,
                                       const std::vector<Verdict>& verdicts) {
  std::unordered_map<std::string_view, const Verdict*> by_id;
  for (const Verdict& v : verdicts) by_id.emplace(v.scheduled, &v);
  std::vector<VerdictRow> out;
  out.reserve(scheduled.size());
  for (const Scheduled* s : scheduled) {
    VerdictRow row;
    row.scheduled = s->id;
    row.customer = s->customer;
    row.kind = std::string(to_string(s->kind));
    row.sender = s->sender;
    switch (s->status) {
      case ScheduledStatus::released: row.state = GuardState::released; break;
      case ScheduledStatus::cancelled: row.state = GuardState::cancelled; break;
      case ScheduledStatus::pending: {
        auto it = by_id.find(s->id);
        if (it != by_id.end() && it->second->held()) {
          row.state = GuardState::held;
          for (HoldReason r : it->second->reasons) row.reasons.emplace_back(to_string(r));
        } else {
          row.state = GuardState::may_go;
        }
        break;
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

GuardChanges plan_guard_changes(const std::vector<VerdictRow>& before, const std::vector<VerdictRow>& after) {
  std::unordered_map<std::string_view, const VerdictRow*> old;
  for (const VerdictRow& v : before) old.emplace(v.scheduled, &v);
  GuardChanges out;
  for (const VerdictRow& v : after) {
    auto it = old.find(v.scheduled);
    const VerdictRow* was = it == old.end() ? nullptr : it->second;
    if (was) old.erase(it);
    if (was && was->same_standing(v)) continue;
    const bool state_changed = !was || was->state != v.state;
    if (state_changed) {
      if (v.state == GuardState::held) out.events.push_back({"message.held", v.scheduled});
      if (v.state == GuardState::released) out.events.push_back({"message.released", v.scheduled});
      if (v.state == GuardState::cancelled) out.events.push_back({"message.cancelled", v.scheduled});
      if (v.state == GuardState::may_go && was && was->state == GuardState::held)
        out.events.push_back({"message.cleared", v.scheduled});
    }
    out.put.push_back(v);
  }
  for (const auto& [id, row] : old) out.drop.push_back(row->scheduled);
  return out;
}

const std::vector<std::string>& guard_event_types() {
  static const std::vector<std::string> kTypes = {"message.held", "message.released", "message.cancelled",
                                                  "message.cleared"};
  return kTypes;
}

}  // namespace cockpit::server
