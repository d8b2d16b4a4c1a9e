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
#include "store/store_impl.hpp"
#include "store/tables.hpp"

namespace cockpit {

using sql::SqlError;
using sql::Stmt;
using sql::Using;
using tables::Table;

// ---------------------------------------------------------------- [SECTION] Impl

namespace store_detail {
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
      for_each_kind([&]<class R>(std::type_identity<R>) { s.read_all(b.*RecordInfo<R>::book); });
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
      const bool everyone = me->role == Role::lead;
      for_each_kind([&]<class R>(std::type_identity<R>) {
        if constexpr (!std::is_same_v<R, Manager>) {
          if (everyone)
            s.read_unordered(b.*RecordInfo<R>::book);
          else
            s.read_owned(manager_id, b.*RecordInfo<R>::book);
        }
      });
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
  return guarded([&]() -> Result<bool> { return s.atomic([&] { return s.put_row(r, who, LogMode::local_edit); }); });
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

Result<bool> Store::remove(RecordKind kind, std::string_view id, const Stamp& who) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<bool> {
    return s.atomic([&]() -> bool { return s.remove_any(kind, id, who, LogMode::local_edit); });
  });
}

Result<ImportSummary> Store::import_document(const Book& b, const Stamp& who) {
  Impl& s = *impl_;
  // A big document dirties more pages than the usual cache holds; spilled mid-way they
  // are written to the journal twice. Room for all of them while it runs (the cache only
  // grows as pages are touched), the usual size afterwards.
  std::size_t records = 0;
  for_each_kind([&]<class R>(std::type_identity<R>) { records += (b.*RecordInfo<R>::book).size(); });
  struct Cache {
    Impl& s;
    std::int64_t saved = 0;
    Cache(Impl& i, std::size_t n) : s(i) {
      if (n < 20'000) return;
      saved = s.db.query_int("PRAGMA cache_size");
      s.db.exec("PRAGMA cache_size = -" + std::to_string(std::min<std::size_t>(n / 1000 + 64, 1024) * 1024));
    }
    ~Cache() {
      if (saved == 0) return;
      try {
        s.db.exec("PRAGMA cache_size = " + std::to_string(saved));
      } catch (...) {
      }
    }
  } cache(s, records);
  return guarded([&]() -> Result<ImportSummary> {
    return s.atomic([&]() -> Result<ImportSummary> {
      ImportSummary sum;
      // Parents before children (the kinds' order), so every foreign key holds at each step.
      for_each_kind([&]<class R>(std::type_identity<R>) {
        for (const auto& r : b.*RecordInfo<R>::book) ++(s.put_row(r, who) ? sum.changed : sum.unchanged);
      });
      return sum;
    });
  });
}

Result<ImportSummary> Store::import_text(std::string_view text, const Stamp& who) {
  // Checked against the stored records and applied in one transaction: what it was
  // checked against is what it lands on (and the lookups share one lock).
  Impl& s = *impl_;
  return guarded([&]() -> Result<ImportSummary> {
    return s.atomic([&]() -> Result<ImportSummary> {
      ParsedDocument doc = parse_document(text, &s.known);
      if (!doc.ok()) {
        std::string msg;
        for (const auto& m : doc.errors) msg += (msg.empty() ? "" : "\n") + m;
        return Error{msg};
      }
      return import_document(doc.book, who);
    });
  });
}

// ---------------------------------------------------------------- [SECTION] Transactions, audit, change log

Status Store::reading(const std::function<void()>& fn) {
  return guarded([&]() -> Status {
    impl_->reading([&] {
      fn();
      return 0;
    });
    return Status::success();
  });
}

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
      c.entity = parse_RecordKind(q->view(2)).value_or(RecordKind::manager);
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
