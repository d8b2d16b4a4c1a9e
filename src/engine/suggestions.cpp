// The suggestion rules, one function per kind, in the order of suggestions.hpp.
#include <algorithm>
#include <cctype>
#include <limits>

#include "domain/enums.hpp"
#include "engine/suggest.hpp"
#include "engine/words.hpp"

namespace cockpit {

namespace {

constexpr std::int64_t kTier = 1'000'000'000;

Suggestion make(SuggestionKind kind, const DraftContext& cx, const std::string& about, std::int64_t priority,
                std::string reason, Draft draft, std::string facts) {
  Suggestion s;
  s.kind = kind;
  s.customer = cx.records.customer->id;
  s.about = about;
  s.priority = priority;
  s.reason = std::move(reason);
  s.subject = std::move(draft.subject);
  s.body = std::move(draft.body);
  s.channel = cx.records.customer->preferred_channel;
  s.key = std::string(to_string(kind)) + "|" + about + "|" + facts;
  return s;
}

std::string last_message_words(const DraftContext& cx) {
  if (!cx.last_out) return "nothing has ever been sent to them";
  return "last message from us " + days_ago_text(whole_days(*cx.last_out, cx.now));
}

// "delivery" promise, for reasons: "Promised delivery for Sun 15 Nov".
std::string promised_words(const Promise& p, Time now) {
  return "Promised " + kind_words(p.kind) + " for " + short_date(p.due_at, now);
}

std::string slip_words(const PromiseFacts& f) {
  if (f.slips == 0) return "";
  std::string s = "; the date has slipped " + times_text(f.slips);
  s += f.untold_slip ? " and the customer was not told of the last change" : " (the customer was told)";
  return s;
}

void promise_suggestion(const DraftContext& cx, const PromiseFacts& f, const Settings& st,
                        std::vector<Suggestion>& out) {
  const Promise& p = *f.promise;
  // Stays below 1e8, so a tier never spills into the next one.
  const std::int64_t detail = std::min<std::int64_t>(f.days_overdue, 99'999) * 1000 + std::min(f.slips, 999);
  std::string reason = promised_words(p, cx.now);
  std::int64_t priority;
  SuggestionKind kind;
  if (f.overdue) {
    kind = SuggestionKind::promise_overdue;
    // Within the untold tier an overdue promise still comes before a due-soon one.
    priority = f.untold_slip ? 7 * kTier + 100'000'000 + detail : 6 * kTier + detail;
    reason += ", " + days_ago_text(f.days_overdue);
    reason += slip_words(f);
    if (f.slips == 0) reason += f.customer_told ? "; the customer has heard from us since" : "; no new date given";
  } else {
    kind = SuggestionKind::promise_due_soon;
    const std::int64_t hours_gone = (cx.now + st.due_soon_window - p.due_at) / kHour;  // 0..48: sooner is higher
    priority = (f.untold_slip ? 7 * kTier : 3 * kTier) + std::clamp<std::int64_t>(hours_gone, 0, 999);
    reason += ", due " + due_in_text(p.due_at, cx.now) + "; " + case_words(f.case_) + " is not fulfilled yet";
    reason += slip_words(f);
  }
  reason += "; " + last_message_words(cx) + ".";
  out.push_back(make(kind, cx, p.id, priority, std::move(reason), draft_promise(cx, f),
                     "due=" + format_time(p.due_at) + "|slips=" + std::to_string(f.slips)));
}

void exception_suggestions(const DraftContext& cx, const Settings& st, std::vector<Suggestion>& out) {
  // "Days without an update": the customer's latest outgoing touchpoint, any sender.
  if (cx.last_out && cx.now - *cx.last_out < st.days_without_update) return;
  for (const Exception* x : cx.records.exceptions) {
    if (x->status != ExceptionStatus::open) continue;
    const std::int64_t silence = cx.last_out ? whole_days(*cx.last_out, cx.now) : 999'999;
    std::string reason = "Exception \"" + (x->summary.empty() ? humanize(x->kind) : x->summary) + "\" (" +
                         humanize(x->kind) + ") open " + days_text(whole_days(x->raised_at, cx.now)) +
                         ", waiting on " + (x->waiting_on.empty() ? "nobody named" : x->waiting_on) + "; " +
                         last_message_words(cx) + ".";
    out.push_back(make(SuggestionKind::exception_update, cx, x->id, 4 * kTier + std::min<std::int64_t>(silence, 999'999),
                       std::move(reason), draft_exception(cx, *x),
                       "last_out=" + (cx.last_out ? format_time(*cx.last_out) : std::string("never"))));
  }
}

// A personal message on `case_id` (or with no case) dated in [from, now].
bool personal_since(const CustomerRecords& r, Time from, const std::string* case_id) {
  for (const Touchpoint* t : r.touchpoints)
    if (t->at >= from && is_personal(*t) && (!case_id || !t->case_id || *t->case_id == *case_id)) return true;
  return false;
}

void followup_suggestions(const DraftContext& cx, const Settings& st, std::vector<Suggestion>& out) {
  for (const Case* c : cx.records.cases) {
    if (c->status != CaseStatus::fulfilled || !c->fulfilled_at) continue;
    const Time at = *c->fulfilled_at;
    if (at > cx.now || cx.now - at > st.followup_window) continue;
    if (personal_since(cx.records, at, &c->id)) continue;
    const std::int64_t days = whole_days(at, cx.now);
    std::string reason = case_words(c) + " was fulfilled " + days_ago_text(days) + " (" + short_date(at, cx.now) +
                         "); no personal message since.";
    reason[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(reason[0])));
    out.push_back(make(SuggestionKind::fulfilment_followup, cx, c->id, 2 * kTier + days, std::move(reason),
                       draft_followup(cx, *c), "fulfilled=" + format_time(at)));
  }
}

void closing_suggestion(const DraftContext& cx, std::vector<Suggestion>& out) {
  const Customer& cu = *cx.records.customer;
  if (cu.stage != Stage::former) return;
  // The moment from which a personal message closes the relationship properly.
  std::optional<Time> since = cu.former_at;
  std::string basis;
  if (since) {
    basis = "became a former customer on " + short_date(*since, cx.now);
  } else {
    for (const Touchpoint* t : cx.records.touchpoints)  // oldest first: the last one wins
      if (t->direction == Direction::out && t->kind == TouchKind::cancellation_confirmation) since = t->at;
    basis = since ? "cancellation confirmed on " + short_date(*since, cx.now) : "is a former customer";
  }
  if (personal_since(cx.records, since.value_or(std::numeric_limits<Time>::min()), nullptr)) return;
  const std::int64_t days = since ? whole_days(*since, cx.now) : 0;
  std::string reason = cu.name + " " + basis + (since ? " (" + days_ago_text(days) + ")" : "") +
                       "; no personal message " + (since ? "since" : "yet") + " to confirm what ends.";
  out.push_back(make(SuggestionKind::closing_message, cx, cu.id, kTier + std::min<std::int64_t>(days, 999'999),
                     std::move(reason), draft_closing(cx, since),
                     "since=" + (since ? format_time(*since) : std::string("none"))));
}

void held_suggestions(const DraftContext& cx, const std::vector<Verdict>& verdicts, std::vector<Suggestion>& out) {
  for (const Verdict& v : verdicts) {
    if (!v.held()) continue;
    const Scheduled* s = nullptr;
    for (const Scheduled* x : cx.records.scheduled)
      if (x->id == v.scheduled) s = x;
    if (!s) continue;
    std::string reasons_key, reasons_words;
    for (HoldReason r : v.reasons) {
      if (!reasons_key.empty()) reasons_key += '+', reasons_words += ", ";
      reasons_key += to_string(r);
      reasons_words += humanize(to_string(r));
    }
    std::string reason = "Automated " + kind_words(s->kind) + " \"" + s->subject + "\" due " +
                         short_date(s->scheduled_at, cx.now) + " is held (" + reasons_words + "): " +
                         hold_reason_text(cx.records, *s, main_reason(v)) + ".";
    out.push_back(make(SuggestionKind::held_message_replacement, cx, s->id,
                       5 * kTier + static_cast<std::int64_t>(v.reasons.size()), std::move(reason),
                       draft_held(cx, *s, v), "at=" + format_time(s->scheduled_at) + "|reasons=" + reasons_key));
  }
}

}  // namespace

bool more_urgent(const Suggestion& a, const Suggestion& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.customer != b.customer) return a.customer < b.customer;
  if (a.about != b.about) return a.about < b.about;
  return a.kind < b.kind;
}

bool hidden_by(const Suggestion& s, const std::vector<SuggestionDecision>& decisions, Time now) {
  for (const SuggestionDecision& d : decisions) {
    if (d.suggestion_key != s.key) continue;
    if (d.kind == DecisionKind::dismissed) return true;
    if (!d.until || now < *d.until) return true;
  }
  return false;
}

void suggest_for_customer(const DraftContext& cx, const std::vector<PromiseFacts>& promises,
                          const std::vector<Verdict>& verdicts, const Settings& st, std::vector<Suggestion>& out) {
  for (const PromiseFacts& f : promises) promise_suggestion(cx, f, st, out);
  held_suggestions(cx, verdicts, out);
  exception_suggestions(cx, st, out);
  followup_suggestions(cx, st, out);
  closing_suggestion(cx, out);
}

}  // namespace cockpit
