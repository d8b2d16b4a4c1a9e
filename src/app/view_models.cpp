#include "app/view_models.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "domain/enums.hpp"

namespace cockpit::vm {
namespace {

template <typename T>
const T* find_id(const std::vector<T>& list, std::string_view id) {
  for (const T& x : list)
    if (x.id == id) return &x;
  return nullptr;
}

std::string clip(std::string s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

std::string case_title(const Book& slice, const std::optional<std::string>& case_id) {
  if (!case_id) return {};
  const Case* k = find_id(slice.cases, *case_id);
  return k ? k->title : *case_id;
}

const CustomerRow* row_for(const Lists& lists, std::string_view customer_id) {
  for (const CustomerRow& r : lists.customers)
    if (r.id == customer_id) return &r;
  return nullptr;
}

// For card items over large lists: names by id, built once per model.
struct NameLookup {
  std::unordered_map<std::string_view, const Customer*> by_id;
  explicit NameLookup(const Book& slice) {
    by_id.reserve(slice.customers.size());
    for (const Customer& c : slice.customers) by_id.emplace(c.id, &c);
  }
  std::string name(const std::string& id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? id : it->second->name;
  }
};

Tone suggestion_tone(SuggestionKind k) {
  switch (k) {
    case SuggestionKind::promise_overdue: return Tone::overdue;
    case SuggestionKind::promise_due_soon:
    case SuggestionKind::exception_update:
    case SuggestionKind::held_message_replacement: return Tone::at_risk;
    default: return Tone::info;
  }
}

TouchKind touch_kind_for(SuggestionKind k) {
  switch (k) {
    case SuggestionKind::promise_overdue: return TouchKind::apology;
    case SuggestionKind::fulfilment_followup: return TouchKind::question;
    case SuggestionKind::closing_message:
    case SuggestionKind::held_message_replacement: return TouchKind::other;
    default: return TouchKind::status_update;
  }
}

std::string due_status(const Promise& p, Time now, Time due_soon_window) {
  if (p.status == PromiseStatus::kept) return p.kept_at ? "kept " + relative_label(*p.kept_at, now) : "kept";
  if (p.status == PromiseStatus::cancelled) return "cancelled";
  if (p.due_at < now) return days_text(whole_days(p.due_at, now)) + " overdue";
  if (p.due_at <= now + due_soon_window) return "due " + relative_label(p.due_at, now);
  return "open";
}

}  // namespace

std::string manager_name(const Book& slice, std::string_view id) {
  const Manager* m = find_id(slice.managers, id);
  return m ? m->name : std::string(id);
}

// ============================================================ Today

void SearchIndex::build(const Book& slice) {
  entries_.assign(slice.customers.size(), {});
  by_id_.clear();
  by_id_.reserve(slice.customers.size());
  for (std::size_t i = 0; i < slice.customers.size(); ++i) {
    const Customer& c = slice.customers[i];
    by_id_.emplace_back(c.id, static_cast<int>(i));
    entries_[i].folded = folded(c.name) + '\n' + folded(c.id);
  }
  std::sort(by_id_.begin(), by_id_.end());
  auto add = [&](const std::string& customer, int index, std::vector<int> Entry::*list, const std::string& a,
                 const std::string& b) {
    const int ci = this->customer(customer);
    if (ci < 0) return;
    Entry& e = entries_[static_cast<std::size_t>(ci)];
    (e.*list).push_back(index);
    e.folded += '\n';
    e.folded += folded(a);
    e.folded += '\n';
    e.folded += folded(b);
  };
  for (std::size_t i = 0; i < slice.cases.size(); ++i)
    add(slice.cases[i].customer, static_cast<int>(i), &Entry::cases, slice.cases[i].id, slice.cases[i].title);
  for (std::size_t i = 0; i < slice.promises.size(); ++i)
    add(slice.promises[i].customer, static_cast<int>(i), &Entry::promises, slice.promises[i].id, slice.promises[i].text);
}

int SearchIndex::customer(std::string_view id) const {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), id,
                             [](const std::pair<std::string, int>& e, std::string_view v) { return e.first < v; });
  return it != by_id_.end() && it->first == id ? it->second : -1;
}

