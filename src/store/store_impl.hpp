#pragma once
// The store's private parts, shared by its source files (store.cpp: records, import,
// audit, change log; replica.cpp: the device side of sync). Not for use outside
// src/store.
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/tables.hpp"

namespace cockpit {

using sql::SqlError;
using sql::Stmt;
using sql::Using;
using tables::Table;

// Runs a public operation: SqlError and anything else thrown become an Error.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Error{e.what()};
  } catch (...) {
    return Error{"unknown error"};
  }
}

// How a write reaches the change log (the outbox sync sends).
enum class LogMode {
  local_edit,  // a user's action: logged with the record's before-image (the push sends only what changed)
  import,      // a document applied to this store: logged, no before-image
  remote,      // the server's version arriving on this device: not logged, it is not ours to send
};

namespace store_detail {
class StoreKnown final : public KnownRecords {
 public:
  explicit StoreKnown(Store::Impl* impl) : impl_(impl) {}
  bool has_manager(std::string_view id) const override;
  bool has_customer(std::string_view id) const override;
  std::optional<std::string> case_customer(std::string_view id) const override;
  Store::Impl* impl_;
};
}  // namespace store_detail

struct Store::Impl {
  sql::Db db;
  int version = 0;
  int depth = 0;  // open transaction levels (0: autocommit)
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache;
  store_detail::StoreKnown known{this};

  // A cached prepared statement; wrap its use in `Using` so it is reset afterwards.
  Stmt& stmt(const std::string& sql) {
    auto it = cache.find(sql);
    if (it == cache.end()) it = cache.emplace(sql, std::make_unique<Stmt>(db, sql)).first;
    return *it->second;
  }

  // Transactions nest: the outermost is BEGIN IMMEDIATE (take the write lock now, not
  // half-way), inner levels are savepoints.
  void begin() {
    db.exec(depth == 0 ? std::string("BEGIN IMMEDIATE") : "SAVEPOINT sp" + std::to_string(depth));
    ++depth;
  }
  void commit() {
    db.exec(depth == 1 ? std::string("COMMIT") : "RELEASE sp" + std::to_string(depth - 1));
    --depth;
  }
  void rollback() noexcept {
    try {
      if (depth == 1)
        db.exec("ROLLBACK");
      else
        db.exec("ROLLBACK TO sp" + std::to_string(depth - 1) + "; RELEASE sp" + std::to_string(depth - 1));
    } catch (...) {
      // Some errors (disk full, I/O) already rolled back the whole transaction.
    }
    --depth;
  }
  // Runs body atomically: its own transaction, or a savepoint in the caller's.
  template <typename F>
  auto atomic(F&& body) -> decltype(body()) {
    begin();
    try {
      auto r = body();
      commit();
      return r;
    } catch (...) {
      rollback();
      throw;
    }
  }

  // Runs body in one read transaction (a consistent snapshot even while another
  // process writes) without taking the write lock; inside a caller's transaction it
  // just runs.
  template <typename F>
  auto reading(F&& body) -> decltype(body()) {
    if (depth > 0) return body();
    db.exec("BEGIN");
    try {
      auto r = body();
      db.exec("COMMIT");
      return r;
    } catch (...) {
      try {
        db.exec("ROLLBACK");
      } catch (...) {
      }
      throw;
    }
  }

