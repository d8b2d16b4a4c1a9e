#pragma once
// The source webhooks' tables on PostgreSQL (the twin of sqlite_connect.hpp): bound
// sources, events handled, per-record versions, the unmatched list, and customers by
// their ids in other systems (kept by a trigger on records, as on SQLite).
#include <optional>
#include <string>
#include <vector>

#include "server/pg_conn.hpp"
#include "server/storage.hpp"

namespace cockpit::server::pg_connect {

bool claim_event(PgConn& db, const std::string& source, const std::string& event_id, Time received);
std::optional<Time> version(PgConn& db, const std::string& key);
void put_version(PgConn& db, const std::string& key, Time at);
std::optional<std::string> customer_by_external_id(PgConn& db, const std::string& source, const std::string& id);
void put_unmatched(PgConn& db, UnmatchedEvent& e);
std::optional<UnmatchedEvent> unmatched(PgConn& db, std::int64_t id);
std::vector<UnmatchedEvent> waiting_for(PgConn& db, const std::string& waits_for);
std::vector<UnmatchedEvent> unmatched_events(PgConn& db, std::size_t limit);
void drop_unmatched(PgConn& db, std::int64_t id);
void put_source(PgConn& db, const ConnectSource& c);
std::optional<ConnectSource> source(PgConn& db, const std::string& name);

}  // namespace cockpit::server::pg_connect
