#include "milter/queue_plan.hpp"

#include <algorithm>

namespace cockpit::milter {

Want wanted(const HeldEntry& e) {
  bool all_send = true;
  for (const HeldRecord& r : e.records) {
    if (r.verdict == "cancel") return Want::remove;
    if (r.verdict != "send") all_send = false;
  }
  return all_send ? Want::release : Want::wait;
}

Step next_step(Want want, const QueueProbe& probe, std::string_view message_id, bool young) {
  if (want == Want::wait) return Step::wait;
  if (!probe.found) return young ? Step::wait : Step::gone;
  if (probe.message_id != message_id) return Step::gone;  // a reused queue id
  if (probe.queue == "incoming" || probe.queue == "maildrop") return Step::wait;  // still being filed
  if (want == Want::remove) return Step::run_delete;
  return probe.queue == "hold" ? Step::run_release : Step::done;  // elsewhere: already on its way
}

bool valid_queue_id(std::string_view id) {
  if (id.size() < 6 || id.size() > 32 || id == "ALL") return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

std::int64_t retry_after_ms(int attempts, std::int64_t base_ms) {
  std::int64_t wait = std::max<std::int64_t>(base_ms, 1);
  for (int i = 0; i < attempts && wait < 60000; ++i) wait *= 2;
  return std::min<std::int64_t>(wait, 60000);
}

}  // namespace cockpit::milter
