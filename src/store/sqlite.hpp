#pragma once
// A thin RAII layer over the SQLite C API, private to src/store. Failures throw
// SqlError, which the Store catches at its public boundary and turns into a Result
// (after rolling back), so no caller ever sees an exception.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace cockpit::sql {

struct SqlError : std::runtime_error {
  SqlError(const std::string& what, int code) : std::runtime_error(what), code(code) {}
  int code;
};

// One connection. Move-only; closes on destruction.
class Db {
 public:
  Db() = default;
  // Opens (creating when allowed) the file; throws SqlError.
  static Db open(const std::string& path, bool create);
  Db(Db&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  sqlite3* get() const { return h_; }
  // Runs one or more statements that return no rows.
  void exec(const std::string& sql);
  // The first column of the first row as an integer (e.g. PRAGMA user_version).
  std::int64_t query_int(const std::string& sql);
  std::string query_text(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;
  [[noreturn]] void fail(const std::string& context) const;

 private:
  sqlite3* h_ = nullptr;
};

// One prepared statement. Parameters are 1-based, columns 0-based (as in SQLite).
class Stmt {
 public:
  Stmt(const Db& db, std::string_view sql);
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  void bind(int i, std::string_view v);
  void bind(int i, const std::string& v) { bind(i, std::string_view(v)); }
  void bind(int i, const char* v) { bind(i, std::string_view(v)); }
  void bind(int i, std::int64_t v);
  void bind(int i, const std::optional<std::string>& v);
  void bind(int i, const std::optional<std::int64_t>& v);
  void bind_null(int i);
  // Text SQLite does not copy (SQLITE_STATIC): `v` must stay alive until the statement is
  // reset. For a record's fields bound right before a step, where the copy is a tenth of
  // an import's cost; never for a temporary.
  void bind_ref(int i, std::string_view v);
  void bind_ref(int i, const std::string& v) { bind_ref(i, std::string_view(v)); }
  void bind_ref(int i, const std::optional<std::string>& v);
  void bind_ref(int i, std::int64_t v) { bind(i, v); }
  void bind_ref(int i, const std::optional<std::int64_t>& v) { bind(i, v); }

  // Steps once: true while a row is available, false when done. Throws on error.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  // Clears bindings and rewinds, ending any read it had open.
  void reset();

  std::string text(int col) const;
  std::string_view view(int col) const;  // valid until the next step/reset
  std::int64_t integer(int col) const;
  bool is_null(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_integer(int col) const;

 private:
  const Db* db_;
  sqlite3_stmt* s_ = nullptr;
};

// Resets a (cached) statement when leaving scope, so no read stays open.
class Using {
 public:
  explicit Using(Stmt& s) : s_(s) {}
  ~Using() { s_.reset(); }
  Using(const Using&) = delete;
  Using& operator=(const Using&) = delete;
  Stmt* operator->() { return &s_; }
  Stmt& operator*() { return s_; }

 private:
  Stmt& s_;
};

}  // namespace cockpit::sql
