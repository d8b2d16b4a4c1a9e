#include "server/guard_apply.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "domain/document.hpp"
#include "domain/record_kind.hpp"
#include "engine/index.hpp"
#include "server/guard_records.hpp"

namespace cockpit::server {

using nlohmann::json;

namespace {

// Who released or cancelled a message, and when: the change that last set its status.
void fill_decision(StorageTxn& txn, const std::vector<StoredText>& records, VerdictRow& row) {
  if (row.state != GuardState::released && row.state != GuardState::cancelled) return;
  for (const StoredText& r : records) {
    if (r.kind != RecordKind::scheduled || r.id != row.scheduled) continue;
    const auto fields = sync::stamps_from_json(json::parse(r.fields));
    auto stamp = fields.find("status");
    const std::int64_t seq = stamp != fields.end() ? stamp->second.seq : r.seq;
    if (auto by = txn.change_by(seq)) {
      row.decided_by = by->first;
      row.decided_at = by->second;
    }
    return;
  }
}

std::string event_body(const std::string& type, const VerdictRow& v, Time at) {
  return json{{"type", type}, {"timestamp", format_time(at)}, {"data", standing_json(v)}}.dump();
}

bool subscribed(const WebhookEndpoint& w, const std::string& type) {
  return std::find(w.events.begin(), w.events.end(), type) != w.events.end();
}

// Applies one customer's changes; returns how many standings changed and whether a
// webhook delivery was queued.
std::pair<std::size_t, bool> apply_changes(StorageTxn& txn, GuardChanges& changes,
                                           std::vector<WebhookEndpoint>* hooks) {
  const Time wall = now_utc();
  bool queued = false;
  for (const std::string& id : changes.drop) txn.drop_verdict(id);
  for (VerdictRow& row : changes.put) {
    row.at = wall;
    txn.put_verdict(row);
    for (const GuardEvent& e : changes.events) {
      if (e.scheduled != row.scheduled) continue;
      if (hooks->empty()) break;
      const std::string body = event_body(e.type, row, wall);
      for (const WebhookEndpoint& w : *hooks) {
        if (!subscribed(w, e.type)) continue;
        Delivery d;
        d.webhook = w.id;
        d.msg_id = "msg_" + std::to_string(row.cursor);
        d.event = e.type;
        d.body = body;
        d.created = d.next_at = wall;
        txn.enqueue_delivery(d);
        queued = true;
      }
    }
  }
  return {changes.put.size() + changes.drop.size(), queued};
}

bool has_scheduled(const std::vector<StoredText>& records) {
  return std::any_of(records.begin(), records.end(), [](const StoredText& r) { return r.kind == RecordKind::scheduled; });
}

// The standings of every scheduled message of one customer, decided now. A customer
// with no scheduled message has none, and nothing of theirs is parsed (standings are
// only ever of scheduled messages; GUARD.md, "What a decision reads").
std::vector<VerdictRow> standings_of(StorageTxn& txn, const std::string& customer, Time now,
                                     const GuardSettings& settings) {
  const auto records = txn.customer_records(customer);
  if (records.empty() || records.front().kind != RecordKind::customer || !has_scheduled(records)) return {};
  const Book book = guard_book(records);
  const CustomerRecords r = index_customer(book, customer, now);
  std::vector<VerdictRow> after = plan_standings(r.scheduled, guard_customer(r, settings.engine));
  for (VerdictRow& row : after) fill_decision(txn, records, row);
  return after;
}

// Customers whose records and standings the store reads in one go
// (StorageTxn::prefetch_customers): a round trip per chunk instead of two per customer.
constexpr std::size_t kLookAhead = 500;

std::pair<std::size_t, bool> redecide_queued(StorageTxn& txn, const std::vector<std::string>& customers,
                                             const GuardSettings& settings) {
  std::size_t changed = 0;
  bool queued = false;
  std::optional<std::vector<WebhookEndpoint>> hooks;
  const Time now = settings.now();
  for (std::size_t i = 0; i < customers.size(); ++i) {
    const std::string& customer = customers[i];
    if (i % kLookAhead == 0 && customers.size() > 1)
      txn.prefetch_customers(std::vector<std::string>(
          customers.begin() + static_cast<std::ptrdiff_t>(i),
          customers.begin() + static_cast<std::ptrdiff_t>(std::min(customers.size(), i + kLookAhead))));
    GuardChanges changes =
        plan_guard_changes(txn.verdicts_of(customer), standings_of(txn, customer, now, settings));
    if (changes.put.empty() && changes.drop.empty()) continue;
    if (!hooks) hooks = txn.active_webhooks();
    auto [n, q] = apply_changes(txn, changes, &*hooks);
    changed += n;
    queued |= q;
  }
  return {changed, queued};
}

}  // namespace

json standing_json(const VerdictRow& v) {
  json j{{"scheduled", v.scheduled},
         {"customer", v.customer},
         {"kind", v.kind},
         {"sender", v.sender},
         {"verdict", to_string(verdict_for(v.state))},
         {"state", to_string(v.state)},
         {"reasons", v.reasons},
         {"decided_by", v.decided_by ? json(*v.decided_by) : json()},
         {"decided_at", v.decided_at ? json(format_time(*v.decided_at)) : json()},
         {"cursor", v.cursor}};
  return j;
}

std::size_t redecide(StorageTxn& txn, const std::vector<std::string>& customers, const GuardSettings& settings) {
  return redecide_queued(txn, customers, settings).first;
}

void install_guard(ServerStorage& storage, const GuardSettings& settings, std::function<void()> wake) {
  // Set by before_commit, read by after_commit of the same transaction (one writer at a
  // time: the storage serializes read-write transactions).
  auto queued = std::make_shared<std::atomic<bool>>(false);
  TxnHooks hooks;
  hooks.before_commit = [settings, queued](StorageTxn& txn) {
    if (txn.touched().empty()) return;
    const std::vector<std::string> customers(txn.touched().begin(), txn.touched().end());
    if (redecide_queued(txn, customers, settings).second) queued->store(true);
  };
  hooks.after_commit = [queued, wake = std::move(wake)] {
    if (queued->exchange(false) && wake) wake();
  };
  storage.set_hooks(std::move(hooks));
}

void decide_everything_once(ServerStorage& storage, const GuardSettings& settings) {
  auto txn = storage.begin();
  if (txn->meta("guard_decided") == "1") return;
  redecide(*txn, txn->all_customers(), settings);
  txn->put_meta("guard_decided", "1");
  txn->commit();
}

}  // namespace cockpit::server
