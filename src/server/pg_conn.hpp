#pragma once
// A thin RAII layer over libpq for the server's PostgreSQL storage: one connection,
// statements prepared once per connection and cached by their SQL text (like
// sqlite_db.hpp's Db::prep), parameters and results as text. Errors are exceptions:
// StorageUnavailable when the connection is gone (the HTTP layer answers 503 and the
// next use connects again), PgError for anything else.
#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/storage.hpp"

namespace cockpit::server {

struct PgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parameters of one statement, as text ($1, $2, … in order); nullopt is SQL NULL.
class PgParams {
 public:
  PgParams& add(std::string_view v) {
    v_.emplace_back(std::string(v));
    return *this;
  }
  PgParams& add(const char* v) { return add(std::string_view(v)); }
  PgParams& add(std::int64_t v) {
    v_.emplace_back(std::to_string(v));
    return *this;
  }
  PgParams& add(int v) { return add(static_cast<std::int64_t>(v)); }
  PgParams& null() {
    v_.emplace_back(std::nullopt);
    return *this;
  }
  template <class T>
  PgParams& add(const std::optional<T>& v) {
    return v ? add(*v) : null();
  }
  std::size_t size() const { return v_.size(); }
  const std::optional<std::string>& operator[](std::size_t i) const { return v_[i]; }

 private:
  std::vector<std::optional<std::string>> v_;
};

// A statement's result; rows and columns from 0.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult() {
    if (r_) PQclear(r_);
  }
  int rows() const { return PQntuples(r_); }
  bool empty() const { return rows() == 0; }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
  }
  std::string_view view(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col))};
  }
  std::int64_t i64(int row, int col) const { return null(row, col) ? 0 : std::stoll(PQgetvalue(r_, row, col)); }
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE touched

 private:
  PGresult* r_;
};

// One statement of a pipeline (PgConn::pipeline). `control`: a statement PostgreSQL
// cannot prepare (BEGIN, COMMIT), sent as it is; the others are prepared once, as q does.
struct PgStatement {
  const char* sql;
  PgParams params = {};
  bool control = false;
};

class PgConn {
 public:
  // Connects to `url` (a postgresql:// URI or key=value string). StorageUnavailable when
  // the server cannot be reached.
  explicit PgConn(const std::string& url);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // One or more statements without parameters (simple query protocol).
  void exec(const char* sql);
  void exec(const std::string& sql) { exec(sql.c_str()); }
  // The same, returning the last statement's result (a BEGIN; …; SELECT in one trip).
  PgResult simple(const std::string& sql);
  // `sql` ($1, $2, …) prepared once on this connection: it must be a string literal
  // (the cache is keyed by its address) or outlive the connection.
  PgResult q(const char* sql, const PgParams& params = {});
  // Sends a statement ($1, $2, … as for q) and returns without its answer, so the caller
  // works on while PostgreSQL runs it (a batch of writes, pg_write_batch.hpp). One at a
  // time: the next call on this connection collects the answer first, and throws its
  // error then.
  void send(const char* sql, const PgParams& params = {});
  // The same for a statement without parameters that cannot be prepared (SAVEPOINT).
  void send_simple(const char* sql);
  // Waits for the statement send() sent, if any (PgError on its error).
  void collect();
  // Sends every statement, then waits once for all their answers (libpq's pipeline
  // mode: one round trip instead of one per statement). The results come in order.
  // After the first error PostgreSQL skips the rest; the connection is left outside any
  // transaction and that error is thrown.
  std::vector<PgResult> pipeline(const std::vector<PgStatement>& statements);
  // Whether the connection still stands (false after the server went away).
  bool healthy() const { return PQstatus(c_) == CONNECTION_OK; }
  // healthy(), and the server has not closed it meanwhile: a connection that sat idle
  // while PostgreSQL restarted still says CONNECTION_OK until it is read, so this looks
  // at the socket (no round trip) before the connection is used again.
  bool still_there();
  PGconn* raw() { return c_; }

 private:
  [[noreturn]] void fail(PGresult* r, const char* sql);
  void send_in_pipeline(const PgStatement& st);
  std::vector<PgResult> read_pipeline(const std::vector<PgStatement>& statements);
  const std::string& prepared(const char* sql);
  PGconn* c_ = nullptr;
  const char* sent_ = nullptr;  // the statement sent and not yet collected
  std::unordered_map<const char*, std::string> prepared_;  // SQL -> statement name
};

// Whether `db` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_url(std::string_view db);

}  // namespace cockpit::server
