// compute_lists: index the slice by customer once, derive each customer's facts,
// verdicts and suggestions, then assemble and order the lists.
#include "engine/lists.hpp"

#include <algorithm>
#include <unordered_map>

#include "domain/enums.hpp"
#include "engine/facts.hpp"
#include "engine/suggest.hpp"
#include "engine/words.hpp"

namespace cockpit {

namespace {

std::string worst_label_promise(const PromiseFacts& f, Time now) {
  const std::string kind = kind_words(f.promise->kind);
  if (f.overdue) return kind + " " + (f.days_overdue ? days_text(f.days_overdue) : "less than a day") + " overdue";
  return kind + " due " + due_in_text(f.promise->due_at, now);
}

// Fills the row's counts, severity and label from the customer's facts.
void stand(CustomerRow& row, const CustomerRecords& r, const std::vector<PromiseFacts>& promises,
           const std::vector<Verdict>& verdicts, const std::vector<Suggestion>& visible, Time now) {
  const PromiseFacts* worst_overdue = nullptr;
  const PromiseFacts* first_due = nullptr;
  for (const PromiseFacts& f : promises) {
    if (f.overdue) {
      ++row.overdue_promises;
      if (!worst_overdue || f.promise->due_at < worst_overdue->promise->due_at) worst_overdue = &f;
    } else {
      ++row.due_soon_promises;
      if (!first_due || f.promise->due_at < first_due->promise->due_at) first_due = &f;
    }
  }
  const Exception* oldest = nullptr;
  for (const Exception* x : r.exceptions)
    if (x->status == ExceptionStatus::open) {
      ++row.pending_exceptions;
      if (!oldest || x->raised_at < oldest->raised_at) oldest = x;
    }
  for (const Verdict& v : verdicts) row.held_messages += v.held();
  row.suggestions = static_cast<int>(visible.size());
  for (const Suggestion& s : visible) row.top_priority = std::max(row.top_priority, s.priority);

  if (worst_overdue) {
    row.worst = Severity::overdue;
    row.worst_label = worst_label_promise(*worst_overdue, now);
  } else if (first_due || oldest || row.held_messages) {
    row.worst = Severity::at_risk;
    if (first_due)
      row.worst_label = worst_label_promise(*first_due, now);
    else if (oldest)
      row.worst_label = humanize(oldest->kind) + " waiting on " +
                        (oldest->waiting_on.empty() ? "nobody named" : oldest->waiting_on) + " for " +
                        days_text(whole_days(oldest->raised_at, now));
    else
      row.worst_label = row.held_messages == 1 ? "1 message held" : std::to_string(row.held_messages) + " messages held";
  } else {
    row.worst = Severity::fine;
    row.worst_label = "nothing open";
    for (const Suggestion& s : visible) {
      if (s.kind == SuggestionKind::closing_message) row.worst_label = "closing message owed";
      if (s.kind == SuggestionKind::fulfilment_followup && row.worst_label == "nothing open")
        row.worst_label = "follow-up owed";
      if (s.kind == SuggestionKind::exception_update && row.worst_label == "nothing open")
        row.worst_label = "update owed";
    }
  }
}

PromiseRow promise_row(const PromiseFacts& f) {
  const Promise& p = *f.promise;
  return {p.id, p.customer, p.case_id, p.kind, p.text, p.due_at, f.days_overdue, f.slips, f.customer_told,
          f.untold_slip};
}

// Sorts by moving each element once (through an index permutation) instead of
// swapping rows full of strings around.
template <typename T, typename Less>
void sort_rows(std::vector<T>& rows, Less less) {
  std::vector<std::uint32_t> order(rows.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return less(rows[a], rows[b]); });
  std::vector<T> sorted;
  sorted.reserve(rows.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(rows[i]));
  rows = std::move(sorted);
}

bool promise_first(const PromiseRow& a, const PromiseRow& b) {
  if (a.untold_slip != b.untold_slip) return a.untold_slip;
  if (a.due_at != b.due_at) return a.due_at < b.due_at;
  return a.id < b.id;
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::fine: return "fine";
    case Severity::at_risk: return "at_risk";
    case Severity::overdue: return "overdue";
  }
  return "fine";
}

