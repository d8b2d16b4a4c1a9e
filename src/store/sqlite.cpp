#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace cockpit::sql {

namespace {
// Before SQLite initialises, once per process: no memory statistics (Cockpit never reads
// them, and keeping them takes a global mutex on every allocation — a tenth of an
// import's time).
const bool kConfigured = [] {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  return true;
}();
}  // namespace

Db Db::open(const std::string& path, bool create) {
  (void)kConfigured;
  Db db;
  // NOMUTEX: a connection is used by one thread at a time (Store is not shared), so
  // SQLite's per-call mutex is pure overhead; it is measurable on row-heavy reads.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db.h_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db.h_ ? sqlite3_errmsg(db.h_) : sqlite3_errstr(rc);
    throw SqlError("cannot open " + path + ": " + msg, rc);
  }
  sqlite3_extended_result_codes(db.h_, 1);
  return db;
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    if (h_) sqlite3_close_v2(h_);
    h_ = o.h_;
    o.h_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  if (h_) sqlite3_close_v2(h_);
}

void Db::fail(const std::string& context) const {
  throw SqlError(context + ": " + sqlite3_errmsg(h_), sqlite3_extended_errcode(h_));
}

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw SqlError(msg, sqlite3_extended_errcode(h_));
  }
}

std::int64_t Db::query_int(const std::string& sql) {
  Stmt s(*this, sql);
  return s.step() ? s.integer(0) : 0;
}

std::string Db::query_text(const std::string& sql) {
  Stmt s(*this, sql);
  return s.step() ? s.text(0) : std::string();
}

int Db::changes() const { return sqlite3_changes(h_); }

Stmt::Stmt(const Db& db, std::string_view sql) : db_(&db) {
  if (sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s_,
                         nullptr) != SQLITE_OK)
    db.fail("cannot prepare \"" + std::string(sql.substr(0, 80)) + "\"");
}

Stmt::~Stmt() {
  if (s_) sqlite3_finalize(s_);
}

void Stmt::bind(int i, std::string_view v) {
  if (sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
    db_->fail("cannot bind parameter " + std::to_string(i));
}
void Stmt::bind_ref(int i, std::string_view v) {
  if (sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK)
    db_->fail("cannot bind parameter " + std::to_string(i));
}
void Stmt::bind_ref(int i, const std::optional<std::string>& v) {
  if (v)
    bind_ref(i, std::string_view(*v));
  else
    bind_null(i);
}
void Stmt::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) db_->fail("cannot bind parameter " + std::to_string(i));
}
void Stmt::bind(int i, const std::optional<std::string>& v) {
  if (v)
    bind(i, std::string_view(*v));
  else
    bind_null(i);
}
void Stmt::bind(int i, const std::optional<std::int64_t>& v) {
  if (v)
    bind(i, *v);
  else
    bind_null(i);
}
void Stmt::bind_null(int i) {
  if (sqlite3_bind_null(s_, i) != SQLITE_OK) db_->fail("cannot bind parameter " + std::to_string(i));
}

bool Stmt::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Rewind too: a failed statement must not keep a read open. The message is taken
  // first, as reset may replace it.
  SqlError err(std::string("statement failed: ") + sqlite3_errmsg(db_->get()), sqlite3_extended_errcode(db_->get()));
  sqlite3_reset(s_);
  throw err;
}

void Stmt::run() {
  while (step()) {
  }
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::string_view Stmt::view(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}
std::string Stmt::text(int col) const { return std::string(view(col)); }
std::int64_t Stmt::integer(int col) const { return sqlite3_column_int64(s_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<std::int64_t> Stmt::opt_integer(int col) const {
  if (is_null(col)) return std::nullopt;
  return integer(col);
}

}  // namespace cockpit::sql
