#include "engine/guard.hpp"

#include <array>

namespace cockpit {

namespace {

constexpr std::array<std::string_view, 5> kReasonNames = {"before_fulfilment", "former_customer", "duplicate",
                                                          "open_exception", "frequency_cap"};

bool once_per_case(TouchKind k) {
  return k == TouchKind::order_confirmation || k == TouchKind::welcome ||
         k == TouchKind::cancellation_confirmation || k == TouchKind::review_request;
}

bool not_for_former(TouchKind k) {
  return k == TouchKind::renewal_notice || k == TouchKind::marketing || k == TouchKind::welcome ||
         k == TouchKind::payment_request || k == TouchKind::legal_notice;
}

// Does `s` go before `m` in guard order?
bool earlier(const Scheduled& s, const Scheduled& m) {
  return s.scheduled_at != m.scheduled_at ? s.scheduled_at < m.scheduled_at : s.id < m.id;
}

// Same case as `m`; with no case on `m`, the customer stands in (everything matches).
bool same_group(const std::optional<std::string>& other, const Scheduled& m) {
  return !m.case_id || other == m.case_id;
}

bool is_duplicate(const CustomerRecords& r, const Scheduled& m, const Settings& st) {
  const bool once = once_per_case(m.kind);
  const Time from = m.scheduled_at - st.duplicate_window;
  auto matches = [&](TouchKind kind, const std::optional<std::string>& case_id, const std::string& subject,
                     Time at) {
    if (kind != m.kind || !same_group(case_id, m)) return false;
    if (once) return true;
    return subject == m.subject && at >= from && at <= m.scheduled_at;
  };
  for (const Touchpoint* t : r.touchpoints)
    if (t->direction == Direction::out && matches(t->kind, t->case_id, t->subject, t->at)) return true;
  for (const Scheduled* s : r.scheduled) {
    if (s == &m) continue;
    if (!earlier(*s, m)) break;  // r.scheduled is in guard order
    if (s->status != ScheduledStatus::cancelled && matches(s->kind, s->case_id, s->subject, s->scheduled_at))
      return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(HoldReason r) { return kReasonNames[static_cast<std::size_t>(r)]; }

std::optional<HoldReason> parse_HoldReason(std::string_view s) {
  for (std::size_t i = 0; i < kReasonNames.size(); ++i)
    if (kReasonNames[i] == s) return static_cast<HoldReason>(i);
  return std::nullopt;
}

std::vector<Verdict> guard_customer(const CustomerRecords& r, const Settings& st) {
  std::vector<Verdict> out;
  if (!r.customer) return out;
  const Customer& c = *r.customer;
  bool open_exception = false;
  for (const Exception* x : r.exceptions) open_exception |= x->status == ExceptionStatus::open;

  // Whether each of r.scheduled (same positions) ends up held: released ones are not
  // held, cancelled ones never go; pending ones as decided below, in order.
  std::vector<char> held(r.scheduled.size(), 0);
  for (std::size_t i = 0; i < r.scheduled.size(); ++i) {
    const Scheduled& m = *r.scheduled[i];
    if (m.status != ScheduledStatus::pending) continue;
    Verdict v{m.id, m.customer, m.scheduled_at, {}};
    if (m.kind == TouchKind::review_request)
      if (const Case* k = r.find_case(m.case_id); k && k->status != CaseStatus::fulfilled)
        v.reasons.push_back(HoldReason::before_fulfilment);
    if (c.stage == Stage::former && not_for_former(m.kind)) v.reasons.push_back(HoldReason::former_customer);
    if (is_duplicate(r, m, st)) v.reasons.push_back(HoldReason::duplicate);
    if (m.kind == TouchKind::marketing && open_exception) v.reasons.push_back(HoldReason::open_exception);

    const Time from = m.scheduled_at - st.frequency_window;
    int count = 1;  // itself
    for (const Touchpoint* t : r.touchpoints)
      if (t->direction == Direction::out && is_system_sender(t->sender) && t->at >= from && t->at <= m.scheduled_at)
        ++count;
    for (std::size_t j = 0; j < i; ++j) {  // every j < i goes earlier (guard order)
      const Scheduled& s = *r.scheduled[j];
      if (s.status != ScheduledStatus::cancelled && !held[j] && s.scheduled_at >= from) ++count;
    }
    if (count > st.frequency_cap) v.reasons.push_back(HoldReason::frequency_cap);

    held[i] = v.held();
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Verdict> guard_all(const Book& slice, Time now, const Settings& settings) {
  Viewer everyone;
  everyone.lead = true;
  std::vector<Verdict> out;
  for (const CustomerRecords& r : index_customers(slice, everyone, {}, now))
    for (Verdict& v : guard_customer(r, settings)) out.push_back(std::move(v));
  return out;
}

}  // namespace cockpit
