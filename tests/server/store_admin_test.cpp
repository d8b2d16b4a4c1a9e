// The store's admin commands on whichever store the suite runs on (SQLite files, or
// PostgreSQL with COCKPIT_TEST_STORE=postgresql): `migrate` brings a new database to the
// current schema and says so, a schema newer than the server knows is refused by serve,
// migrate and export alike, and `export` writes the book as a contract document that a
// fresh server ingests into the same book.
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>

#include <doctest/doctest.h>

#include "harness.hpp"
#include "test_store.hpp"

using namespace cockpit::test;

namespace {

void set_schema_version(const std::string& db, int v) {
  const std::string sql = "UPDATE schema_version SET version=" + std::to_string(v);
  if (db.rfind("postgresql://", 0) == 0) return pg_exec(db, sql);
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  CHECK(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(h);
}

json export_of(const std::string& db) {
  std::string out;
  REQUIRE(run_admin({"export", "--db", db}, "", &out) == 0);
  auto j = json::parse(out, nullptr, false);
  REQUIRE_MESSAGE(j.is_object(), out.substr(0, 300));
  return j;
}

}  // namespace

TEST_CASE("migrate brings a new database to the current schema once; a newer schema is refused everywhere") {
  const std::string db = store_for(temp_path("store-migrate.db"));
  std::string out;
  REQUIRE(run_admin({"migrate", "--db", db}, "", &out) == 0);
  CHECK(out.find("schema version 0 -> 3: migrated") != std::string::npos);
  REQUIRE(run_admin({"migrate", "--db", db}, "", &out) == 0);
  CHECK(out.find("schema version 3: up to date") != std::string::npos);

  set_schema_version(db, 99);
  CHECK(run_admin({"migrate", "--db", db}, "", &out) == 1);
  CHECK(run_admin({"export", "--db", db}, "", &out) == 1);
  // serve refuses too, before it listens.
  const int rc = std::system((server_bin() + " serve --port 0 --db '" + db + "' >/dev/null 2>&1").c_str());
  CHECK(WEXITSTATUS(rc) == 1);
  set_schema_version(db, 3);
  REQUIRE(run_admin({"migrate", "--db", db}, "", &out) == 0);
}

TEST_CASE("export writes the book as a contract document that a fresh server ingests into the same book") {
  json book;
  {
    Server s(temp_path("store-export.db"), {"--demo"});
    book = export_of(s.db());
  }
  CHECK(book["managers"].size() == 3);
  CHECK(book["customers"].size() >= 5);
  for (const char* list : {"managers", "customers", "cases", "promises", "exceptions", "touchpoints", "scheduled",
                           "suggestion_decisions"})
    CHECK_MESSAGE(book.contains(list), list);

  Server fresh(temp_path("store-export-copy.db"));
  add_managers(fresh, book, "password-1");
  auto r = ingest(fresh, integration_token(fresh, "restore"), book.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(export_of(fresh.db()) == book);
}