bool SearchIndex::matches(std::string_view customer_id, std::string_view needle) const {
  if (needle.empty()) return true;
  const int i = customer(customer_id);
  return i >= 0 && contains_folded(entries_[static_cast<std::size_t>(i)].folded, needle);
}

std::string SearchIndex::match_hint(const Book& slice, std::string_view customer_id, std::string_view needle) const {
  if (needle.empty()) return {};
  const int i = customer(customer_id);
  if (i < 0) return {};
  const Customer& c = slice.customers[static_cast<std::size_t>(i)];
  if (contains_folded(c.name, needle) || contains_folded(c.id, needle)) return {};
  const Entry& e = entries_[static_cast<std::size_t>(i)];
  for (int k : e.cases) {
    const Case& x = slice.cases[static_cast<std::size_t>(k)];
    if (contains_folded(x.id, needle) || contains_folded(x.title, needle)) return "case " + x.id + ": " + x.title;
  }
  for (int k : e.promises) {
    const Promise& x = slice.promises[static_cast<std::size_t>(k)];
    if (contains_folded(x.id, needle) || contains_folded(x.text, needle)) return "promise " + x.id + ": " + x.text;
  }
  return {};
}

// What a customer's line shows (customer_row), hashed: TodayModel::row_words.
static std::uint64_t row_words(const Book& slice, const CustomerRow& r) {
  auto mix = [](std::uint64_t h, std::uint64_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); };
  const std::hash<std::string_view> hash;
  const Manager* owner = find_id(slice.managers, r.owner);
  std::uint64_t h = mix(mix(mix(0, hash(r.id)), hash(r.name)), hash(r.worst_label));
  h = mix(mix(h, hash(r.owner)), hash(owner ? std::string_view(owner->name) : std::string_view()));
  return mix(mix(h, static_cast<std::uint64_t>(r.stage) | static_cast<std::uint64_t>(r.worst) << 8),
             static_cast<std::uint64_t>(r.suggestions));
}

