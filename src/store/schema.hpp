#pragma once
// The store's schema and its versioned migrations. PRAGMA user_version holds the
// version a file is at; PRAGMA application_id marks the file as Cockpit's.
#include <string>
#include <vector>

namespace cockpit::sql {
class Db;
}

namespace cockpit::schema {

// "Cock" in ASCII: tells a Cockpit database from any other SQLite file.
constexpr int kApplicationId = 0x436F636B;

// migrations()[i] takes a database from version i to i + 1. Never edit a released
// step: add a new one (a file out there may be at any version).
const std::vector<std::string>& migrations();

inline int latest_version() { return static_cast<int>(migrations().size()); }

// Brings an open database up to latest_version(), one step per transaction. The caller
// has already refused files that are newer or not Cockpit's. Throws SqlError.
void migrate(sql::Db& db);

}  // namespace cockpit::schema
