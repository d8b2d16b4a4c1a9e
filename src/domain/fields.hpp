#pragma once
// Every record kind described once: its names, its fields in order, and the few rules
// that are about more than one field. Everything that reads or writes records is
// driven from here: the contract document's reader and both of its writers
// (domain/document.cpp), the device store's columns, binding and reading
// (store/tables.hpp), the server's ingest (which of Cockpit's own fields a document may
// leave out) and the sync code's kind names.
//
// ADDING A FIELD to a record kind (say a `reminded_at` time on promises):
//   1. the member in the struct (domain/records.hpp), with its default;
//   2. ONE line in its list below, at the place the field should have in the document:
//        field("reminded_at", &Promise::reminded_at),
//      with options only where it is not required text/time/enum (FieldOptions in
//      domain/field.hpp: optional, nonempty, refers, own, omit_when_absent, column);
//   3. ONE migration step at the end of src/store/schema.cpp that adds the column:
//        ALTER TABLE promises ADD COLUMN reminded_at INTEGER;
//      (TEXT NOT NULL DEFAULT '' for text, INTEGER for an optional time, INTEGER NOT
//      NULL DEFAULT 0 for a required one, TEXT NOT NULL DEFAULT '<spelling>' for an
//      enum; a new enum also gets its spellings in domain/enums.cpp).
//   A list of entries (like a promise's `history`) is a std::vector of a struct with a
//   RecordInfo of its own, named in EntryTypes below; its column is TEXT NOT NULL
//   DEFAULT '[]' (the entries as JSON).
//   The compiler refuses a list that misses a member of the struct or names one it does
//   not have; tests/unit/store/fields_test.cpp checks the store's columns against the
//   list and round-trips a record with every member set through JSON and the store.
//
// ADDING A RECORD KIND: the struct and its list in Book (records.hpp); its enumerator in
// RecordKind (record_kind.hpp) and its type in RecordTypes below, at the same place;
// its RecordInfo below; its table (a migration step in schema.cpp); the per-kind entry
// points the compiler then asks for (to_json, Store::put/get_*); its rules of sync
// (sync/plan.cpp).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "domain/field.hpp"
#include "domain/record_kind.hpp"
#include "domain/records.hpp"

