// Drafts: placeholder values per suggestion kind, then the template's fill.
#include "engine/drafts.hpp"

#include "domain/enums.hpp"
#include "engine/words.hpp"

namespace cockpit {

namespace {

// The customer's most relevant case when a suggestion has none of its own: the latest
// opened (ties by id).
const Case* latest_case(const CustomerRecords& r) {
  const Case* best = nullptr;
  for (const Case* c : r.cases)
    if (!best || c->opened_at > best->opened_at || (c->opened_at == best->opened_at && c->id > best->id)) best = c;
  return best;
}

Values common(const DraftContext& cx, const Case* c) {
  if (cx.common) {
    Values v = *cx.common;
    v.set(Field::case_title, case_words(c));
    return v;
  }
  Values v;
  const Customer& cu = *cx.records.customer;
  v.set(Field::customer_name, cu.name);
  v.set(Field::customer_first_name, first_name(cu.name));
  v.set(Field::customer_email, cu.email);
  v.set(Field::customer_phone, cu.phone.empty() ? "their number on file" : cu.phone);
  const std::string manager = cx.signer && !cx.signer->name.empty() ? cx.signer->name : "Your account manager";
  v.set(Field::manager_name, manager);
  v.set(Field::manager_first_name, cx.signer && !cx.signer->name.empty() ? first_name(manager) : manager);
  v.set(Field::manager_email, cx.signer ? cx.signer->email : "");
  v.set(Field::case_title, case_words(c));
  v.set(Field::today, long_date(cx.now, cx.now));
  v.set(Field::last_contact_text, cx.last_out ? days_ago_text(whole_days(*cx.last_out, cx.now)) : "never");
  cx.common = v;
  return v;
}

Draft render(const DraftContext& cx, SuggestionKind kind, std::string_view variant, const Values& v) {
  const Template* t = cx.templates.find(kind, variant, cx.records.customer->preferred_channel);
  if (!t) t = builtin_templates().find(kind, variant, cx.records.customer->preferred_channel);
  if (!t) return {};
  return {t->subject.fill(v), t->body.fill(v)};
}

// Earlier due dates, oldest first: "15 November, then 20 November".
std::string history_words(const Promise& p, Time now) {
  std::string s;
  for (const DueChange& h : p.history) {
    if (!s.empty()) s += ", then ";
    s += long_date(h.due_at, now);
  }
  return s;
}

// How the case stands, as the end of "{case_title} …".
std::string case_status(const CustomerRecords& r, const Case* c, Time now) {
  if (!c) return "is in hand, and I am following it";
  if (c->status == CaseStatus::fulfilled) return "is complete";
  if (c->status == CaseStatus::cancelled) return "has been cancelled";
  const Promise* next = nullptr;  // the case's open promise falling due first
  for (const Promise* p : r.promises)
    if (p->status == PromiseStatus::open && p->case_id == c->id && (!next || p->due_at < next->due_at)) next = p;
  if (!next) return "is in progress, and I am following it";
  const std::string date = long_date(next->due_at, now);
  if (next->kind == PromiseKind::delivery)
    return next->due_at < now ? "is late: it was due " + date + ", and I am chasing it"
                              : "is on its way, expected " + date;
  const std::string what = "the " + kind_words(next->kind);
  return next->due_at < now ? "is behind: " + what + " was due " + date + ", and I am chasing it"
                            : "is in hand: " + what + " is due " + date;
}

}  // namespace

HoldReason main_reason(const Verdict& v) {
  for (HoldReason r : {HoldReason::former_customer, HoldReason::before_fulfilment, HoldReason::open_exception,
                       HoldReason::duplicate, HoldReason::frequency_cap})
    for (HoldReason have : v.reasons)
      if (have == r) return r;
  return HoldReason::duplicate;
}

std::string hold_reason_text(const CustomerRecords& r, const Scheduled& s, HoldReason reason) {
  const Case* c = r.find_case(s.case_id);
  switch (reason) {
    case HoldReason::before_fulfilment:
      return "it asks for a review before " + case_words(c) + " has reached you";
    case HoldReason::former_customer:
      return "you are no longer a customer and it should not reach you";
    case HoldReason::duplicate:
      return "you have already had this " + kind_words(s.kind);
    case HoldReason::open_exception:
      return "a promotion is the wrong message while we still owe you an answer";
    case HoldReason::frequency_cap:
      return "you have already had several messages from us today";
  }
  return "";
}

Draft draft_promise(const DraftContext& cx, const PromiseFacts& f) {
  const Promise& p = *f.promise;
  Values v = common(cx, f.case_);
  v.set(Field::promise_text, p.text);
  v.set(Field::promise_kind, kind_words(p.kind));
  v.set(Field::made_date, long_date(p.made_at, cx.now));
  v.set(Field::due_date, long_date(p.due_at, cx.now));
  v.set(Field::old_due_date, p.history.empty() ? "" : long_date(p.history.back().due_at, cx.now));
  v.set(Field::original_due_date, long_date(p.history.empty() ? p.due_at : p.history.front().due_at, cx.now));
  v.set(Field::due_dates_history, p.history.empty() ? "none" : history_words(p, cx.now));
  v.set(Field::days_overdue, std::to_string(f.days_overdue));
  v.set(Field::days_overdue_text, days_text(f.days_overdue));
  v.set(Field::due_in_text, due_in_text(p.due_at, cx.now));
  v.set(Field::slips, std::to_string(f.slips));
  v.set(Field::slips_text, f.slips ? times_text(f.slips) : "not at all");
  return render(cx, f.overdue ? SuggestionKind::promise_overdue : SuggestionKind::promise_due_soon,
                f.slips ? "slipped" : "first", v);
}

Draft draft_exception(const DraftContext& cx, const Exception& x) {
  Values v = common(cx, cx.records.find_case(x.case_id));
  v.set(Field::exception_summary, x.summary.empty() ? humanize(x.kind) : x.summary);
  v.set(Field::exception_kind, humanize(x.kind));
  v.set(Field::waiting_on, x.waiting_on.empty() ? "the team responsible" : x.waiting_on);
  const auto age = whole_days(x.raised_at, cx.now);
  v.set(Field::exception_age_days, std::to_string(age));
  v.set(Field::exception_age_text, days_text(age));
  v.set(Field::raised_date, long_date(x.raised_at, cx.now));
  return render(cx, SuggestionKind::exception_update, "", v);
}

Draft draft_followup(const DraftContext& cx, const Case& c) {
  Values v = common(cx, &c);
  v.set(Field::fulfilled_date, long_date(c.fulfilled_at.value_or(cx.now), cx.now));
  return render(cx, SuggestionKind::fulfilment_followup, "", v);
}

Draft draft_closing(const DraftContext& cx, std::optional<Time> since) {
  Values v = common(cx, latest_case(cx.records));
  v.set(Field::former_date, since ? long_date(*since, cx.now) : "the end of our contract");
  return render(cx, SuggestionKind::closing_message, "", v);
}

Draft draft_held(const DraftContext& cx, const Scheduled& s, const Verdict& verdict) {
  const Case* c = cx.records.find_case(s.case_id);
  if (!c) c = latest_case(cx.records);
  Values v = common(cx, c);
  const HoldReason main = main_reason(verdict);
  v.set(Field::held_subject, s.subject);
  v.set(Field::held_kind, kind_words(s.kind));
  v.set(Field::held_date, long_date(s.scheduled_at, cx.now));
  v.set(Field::held_reason_text, hold_reason_text(cx.records, s, main));
  v.set(Field::case_status_text, case_status(cx.records, c, cx.now));
  const Customer& cu = *cx.records.customer;
  v.set(Field::former_date, cu.former_at ? long_date(*cu.former_at, cx.now) : "the end of our contract");
  for (const Exception* x : cx.records.exceptions)
    if (x->status == ExceptionStatus::open) {  // the oldest open one (records are in slice order)
      v.set(Field::exception_summary, x->summary.empty() ? humanize(x->kind) : x->summary);
      v.set(Field::waiting_on, x->waiting_on.empty() ? "the team responsible" : x->waiting_on);
      break;
    }
  std::string due;
  for (const Promise* p : cx.records.promises)
    if (c && p->status == PromiseStatus::open && p->case_id == c->id) due = long_date(p->due_at, cx.now);
  v.set(Field::due_date, due);
  return render(cx, SuggestionKind::held_message_replacement, to_string(main), v);
}

}  // namespace cockpit