TodayModel build_today(const Book& slice, const Lists& lists, const SearchIndex& index, const CustomerQuery& q,
                       Time now, int top) {
  TodayModel m;
  m.manager_name = manager_name(slice, lists.manager);
  const NameLookup names(slice);
  const std::size_t n_top = static_cast<std::size_t>(top > 0 ? top : 0);

  m.suggested.count = static_cast<int>(lists.suggestions.size());
  for (std::size_t i = 0; i < lists.suggestions.size() && i < n_top; ++i) {
    const Suggestion& s = lists.suggestions[i];
    m.suggested.top.push_back({s.customer, names.name(s.customer), std::string(suggestion_kind_label(s.kind)),
                               clip(s.reason, 140), std::string(channel_label(s.channel)) + ": " + s.subject,
                               suggestion_tone(s.kind), s.about, s.key});
  }
  m.overdue.count = static_cast<int>(lists.overdue_promises.size());
  m.due_soon = static_cast<int>(lists.due_soon_promises.size());
  m.due_soon_window = window_text(lists.due_soon_window);
  for (std::size_t i = 0; i < lists.overdue_promises.size() && i < n_top; ++i) {
    const PromiseRow& p = lists.overdue_promises[i];
    std::string detail = days_text(p.days_overdue) + " overdue";
    if (p.untold_slip) detail += " \xC2\xB7 new date not told";
    else if (p.slips > 0) detail += " \xC2\xB7 moved " + plural(p.slips, "time", "times");
    m.overdue.top.push_back({p.customer, names.name(p.customer), p.text, detail, "due " + when_label(p.due_at, now),
                             Tone::overdue, p.id, {}});
  }
  m.exceptions.count = static_cast<int>(lists.pending_exceptions.size());
  for (std::size_t i = 0; i < lists.pending_exceptions.size() && i < n_top; ++i) {
    const ExceptionRow& x = lists.pending_exceptions[i];
    std::string detail = "Waiting on " + x.waiting_on + " for " + days_text(x.age_days);
    m.exceptions.top.push_back({x.customer, names.name(x.customer), x.summary, detail,
                                "raised " + when_label(x.raised_at, now), Tone::at_risk, x.id, {}});
  }
  m.held.count = static_cast<int>(lists.held_messages.size());
  for (std::size_t i = 0; i < lists.held_messages.size() && i < n_top; ++i) {
    const HeldRow& h = lists.held_messages[i];
    m.held.top.push_back({h.customer, names.name(h.customer), h.subject, "Held: " + hold_reasons_label(h.reasons),
                          std::string(touch_kind_label(h.kind)) + " \xC2\xB7 would go " + relative_label(h.scheduled_at, now),
                          Tone::at_risk, h.scheduled, {}});
  }
  m.hidden_suggestions = lists.hidden_suggestions;
  m.total_customers = static_cast<int>(lists.customers.size());

  // Filter, then sort; lists.customers is already in urgency order (the engine's).
  m.rows.reserve(lists.customers.size());
  for (std::size_t i = 0; i < lists.customers.size(); ++i) {
    const CustomerRow& r = lists.customers[i];
    m.counts_by_severity[static_cast<int>(r.worst)]++;
    if (q.severity == SeverityFilter::overdue && r.worst != Severity::overdue) continue;
    if (q.severity == SeverityFilter::at_risk && r.worst != Severity::at_risk) continue;
    if (q.severity == SeverityFilter::fine && r.worst != Severity::fine) continue;
    if (q.stage && r.stage != *q.stage) continue;
    if (!q.search.empty() && !index.matches(r.id, q.search)) continue;
    m.rows.push_back(static_cast<int>(i));
  }
  auto by = [&](auto less) {
    std::stable_sort(m.rows.begin(), m.rows.end(), [&](int a, int b) {
      const CustomerRow& x = lists.customers[static_cast<std::size_t>(a)];
      const CustomerRow& y = lists.customers[static_cast<std::size_t>(b)];
      return less(x, y);
    });
  };
  switch (q.sort) {
    case SortKey::urgency:
    case SortKey::worst: break;  // the engine's order
    case SortKey::name:
      by([](const CustomerRow& x, const CustomerRow& y) { return x.name < y.name; });
      break;
    case SortKey::stage:
      by([](const CustomerRow& x, const CustomerRow& y) { return x.stage < y.stage; });
      break;
    case SortKey::owner:
      by([](const CustomerRow& x, const CustomerRow& y) { return x.owner < y.owner; });
      break;
    case SortKey::suggestions:
      by([](const CustomerRow& x, const CustomerRow& y) { return x.suggestions > y.suggestions; });
      break;
  }
  if (q.descending) std::reverse(m.rows.begin(), m.rows.end());
  m.row_words.reserve(m.rows.size());
  for (int i : m.rows) m.row_words.push_back(row_words(slice, lists.customers[static_cast<std::size_t>(i)]));
  return m;
}

CustomerListRow customer_row(const Book& slice, const Lists& lists, const SearchIndex& index, int list_index,
                             std::string_view search) {
  const CustomerRow& r = lists.customers[static_cast<std::size_t>(list_index)];
  CustomerListRow row;
  row.id = r.id;
  row.name = r.name;
  row.stage_value = r.stage;
  row.stage = std::string(stage_label(r.stage));
  row.owner = manager_name(slice, r.owner);
  row.worst = r.worst_label;
  row.tone = tone_of(r.worst);
  if (r.suggestions > 0) row.suggestions = plural(r.suggestions, "suggestion", "suggestions");
  row.match = index.match_hint(slice, r.id, search);
  return row;
}

// ============================================================ Customer

// Whether the sender learns the verdict: it asked the guard (when, how) or never did.
static std::string asked_label(const Scheduled& s, const Verdict* v, Time now) {
  if (!s.asked_at) {
    if (s.status != ScheduledStatus::pending) return "Never asked the guard";
    return v && v->held() ? "Never asked: the hold does not stop it" : "Never asked the guard";
  }
  std::string who = s.asked_by.value_or("its sender");
  if (s.asked_via == "relay") who = "the mail relay (" + who + ")";
  std::string out = who + " asked " + relative_label(*s.asked_at, now) + ", " + clock_label(*s.asked_at);
  if (s.status == ScheduledStatus::pending && v && v->held()) out += " \xE2\x80\x94 held there";
  return out;
}

