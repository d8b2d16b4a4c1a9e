#include "engine/timeline.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "engine/index.hpp"

namespace cockpit {

std::vector<TimelineEntry> timeline(const Book& slice, const std::string& customer_id, Time now,
                                    const Settings& settings) {
  std::vector<TimelineEntry> out;
  const CustomerRecords r = index_customer(slice, customer_id, now);
  if (!r.customer) return out;
  const std::vector<Verdict> verdicts = guard_customer(r, settings);

  for (const Touchpoint* t : r.touchpoints) {  // oldest first, all dated <= now
    TimelineEntry e;
    e.source = TimelineEntry::Source::touchpoint;
    e.id = t->id;
    e.case_id = t->case_id;
    e.at = t->at;
    e.channel = t->channel;
    e.direction = t->direction;
    e.sender = t->sender;
    e.kind = t->kind;
    e.subject = t->subject;
    e.body = t->body;
    e.automated = is_system_sender(t->sender);
    out.push_back(std::move(e));
  }
  for (const Scheduled* s : r.scheduled) {  // guard order
    TimelineEntry e;
    e.source = TimelineEntry::Source::scheduled;
    e.id = s->id;
    e.case_id = s->case_id;
    e.at = s->scheduled_at;
    e.channel = s->channel;
    e.direction = Direction::out;
    e.sender = s->sender;
    e.kind = s->kind;
    e.subject = s->subject;
    e.automated = true;
    e.status = s->status;
    for (const Verdict& v : verdicts)
      if (v.scheduled == s->id) e.verdict = v;
    out.push_back(std::move(e));
  }
  // Oldest first to mark repeats: touchpoints before scheduled at equal times, since
  // what has been sent precedes what is about to be.
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.source != b.source) return a.source == TimelineEntry::Source::touchpoint;
    return a.id < b.id;
  });
  std::map<std::pair<TouchKind, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].automated && out[i].status != ScheduledStatus::cancelled)
      groups[{out[i].kind, out[i].subject}].push_back(i);
  for (const auto& [key, members] : groups)
    for (std::size_t n = 0; n < members.size(); ++n) {
      out[members[n]].repeat = n > 0;
      out[members[n]].repeats = static_cast<int>(members.size());
    }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace cockpit
