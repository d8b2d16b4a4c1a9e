// [SECTION] Index
//  - Impl: the connection, the statement cache, transaction depth
//  - Opening: refuse what is not ours or too new, then configure and migrate
//  - Reading: export, slices, single records
//  - Writing: upsert + change log, delete, import
//  - Transactions, audit trail, change log
#include "store/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <type_traits>
#include <unordered_map>

#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/tables.hpp"

namespace cockpit {

using sql::SqlError;
using sql::Stmt;
using sql::Using;
using tables::Table;

namespace {

constexpr std::pair<Entity, std::string_view> kEntities[] = {
    {Entity::manager, "manager"},     {Entity::customer, "customer"},
    {Entity::case_, "case"},          {Entity::promise, "promise"},
    {Entity::exception, "exception"}, {Entity::touchpoint, "touchpoint"},
    {Entity::scheduled, "scheduled"}, {Entity::suggestion_decision, "suggestion_decision"},
};

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

}  // namespace

std::string_view to_string(Entity e) {
  for (const auto& [k, name] : kEntities)
    if (k == e) return name;
  return "?";
}

std::optional<Entity> parse_Entity(std::string_view s) {
  for (const auto& [k, name] : kEntities)
    if (name == s) return k;
  return std::nullopt;
}

// ---------------------------------------------------------------- [SECTION] Impl

namespace {
class StoreKnown final : public KnownRecords {
 public:
  explicit StoreKnown(Store::Impl* impl) : impl_(impl) {}
  bool has_manager(std::string_view id) const override;
  bool has_customer(std::string_view id) const override;
  std::optional<std::string> case_customer(std::string_view id) const override;
  Store::Impl* impl_;
};
}  // namespace

struct Store::Impl {
  sql::Db db;
  int version = 0;
  int depth = 0;  // open transaction levels (0: autocommit)
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache;
  StoreKnown known{this};

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

  void log_change(Entity e, std::string_view id, std::string_view op, const std::optional<std::string>& record,
                  const Stamp& who) {
    Using q(stmt(
        "INSERT INTO change_log (change_id, entity, entity_id, op, record, at, actor) "
        "VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?6)"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->bind(3, op);
    q->bind(4, record);
    q->bind(5, who.at);
    q->bind(6, who.actor);
    q->run();
  }

  // Upsert; logs and returns true only when the row changed.
  template <typename R>
  bool put_row(const R& r, const Stamp& who) {
    static const std::string sql = tables::upsert_sql<R>();
    std::optional<std::string> old_owner;
    if constexpr (std::is_same_v<R, Customer>) old_owner = owner_of(r.id);
    {
      Using q(stmt(sql));
      Table<R>::bind(*q, r);
      q->run();
    }
    if (db.changes() == 0) return false;
    if constexpr (std::is_same_v<R, Customer>) {
      if (old_owner && *old_owner != r.owner) move_records(r.id, *old_owner, r.owner);
    }
    log_change(Table<R>::entity, r.id, "upsert", to_json(r), who);
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
    for (const char* table : {"cases", "promises", "exceptions", "touchpoints", "scheduled", "suggestion_decisions"}) {
      Using q(stmt(std::string("UPDATE ") + table + " SET owner = ?1 WHERE owner = ?2 AND customer = ?3"));
      q->bind(1, to);
      q->bind(2, from);
      q->bind(3, customer);
      q->run();
    }
  }

  template <typename R>
  bool remove_row(std::string_view id, const Stamp& who) {
    static const std::string sql = std::string("DELETE FROM ") + Table<R>::name + " WHERE id = ?1";
    {
      Using q(stmt(sql));
      q->bind(1, id);
      q->run();
    }
    if (db.changes() == 0) return false;
    log_change(Table<R>::entity, id, "delete", std::nullopt, who);
    return true;
  }

  template <typename R>
  std::optional<R> get(std::string_view id) {
    static const std::string sql =
        "SELECT " + tables::column_list<R>() + " FROM " + Table<R>::name + " WHERE id = ?1";
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
    static const std::string count_sql = std::string("SELECT count(*) FROM ") + Table<R>::name + " WHERE owner = ?1";
    static const std::string sql =
        "SELECT " + tables::column_list<R>() + " FROM " + Table<R>::name + " WHERE owner = ?1";
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
    static const std::string sql = "SELECT " + tables::column_list<R>() + " FROM " + Table<R>::name;
    read_rows(sql, out);
  }

  bool exists(const std::string& sql, std::string_view id) {
    Using q(stmt(sql));
    q->bind(1, id);
    return q->step();
  }
};

namespace {
bool StoreKnown::has_manager(std::string_view id) const {
  return impl_->exists("SELECT 1 FROM managers WHERE id = ?1", id);
}
bool StoreKnown::has_customer(std::string_view id) const {
  return impl_->exists("SELECT 1 FROM customers WHERE id = ?1", id);
}
std::optional<std::string> StoreKnown::case_customer(std::string_view id) const {
  Using q(impl_->stmt("SELECT customer FROM cases WHERE id = ?1"));
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return q->text(0);
}
}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() {
  if (impl_) impl_->cache.clear();  // finalize statements before the connection closes
}

int Store::latest_schema_version() { return schema::latest_version(); }
int Store::schema_version() const { return impl_->version; }
const KnownRecords& Store::known() const { return impl_->known; }

// ---------------------------------------------------------------- [SECTION] Opening

Result<Store> Store::open(const std::string& path, const OpenOptions& options) {
  std::string mode = options.journal_mode;
  std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::toupper(c); });
  static constexpr std::string_view kModes[] = {"WAL", "DELETE", "TRUNCATE", "PERSIST", "MEMORY", "OFF"};
  if (std::find(std::begin(kModes), std::end(kModes), mode) == std::end(kModes))
    return Error{"unknown journal mode \"" + options.journal_mode + "\""};