// The customer screen, one section at a time (each fills its part of `m`).
namespace {

void add_header(CustomerModel& m, const Book& slice, const Lists& lists, const Customer* c, Time now) {
  m.found = true;
  m.id = c->id;
  m.name = c->name;
  m.stage_value = c->stage;
  m.stage = std::string(stage_label(c->stage));
  if (c->stage == Stage::former && c->former_at) m.stage += " since " + day_label(*c->former_at, now);
  m.owner_id = c->owner;
  m.owner = manager_name(slice, c->owner);
  m.email = c->email;
  m.phone = c->phone;
  m.preferred = "prefers " + folded(channel_label(c->preferred_channel));
  if (c->preferred_channel == Channel::sms) m.preferred = "prefers SMS";
  m.since = "customer since " + day_label(c->since, now);
  if (const CustomerRow* r = row_for(lists, c->id)) {
    m.worst = r->worst_label;
    m.tone = tone_of(r->worst);
  }

}

void add_cases(CustomerModel& m, const Book& slice, const Customer* c, Time now) {
  for (const Case& k : slice.cases) {
    if (k.customer != c->id) continue;
    std::string status = k.status == CaseStatus::open        ? "open"
                         : k.status == CaseStatus::fulfilled ? "fulfilled" + (k.fulfilled_at ? " " + relative_label(*k.fulfilled_at, now) : std::string())
                                                             : "cancelled";
    m.cases.emplace_back(k.id, humanize(to_string(k.kind)) + " \xC2\xB7 " + k.title + " \xC2\xB7 " + status);
  }

}

void add_suggestions(CustomerModel& m, const Book& slice, const Lists& lists, const Customer* c) {
  // Suggestions, in the lists' order (most urgent first).
  for (const Suggestion& s : lists.suggestions) {
    if (s.customer != c->id) continue;
    SuggestionView v;
    v.key = s.key;
    v.about = s.about;
    v.customer = s.customer;
    v.kind = s.kind;
    v.kind_label = std::string(suggestion_kind_label(s.kind));
    v.reason = s.reason;
    v.subject = s.subject;
    v.body = s.body;
    v.channel = s.channel;
    v.channel_label = std::string(channel_label(s.channel));
    v.touch_kind = touch_kind_for(s.kind);
    v.tone = suggestion_tone(s.kind);
    v.can_snooze = s.kind != SuggestionKind::promise_overdue;
    if (const Promise* p = find_id(slice.promises, s.about)) v.case_id = p->case_id;
    else if (const Exception* x = find_id(slice.exceptions, s.about)) v.case_id = x->case_id;
    else if (const Scheduled* h = find_id(slice.scheduled, s.about)) v.case_id = h->case_id;
    else if (find_id(slice.cases, s.about)) v.case_id = s.about;
    m.suggestions.push_back(std::move(v));
  }

}

void add_promises(CustomerModel& m, const Book& slice, const Customer* c, Time now, const Settings& settings) {
  // Promises: open ones by due date (overdue first, naturally), then the rest newest first.
  std::vector<const Promise*> ps;
  for (const Promise& p : slice.promises)
    if (p.customer == c->id) ps.push_back(&p);
  std::stable_sort(ps.begin(), ps.end(), [](const Promise* a, const Promise* b) {
    const bool ao = a->status == PromiseStatus::open, bo = b->status == PromiseStatus::open;
    if (ao != bo) return ao;
    return ao ? a->due_at < b->due_at : a->due_at > b->due_at;
  });
  for (const Promise* p : ps) {
    PromiseView v;
    v.id = p->id;
    v.text = p->text;
    v.kind_label = std::string(promise_kind_label(p->kind));
    v.case_title = case_title(slice, p->case_id);
    v.due_at = p->due_at;
    v.due = "due " + when_label(p->due_at, now);
    v.open = p->status == PromiseStatus::open;
    v.overdue = v.open && p->due_at < now;
    v.status = due_status(*p, now, settings.due_soon_window);
    v.tone = !v.open ? Tone::muted : v.overdue ? Tone::overdue : p->due_at <= now + settings.due_soon_window ? Tone::at_risk : Tone::fine;
    for (const DueChange& h : p->history) {
      v.slips.push_back({"was due " + day_label(h.due_at, now) + " \xC2\xB7 moved " + relative_label(h.changed_at, now) +
                             (h.customer_told ? " \xC2\xB7 customer told" : " \xC2\xB7 customer NOT told"),
                         h.customer_told});
    }
    v.untold_slip = v.open && !p->history.empty() && !p->history.back().customer_told;
    if (v.untold_slip && v.tone == Tone::fine) v.tone = Tone::at_risk;
    m.promises.push_back(std::move(v));
  }

}

void add_exceptions(CustomerModel& m, const Book& slice, const Customer* c, Time now) {
  std::vector<const Exception*> xs;
  for (const Exception& x : slice.exceptions)
    if (x.customer == c->id) xs.push_back(&x);
  std::stable_sort(xs.begin(), xs.end(), [](const Exception* a, const Exception* b) {
    const bool ao = a->status == ExceptionStatus::open, bo = b->status == ExceptionStatus::open;
    if (ao != bo) return ao;
    return a->raised_at < b->raised_at;
  });
  for (const Exception* x : xs) {
    ExceptionView v;
    v.id = x->id;
    v.summary = x->summary;
    v.kind_label = humanize(x->kind);
    v.waiting_on = x->waiting_on;
    v.case_title = case_title(slice, x->case_id);
    v.raised = "raised " + when_label(x->raised_at, now);
    v.open = x->status == ExceptionStatus::open;
    if (v.open) {
      v.age = "waiting " + days_text(whole_days(x->raised_at, now)) + " on " + x->waiting_on;
    } else {
      v.age = "resolved" + (x->resolved_at ? " " + relative_label(*x->resolved_at, now) : std::string());
      v.tone = Tone::muted;
    }
    m.exceptions.push_back(std::move(v));
  }

}

void add_timeline(CustomerModel& m, const Book& slice, const Customer* c, Time now, const Settings& settings) {
  // Timeline, with identical automated messages grouped as noise.
  const std::vector<TimelineEntry> tl = timeline(slice, std::string(c->id), now, settings);
  // Sent automated messages with the same kind and subject: how many, and whether the
  // newest was already listed (it heads its group when noise is folded).
  std::unordered_map<std::string, std::pair<int, bool>> groups;
  auto group_of = [](const TimelineEntry& e) { return std::string(to_string(e.kind)) + "|" + e.subject; };
  for (const TimelineEntry& e : tl)
    if (e.automated && e.source == TimelineEntry::Source::touchpoint) groups[group_of(e)].first++;
  for (const TimelineEntry& e : tl) {
    TimelineView v;
    v.id = e.id;
    v.when = relative_label(e.at, now) + " \xC2\xB7 " + day_time_label(e.at, now);
    v.channel = std::string(channel_label(e.channel));
    v.kind = std::string(touch_kind_label(e.kind));
    v.subject = e.subject;
    v.body = e.body;
    v.automated = e.automated;
    v.incoming = e.direction == Direction::in;
    v.scheduled = e.source == TimelineEntry::Source::scheduled;
    v.repeats = e.repeats;
    if (e.sender == "customer") v.who = "Customer";
    else if (is_system_sender(e.sender)) v.who = "Automated \xC2\xB7 " + e.sender.substr(7);
    else v.who = manager_name(slice, e.sender);
    v.tone = v.incoming ? Tone::info : v.automated ? Tone::muted : Tone::fine;
    // Sent automated messages that repeat fold into their newest one; a scheduled one
    // stays visible on its own (it carries the guard's verdict).
    if (e.automated && e.repeats > 1 && e.source == TimelineEntry::Source::touchpoint &&
        groups[group_of(e)].first > 1) {
      auto& g = groups[group_of(e)];
      v.group_head = !g.second;
      if (g.second) ++m.noise;
      g.second = true;
      v.noise = true;
      v.repeats = g.first;
      v.badge = "Noise \xC2\xB7 " + std::to_string(g.first) + " identical messages";
    }
    if (v.scheduled) {
      if (e.status == ScheduledStatus::released) v.badge = "Scheduled \xC2\xB7 released";
      else if (e.status == ScheduledStatus::cancelled) v.badge = "Scheduled \xC2\xB7 cancelled", v.tone = Tone::muted;
      else if (e.verdict && e.verdict->held()) v.badge = "Scheduled \xC2\xB7 held: " + hold_reasons_label(e.verdict->reasons), v.tone = Tone::at_risk;
      else v.badge = "Scheduled \xC2\xB7 will go";
    }
    m.timeline.push_back(std::move(v));
  }

}

void add_scheduled(CustomerModel& m, const Book& slice, const Lists& lists, const Customer* c, Time now) {
  // Scheduled messages with their verdicts: pending held first, pending allowed, decided.
  std::vector<const Scheduled*> ss;
  for (const Scheduled& s : slice.scheduled)
    if (s.customer == c->id) ss.push_back(&s);
  auto verdict_of = [&](const Scheduled& s) -> const Verdict* {
    for (const Verdict& v : lists.verdicts)
      if (v.scheduled == s.id) return &v;
    return nullptr;
  };
  auto rank = [&](const Scheduled* s) {
    if (s->status != ScheduledStatus::pending) return 2;
    const Verdict* v = verdict_of(*s);
    return v && v->held() ? 0 : 1;
  };
  std::stable_sort(ss.begin(), ss.end(), [&](const Scheduled* a, const Scheduled* b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a->scheduled_at < b->scheduled_at;
  });
  for (const Scheduled* s : ss) {
    ScheduledView v;
    v.id = s->id;
    v.subject = s->subject;
    v.kind_label = std::string(touch_kind_label(s->kind));
    v.sender = s->sender;
    v.when = (s->scheduled_at >= now ? "goes " : "was due ") + when_label(s->scheduled_at, now);
    v.case_title = case_title(slice, s->case_id);
    v.note = s->decision_note;
    v.pending = s->status == ScheduledStatus::pending;
    v.sender_asked = s->asked_at.has_value();
    v.asked = asked_label(*s, verdict_of(*s), now);
    if (s->status == ScheduledStatus::released) {
      v.verdict = "Released by a manager";
      v.tone = Tone::fine;
    } else if (s->status == ScheduledStatus::cancelled) {
      v.verdict = "Cancelled by a manager";
      v.tone = Tone::muted;
    } else if (const Verdict* vd = verdict_of(*s); vd && vd->held()) {
      v.held = true;
      v.verdict = "Held: " + hold_reasons_label(vd->reasons);
      v.tone = Tone::at_risk;
    } else {
      v.verdict = "Will go";
      v.tone = Tone::fine;
    }
    m.scheduled.push_back(std::move(v));
  }

}

// What the keyboard walks through: suggestions, then open promises and exceptions, then held messages.
void add_action_items(CustomerModel& m) {
  for (std::size_t i = 0; i < m.suggestions.size(); ++i) m.items.push_back({ActionItem::Kind::suggestion, static_cast<int>(i)});
  for (std::size_t i = 0; i < m.promises.size(); ++i)
    if (m.promises[i].open) m.items.push_back({ActionItem::Kind::promise, static_cast<int>(i)});
  for (std::size_t i = 0; i < m.exceptions.size(); ++i)
    if (m.exceptions[i].open) m.items.push_back({ActionItem::Kind::exception, static_cast<int>(i)});
  for (std::size_t i = 0; i < m.scheduled.size(); ++i)
    if (m.scheduled[i].held) m.items.push_back({ActionItem::Kind::held, static_cast<int>(i)});
}

}  // namespace

