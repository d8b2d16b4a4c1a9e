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

namespace {

// What every customer's part of the lists is computed with.
class CustomerLists {
 public:
  CustomerLists(const Book& slice, const std::string& manager_id, Time now, const Settings& settings,
                const Templates& templates)
      : viewer_(find_viewer(slice, manager_id)), now_(now), settings_(settings), templates_(templates) {
    decisions_.reserve(slice.decisions.size());
    for (const SuggestionDecision& d : slice.decisions) decisions_.emplace(d.suggestion_key, &d);
    for (const Manager& m : slice.managers) managers_.emplace(m.id, &m);
  }
  const Viewer& viewer() const { return viewer_; }

  // Appends one customer's rows, suggestions and verdicts (unordered) to `out`.
  void add(Lists& out, const CustomerRecords& r) {
    const Customer& c = *r.customer;
    const std::vector<PromiseFacts> promises = promise_facts(r, now_, settings_);
    std::vector<Verdict> verdicts = guard_customer(r, settings_);
    auto owner = managers_.find(c.owner);
    const DraftContext cx{r, owner != managers_.end() ? owner->second : viewer_.manager, last_outgoing(r), now_,
                          templates_};
    mine_.clear();
    suggest_for_customer(cx, promises, verdicts, settings_, mine_);
    auto kept = std::stable_partition(mine_.begin(), mine_.end(), [&](const Suggestion& s) { return !hidden(s); });
    const int hidden_here = static_cast<int>(mine_.end() - kept);
    out.hidden_suggestions += hidden_here;
    mine_.erase(kept, mine_.end());

    CustomerRow row{c.id, c.name, c.stage, c.owner};
    row.hidden_suggestions = hidden_here;
    stand(row, r, promises, verdicts, mine_, now_);
    out.customers.push_back(std::move(row));

    for (const PromiseFacts& f : promises)
      (f.overdue ? out.overdue_promises : out.due_soon_promises).push_back(promise_row(f));
    for (const Exception* x : r.exceptions)
      if (x->status == ExceptionStatus::open) {
        ExceptionRow e{x->id, x->customer, x->case_id, x->kind, x->summary, x->waiting_on, x->raised_at,
                       whole_days(x->raised_at, now_), std::nullopt};
        if (cx.last_out) e.days_since_contact = whole_days(*cx.last_out, now_);
        out.pending_exceptions.push_back(std::move(e));
      }
    for (const Verdict& v : verdicts)
      if (v.held())
        for (const Scheduled* s : r.scheduled)
          if (s->id == v.scheduled)
            out.held_messages.push_back(
                {s->id, s->customer, s->case_id, s->scheduled_at, s->kind, s->channel, s->sender, s->subject, v.reasons});
    for (Suggestion& s : mine_) out.suggestions.push_back(std::move(s));
    for (Verdict& v : verdicts) out.verdicts.push_back(std::move(v));
  }

 private:
  // Any one decision of the key may hide it (the same rule as hidden_by).
  bool hidden(const Suggestion& s) const {
    auto [it, end] = decisions_.equal_range(s.key);
    for (; it != end; ++it) {
      const SuggestionDecision& d = *it->second;
      if (d.kind == DecisionKind::dismissed || !d.until || now_ < *d.until) return true;
    }
    return false;
  }

  Viewer viewer_;
  Time now_;
  const Settings& settings_;
  const Templates& templates_;
  std::unordered_multimap<std::string_view, const SuggestionDecision*> decisions_;
  std::unordered_map<std::string_view, const Manager*> managers_;
  std::vector<Suggestion> mine_;
};

void order_lists(Lists& out) {
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
  // By customer, then in guard order (scheduled_at, id) as guard_customer gives them.
  sort_rows(out.verdicts, [](const Verdict& a, const Verdict& b) {
    if (a.customer != b.customer) return a.customer < b.customer;
    return a.scheduled_at != b.scheduled_at ? a.scheduled_at < b.scheduled_at : a.scheduled < b.scheduled;
  });
}

}  // namespace

Lists compute_lists(const Book& slice, const std::string& manager_id, Time now, const Settings& settings,
                    const Templates& templates) {
  Lists out;
  out.manager = manager_id;
  out.as_of = now;
  out.due_soon_window = settings.due_soon_window;
  CustomerLists per_customer(slice, manager_id, now, settings, templates);
  for (const CustomerRecords& r : index_customers(slice, per_customer.viewer(), manager_id, now))
    per_customer.add(out, r);
  order_lists(out);
  return out;
}

void update_lists(Lists& lists, const Book& slice, const std::vector<std::string>& changed, Time now,
                  const Settings& settings, const Templates& templates) {
  std::unordered_map<std::string_view, bool> gone;
  for (const std::string& c : changed) gone.emplace(c, true);
  auto of = [&](const std::string& customer) { return gone.count(customer) > 0; };
  for (const CustomerRow& row : lists.customers)
    if (of(row.id)) lists.hidden_suggestions -= row.hidden_suggestions;
  std::erase_if(lists.customers, [&](const CustomerRow& x) { return of(x.id); });
  std::erase_if(lists.pending_exceptions, [&](const ExceptionRow& x) { return of(x.customer); });
  std::erase_if(lists.overdue_promises, [&](const PromiseRow& x) { return of(x.customer); });
  std::erase_if(lists.due_soon_promises, [&](const PromiseRow& x) { return of(x.customer); });
  std::erase_if(lists.suggestions, [&](const Suggestion& x) { return of(x.customer); });
  std::erase_if(lists.held_messages, [&](const HeldRow& x) { return of(x.customer); });
  std::erase_if(lists.verdicts, [&](const Verdict& x) { return of(x.customer); });

  CustomerLists per_customer(slice, lists.manager, now, settings, templates);
  for (const auto& [id, unused] : gone) {
    const CustomerRecords r = index_customer(slice, id, now);
    // Gone from the slice, or not this viewer's (any more): it stays out.
    if (!r.customer || !per_customer.viewer().sees(*r.customer, lists.manager)) continue;
    per_customer.add(lists, r);
  }
  lists.as_of = now;
  lists.due_soon_window = settings.due_soon_window;
  order_lists(lists);
}

}  // namespace cockpit
