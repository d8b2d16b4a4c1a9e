#include "test_store.hpp"

#include <errno.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include <doctest/doctest.h>

namespace cockpit::test {

bool testing_postgres() {
  const char* s = std::getenv("COCKPIT_TEST_STORE");
  return s && std::string(s) == "postgresql";
}

std::string pg_cluster_url() {
  const char* dir = std::getenv("COCKPIT_TEST_PG_DIR");
  REQUIRE_MESSAGE(dir, "COCKPIT_TEST_STORE=postgresql needs COCKPIT_TEST_PG_DIR (the ctest fixture sets both)");
  std::ifstream f(std::string(dir) + "/url");
  std::string url;
  std::getline(f, url);
  REQUIRE_MESSAGE(!url.empty(), "no PostgreSQL cluster: " << dir << "/url is missing (run the pg fixture)");
  return url;
}

void pg_exec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, "cannot connect to " << url << ": " << PQerrorMessage(c));
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE(ok, sql << ": " << err);
}

namespace {

bool is_url(const std::string& s) { return s.rfind("postgresql://", 0) == 0; }

// "t_<program>_<file name>", letters, digits and '_' only, at most 63 characters.
std::string database_name(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  std::string name = "t_" + std::string(program_invocation_short_name) + "_" + base;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (name.size() > 63) name = name.substr(0, 46) + "_" + std::to_string(std::hash<std::string>{}(name) % 1000000000000000ULL);
  return name;
}

}  // namespace

std::string store_for(const std::string& path) {
  if (!testing_postgres() || is_url(path)) return path;
  const std::string base = pg_cluster_url();
  const std::string name = database_name(path);
  PGconn* c = PQconnectdb((base + "/postgres").c_str());
  REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, "cannot connect to " << base << ": " << PQerrorMessage(c));
  PGresult* r = PQexec(c, ("SELECT 1 FROM pg_database WHERE datname='" + name + "'").c_str());
  const bool exists = PQntuples(r) > 0;
  PQclear(r);
  if (!exists) {
    r = PQexec(c, ("CREATE DATABASE " + name).c_str());
    // A database made by a concurrent start of the same name is as good.
    PQclear(r);
  }
  PQfinish(c);
  return base + "/" + name;
}

void copy_store(const std::string& from, const std::string& to) {
  if (!testing_postgres()) {
    namespace fs = std::filesystem;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    for (const char* suffix : {"-wal", "-shm"}) {
      if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix, fs::copy_options::overwrite_existing);
      else fs::remove(to + suffix);
    }
    return;
  }
  forget_store(to);
  const std::string src = store_for(from), dst = store_for(to);
  const std::string bin = "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)";
  const std::string cmd = "bash -c \"" + bin + "/pg_dump --format=custom '" + src + "' | " + bin +
                          "/pg_restore --no-owner --dbname='" + dst + "'\"";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd);
}

void forget_store(const std::string& path) {
  if (!testing_postgres()) return;
  pg_exec(pg_cluster_url() + "/postgres", "DROP DATABASE IF EXISTS " + database_name(path) + " WITH (FORCE)");
}

}  // namespace cockpit::test