  try {
    auto impl = std::make_unique<Impl>();
    impl->db = sql::Db::open(path, options.create);
    // Look before writing anything: these reads leave a refused file as it was.
    std::int64_t version = 0, app_id = 0, objects = 0;
    try {
      version = impl->db.query_int("PRAGMA user_version");
      app_id = impl->db.query_int("PRAGMA application_id");
      objects = impl->db.query_int("SELECT count(*) FROM sqlite_schema");
    } catch (const SqlError& e) {
      if ((e.code & 0xff) == SQLITE_NOTADB) return Error{path + ": not a database file"};
      throw;
    }
    const int latest = schema::latest_version();
    if (version > latest)
      return Error{path + ": written by a newer Cockpit (schema version " + std::to_string(version) +
                   ", this one knows up to " + std::to_string(latest) + "); left unchanged"};
    if ((version > 0 && app_id != schema::kApplicationId) || (version == 0 && objects > 0))
      return Error{path + ": not a Cockpit database; left unchanged"};

    impl->db.exec("PRAGMA journal_mode = " + mode);
    impl->db.exec("PRAGMA foreign_keys = ON");
    impl->db.exec("PRAGMA busy_timeout = 5000");
    impl->db.exec("PRAGMA temp_store = MEMORY");
    // The default page cache (2 MB) thrashes on a bulk import into several indexes.
    impl->db.exec("PRAGMA cache_size = -" + std::to_string(std::max(1, options.cache_mb) * 1024));
    // With WAL, NORMAL is durable against application crashes and much faster;
    // without WAL keep FULL.
    impl->db.exec(mode == "WAL" ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
    schema::migrate(impl->db);
    impl->version = static_cast<int>(impl->db.query_int("PRAGMA user_version"));
    return Store(std::move(impl));
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
}

// ---------------------------------------------------------------- [SECTION] Reading

Result<Book> Store::export_all() {
  return guarded([&]() -> Result<Book> {
    Book b;
    Impl& s = *impl_;
    return s.reading([&]() -> Result<Book> {
      s.read_all(b.managers);
      s.read_all(b.customers);
      s.read_all(b.cases);
      s.read_all(b.promises);
      s.read_all(b.exceptions);
      s.read_all(b.touchpoints);
      s.read_all(b.scheduled);
      s.read_all(b.decisions);
      return std::move(b);
    });
  });
}

Result<Book> Store::load_slice(std::string_view manager_id) {
  return guarded([&]() -> Result<Book> {
    Impl& s = *impl_;
    return s.reading([&]() -> Result<Book> {
      Book b;
      s.read_unordered(b.managers);
      auto me = std::find_if(b.managers.begin(), b.managers.end(), [&](const Manager& m) { return m.id == manager_id; });
      if (me == b.managers.end()) return Error{"unknown manager \"" + std::string(manager_id) + "\""};
      if (me->role == Role::lead) {
        s.read_unordered(b.customers);
        s.read_unordered(b.cases);
        s.read_unordered(b.promises);
        s.read_unordered(b.exceptions);
        s.read_unordered(b.touchpoints);
        s.read_unordered(b.scheduled);
        s.read_unordered(b.decisions);
      } else {
        s.read_owned(manager_id, b.customers);
        s.read_owned(manager_id, b.cases);
        s.read_owned(manager_id, b.promises);
        s.read_owned(manager_id, b.exceptions);
        s.read_owned(manager_id, b.touchpoints);
        s.read_owned(manager_id, b.scheduled);
        s.read_owned(manager_id, b.decisions);
      }
      return Result<Book>(std::move(b));
    });
  });
}

Result<std::optional<Manager>> Store::get_manager(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Manager>> { return impl_->get<Manager>(id); });
}
Result<std::optional<Customer>> Store::get_customer(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Customer>> { return impl_->get<Customer>(id); });
}
Result<std::optional<Case>> Store::get_case(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Case>> { return impl_->get<Case>(id); });
}
Result<std::optional<Promise>> Store::get_promise(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Promise>> { return impl_->get<Promise>(id); });
}
Result<std::optional<Exception>> Store::get_exception(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Exception>> { return impl_->get<Exception>(id); });
}
Result<std::optional<Touchpoint>> Store::get_touchpoint(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Touchpoint>> { return impl_->get<Touchpoint>(id); });
}
Result<std::optional<Scheduled>> Store::get_scheduled(std::string_view id) {
  return guarded([&]() -> Result<std::optional<Scheduled>> { return impl_->get<Scheduled>(id); });
}
Result<std::optional<SuggestionDecision>> Store::get_decision(std::string_view id) {
  return guarded([&]() -> Result<std::optional<SuggestionDecision>> { return impl_->get<SuggestionDecision>(id); });
}