namespace cockpit {

// A rule about a record that no single field states. It runs right after `field` is
// read (so it may look at that field and the ones before it), unless that field already
// had a problem of its own, and reports on `field`.
template <class R>
struct Rule {
  std::string_view field;
  std::optional<std::string> (*problem)(const R&);  // what is wrong, or nullopt
};

// ---------------------------------------------------------------- rules (domain/fields.cpp)
// A fulfilled case says when it was fulfilled.
std::optional<std::string> fulfilled_case_has_time(const Case& c);
// A customer's preferred channel is one a person is reached on (email, phone, sms, letter).
std::optional<std::string> preferred_channel_reaches(const Customer& c);
// A scheduled message always goes out.
std::optional<std::string> scheduled_goes_out(const Scheduled& s);
// A snooze says until when.
std::optional<std::string> snooze_has_until(const SuggestionDecision& d);

// ---------------------------------------------------------------- the field lists

inline constexpr FieldOptions kId{.nonempty = true};
inline constexpr FieldOptions kCustomer{.nonempty = true, .refers = Ref::customer};
inline constexpr FieldOptions kCase{.nonempty = true, .refers = Ref::case_, .column = "case_id"};
inline constexpr FieldOptions kSender{.nonempty = true, .refers = Ref::sender};

template <class R>
struct RecordInfo;  // one per record kind (and one for the entries of a promise's history)

template <>
struct RecordInfo<Manager> {
  static constexpr RecordKind kind = RecordKind::manager;
  static constexpr std::string_view name = "manager", list = "managers";
  static constexpr auto book = &Book::managers;
  static constexpr auto fields = std::tuple{
      field("id", &Manager::id, kId),
      field("name", &Manager::name),
      field("email", &Manager::email, {.optional = true}),
      field("role", &Manager::role),
  };
  static constexpr std::array<Rule<Manager>, 0> rules{};
};

// An entry of a customer's external_ids (lives inside the customer).
template <>
struct RecordInfo<ExternalId> {
  static constexpr auto fields = std::tuple{
      field("source", &ExternalId::source, {.nonempty = true}),
      field("id", &ExternalId::id, {.nonempty = true}),
  };
  static constexpr std::array<Rule<ExternalId>, 0> rules{};
};

template <>
struct RecordInfo<Customer> {
  static constexpr RecordKind kind = RecordKind::customer;
  static constexpr std::string_view name = "customer", list = "customers";
  static constexpr auto book = &Book::customers;
  static constexpr auto fields = std::tuple{
      field("id", &Customer::id, kId),
      field("name", &Customer::name),
      field("owner", &Customer::owner, {.nonempty = true, .refers = Ref::manager}),
      field("stage", &Customer::stage),
      field("email", &Customer::email, {.optional = true}),
      field("phone", &Customer::phone, {.optional = true}),
      field("preferred_channel", &Customer::preferred_channel),
      field("since", &Customer::since),
      field("former_at", &Customer::former_at, {.omit_when_absent = true}),
      field("external_ids", &Customer::external_ids),
  };
  static constexpr std::array rules{Rule<Customer>{"preferred_channel", preferred_channel_reaches}};
};

template <>
struct RecordInfo<Case> {
  static constexpr RecordKind kind = RecordKind::case_;
  static constexpr std::string_view name = "case", list = "cases";
  static constexpr auto book = &Book::cases;
  static constexpr auto fields = std::tuple{
      field("id", &Case::id, kId),
      field("customer", &Case::customer, kCustomer),
      field("kind", &Case::kind),
      field("title", &Case::title),
      field("status", &Case::status),
      field("opened_at", &Case::opened_at),
      field("fulfilled_at", &Case::fulfilled_at),
  };
  static constexpr std::array rules{Rule<Case>{"fulfilled_at", fulfilled_case_has_time}};
};

// An entry of a promise's history (not a kind of its own: it lives inside a promise).
template <>
struct RecordInfo<DueChange> {
  static constexpr auto fields = std::tuple{
      field("due_at", &DueChange::due_at),
      field("changed_at", &DueChange::changed_at),
      field("customer_told", &DueChange::customer_told),
  };
  static constexpr std::array<Rule<DueChange>, 0> rules{};
};

template <>
struct RecordInfo<Promise> {
  static constexpr RecordKind kind = RecordKind::promise;
  static constexpr std::string_view name = "promise", list = "promises";
  static constexpr auto book = &Book::promises;
  static constexpr auto fields = std::tuple{
      field("id", &Promise::id, kId),
      field("customer", &Promise::customer, kCustomer),
      field("case", &Promise::case_id, kCase),
      field("kind", &Promise::kind),
      field("text", &Promise::text),
      field("made_at", &Promise::made_at),
      field("due_at", &Promise::due_at),
      field("status", &Promise::status),
      field("kept_at", &Promise::kept_at),
      field("history", &Promise::history),
  };
  static constexpr std::array<Rule<Promise>, 0> rules{};
};

template <>
struct RecordInfo<Exception> {
  static constexpr RecordKind kind = RecordKind::exception;
  static constexpr std::string_view name = "exception", list = "exceptions";
  static constexpr auto book = &Book::exceptions;
  static constexpr auto fields = std::tuple{
      field("id", &Exception::id, kId),
      field("customer", &Exception::customer, kCustomer),
      field("case", &Exception::case_id, kCase),
      field("kind", &Exception::kind),
      field("summary", &Exception::summary),
      field("raised_at", &Exception::raised_at),
      field("waiting_on", &Exception::waiting_on),
      field("status", &Exception::status),
      field("resolved_at", &Exception::resolved_at),
  };
  static constexpr std::array<Rule<Exception>, 0> rules{};
};

template <>
struct RecordInfo<Touchpoint> {
  static constexpr RecordKind kind = RecordKind::touchpoint;
  static constexpr std::string_view name = "touchpoint", list = "touchpoints";
  static constexpr auto book = &Book::touchpoints;
  static constexpr auto fields = std::tuple{
      field("id", &Touchpoint::id, kId),
      field("customer", &Touchpoint::customer, kCustomer),
      field("case", &Touchpoint::case_id, kCase),
      field("at", &Touchpoint::at),
      field("channel", &Touchpoint::channel),
      field("direction", &Touchpoint::direction),
      field("sender", &Touchpoint::sender, kSender),
      field("kind", &Touchpoint::kind),
      field("subject", &Touchpoint::subject),
      field("body", &Touchpoint::body, {.optional = true, .own = true}),
  };
  static constexpr std::array<Rule<Touchpoint>, 0> rules{};
};

template <>
struct RecordInfo<Scheduled> {
  static constexpr RecordKind kind = RecordKind::scheduled;
  static constexpr std::string_view name = "scheduled", list = "scheduled";
  static constexpr auto book = &Book::scheduled;
  static constexpr auto fields = std::tuple{
      field("id", &Scheduled::id, kId),
      field("customer", &Scheduled::customer, kCustomer),
      field("case", &Scheduled::case_id, kCase),
      field("scheduled_at", &Scheduled::scheduled_at),
      field("channel", &Scheduled::channel),
      field("direction", &Scheduled::direction, {.optional = true}),
      field("sender", &Scheduled::sender, kSender),
      field("kind", &Scheduled::kind),
      field("subject", &Scheduled::subject),
      field("status", &Scheduled::status, {.optional = true, .own = true}),
      field("decision_note", &Scheduled::decision_note, {.optional = true, .own = true}),
      field("asked_at", &Scheduled::asked_at, {.own = true, .omit_when_absent = true}),
      field("asked_by", &Scheduled::asked_by, {.own = true, .omit_when_absent = true}),
      field("asked_via", &Scheduled::asked_via, {.own = true, .omit_when_absent = true}),
  };
  static constexpr std::array rules{Rule<Scheduled>{"direction", scheduled_goes_out}};
};

template <>
struct RecordInfo<SuggestionDecision> {
  static constexpr RecordKind kind = RecordKind::decision;
  static constexpr std::string_view name = "decision", list = "suggestion_decisions";
  static constexpr auto book = &Book::decisions;
  static constexpr auto fields = std::tuple{
      field("id", &SuggestionDecision::id, kId),
      field("suggestion_key", &SuggestionDecision::suggestion_key, {.nonempty = true}),
      field("customer", &SuggestionDecision::customer, kCustomer),
      field("kind", &SuggestionDecision::kind),
      field("at", &SuggestionDecision::at),
      field("until", &SuggestionDecision::until, {.column = "until_at"}),
      field("reason", &SuggestionDecision::reason, {.optional = true}),
      field("by", &SuggestionDecision::by, {.nonempty = true, .refers = Ref::manager, .column = "decided_by"}),
  };
  static constexpr std::array rules{Rule<SuggestionDecision>{"until", snooze_has_until}};
};

// ---------------------------------------------------------------- the kinds together

// The types of the entries that live in a record's list field (a promise's history, a
// customer's external ids): each has its RecordInfo above; a new one is added here.
using EntryTypes = std::tuple<DueChange, ExternalId>;

// The record types in RecordKind's order (parents first); AnyRecord holds one of them.
using RecordTypes = std::tuple<Manager, Customer, Case, Promise, Exception, Touchpoint, Scheduled, SuggestionDecision>;

template <class Types>
struct variant_of;
template <class... R>
struct variant_of<std::tuple<R...>> {
  using type = std::variant<R...>;
};
using AnyRecord = variant_of<RecordTypes>::type;

// Calls fn(std::type_identity<R>{}) for every record type R, parents first.
template <class Fn>
constexpr void for_each_kind(Fn&& fn) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fn(std::type_identity<std::tuple_element_t<I, RecordTypes>>{}), ...);
  }(std::make_index_sequence<std::tuple_size_v<RecordTypes>>{});
}