Lists compute_lists(const Book& slice, const std::string& manager_id, Time now, const Settings& settings,
                    const Templates& templates) {
  Lists out;
  out.manager = manager_id;
  out.as_of = now;
  const Viewer viewer = find_viewer(slice, manager_id);
  const std::vector<CustomerRecords> customers = index_customers(slice, viewer, manager_id, now);

  // Decisions by key; any one of them may hide (the same rule as hidden_by).
  std::unordered_multimap<std::string_view, const SuggestionDecision*> decisions;
  decisions.reserve(slice.decisions.size());
  for (const SuggestionDecision& d : slice.decisions) decisions.emplace(d.suggestion_key, &d);
  auto hidden = [&](const Suggestion& s) {
    auto [it, end] = decisions.equal_range(s.key);
    for (; it != end; ++it) {
      const SuggestionDecision& d = *it->second;
      if (d.kind == DecisionKind::dismissed || !d.until || now < *d.until) return true;
    }
    return false;
  };

  std::unordered_map<std::string_view, const Manager*> managers;
  for (const Manager& m : slice.managers) managers.emplace(m.id, &m);

  std::vector<Suggestion> mine;
  for (const CustomerRecords& r : customers) {
    const Customer& c = *r.customer;
    const std::vector<PromiseFacts> promises = promise_facts(r, now, settings);
    std::vector<Verdict> verdicts = guard_customer(r, settings);
    auto owner = managers.find(c.owner);
    const DraftContext cx{r, owner != managers.end() ? owner->second : viewer.manager, last_outgoing(r), now, templates};
    mine.clear();
    suggest_for_customer(cx, promises, verdicts, settings, mine);
    auto kept = std::stable_partition(mine.begin(), mine.end(), [&](const Suggestion& s) { return !hidden(s); });
    out.hidden_suggestions += static_cast<int>(mine.end() - kept);
    mine.erase(kept, mine.end());

    CustomerRow row{c.id, c.name, c.stage, c.owner};
    stand(row, r, promises, verdicts, mine, now);
    out.customers.push_back(std::move(row));

    for (const PromiseFacts& f : promises)
      (f.overdue ? out.overdue_promises : out.due_soon_promises).push_back(promise_row(f));
    for (const Exception* x : r.exceptions)
      if (x->status == ExceptionStatus::open) {
        ExceptionRow e{x->id, x->customer, x->case_id, x->kind, x->summary, x->waiting_on, x->raised_at,
                       whole_days(x->raised_at, now), std::nullopt};
        if (cx.last_out) e.days_since_contact = whole_days(*cx.last_out, now);
        out.pending_exceptions.push_back(std::move(e));
      }
    for (const Verdict& v : verdicts)
      if (v.held())
        for (const Scheduled* s : r.scheduled)
          if (s->id == v.scheduled)
            out.held_messages.push_back(
                {s->id, s->customer, s->case_id, s->scheduled_at, s->kind, s->channel, s->sender, s->subject, v.reasons});
    for (Suggestion& s : mine) out.suggestions.push_back(std::move(s));
    for (Verdict& v : verdicts) out.verdicts.push_back(std::move(v));
  }

  sort_rows(out.customers, [](const CustomerRow& a, const CustomerRow& b) {
    if (a.worst != b.worst) return a.worst > b.worst;
    if (a.top_priority != b.top_priority) return a.top_priority > b.top_priority;
    if (a.name != b.name) return a.name < b.name;
    return a.id < b.id;
  });
  sort_rows(out.pending_exceptions, [](const ExceptionRow& a, const ExceptionRow& b) {
    return a.raised_at != b.raised_at ? a.raised_at < b.raised_at : a.id < b.id;
  });
  sort_rows(out.overdue_promises, promise_first);
  sort_rows(out.due_soon_promises, promise_first);
  sort_rows(out.suggestions, more_urgent);
  sort_rows(out.held_messages, [](const HeldRow& a, const HeldRow& b) {
    return a.scheduled_at != b.scheduled_at ? a.scheduled_at < b.scheduled_at : a.scheduled < b.scheduled;
  });
  return out;
}

}  // namespace cockpit
