#include "server/sqlite_db.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cockpit::server {

namespace {

// The database holds password hashes and every customer's records: only its owner may
// read it. Created 0600 (SQLite gives its -wal and -shm files the same mode), and an
// older file readable by others is narrowed to that on open.
void owner_only(const std::string& path) {
  if (path.empty() || path[0] == ':' || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // sqlite3_open_v2 reports why
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) (void)::fchmod(fd, st.st_mode & 0700);
  ::close(fd);
}

}  // namespace

Db::Db(const std::string& path, bool read_only, const char* vfs) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // NOMUTEX: every Db is used under the storage's own mutex, one thread at a time.
  flags |= SQLITE_OPEN_NOMUTEX;
  if (!read_only) owner_only(path);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, vfs) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer are separate connections; a reader never blocks in WAL,
  // the writer waits for a checkpoint at most this long.
  sqlite3_busy_timeout(db_, 10000);
  // A 32 MB page cache per connection (the 10,000-customer book is about 40 MB). No
  // memory map: SQLite remaps the file whenever a checkpoint grows it, on every
  // connection, and each remap costs every thread of the server a TLB flush and the
  // pulls a page fault per page they touch again. Measured with bench_guard (checks by
  // id while 100 devices push and pull, 2 cores, loaded machine, 4 runs each): with the
  // map 5,900-6,100 checks/s and 720-850 device requests/s, without it 8,000-9,100 and
  // 1,200-1,300, with a lower p99. Nor a larger cache for the writer: SQLite walks the
  // whole page cache's hash table at the end of every write transaction, so with 256 MB
  // that walk went from about 4 % to about 15 % of the server's CPU under source
  // webhooks (CONNECT.md, "Why 2,000 is not reached yet").
  exec("PRAGMA cache_size=-32768");
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  if (db_) sqlite3_close(db_);
}

void Db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw SqliteError("sqlite: " + msg + " in: " + std::string(sql).substr(0, 80));
  }
}

Stmt Db::prep(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      throw SqliteError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
    it = cache_.emplace(sql, s).first;
  }
  return Stmt(db_, it->second);
}

}  // namespace cockpit::server
