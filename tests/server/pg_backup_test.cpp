// Backup and restore of a PostgreSQL book with PostgreSQL's own tools, as
// src/server/STORAGE.md tells operators to do it: pg_dump (custom format) while a server
// runs and takes pushes, pg_restore into a new database, and a server on the copy
// answers with the same book (the export), the same sessions and a cursor that goes on
// from where the dump stood.
#include <cstdlib>

#include <doctest/doctest.h>

#include "harness.hpp"
#include "test_store.hpp"

using namespace cockpit::test;

namespace {

std::string pg_bin(const std::string& tool) {
  return "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/" + tool;
}

json export_of(const std::string& db) {
  std::string out;
  REQUIRE(run_admin({"export", "--db", db}, "", &out) == 0);
  return json::parse(out);
}

}  // namespace

TEST_CASE("pg_dump while a server runs, pg_restore into a new database: a server there serves the same book") {
  const std::string src = store_for(temp_path("backup-source.db"));
  const std::string copy = store_for(temp_path("backup-restored.db"));
  const std::string dump = temp_path("backup.dump");
  Server s(src, {"--demo"});
  const std::string token = s.sign_in("m-anna", "demo-anna");
  Device anna{&s, token, "anna-laptop"};
  json m = anna.upsert("touchpoint", "t-before-backup",
                       {{"customer", "c-bike"}, {"at", "2026-11-01T00:00:00Z"}, {"channel", "email"},
                        {"direction", "out"}, {"sender", "m-anna"}, {"kind", "other"}, {"subject", "before"}},
                       0);
  REQUIRE(anna.push({m}).status == 200);

  REQUIRE(std::system(("bash -c \"" + pg_bin("pg_dump") + " --format=custom --file='" + dump + "' '" + src + "'\"")
                          .c_str()) == 0);
  const json before = export_of(src);
  const std::int64_t cursor = s.get("/api/health").as_json()["cursor"];
  // The restore goes into an empty database (store_for made it; nothing migrated it).
  REQUIRE(std::system(("bash -c \"" + pg_bin("pg_restore") + " --no-owner --dbname='" + copy + "' '" + dump + "'\"")
                          .c_str()) == 0);
  std::string out;
  REQUIRE(run_admin({"migrate", "--db", copy}, "", &out) == 0);
  CHECK(out.find("up to date") != std::string::npos);
  CHECK(export_of(copy) == before);

  Server restored(copy);
  // The session came along (its hash is in the dump); the cursor goes on from the dump's.
  Device again{&restored, token, "anna-laptop", 2};
  auto pulled = again.pull(0);
  REQUIRE_MESSAGE(pulled.status == 200, pulled.body);
  CHECK(pulled.as_json()["cursor"] == cursor);
  json m2 = again.upsert("touchpoint", "t-after-restore",
                         {{"customer", "c-bike"}, {"at", "2026-11-02T00:00:00Z"}, {"channel", "email"},
                          {"direction", "out"}, {"sender", "m-anna"}, {"kind", "other"}, {"subject", "after"}},
                         0);
  auto r = again.push({m2});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.as_json()["results"][0]["status"] == "applied");
  CHECK(r.as_json()["results"][0]["seq"].get<std::int64_t>() > cursor);
  // The mutation id already used before the backup is a replay on the copy too.
  auto replay = again.push({m});
  REQUIRE(replay.status == 200);
  CHECK(replay.as_json()["results"][0]["status"] == "applied");
}
