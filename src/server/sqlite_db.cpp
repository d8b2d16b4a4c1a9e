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

Db::Db(const std::string& path, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // NOMUTEX: every Db is used under the storage's own mutex, one thread at a time.
  flags |= SQLITE_OPEN_NOMUTEX;
  if (!read_only) owner_only(path);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer are separate connections; a reader never blocks in WAL,
  // the writer waits for a checkpoint at most this long.
  sqlite3_busy_timeout(db_, 10000);
  // Pages read through a memory map and a 32 MB cache per connection: a pull or a check
  // then reads the book without a system call per page (the 10,000-customer book is
  // about 40 MB).
  exec("PRAGMA mmap_size=268435456");
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
