#include "milter/state.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

namespace cockpit::milter {

namespace {

constexpr const char* kSchema = R"SQL(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('cursor', 0);
CREATE TABLE IF NOT EXISTS held(
  id INTEGER PRIMARY KEY,
  queue_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  held_at INTEGER NOT NULL,
  due INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS held_due ON held(due);
CREATE TABLE IF NOT EXISTS held_record(
  held INTEGER NOT NULL REFERENCES held(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  scheduled TEXT NOT NULL,
  verdict TEXT NOT NULL,
  cursor INTEGER NOT NULL,
  check_body TEXT NOT NULL,
  refresh INTEGER NOT NULL,
  PRIMARY KEY(held, n));
CREATE INDEX IF NOT EXISTS held_record_scheduled ON held_record(scheduled);
)SQL";

// A prepared statement that finalizes itself.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  explicit operator bool() const { return s != nullptr; }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s, i, v);
    return *this;
  }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  bool step_done() { return s && sqlite3_step(s) == SQLITE_DONE; }
  bool row() { return s && sqlite3_step(s) == SQLITE_ROW; }
  std::int64_t i64(int c) { return sqlite3_column_int64(s, c); }
  std::string text(int c) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, c))) : std::string();
  }
};

std::int64_t read_cursor(sqlite3* db) {
  Stmt q(db, "SELECT value FROM meta WHERE key = 'cursor'");
  return q.row() ? q.i64(0) : 0;
}

}  // namespace

std::unique_ptr<State> State::open(const std::string& dir, std::string& error) {
  mkdir(dir.c_str(), 0700);  // may exist already
  sqlite3* db = nullptr;
  const std::string path = dir + "/state.db";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    error = path + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<State> s(new State(db));
  if (!s->exec(kSchema)) {
    error = path + ": " + sqlite3_errmsg(db);
    return nullptr;
  }
  return s;
}

State::~State() { sqlite3_close(db_); }

bool State::exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

bool State::write_records(const HeldEntry& e) {
  Stmt del(db_, "DELETE FROM held_record WHERE held = ?");
  if (!del.bind(1, e.id).step_done()) return false;
  for (std::size_t n = 0; n < e.records.size(); ++n) {
    const HeldRecord& r = e.records[n];
    Stmt ins(db_,
             "INSERT INTO held_record(held, n, scheduled, verdict, cursor, check_body, refresh) VALUES (?,?,?,?,?,?,?)");
    ins.bind(1, e.id).bind(2, static_cast<std::int64_t>(n)).bind(3, r.scheduled).bind(4, r.verdict);
    ins.bind(5, r.cursor).bind(6, r.check_body).bind(7, r.refresh ? 1 : 0);
    if (!ins.step_done()) return false;
  }
  return true;
}

bool State::add(HeldEntry& e, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  // Under the same lock as apply_feed: either the follower reads this record's later
  // changes after the entry exists, or its cursor is past the record's and it refreshes.
  const std::int64_t feed = read_cursor(db_);
  bool due_now = false;
  for (HeldRecord& r : e.records) {
    r.refresh = !r.scheduled.empty() && r.cursor < feed;
    due_now = due_now || r.refresh || !r.check_body.empty() || r.verdict != "hold";
  }
  if (!exec("BEGIN IMMEDIATE")) return false;
  Stmt ins(db_, "INSERT INTO held(queue_id, message_id, held_at, due) VALUES (?,?,?,?)");
  ins.bind(1, e.queue_id).bind(2, e.message_id).bind(3, now_ms).bind(4, due_now ? now_ms : kNever);
  if (!ins.step_done()) {
    exec("ROLLBACK");
    return false;
  }
  e.id = sqlite3_last_insert_rowid(db_);
  e.held_at = now_ms;
  if (!write_records(e) || !exec("COMMIT")) {
    exec("ROLLBACK");
    return false;
  }
  return true;
}