  void log_change(RecordKind e, std::string_view id, std::string_view op, const std::optional<std::string>& record,
                  const Stamp& who, const std::optional<std::string>& base = std::nullopt) {
    Using q(stmt(
        "INSERT INTO change_log (change_id, entity, entity_id, op, record, at, actor, base) "
        "VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->bind(3, op);
    q->bind_ref(4, record);  // alive until this statement is reset below
    q->bind(5, who.at);
    q->bind(6, who.actor);
    q->bind_ref(7, base);
    q->run();
  }

  // Upsert; logs (as `mode` says) and returns true only when the row changed.
  template <typename R>
  bool put_row(const R& r, const Stamp& who, LogMode mode = LogMode::import) {
    static const std::string sql = tables::upsert_sql<R>();
    std::optional<std::string> old_owner;
    if constexpr (std::is_same_v<R, Customer>) old_owner = owner_of(r.id);
    // A user's edit keeps what the record was, so the push can send only the fields
    // that changed (and never undo a concurrent edit of another field).
    std::optional<std::string> base;
    if (mode == LogMode::local_edit)
      if (auto old = get<R>(r.id)) base = to_json(*old);
    {
      Using q(stmt(sql));
      Table<R>::bind(*q, r);
      q->run();
    }
    if (db.changes() == 0) return false;
    if constexpr (std::is_same_v<R, Customer>) {
      if (old_owner && *old_owner != r.owner) move_records(r.id, *old_owner, r.owner);
    }
    if (mode != LogMode::remote) log_change(Table<R>::kind, r.id, "upsert", to_json(r), who, base);
    return true;
  }

  std::optional<std::string> owner_of(std::string_view customer) {
    Using q(stmt("SELECT owner FROM customers WHERE id = ?1"));
    q->bind(1, customer);
    if (!q->step()) return std::nullopt;
    return q->text(0);
  }

  // A reassigned customer's records follow them to the new owner's range. The records
  // themselves do not change (owner is not part of them): nothing is logged for them.
  void move_records(std::string_view customer, std::string_view from, std::string_view to) {
    for_each_kind([&]<class R>(std::type_identity<R>) {
      if constexpr (Table<R>::owned) {
        static const std::string sql =
            "UPDATE " + std::string(Table<R>::name) + " SET owner = ?1 WHERE owner = ?2 AND customer = ?3";
        Using q(stmt(sql));
        q->bind(1, to);
        q->bind(2, from);
        q->bind(3, customer);
        q->run();
      }
    });
  }

  template <typename R>
  bool remove_row(std::string_view id, const Stamp& who, LogMode mode = LogMode::local_edit) {
    static const std::string sql = "DELETE FROM " + std::string(Table<R>::name) + " WHERE id = ?1";
    std::optional<std::string> base;
    if (mode == LogMode::local_edit)
      if (auto old = get<R>(id)) base = to_json(*old);
    {
      Using q(stmt(sql));
      q->bind(1, id);
      q->run();
    }
    if (db.changes() == 0) return false;
    if (mode != LogMode::remote) log_change(Table<R>::kind, id, "delete", std::nullopt, who, base);
    return true;
  }

  bool remove_any(RecordKind kind, std::string_view id, const Stamp& who, LogMode mode) {
    return visit_kind(kind, [&]<class R>(std::type_identity<R>) { return remove_row<R>(id, who, mode); });
  }

  template <typename R>
  std::optional<R> get(std::string_view id) {
    static const std::string sql =
        "SELECT " + tables::column_list<R>() + " FROM " + std::string(Table<R>::name) + " WHERE id = ?1";
    Using q(stmt(sql));
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return Table<R>::read(*q);
  }

  template <typename R>
  void read_rows(const std::string& sql, std::vector<R>& out, std::string_view param = {}) {
    Using q(stmt(sql));
    if (!param.empty()) q->bind(1, param);
    while (q->step()) out.push_back(Table<R>::read(*q));
  }

  // Every row, ordered by id. Read in storage order (sequential pages) and sorted
  // here: ORDER BY id would walk the id index and fetch each row from a random page.
  template <typename R>
  void read_all(std::vector<R>& out) {
    read_unordered(out);
    std::sort(out.begin(), out.end(), [](const R& a, const R& b) { return a.id < b.id; });
  }

  // Rows of the customers one manager owns: one contiguous range of the table's
  // (owner, customer, id) key. Counted first so the vector is allocated once: growing
  // a 10,000-row vector by doubling costs more (page faults, moves) than the count.
  template <typename R>
  void read_owned(std::string_view owner, std::vector<R>& out) {
    static const std::string count_sql = "SELECT count(*) FROM " + std::string(Table<R>::name) + " WHERE owner = ?1";
    static const std::string sql =
        "SELECT " + tables::column_list<R>() + " FROM " + std::string(Table<R>::name) + " WHERE owner = ?1";
    {
      Using q(stmt(count_sql));
      q->bind(1, owner);
      if (q->step()) out.reserve(out.size() + static_cast<std::size_t>(q->integer(0)));
    }
    read_rows(sql, out, owner);
  }

  // Every row, in storage order (cheaper than sorting for a lead's slice).
  template <typename R>
  void read_unordered(std::vector<R>& out) {
    static const std::string sql = "SELECT " + tables::column_list<R>() + " FROM " + std::string(Table<R>::name);
    read_rows(sql, out);
  }

  bool exists(const std::string& sql, std::string_view id) {
    Using q(stmt(sql));
    q->bind(1, id);
    return q->step();
  }
};


}  // namespace cockpit
