#include "app/plan_action.hpp"

#include <algorithm>

#include "app/csv_upload.hpp"
#include "domain/document.hpp"
#include "domain/enums.hpp"
#include "domain/overloaded.hpp"

namespace cockpit {
namespace {

template <typename R>
const R* find(const std::vector<R>& list, const std::string& id) {
  auto it = std::find_if(list.begin(), list.end(), [&](const R& r) { return r.id == id; });
  return it == list.end() ? nullptr : &*it;
}

ActionPlan refuse(std::string why) {
  ActionPlan p;
  p.error = std::move(why);
  return p;
}

ActionPlan done(RecordWrites writes, std::string summary) {
  ActionPlan p;
  p.writes = std::move(writes);
  p.summary = std::move(summary);
  return p;
}

bool trimmed_empty(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Everything about one request: the slice, who asks, when.
struct Planner {
  const Book& slice;
  const Actor& actor;
  Time now;
  const IdSource& new_id;

  // The customer, if the actor may act on it; otherwise the reason in `why`.
  const Customer* customer_for(const std::string& id, std::string& why) const {
    const Customer* c = find(slice.customers, id);
    if (!c) {
      why = "customer \"" + id + "\" is not one of yours (or does not exist)";
      return nullptr;
    }
    if (actor.role != Role::lead && c->owner != actor.manager_id) {
      why = "customer \"" + id + "\" belongs to " + c->owner + ", not to you";
      return nullptr;
    }
    return c;
  }

  template <typename R>
  const R* owned(const std::vector<R>& list, const std::string& id, std::string_view what, std::string& why) const {
    const R* r = find(list, id);
    if (!r) {
      why = std::string(what) + " \"" + id + "\" does not exist or is not one of yours";
      return nullptr;
    }
    return customer_for(r->customer, why) ? r : nullptr;
  }

  SuggestionDecision decision(const std::string& key, const std::string& customer, DecisionKind kind,
                              std::string reason) const {
    SuggestionDecision d;
    d.id = new_id("d");
    d.suggestion_key = key;
    d.customer = customer;
    d.kind = kind;
    d.at = now;
    d.reason = std::move(reason);
    d.by = actor.manager_id;
    return d;
  }

  ActionPlan operator()(const SendMessage& a) const {
    std::string why;
    const Customer* c = customer_for(a.customer, why);
    if (!c) return refuse(why);
    if (trimmed_empty(a.body)) return refuse("the message has no text: write what to say before sending");
    if (a.case_id && !find(slice.cases, *a.case_id)) return refuse("case \"" + *a.case_id + "\" does not exist");
    Touchpoint t;
    t.id = new_id("t");
    t.customer = a.customer;
    t.case_id = a.case_id;
    t.at = now;
    t.channel = a.channel;
    t.direction = Direction::out;
    t.sender = actor.manager_id;
    t.kind = a.kind;
    t.subject = a.subject;
    t.body = a.body;
    RecordWrites w{{t}};
    // A message about a promise whose date changed tells the customer of the new date.
    if (const Promise* p = find(slice.promises, a.about); p && !p->history.empty() && !p->history.back().customer_told) {
      Promise told = *p;
      told.history.back().customer_told = true;
      w.push_back({told});
    }
    // Sending answers the suggestion: record it, so it does not come back while its
    // facts (which the key encodes) stay the same.
    if (!a.suggestion_key.empty()) w.push_back({decision(a.suggestion_key, a.customer, DecisionKind::dismissed, "sent")});
    return done(std::move(w), "sent \"" + a.subject + "\" to " + c->name + " by " + std::string(to_string(a.channel)));
  }

  ActionPlan operator()(const NewDate& a) const {
    std::string why;
    const Promise* p = owned(slice.promises, a.promise, "promise", why);
    if (!p) return refuse(why);
    if (p->status != PromiseStatus::open) return refuse("promise \"" + a.promise + "\" is not open any more");
    if (a.due_at <= now) return refuse("the new date must be in the future");
    if (a.due_at == p->due_at) return refuse("the new date is the date already promised");
    if (trimmed_empty(a.reason)) return refuse("say why the date changes (the customer will ask)");
    Promise q = *p;
    q.history.push_back({p->due_at, now, false});
    q.due_at = a.due_at;
    return done({{q}}, "new date " + format_date(a.due_at) + " for \"" + p->text + "\": " + a.reason);
  }

  ActionPlan operator()(const MarkKept& a) const {
    std::string why;
    const Promise* p = owned(slice.promises, a.promise, "promise", why);
    if (!p) return refuse(why);
    if (p->status != PromiseStatus::open) return refuse("promise \"" + a.promise + "\" is not open any more");
    Promise q = *p;
    q.status = PromiseStatus::kept;
    q.kept_at = now;
    return done({{q}}, "kept: \"" + p->text + "\"");
  }

  ActionPlan operator()(const DismissSuggestion& a) const {
    std::string why;
    if (!customer_for(a.customer, why)) return refuse(why);
    if (a.suggestion_key.empty()) return refuse("no suggestion to dismiss");
    if (trimmed_empty(a.reason)) return refuse("say why you dismiss it (it helps the next person)");
    return done({{decision(a.suggestion_key, a.customer, DecisionKind::dismissed, a.reason)}}, "dismissed: " + a.reason);
  }

  ActionPlan operator()(const SnoozeSuggestion& a) const {
    std::string why;
    if (!customer_for(a.customer, why)) return refuse(why);
    if (a.until <= now) return refuse("snooze until a time in the future");
    Time until = a.until;
    if (const Promise* p = find(slice.promises, a.about); p && p->status == PromiseStatus::open) {
      if (p->due_at < now) return refuse("the promise is already overdue: give it a new date instead of snoozing");
      until = std::min(until, p->due_at);  // never past the date promised
    }
    SuggestionDecision d = decision(a.suggestion_key, a.customer, DecisionKind::snoozed, "");
    d.until = until;
    return done({{d}}, "snoozed until " + format_time(until));
  }

  ActionPlan operator()(const ResolveException& a) const {
    std::string why;
    const Exception* e = owned(slice.exceptions, a.exception, "exception", why);
    if (!e) return refuse(why);
    if (e->status != ExceptionStatus::open) return refuse("exception \"" + a.exception + "\" is already resolved");
    Exception f = *e;
    f.status = ExceptionStatus::resolved;
    f.resolved_at = now;
    return done({{f}}, "resolved \"" + e->summary + "\"" + (a.note.empty() ? "" : ": " + a.note));
  }

  ActionPlan operator()(const RerouteException& a) const {
    std::string why;
    const Exception* e = owned(slice.exceptions, a.exception, "exception", why);
    if (!e) return refuse(why);
    if (e->status != ExceptionStatus::open) return refuse("exception \"" + a.exception + "\" is already resolved");
    if (trimmed_empty(a.waiting_on)) return refuse("say who should act on it now");
    if (a.waiting_on == e->waiting_on) return refuse("it already waits on " + e->waiting_on);
    Exception f = *e;
    f.waiting_on = a.waiting_on;
    return done({{f}}, "re-routed \"" + e->summary + "\" from " + e->waiting_on + " to " + a.waiting_on +
                           (a.note.empty() ? "" : ": " + a.note));
  }

  ActionPlan decide_held(const std::string& id, ScheduledStatus to, const std::string& note) const {
    std::string why;
    const Scheduled* s = owned(slice.scheduled, id, "scheduled message", why);
    if (!s) return refuse(why);
    if (s->status != ScheduledStatus::pending) return refuse("that message was already " + std::string(to_string(s->status)));
    if (to == ScheduledStatus::released && trimmed_empty(note))
      return refuse("say why it may go after all (the note is kept with the message)");
    Scheduled t = *s;
    t.status = to;
    t.decision_note = note;
    return done({{t}}, std::string(to == ScheduledStatus::released ? "released" : "cancelled") + " \"" + s->subject + "\"");
  }
  ActionPlan operator()(const ReleaseHeld& a) const { return decide_held(a.scheduled, ScheduledStatus::released, a.note); }
  ActionPlan operator()(const CancelHeld& a) const { return decide_held(a.scheduled, ScheduledStatus::cancelled, a.note); }

  ActionPlan operator()(const LogContact& a) const {
    std::string why;
    const Customer* c = customer_for(a.customer, why);
    if (!c) return refuse(why);
    if (trimmed_empty(a.subject) && trimmed_empty(a.body)) return refuse("write what was said");
    Touchpoint t;
    t.id = new_id("t");
    t.customer = a.customer;
    t.case_id = a.case_id;
    t.at = now;
    t.channel = a.channel;
    t.direction = a.direction;
    // An incoming contact is from the customer; one we made is from the manager.
    t.sender = a.direction == Direction::in ? "customer" : actor.manager_id;
    t.kind = a.kind;
    t.subject = a.subject;
    t.body = a.body;
    return done({{t}}, "logged " + std::string(to_string(a.channel)) + " with " + c->name);
  }

  ActionPlan operator()(const ReassignCustomer& a) const {
    if (actor.role != Role::lead) return refuse("only a team lead can reassign customers");
    const Customer* c = find(slice.customers, a.customer);
    if (!c) return refuse("customer \"" + a.customer + "\" does not exist");
    const Manager* m = find(slice.managers, a.new_owner);
    if (!m) return refuse("manager \"" + a.new_owner + "\" does not exist");
    if (c->owner == a.new_owner) return refuse(c->name + " already belongs to " + m->name);
    Customer d = *c;
    d.owner = a.new_owner;
    return done({{d}}, "reassigned " + c->name + " from " + c->owner + " to " + a.new_owner);
  }

  // The records of a spreadsheet, checked again against what the lead sees now (the
  // preview may be older than a change that arrived since).
  ActionPlan operator()(const ImportRecords& a) const {
    if (actor.role != Role::lead) return refuse("only a team lead can import a spreadsheet");
    const std::size_t n = a.records.customers.size() + a.records.promises.size();
    if (n == 0) return refuse("the spreadsheet holds no records");
    const BookKnownRecords known(slice);
    if (auto problems = validate_book(a.records, &known); !problems.empty())
      return refuse("not imported: " + problems.front());
    RecordWrites writes;
    writes.reserve(n);
    for (const Customer& c : a.records.customers) writes.push_back({c});
    for (const Promise& p : a.records.promises) writes.push_back({p});
    return done(std::move(writes), "imported " + std::to_string(n) + " records from " + a.source);
  }

  ActionPlan operator()(const Undo&) const { return refuse("undo is applied by the dispatcher, not planned"); }
};

}  // namespace

ActionPlan plan_action(const Book& slice, const Actor& actor, const Action& action, Time now, const IdSource& new_id) {
  return std::visit(Planner{slice, actor, now, new_id}, action);
}

RecordWrites invert_writes(const RecordWrites& before_images, const RecordWrites& created) {
  RecordWrites out;
  for (const auto& w : created) out.push_back({w.record, true});
  for (const auto& w : before_images) out.push_back({w.record, false});
  return out;
}

}  // namespace cockpit
