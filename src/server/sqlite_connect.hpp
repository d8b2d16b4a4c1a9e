#pragma once
// The source webhooks' tables on SQLite (src/server/CONNECT.md): the bound sources,
// the event ids seen, each record's last source time, the unmatched list, and an index
// of customers by their external ids (kept by triggers on `records`, so every path that
// writes a customer keeps it: ingest, pushes, admin). sqlite_storage.cpp forwards here.
#include <optional>
#include <string>
#include <vector>

#include "server/sqlite_db.hpp"
#include "server/storage.hpp"

namespace cockpit::server::sqlite_connect {

// Schema step 3 (sqlite_storage.cpp runs the steps in order).
extern const char* const kSchema;

bool claim_event(Db& db, const std::string& source, const std::string& event_id, Time received);
std::optional<Time> version(Db& db, const std::string& key);
void put_version(Db& db, const std::string& key, Time at);
std::optional<std::string> customer_by_external_id(Db& db, const std::string& source, const std::string& id);
void put_unmatched(Db& db, UnmatchedEvent& e);
std::optional<UnmatchedEvent> unmatched(Db& db, std::int64_t id);
std::vector<UnmatchedEvent> waiting_for(Db& db, const std::string& waits_for);
std::vector<UnmatchedEvent> unmatched_events(Db& db, std::size_t limit);
void drop_unmatched(Db& db, std::int64_t id);
void put_source(Db& db, const ConnectSource& s);
std::optional<ConnectSource> source(Db& db, const std::string& name);

}  // namespace cockpit::server::sqlite_connect