CustomerModel build_customer(const Book& slice, const Lists& lists, std::string_view customer_id, Time now,
                             const Settings& settings) {
  CustomerModel m;
  const Customer* c = find_id(slice.customers, customer_id);
  if (!c) return m;
  add_header(m, slice, lists, c, now);
  add_cases(m, slice, c, now);
  add_suggestions(m, slice, lists, c);
  add_promises(m, slice, c, now, settings);
  add_exceptions(m, slice, c, now);
  add_timeline(m, slice, c, now, settings);
  add_scheduled(m, slice, lists, c, now);
  add_action_items(m);
  return m;
}

// ============================================================ Lead

std::vector<SenderUse> build_unasking_senders(const Book& slice, const Lists& lists) {
  std::unordered_set<std::string_view> held;
  for (const Verdict& v : lists.verdicts)
    if (v.held()) held.insert(v.scheduled);
  std::map<std::string, SenderUse> by_sender;
  for (const Scheduled& s : slice.scheduled) {
    SenderUse& u = by_sender[s.sender];
    u.sender = s.sender;
    u.messages++;
    if (s.asked_at) u.asked++;
    else if (s.status == ScheduledStatus::pending && held.count(s.id)) u.held_unasked++;
  }
  std::vector<SenderUse> out;
  for (auto& [name, u] : by_sender) {
    if (u.asked) continue;
    u.line = plural(u.messages, "message", "messages") + ", none asked";
    if (u.held_unasked) u.line += " \xC2\xB7 " + plural(u.held_unasked, "held message", "held messages") + " will go anyway";
    u.tone = u.held_unasked ? Tone::at_risk : Tone::muted;
    out.push_back(std::move(u));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SenderUse& a, const SenderUse& b) { return a.held_unasked > b.held_unasked; });
  return out;
}

