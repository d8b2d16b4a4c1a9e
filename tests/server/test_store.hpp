#pragma once
// Which store the server and device suites run the real server against. SQLite files
// by default; with COCKPIT_TEST_STORE=postgresql, databases in the private cluster that
// the ctest fixture started (tests/server/pg_cluster.sh, its folder in
// COCKPIT_TEST_PG_DIR): each SQLite path a test picks becomes a database of its own,
// named after the test program and the path, so suites running side by side never share one.
#include <string>

namespace cockpit::test {

bool testing_postgres();
// postgresql://cockpit@127.0.0.1:PORT (no database): the fixture's cluster.
std::string pg_cluster_url();
// What to pass as --db for `path`: the path itself, or (PostgreSQL) the URL of its
// database, created when missing. A URL is returned as it is.
std::string store_for(const std::string& path);
// A fresh start for `path`: on PostgreSQL its database is dropped (temp_path calls this).
void forget_store(const std::string& path);
// A backup of the store at `from` (a path as the test named it) taken as `to`, while no
// server writes to it: the SQLite file and its WAL copied, or pg_dump | pg_restore into
// `to`'s database (dropped first).
void copy_store(const std::string& from, const std::string& to);
// Runs `sql` in the database at `url` (fails the test on an error).
void pg_exec(const std::string& url, const std::string& sql);

}  // namespace cockpit::test
