#include "app/unmatched.hpp"

#include "app/labels.hpp"
#include "domain/overloaded.hpp"

namespace cockpit {
namespace vm {

std::string source_label(const std::string& source) {
  if (source == "stripe") return "Stripe";
  if (source == "shopify") return "Shopify";
  if (source == "zendesk") return "Zendesk";
  return source;
}

UnmatchedRow unmatched_row(const client::UnmatchedEntry& e, Time now) {
  UnmatchedRow r;
  r.id = e.id;
  r.source = source_label(e.source);
  r.type = e.type;
  if (!e.email.empty()) r.names = e.email;
  if (!e.external_id.empty()) r.names += (r.names.empty() ? "" : ", ") + r.source + " customer " + e.external_id;
  if (e.waits_for.rfind("case:", 0) == 0) r.names += (r.names.empty() ? "" : ", ") + std::string("case ") + e.waits_for.substr(5);
  if (r.names.empty()) r.names = "nobody named";
  const std::optional<Time> received = parse_time(e.received);
  r.arrived = received ? when_label(*received, now) : e.received;
  r.summary = e.summary.empty() ? e.type : e.summary;
  r.reason = e.reason;
  return r;
}

}  // namespace vm

void UnmatchedList::apply(const UnmatchedAction& action, Time now) {
  (void)now;
  std::visit(Overloaded{
                 [&](const RefreshUnmatched&) {
                   if (panel_.state != vm::UnmatchedPanel::State::loaded) panel_.status = "Loading the source events…";
                   panel_.state = vm::UnmatchedPanel::State::loading;
                   client_.list([this](client::UnmatchedAnswer a) { list_answer_ = std::move(a); });
                 },
                 [&](const MatchUnmatched& m) {
                   if (panel_.matching) {
                     panel_.match_error = "Another match is on its way: wait for its answer.";
                     return;
                   }
                   if (m.id <= 0 || m.customer.empty()) {
                     panel_.match_error = "Choose the event and the customer to match it to.";
                     return;
                   }
                   panel_.matching = m.id;
                   panel_.match_error.clear();
                   panel_.match_done.clear();
                   match_customer_ = m.customer;
                   client_.match(m.id, m.customer, [this](client::MatchAnswer a) { match_answer_ = std::move(a); });
                 },
             },
             action);
}

void UnmatchedList::take_list(client::UnmatchedAnswer a, Time now) {
  using State = vm::UnmatchedPanel::State;
  if (!a.ok()) {
    panel_.state = a.offline ? State::offline : State::failed;
    panel_.status = a.offline ? "Unavailable offline: the list of source events is on the server. " + a.error : a.error;
    return;
  }
  panel_.state = State::loaded;
  panel_.rows.clear();
  for (const client::UnmatchedEntry& e : a.entries) panel_.rows.push_back(vm::unmatched_row(e, now));
  panel_.status = a.entries.empty() ? "Every source event found its customer."
                                    : vm::plural(static_cast<std::int64_t>(a.entries.size()), "event waits", "events wait") +
                                          " for a customer.";
}

void UnmatchedList::take_match(client::MatchAnswer a, Time now) {
  const std::int64_t id = panel_.matching;
  panel_.matching = 0;
  if (!a.ok()) {
    panel_.match_error = a.offline ? "Unavailable offline: the match was not sent. " + a.error
                                   : "Event " + std::to_string(id) + " was not matched to " + match_customer_ + ": " + a.error;
    return;
  }
  panel_.match_done = "Event " + std::to_string(id) + " applied for " + (a.customer.empty() ? match_customer_ : a.customer) +
                      " (" + vm::plural(static_cast<std::int64_t>(a.changed), "record", "records") + " changed).";
  // Off the list at once; the server's list follows.
  std::erase_if(panel_.rows, [id](const vm::UnmatchedRow& r) { return r.id == id; });
  apply(RefreshUnmatched{}, now);
}

bool UnmatchedList::tick(Time now, bool& matched) {
  bool changed = false;
  if (list_answer_) {
    client::UnmatchedAnswer a = std::move(*list_answer_);
    list_answer_.reset();
    take_list(std::move(a), now);
    changed = true;
  }
  if (match_answer_) {
    client::MatchAnswer a = std::move(*match_answer_);
    match_answer_.reset();
    matched = a.ok();
    take_match(std::move(a), now);
    changed = true;
  }
  return changed;
}

}  // namespace cockpit
