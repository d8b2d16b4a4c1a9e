#pragma once
// How one field of a record is described. The descriptions themselves, one list per
// record kind, are in domain/fields.hpp; this file is the vocabulary they use and the
// loops that walk them. Pure: no I/O, no JSON.
//
// A field names a member through a member pointer, so a list that names a member the
// struct does not have does not compile; member_count() lets fields.hpp check at
// compile time that the list names every member.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cockpit {

// What a field's value refers to; the document checks every reference against the
// document itself and the records the caller already has (domain/document.hpp).
enum class Ref {
  none,
  manager,   // a manager id
  customer,  // a customer id
  case_,     // a case id; the case must belong to the record's own customer
  sender,    // "customer", "system:<name>" or a manager id
};

// Everything but the name and the member, with the most common choice as default.
// Set with designated initializers, in this order: {.optional = true, .column = "x"}.
struct FieldOptions {
  // A document may leave the field out (or give null); it then keeps the value it has
  // in a default-constructed record ("" for text). A std::optional member is always
  // optional (absent = nullopt) and a list always is (absent = empty).
  bool optional = false;
  bool nonempty = false;  // text that must not be "" (ids and references)
  Ref refers = Ref::none;
  // Cockpit's own addition to a record of the contract: a document from an upstream
  // system may leave it out, and ingest then keeps the stored value (a shop re-sending
  // its schedule must not undo a manager's release).
  bool own = false;
  // Written only when it has a value (otherwise written as null).
  bool omit_when_absent = false;
  // The store's column when it differs from the field's name ("case" is an SQL word).
  std::string_view column = {};
};

template <class R, class T>
struct RecordField {
  using Record = R;
  using Type = T;
  std::string_view name;  // in the contract document
  T R::*member;
  FieldOptions options;
  constexpr std::string_view column() const { return options.column.empty() ? name : options.column; }
};

template <class R, class T>
constexpr RecordField<R, T> field(std::string_view name, T R::*member, FieldOptions options = {}) {
  return {name, member, options};
}

// ---------------------------------------------------------------- what a member holds

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_list : std::false_type {};
template <class T>
struct is_list<std::vector<T>> : std::true_type {};

// Whether a document may leave this field out.
template <class R, class T>
constexpr bool may_be_absent(const RecordField<R, T>& f) {
  return f.options.optional || is_optional<T>::value || is_list<T>::value;
}

// ---------------------------------------------------------------- walking a list

// Calls fn(field) for each field of `fields` (a tuple), in order.
template <class Fields, class Fn>
constexpr void for_each_field(const Fields& fields, Fn&& fn) {
  std::apply([&](const auto&... f) { (fn(f), ...); }, fields);
}

template <class Fields>
constexpr std::size_t field_count(const Fields&) {
  return std::tuple_size_v<Fields>;
}

// ---------------------------------------------------------------- the members of a struct
// How many members an aggregate has: the largest N for which R{x1, …, xN} compiles,
// with each x convertible to anything. (Records hold no C arrays or nested aggregates,
// which would make brace elision count their parts.)

namespace field_detail {
struct AnyMember {
  template <class T>
  operator T&() const noexcept;  // never defined: only asked about, never called
};
template <class R, std::size_t... I>
constexpr bool initializes(std::index_sequence<I...>) {
  return requires { R{(void(I), AnyMember{})...}; };
}
}  // namespace field_detail

template <class R, std::size_t N = 0>
constexpr std::size_t member_count() {
  static_assert(std::is_aggregate_v<R>);
  if constexpr (N > 64 || !field_detail::initializes<R>(std::make_index_sequence<N + 1>{}))
    return N;
  else
    return member_count<R, N + 1>();
}

}  // namespace cockpit