// ---------------------------------------------------------------- [SECTION] Writing

namespace {
template <typename R>
Result<bool> put_one(Store::Impl& s, const R& r, const Stamp& who) {
  return guarded([&]() -> Result<bool> { return s.atomic([&] { return s.put_row(r, who); }); });
}
}  // namespace

Result<bool> Store::put(const Manager& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Customer& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Case& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Promise& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Exception& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Touchpoint& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const Scheduled& r, const Stamp& who) { return put_one(*impl_, r, who); }
Result<bool> Store::put(const SuggestionDecision& r, const Stamp& who) { return put_one(*impl_, r, who); }

Result<bool> Store::remove(Entity kind, std::string_view id, const Stamp& who) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<bool> {
    return s.atomic([&]() -> bool {
      switch (kind) {
        case Entity::manager: return s.remove_row<Manager>(id, who);
        case Entity::customer: return s.remove_row<Customer>(id, who);
        case Entity::case_: return s.remove_row<Case>(id, who);
        case Entity::promise: return s.remove_row<Promise>(id, who);
        case Entity::exception: return s.remove_row<Exception>(id, who);
        case Entity::touchpoint: return s.remove_row<Touchpoint>(id, who);
        case Entity::scheduled: return s.remove_row<Scheduled>(id, who);
        case Entity::suggestion_decision: return s.remove_row<SuggestionDecision>(id, who);
      }
      return false;
    });
  });
}

