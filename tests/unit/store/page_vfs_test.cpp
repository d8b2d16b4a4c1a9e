// The page-tracking VFS (store/page_vfs.hpp) on real SQLite files: after every commit, a
// copy kept up to date with only the chunks it names must equal the file byte for byte,
// whatever the commit did (inserts, updates, deletes, a rollback, a VACUUM that shrinks
// the file), and a small edit must name few chunks of a large file. This is what the
// browser's IndexedDB copy relies on (shell/browser/page_store.js).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "store/page_vfs.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;

namespace {

std::string fresh(const std::string& name) {
  const std::string p = std::string(COCKPIT_TEST_TMP) + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The browser's copy: chunks written as the VFS names them, cut to the file's size.
struct SavedCopy {
  std::string bytes;
  std::size_t last_chunks = 0;  // how many chunks the last save wrote

  void save(const std::string& path) {
    const std::string now = read_file(path);
    const auto chunks = store::take_changed_chunks(path);
    last_chunks = 0;
    bytes.resize(now.size());
    for (const std::uint32_t c : chunks) {
      const std::size_t at = std::size_t{c} * store::kSavedChunk;
      if (at >= now.size()) continue;  // cut off since: gone with the size
      bytes.replace(at, std::min<std::size_t>(store::kSavedChunk, now.size() - at), now, at, store::kSavedChunk);
      ++last_chunks;
    }
  }
};

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  REQUIRE_MESSAGE(rc == SQLITE_OK, sql, ": ", message);
}

}  // namespace

TEST_CASE("page VFS: a copy kept from the named chunks equals the file after every commit") {
  REQUIRE(store::install_page_tracking_vfs());
  REQUIRE(std::string(sqlite3_vfs_find(nullptr)->zName) == "cockpit-pages");
  const std::string path = fresh("page_vfs.db");
  SavedCopy copy;
  {
    // The Store's own import: a real book, many pages.
    OpenOptions o;
    o.journal_mode = "DELETE";
    auto s = Store::open(path, o);
    REQUIRE(s.ok());
    SyntheticSpec spec;
    spec.customers = 300;
    spec.now = *parse_time("2026-11-22T09:00:00Z");
    REQUIRE(s.value().import_document(generate_book(spec), Stamp{"import", spec.now}).ok());
  }
  copy.save(path);
  const std::string first = read_file(path);
  REQUIRE(first.size() > 200 * store::kSavedChunk);
  CHECK(copy.bytes == first);

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  exec(db, "PRAGMA journal_mode = DELETE");
  SUBCASE("one small edit names few chunks") {
    exec(db, "UPDATE customers SET name = 'Renamed' WHERE id = (SELECT min(id) FROM customers)");
    copy.save(path);
    CHECK(copy.bytes == read_file(path));
    CHECK(copy.last_chunks >= 1);
    CHECK(copy.last_chunks <= 4);
    CHECK(store::take_changed_chunks(path + "-journal").empty());  // journals are never noted
  }
  SUBCASE("inserts, deletes, a rollback and a shrinking VACUUM") {
    exec(db, "CREATE TABLE extra(id INTEGER PRIMARY KEY, body TEXT)");
    exec(db, "INSERT INTO extra(body) SELECT hex(randomblob(300)) FROM customers");
    copy.save(path);
    CHECK(copy.bytes == read_file(path));
    exec(db, "BEGIN; DELETE FROM extra WHERE id % 3 = 0; UPDATE extra SET body = 'x' WHERE id % 5 = 0; COMMIT");
    copy.save(path);
    CHECK(copy.bytes == read_file(path));
    exec(db, "BEGIN; DELETE FROM extra; ROLLBACK");
    copy.save(path);
    CHECK(copy.bytes == read_file(path));
    const std::size_t before = read_file(path).size();
    exec(db, "DROP TABLE extra; VACUUM");
    copy.save(path);
    const std::string after = read_file(path);
    CHECK(after.size() < before);
    CHECK(copy.bytes == after);
  }
  sqlite3_close(db);
}

TEST_CASE("page VFS: a file not opened through it, or unknown, names nothing") {
  REQUIRE(store::install_page_tracking_vfs());
  CHECK(store::take_changed_chunks(fresh("never-opened.db")).empty());
}