// fn(std::type_identity<R>{}) for the record type of kind k; fn returns the same type for all.
template <class Fn, std::size_t I = 0>
decltype(auto) visit_kind(RecordKind k, Fn&& fn) {
  using R = std::tuple_element_t<I, RecordTypes>;
  if constexpr (I + 1 == std::tuple_size_v<RecordTypes>) {
    return fn(std::type_identity<R>{});
  } else {
    if (k == RecordInfo<R>::kind) return fn(std::type_identity<R>{});
    return visit_kind<Fn, I + 1>(k, std::forward<Fn>(fn));
  }
}

inline RecordKind kind_of(const AnyRecord& r) { return static_cast<RecordKind>(r.index()); }

// The fields of Cockpit's own on a kind (FieldOptions::own): e.g. a scheduled message's
// status and decision_note.
const std::vector<std::string>& own_fields(RecordKind k);

// ---------------------------------------------------------------- checked by the compiler

namespace field_detail {
template <class R>
constexpr bool names_are_unique() {
  std::array<std::string_view, field_count(RecordInfo<R>::fields)> names{}, columns{};
  std::size_t n = 0;
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    names[n] = f.name;
    columns[n++] = f.column();
  });
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (names[i] == names[j] || columns[i] == columns[j]) return false;
  return true;
}

// Options that only make sense on some types: references and "non-empty" on text,
// "omit when absent" on a std::optional.
template <class R>
constexpr bool options_fit_types() {
  bool ok = true;
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    constexpr bool text = std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>;
    if ((f.options.refers != Ref::none || f.options.nonempty) && !text) ok = false;
    if (f.options.omit_when_absent && !is_optional<T>::value) ok = false;
  });
  return ok;
}

// A failed assertion names R in the compiler's "required from" line.
template <class R>
constexpr bool well_described() {
  static_assert(member_count<R>() == field_count(RecordInfo<R>::fields),
                "the field list (domain/fields.hpp) names every member of the struct");
  static_assert(names_are_unique<R>(), "no two fields share a name or a store column");
  static_assert(options_fit_types<R>(), "refers/nonempty only on text, omit_when_absent only on std::optional");
  return true;
}

template <std::size_t... I>
constexpr bool kinds_in_order(std::index_sequence<I...>) {
  return ((RecordInfo<std::tuple_element_t<I, RecordTypes>>::kind == static_cast<RecordKind>(I)) && ...) &&
         (well_described<std::tuple_element_t<I, RecordTypes>>() && ...);
}
}  // namespace field_detail

static_assert(std::tuple_size_v<RecordTypes> == kRecordKindCount && member_count<Book>() == kRecordKindCount,
              "every record kind has its RecordKind, its type in RecordTypes and its list in Book");
static_assert(field_detail::kinds_in_order(std::make_index_sequence<kRecordKindCount>{}),
              "RecordTypes follows RecordKind's order");
static_assert(field_detail::well_described<DueChange>());
static_assert(field_detail::well_described<ExternalId>());

}  // namespace cockpit
