// The guard's lookups on a real SQLite file use their indexes. A full scan gives the
// same answers, only slower, so no other test notices (issue 18: the address lookup
// read all 10,000 customers of the synthetic book per check, one check at a time).
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <string>

#include "server/sqlite_db.hpp"
#include "server/sqlite_guard.hpp"
#include "server/storage.hpp"

using namespace cockpit::server;

namespace {

// SQLite's plan for `sql`, its lines joined by "; ".
std::string plan_of(Db& db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.raw(), ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::string out;
  while (sqlite3_step(s) == SQLITE_ROW)
    out += (out.empty() ? "" : "; ") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
  sqlite3_finalize(s);
  return out;
}

}  // namespace

TEST_CASE("guard lookups: a customer by e-mail address uses records_customer_email, not a walk of all customers") {
  const std::string path = "/tmp/cockpit-guard-plan-" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  open_sqlite_storage(path, false);  // the schema, as the server makes it
  Db db(path, true);
  const std::string plan = plan_of(db, sqlite_guard::kCustomerByEmail);
  INFO("plan: " << plan);
  CHECK(plan.find("USING INDEX records_customer_email") != std::string::npos);
  CHECK(plan.find("sqlite_autoindex_records_1") == std::string::npos);
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}
