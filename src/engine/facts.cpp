#include "engine/facts.hpp"

namespace cockpit {

std::optional<Time> last_outgoing(const CustomerRecords& r) {
  if (const Touchpoint* t = r.latest_outgoing()) return t->at;
  return std::nullopt;
}

std::vector<PromiseFacts> promise_facts(const CustomerRecords& r, Time now, const Settings& st) {
  std::vector<PromiseFacts> out;
  for (const Promise* p : r.promises) {
    if (p->status != PromiseStatus::open) continue;
    PromiseFacts f;
    f.promise = p;
    f.case_ = r.find_case(p->case_id);
    f.case_fulfilled = f.case_ && f.case_->status == CaseStatus::fulfilled;
    f.overdue = p->due_at < now;
    // No case, a cancelled or unknown case: "case not fulfilled" (Precise meanings).
    f.due_soon = now <= p->due_at && p->due_at <= now + st.due_soon_window && !f.case_fulfilled;
    if (!f.overdue && !f.due_soon) continue;
    f.days_overdue = f.overdue ? whole_days(p->due_at, now) : 0;
    f.slips = static_cast<int>(p->history.size());
    if (f.slips > 0) {
      f.customer_told = p->history.back().customer_told;
      f.untold_slip = !f.customer_told;
    } else if (f.overdue) {
      f.customer_told = false;
      for (const Touchpoint* t : r.touchpoints)  // all dated <= now
        if (t->at >= p->due_at && is_personal(*t) && (!p->case_id || !t->case_id || t->case_id == p->case_id)) {
          f.customer_told = true;
          break;
        }
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace cockpit
