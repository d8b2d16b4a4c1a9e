// The field lists (domain/fields.hpp) against what they drive: a record of every kind
// with EVERY member set comes back equal (operator==) through the contract's JSON and
// through the store, and every table of a fresh store has exactly its list's columns.
// The records are filled from the field lists themselves, so a field added to a list
// is covered here without an edit; one the filler cannot set fails to compile.
// Real SQLite files under COCKPIT_TEST_TMP; runs natively and in wasm (node).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdio>
#include <set>
#include <string>
#include <type_traits>

#include "domain/document.hpp"
#include "domain/enums.hpp"
#include "domain/fields.hpp"
#include "store/store.hpp"

using namespace cockpit;

namespace {

const Time kT0 = *parse_time("2026-11-22T09:00:00.123Z");

// The id of each kind's one record; references point at these.
template <class R>
std::string id_of() {
  if constexpr (std::is_same_v<R, Manager>) return "m-1";
  if constexpr (std::is_same_v<R, Customer>) return "c-1";
  if constexpr (std::is_same_v<R, Case>) return "k-1";
  // An entry of a list field (a customer's external ids) has no kind name of its own.
  if constexpr (requires { RecordInfo<R>::name; }) return std::string(RecordInfo<R>::name) + "-1";
  return "entry-1";
}

template <class R, class F>
std::string text_for(const F& f) {
  if (f.name == "id") return id_of<R>();
  switch (f.options.refers) {
    case Ref::manager:
    case Ref::sender: return "m-1";
    case Ref::customer: return "c-1";
    case Ref::case_: return "k-1";
    case Ref::none: break;
  }
  return "the " + std::string(f.name) + " \"quoted\" ✓";
}

template <class R>
bool rules_hold(const R& r) {
  for (const auto& rule : RecordInfo<R>::rules)
    if (rule.problem(r)) return false;
  return true;
}

template <class R>
R every_member_set(int n);

// A value unlike the member's default that the field's reference accepts. Enums are
// chosen afterwards, when the whole record is there for the kind's rules to judge.
template <class R, class T>
void fill(const RecordField<R, T>& f, T& out, int n) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>) {
    out = text_for<R>(f);
  } else if constexpr (std::is_same_v<T, Time> || std::is_same_v<T, std::optional<Time>>) {
    out = kT0 + n * kHour;
  } else if constexpr (std::is_same_v<T, bool>) {
    out = true;
  } else if constexpr (!std::is_enum_v<T>) {
    out = {every_member_set<typename T::value_type>(n)};  // a list: one entry, all set
  }
}

// The first value other than the default that the kind's rules accept (a scheduled
// message's direction has none: it always goes "out").
template <class R, class T>
void choose(const RecordField<R, T>& f, R& r) {
  if constexpr (std::is_enum_v<T>) {
    const T fallback = R{}.*f.member;
    for (const auto& [value, name] : enum_values<T>()) {
      if (value == fallback) continue;
      r.*f.member = value;
      if (rules_hold(r)) return;
    }
    r.*f.member = fallback;
  }
}

template <class R>
R every_member_set(int n) {
  R r{};
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) { fill(f, r.*f.member, n++); });
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) { choose(f, r); });
  return r;
}

// One record of every kind, every member set, all referring to each other.
Book full_book() {
  Book b;
  for_each_kind([&]<class R>(std::type_identity<R>) { (b.*RecordInfo<R>::book).push_back(every_member_set<R>(1)); });
  return b;
}

std::string fresh(const std::string& name) {
  const std::string p = std::string(COCKPIT_TEST_TMP) + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

Store open_store(const std::string& path) {
  OpenOptions o;
  o.journal_mode = "DELETE";
  auto s = Store::open(path, o);
  INFO(s.error());
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("fields: the filled records really have every member set") {
  const std::set<std::string> forced = {"scheduled.direction"};  // a rule allows only the default
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const R r = every_member_set<R>(1);
    CHECK(rules_hold(r));
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      const std::string name = std::string(RecordInfo<R>::name) + "." + std::string(f.name);
      CAPTURE(name);
      CHECK((r.*f.member != R{}.*f.member) != forced.count(name));
    });
  });
}

TEST_CASE("fields: every member survives the contract's JSON, by both writers") {
  const Book b = full_book();
  auto parsed = parse_document(to_json(b));
  INFO((parsed.errors.empty() ? std::string() : parsed.errors.front()));
  REQUIRE(parsed.ok());
  CHECK(parsed.book == b);
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const R& r = (b.*RecordInfo<R>::book).front();
    CHECK(to_json(r) == to_json_slow(r));
  });
}

TEST_CASE("fields: every member survives the store") {
  const Book b = full_book();
  Store s = open_store(fresh("fields-roundtrip.db"));
  auto imported = s.import_document(b, Stamp{"m-1", kT0});
  INFO(imported.error());
  REQUIRE(imported.ok());
  CHECK(imported.value().changed == kRecordKindCount);
  auto back = s.export_all();
  REQUIRE(back.ok());
  CHECK(back.value() == b);
  // And one by one, as the app reads them.
  CHECK(s.get_scheduled(b.scheduled.front().id).value() == b.scheduled.front());
  CHECK(s.get_promise(b.promises.front().id).value() == b.promises.front());
}

TEST_CASE("fields: every table of a fresh store has exactly its field list's columns") {
  const std::string path = fresh("fields-columns.db");
  { open_store(path); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  for_each_kind([&]<class R>(std::type_identity<R>) {
    std::set<std::string> listed, table;
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) { listed.insert(std::string(f.column())); });
    if constexpr (requires(R r) { r.customer; }) listed.insert("owner");  // the copy of the customer's owner
    const std::string sql = "SELECT name FROM pragma_table_info('" + std::string(RecordInfo<R>::list) + "')";
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) table.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    CAPTURE(RecordInfo<R>::list);
    for (const auto& c : listed) {
      CAPTURE(c);
      CHECK_MESSAGE(table.count(c), "listed in domain/fields.hpp, missing from the table: add a migration step");
    }
    for (const auto& c : table) {
      CAPTURE(c);
      CHECK_MESSAGE(listed.count(c), "a column no field of domain/fields.hpp names");
    }
  });
  sqlite3_close(db);
}
