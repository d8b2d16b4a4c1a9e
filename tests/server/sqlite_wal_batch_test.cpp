// The server's SQLite writer on real files: a write-queue group's commit reaches the disk
// in a few write calls (its WAL frames gathered by the WAL batch VFS,
// server/sqlite_wal_batch.hpp; its savepoints' journal in memory), every commit of the
// VFS is whole to a reader on SQLite's own VFS, and a transaction larger than the buffer
// and than one write of the default VFS survives reopening.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "fresh_db.hpp"
#include "server/sqlite_db.hpp"
#include "server/sqlite_wal_batch.hpp"
#include "server/storage.hpp"

using namespace cockpit::server;
using cockpit::test::fresh_db;

// Named, not anonymous: the unity build compiles this file with other tests' helpers.
namespace wal_batch_test {

// Write system calls this process made so far (the kernel's own count).
long write_calls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value)
    if (key == "syscw:") return value;
  FAIL("/proc/self/io has no syscw line");
  return 0;
}

void open_as_server_writer(Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
}

// One transaction of `rows` rows of 2,000 bytes each (about one page per two rows).
void insert_rows(Db& db, int first, int rows) {
  db.exec("BEGIN IMMEDIATE");
  for (int i = first; i < first + rows; ++i)
    db.prep("INSERT INTO t(id, v) VALUES(?, randomblob(2000))").bind(1, i).run();
  db.exec("COMMIT");
}

std::int64_t count_rows(Db& db) {
  auto s = db.prep("SELECT count(*) FROM t WHERE length(v)=2000");
  REQUIRE(s.step());
  return s.i64(0);
}

const std::string kValue(2000, 'v');  // about half a page

// A group as the write queue makes it: 4 jobs, each in a savepoint, 40 values each
// (about 80 pages), one commit; the write calls it took. Run twice: the second group
// changes pages that exist, whose old content each savepoint keeps in its journal
// (more than SQLite's 64 KiB in memory per job, as a source event's job does).
long writes_of_one_group(StorageTxn& txn) {
  const long before = write_calls();
  for (int job = 0; job < 4; ++job) {
    txn.savepoint();
    for (int i = 0; i < 40; ++i) txn.put_meta("job-" + std::to_string(job) + "-" + std::to_string(i), kValue);
    txn.keep_savepoint();
  }
  txn.commit();
  return write_calls() - before;
}

// The same group on a connection with SQLite's defaults (synchronous=FULL too).
long writes_of_one_group(Db& db) {
  const long before = write_calls();
  db.exec("BEGIN IMMEDIATE");
  for (int job = 0; job < 4; ++job) {
    db.exec("SAVEPOINT job");
    for (int i = 0; i < 40; ++i)
      db.prep("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)")
          .bind(1, "job-" + std::to_string(job) + "-" + std::to_string(i))
          .bind(2, kValue)
          .run();
    db.exec("RELEASE job");
  }
  db.exec("COMMIT");
  return write_calls() - before;
}


TEST_CASE("a write-queue group's commit on the server's SQLite store takes a few write calls, not two per page") {
  const std::string plain_path = fresh_db("walplain-count");
  Db plain(plain_path, false);
  open_as_server_writer(plain);
  plain.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  writes_of_one_group(plain);
  const long with_defaults = writes_of_one_group(plain);

  auto storage = open_sqlite_storage(fresh_db("walbatch-count"), true);  // synchronous=FULL, as served
  writes_of_one_group(*storage->begin());
  const long served = writes_of_one_group(*storage->begin());
  INFO("write calls for one group of ~80 pages: SQLite's defaults " << with_defaults << ", the server's writer "
                                                                    << served);
  CHECK(with_defaults >= 100);  // the count itself works: two per WAL page, one per journaled page
  CHECK(served <= 8);           // the frames in pieces of 124 KiB, the journal in memory
  CHECK(storage->begin()->meta("job-3-39") == kValue);
}

TEST_CASE("every commit of a WAL batch writer is whole to a reader, and survives reopening") {
  const std::string path = fresh_db("walbatch-whole");
  {
    Db writer(path, false, wal_batch_vfs());
    open_as_server_writer(writer);
    Db reader(path, true);
    for (int round = 0; round < 20; ++round) {
      insert_rows(writer, round * 50, 50);
      CHECK(count_rows(reader) == (round + 1) * 50);
    }
    // 2,500 rows (about 5 MB): more than the buffer holds and than one write may carry.
    insert_rows(writer, 1000, 2500);
    CHECK(count_rows(reader) == 3500);
    // A rolled-back transaction leaves nothing, and the next commit is whole.
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("INSERT INTO t(id, v) SELECT id + 100000, v FROM t");
    writer.exec("ROLLBACK");
    insert_rows(writer, 5000, 10);
    CHECK(count_rows(reader) == 3510);
  }
  Db again(path, false);  // SQLite's own VFS reads what the batch wrote
  auto check = again.prep("PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");
  CHECK(count_rows(again) == 3510);
}

}  // namespace wal_batch_test
