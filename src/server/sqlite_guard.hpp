#pragma once
// The guard's tables on SQLite: each scheduled message's standing, the verdict feed,
// webhook endpoints and their delivery queue. sqlite_storage.cpp forwards to these,
// inside its transactions (the Db of the writer) or on its reader.
#include <optional>
#include <string>
#include <vector>

#include "server/sqlite_db.hpp"
#include "server/storage.hpp"

namespace cockpit::server::sqlite_guard {

// Schema step 2 (sqlite_storage.cpp runs the steps in order).
extern const char* const kSchema;

std::vector<VerdictRow> verdicts_of(Db& db, const std::string& customer);
std::optional<VerdictRow> verdict(Db& db, const std::string& scheduled);
void put_verdict(Db& db, VerdictRow& v);
void drop_verdict(Db& db, const std::string& scheduled);
std::vector<VerdictRow> verdict_changes(Db& db, std::int64_t since, std::size_t limit);
std::int64_t verdict_cursor(Db& db);
std::vector<Suppression> suppressions(Db& db);
// A message given by e-mail address: the customer (the first by id if several share it).
std::optional<std::string> customer_by_email(Db& db, const std::string& email);
extern const char* const kCustomerByEmail;  // its SQL (tests look at its query plan)

std::vector<WebhookEndpoint> webhooks(Db& db, bool active_only);
void add_webhook(Db& db, const WebhookEndpoint& w);
bool remove_webhook(Db& db, const std::string& id);
void disable_webhook(Db& db, const std::string& id, const std::string& reason);
void enqueue_delivery(Db& db, const Delivery& d);
std::vector<Delivery> due_deliveries(Db& db, Time now, std::size_t limit);
std::optional<Time> next_delivery_at(Db& db);
void update_delivery(Db& db, const Delivery& d);
std::vector<Delivery> recent_deliveries(Db& db, std::size_t limit);

}  // namespace cockpit::server::sqlite_guard