Result<ImportSummary> Store::import_document(const Book& b, const Stamp& who) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<ImportSummary> {
    return s.atomic([&]() -> Result<ImportSummary> {
      ImportSummary sum;
      auto apply = [&](const auto& list) {
        for (const auto& r : list) ++(s.put_row(r, who) ? sum.changed : sum.unchanged);
      };
      // Parents before children, so every foreign key holds at each step.
      apply(b.managers);
      apply(b.customers);
      apply(b.cases);
      apply(b.promises);
      apply(b.exceptions);
      apply(b.touchpoints);
      apply(b.scheduled);
      apply(b.decisions);
      return sum;
    });
  });
}

Result<ImportSummary> Store::import_text(std::string_view text, const Stamp& who) {
  ParsedDocument doc;
  try {
    doc = parse_document(text, &impl_->known);
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  if (!doc.ok()) {
    std::string msg;
    for (const auto& m : doc.errors) msg += (msg.empty() ? "" : "\n") + m;
    return Error{msg};
  }
  return import_document(doc.book, who);
}

// ---------------------------------------------------------------- [SECTION] Transactions, audit, change log

Status Store::transaction(const std::function<Status()>& fn) {
  Impl& s = *impl_;
  try {
    s.begin();
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  Status result;
  try {
    result = fn();
  } catch (const std::exception& e) {
    result = Error{e.what()};
  } catch (...) {
    result = Error{"unknown error"};
  }
  if (!result.ok()) {
    s.rollback();
    return result;
  }
  try {
    s.commit();
  } catch (const std::exception& e) {
    s.rollback();
    return Error{std::string("commit failed: ") + e.what()};
  }
  return result;
}

Status Store::append_audit(const Stamp& who, std::string_view action, std::string_view detail_json) {
  Impl& s = *impl_;
  return guarded([&]() -> Status {
    Using q(s.stmt("INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)"));
    q->bind(1, who.at);
    q->bind(2, who.actor);
    q->bind(3, action);
    q->bind(4, detail_json.empty() ? std::string_view("{}") : detail_json);
    q->run();
    return Status::success();
  });
}

Result<std::vector<AuditEntry>> Store::audit(std::int64_t after_seq, std::size_t limit) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::vector<AuditEntry>> {
    Using q(s.stmt("SELECT seq, at, actor, action, detail FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
    q->bind(1, after_seq);
    q->bind(2, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    while (q->step()) out.push_back({q->integer(0), q->integer(1), q->text(2), q->text(3), q->text(4)});
    return out;
  });
}

Result<std::vector<Change>> Store::changes(std::int64_t after_seq, std::size_t limit, bool unsynced_only) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::vector<Change>> {
    Using q(s.stmt(
        "SELECT seq, change_id, entity, entity_id, op, record, at, actor, synced FROM change_log "
        "WHERE seq > ?1 AND (?3 = 0 OR synced = 0) ORDER BY seq LIMIT ?2"));
    q->bind(1, after_seq);
    q->bind(2, static_cast<std::int64_t>(limit));
    q->bind(3, static_cast<std::int64_t>(unsynced_only ? 1 : 0));
    std::vector<Change> out;
    while (q->step()) {
      Change c;
      c.seq = q->integer(0);
      c.change_id = q->text(1);
      c.entity = parse_Entity(q->view(2)).value_or(Entity::manager);
      c.entity_id = q->text(3);
      c.op = q->text(4);
      c.record = q->opt_text(5);
      c.at = q->integer(6);
      c.actor = q->text(7);
      c.synced = q->integer(8) != 0;
      out.push_back(std::move(c));
    }
    return out;
  });
}

Status Store::mark_synced(std::int64_t up_to_seq) {
  Impl& s = *impl_;
  return guarded([&]() -> Status {
    Using q(s.stmt("UPDATE change_log SET synced = 1 WHERE seq <= ?1 AND synced = 0"));
    q->bind(1, up_to_seq);
    q->run();
    return Status::success();
  });
}

}  // namespace cockpit
