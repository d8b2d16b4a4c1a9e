#pragma once
// The guard's tables on PostgreSQL (the twin of sqlite_guard.hpp): each scheduled
// message's standing, the verdict feed, webhook endpoints and their delivery queue.
// Deliveries are taken with FOR UPDATE SKIP LOCKED and leased, so that the senders of
// several processes never post the same delivery at once, and one that died mid-send
// leaves it to another after the lease.
#include <optional>
#include <string>
#include <vector>

#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server::pg_guard {

std::vector<VerdictRow> verdicts_of(PgConn& db, const std::string& customer);
// The standings of all these customers' messages, in one statement.
std::vector<VerdictRow> verdicts_of_all(PgConn& db, const std::vector<std::string>& customers);
std::optional<VerdictRow> verdict(PgConn& db, const std::string& scheduled);
void put_verdict(PgConn& db, VerdictRow& v);
void drop_verdict(PgConn& db, const std::string& scheduled);
std::vector<VerdictRow> verdict_changes(PgConn& db, std::int64_t since, std::size_t limit);
std::int64_t verdict_cursor(PgConn& db);
std::vector<Suppression> suppressions(PgConn& db);
std::optional<std::string> customer_by_email(PgConn& db, const std::string& email);

std::vector<WebhookEndpoint> webhooks(PgConn& db, bool active_only);
void add_webhook(PgConn& db, const WebhookEndpoint& w);
bool remove_webhook(PgConn& db, const std::string& id);
void disable_webhook(PgConn& db, const std::string& id, const std::string& reason);
void enqueue_delivery(PgConn& db, const Delivery& d);
// Takes the oldest due delivery for this process (one at a time, whatever `limit` says:
// the sender asks again until none is due): it is leased until now + kLease (pushed past
// `next_at`), so no other process takes it meanwhile. The lease outlasts one attempt
// (--webhook-timeout-ms, 10 s by default; keep it below kLease), and is short so that a
// delivery whose process was killed mid-send goes out again within seconds.
std::vector<Delivery> take_due_deliveries(PgConn& db, Time now, std::size_t limit);
inline constexpr Time kLease = 20 * kSecond;
// A leased delivery due again at `now` (its process stops before sending it).
void release_lease(PgConn& db, std::int64_t id, Time now);
std::optional<Time> next_delivery_at(PgConn& db);
void update_delivery(PgConn& db, const Delivery& d);
std::vector<Delivery> recent_deliveries(PgConn& db, std::size_t limit);

}  // namespace cockpit::server::pg_guard