std::vector<ManagerLoad> build_lead(const Book& slice, const Lists& lists, Time now) {
  std::vector<ManagerLoad> out;
  std::unordered_map<std::string, std::size_t> at;
  for (const Manager& m : slice.managers) {
    at[m.id] = out.size();
    ManagerLoad l;
    l.id = m.id;
    l.name = m.name;
    l.role = m.role == Role::lead ? "Team lead" : "Customer manager";
    out.push_back(std::move(l));
  }
  std::unordered_map<std::string_view, std::size_t> owner_of;  // customer -> index in out
  owner_of.reserve(lists.customers.size());
  for (const CustomerRow& r : lists.customers) {
    auto it = at.find(r.owner);
    if (it == at.end()) continue;
    owner_of.emplace(r.id, it->second);
    ManagerLoad& l = out[it->second];
    l.customers++;
    l.overdue += r.overdue_promises;
    l.due_soon += r.due_soon_promises;
    l.held += r.held_messages;
    l.suggestions += r.suggestions;
  }
  for (const ExceptionRow& x : lists.pending_exceptions) {
    auto it = owner_of.find(x.customer);
    if (it == owner_of.end()) continue;
    ManagerLoad& l = out[it->second];
    l.exceptions++;
    l.oldest_days = std::max(l.oldest_days, whole_days(x.raised_at, now));
  }
  for (ManagerLoad& l : out) {
    l.oldest = l.exceptions ? "oldest waiting " + days_text(l.oldest_days) : "none waiting";
    l.tone = l.overdue ? Tone::overdue : (l.exceptions || l.due_soon || l.held) ? Tone::at_risk : Tone::fine;
  }
  std::stable_sort(out.begin(), out.end(), [](const ManagerLoad& a, const ManagerLoad& b) {
    if (a.overdue != b.overdue) return a.overdue > b.overdue;
    if (a.exceptions != b.exceptions) return a.exceptions > b.exceptions;
    if (a.customers != b.customers) return a.customers > b.customers;
    return a.name < b.name;
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> find_customers(const Book& slice, std::string_view search,
                                                                std::size_t limit) {
  std::vector<const Customer*> hits;
  for (const Customer& c : slice.customers)
    if (contains_folded(c.name, search) || contains_folded(c.id, search)) hits.push_back(&c);
  std::sort(hits.begin(), hits.end(), [](const Customer* a, const Customer* b) { return a->name < b->name; });
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i)
    out.emplace_back(hits[i]->id, hits[i]->name + "  (" + manager_name(slice, hits[i]->owner) + ")");
  return out;
}

// ============================================================ Keys

KeyIntent intent_for_key(const CustomerModel& m, int cursor, char key) {
  KeyIntent in;
  const ActionItem* item =
      cursor >= 0 && cursor < static_cast<int>(m.items.size()) ? &m.items[static_cast<std::size_t>(cursor)] : nullptr;
  auto of = [&](ActionItem::Kind k) { return item && item->kind == k ? item->index : -1; };
  // The record the cursor stands on, so a suggestion about it can be found.
  std::string about;
  if (item) {
    switch (item->kind) {
      case ActionItem::Kind::suggestion: about = m.suggestions[static_cast<std::size_t>(item->index)].about; break;
      case ActionItem::Kind::promise: about = m.promises[static_cast<std::size_t>(item->index)].id; break;
      case ActionItem::Kind::exception: about = m.exceptions[static_cast<std::size_t>(item->index)].id; break;
      case ActionItem::Kind::held: about = m.scheduled[static_cast<std::size_t>(item->index)].id; break;
    }
  }
  auto suggestion_here = [&]() -> int {
    if (int i = of(ActionItem::Kind::suggestion); i >= 0) return i;
    for (std::size_t i = 0; i < m.suggestions.size(); ++i)
      if (!about.empty() && m.suggestions[i].about == about) return static_cast<int>(i);
    return item ? -1 : (m.suggestions.empty() ? -1 : 0);
  };
  auto promise_here = [&]() -> int {
    if (int i = of(ActionItem::Kind::promise); i >= 0) return i;
    for (std::size_t i = 0; i < m.promises.size(); ++i)
      if (m.promises[i].open && (m.promises[i].id == about || (!item && about.empty()))) return static_cast<int>(i);
    return -1;
  };
  auto exception_here = [&]() -> int {
    if (int i = of(ActionItem::Kind::exception); i >= 0) return i;
    for (std::size_t i = 0; i < m.exceptions.size(); ++i)
      if (m.exceptions[i].open && (m.exceptions[i].id == about || (!item && about.empty()))) return static_cast<int>(i);
    return -1;
  };
  auto held_here = [&]() -> int {
    if (int i = of(ActionItem::Kind::held); i >= 0) return i;
    for (std::size_t i = 0; i < m.scheduled.size(); ++i)
      if (m.scheduled[i].held && (m.scheduled[i].id == about || (!item && about.empty()))) return static_cast<int>(i);
    return -1;
  };
  switch (key) {
    case 's':
      in.kind = KeyIntent::Kind::compose;
      in.suggestion = suggestion_here();  // -1: a blank message to the customer
      return in;
    case 'n':
    case 'k':
      in.promise = promise_here();
      if (in.promise < 0) return {KeyIntent::Kind::none, -1, -1, -1, -1, "no open promise here"};
      in.kind = key == 'n' ? KeyIntent::Kind::new_date : KeyIntent::Kind::kept;
      return in;
    case 'd':
    case 'z':
      in.suggestion = suggestion_here();
      if (in.suggestion < 0) return {KeyIntent::Kind::none, -1, -1, -1, -1, "no suggestion here"};
      if (key == 'z' && !m.suggestions[static_cast<std::size_t>(in.suggestion)].can_snooze)
        return {KeyIntent::Kind::none, -1, -1, -1, -1, "an overdue promise cannot be snoozed: give it a new date (n)"};
      in.kind = key == 'd' ? KeyIntent::Kind::dismiss : KeyIntent::Kind::snooze;
      return in;
    case 'r':
    case 'c':
      in.scheduled = held_here();
      if (in.scheduled < 0) return {KeyIntent::Kind::none, -1, -1, -1, -1, "no held message here"};
      in.kind = key == 'r' ? KeyIntent::Kind::release : KeyIntent::Kind::cancel_held;
      return in;
    case 'x':
    case 'w':
      in.exception = exception_here();
      if (in.exception < 0) return {KeyIntent::Kind::none, -1, -1, -1, -1, "no pending exception here"};
      in.kind = key == 'x' ? KeyIntent::Kind::resolve : KeyIntent::Kind::reroute;
      return in;
    case 'l': in.kind = KeyIntent::Kind::log_call; return in;
    default: return {KeyIntent::Kind::none, -1, -1, -1, -1, "no action on this key"};
  }
}

}  // namespace cockpit::vm