bool State::apply_feed(const FeedPage& page) {
  std::lock_guard lock(mu_);
  if (!exec("BEGIN IMMEDIATE")) return false;
  for (const FeedChange& c : page.changes) {
    Stmt up(db_, "UPDATE held_record SET verdict = ?, cursor = ?, refresh = 0 WHERE scheduled = ? AND cursor < ?");
    up.bind(1, c.verdict).bind(2, c.cursor).bind(3, c.scheduled).bind(4, c.cursor);
    if (!up.step_done()) break;
    if (sqlite3_changes(db_) == 0) continue;
    Stmt due(db_, "UPDATE held SET due = 0 WHERE id IN (SELECT held FROM held_record WHERE scheduled = ?)");
    if (!due.bind(1, c.scheduled).step_done()) break;
  }
  Stmt cur(db_, "UPDATE meta SET value = ? WHERE key = 'cursor' AND value < ?");
  if (!cur.bind(1, page.cursor).bind(2, page.cursor).step_done() || !exec("COMMIT")) {
    exec("ROLLBACK");
    return false;
  }
  return true;
}

std::int64_t State::cursor() {
  std::lock_guard lock(mu_);
  return read_cursor(db_);
}

std::vector<HeldEntry> State::due(std::int64_t now_ms, std::size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<HeldEntry> out;
  Stmt q(db_, "SELECT id, queue_id, message_id, held_at, attempts FROM held WHERE due <= ? ORDER BY due, id LIMIT ?");
  q.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit));
  while (q.row()) out.push_back({q.i64(0), q.text(1), q.text(2), q.i64(3), static_cast<int>(q.i64(4)), {}});
  for (HeldEntry& e : out) {
    Stmt r(db_, "SELECT scheduled, verdict, cursor, check_body, refresh FROM held_record WHERE held = ? ORDER BY n");
    r.bind(1, e.id);
    while (r.row()) e.records.push_back({r.text(0), r.text(1), r.i64(2), r.text(3), r.i64(4) != 0});
  }
  return out;
}

bool State::update(const HeldEntry& e, std::int64_t next_due) {
  std::lock_guard lock(mu_);
  if (!exec("BEGIN IMMEDIATE")) return false;
  // The follower alone reads the feed and updates entries, one after the other, so its
  // copy of the records is the newest; the guard on cursors below is only a backstop.
  Stmt up(db_, "UPDATE held SET attempts = ?, due = ? WHERE id = ?");
  up.bind(1, e.attempts).bind(2, next_due).bind(3, e.id);
  if (!up.step_done()) {
    exec("ROLLBACK");
    return false;
  }
  // Records: keep a newer verdict the feed wrote meanwhile (higher cursor wins).
  for (std::size_t n = 0; n < e.records.size(); ++n) {
    const HeldRecord& r = e.records[n];
    Stmt w(db_,
           "UPDATE held_record SET scheduled = ?, verdict = ?, cursor = ?, check_body = ?, refresh = ? "
           "WHERE held = ? AND n = ? AND (cursor <= ? OR scheduled <> ?)");
    w.bind(1, r.scheduled).bind(2, r.verdict).bind(3, r.cursor).bind(4, r.check_body).bind(5, r.refresh ? 1 : 0);
    w.bind(6, e.id).bind(7, static_cast<std::int64_t>(n)).bind(8, r.cursor).bind(9, r.scheduled);
    if (!w.step_done()) {
      exec("ROLLBACK");
      return false;
    }
  }
  return exec("COMMIT");
}

bool State::forget(std::int64_t entry_id) {
  std::lock_guard lock(mu_);
  Stmt del(db_, "DELETE FROM held WHERE id = ?");
  return del.bind(1, entry_id).step_done();
}

std::int64_t State::count() {
  std::lock_guard lock(mu_);
  Stmt q(db_, "SELECT count(*) FROM held");
  return q.row() ? q.i64(0) : 0;
}

}  // namespace cockpit::milter
