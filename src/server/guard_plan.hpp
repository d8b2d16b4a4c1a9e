#pragma once
// The guard on the server, the pure part: from one customer's records and the engine's
// verdicts (engine/guard.hpp, the same rules the devices run) to each scheduled
// message's standing, and from the standings kept before to what changes and which
// events go to webhooks. guard_apply.cpp reads the records and applies this inside the
// transaction that changed them; tests/server/guard_plan_test.cpp tests it by table.
//
// Standings, per scheduled message:
//   status released                  → released   (answer "send")
//   status cancelled                 → cancelled  (answer "cancel")
//   status pending, engine holds it  → held, with the engine's reasons (answer "hold")
//   status pending, engine lets it go→ may_go     (answer "send")
// Events, on a change of standing (the verdict feed logs every change, these go to
// webhooks too):
//   → held                 message.held       (also when a new message arrives held)
//   → released             message.released
//   → cancelled            message.cancelled
//   held → may_go          message.cleared    (the reason went away: it may go now)
//   a new message that may go, or a change of reasons within held: the feed only.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.hpp"
#include "engine/guard.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

// The answer a sender gets for a standing.
enum class SendVerdict { send, hold, cancel };
std::string_view to_string(SendVerdict v);
SendVerdict verdict_for(GuardState s);

// Each scheduled message's standing (decided_by/decided_at left for the caller to fill,
// from who changed the status). `verdicts`: guard_customer() of the same records.
std::vector<VerdictRow> plan_standings(const std::vector<const Scheduled*>& scheduled,
                                       const std::vector<Verdict>& verdicts);

struct GuardEvent {
  std::string type;  // message.held, message.released, message.cancelled, message.cleared
  std::string scheduled;
};

struct GuardChanges {
  std::vector<VerdictRow> put;     // new standings (to store and log in the feed)
  std::vector<std::string> drop;   // messages whose record is gone
  std::vector<GuardEvent> events;  // in the order of `put`
};

// What changed between the standings kept (`before`, any order) and the new ones.
GuardChanges plan_guard_changes(const std::vector<VerdictRow>& before, const std::vector<VerdictRow>& after);

// The event names a webhook may subscribe to.
const std::vector<std::string>& guard_event_types();

}  // namespace cockpit::server
