#pragma once
// The contract's spelling of every enum value, both ways. parse_* return nullopt for a
// value the contract does not know.
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "domain/records.hpp"

namespace cockpit {

// Every value of an enum with its spelling, in declaration order (specialised below).
template <typename E>
std::span<const std::pair<E, std::string_view>> enum_values();

#define COCKPIT_ENUM_IO(Type)                         \
  std::string_view to_string(Type v);                 \
  std::optional<Type> parse_##Type(std::string_view s); \
  template <>                                         \
  std::span<const std::pair<Type, std::string_view>> enum_values<Type>();

COCKPIT_ENUM_IO(Role)
COCKPIT_ENUM_IO(Stage)
COCKPIT_ENUM_IO(Channel)
COCKPIT_ENUM_IO(CaseKind)
COCKPIT_ENUM_IO(CaseStatus)
COCKPIT_ENUM_IO(PromiseKind)
COCKPIT_ENUM_IO(PromiseStatus)
COCKPIT_ENUM_IO(ExceptionStatus)
COCKPIT_ENUM_IO(Direction)
COCKPIT_ENUM_IO(TouchKind)
COCKPIT_ENUM_IO(ScheduledStatus)
COCKPIT_ENUM_IO(DecisionKind)
#undef COCKPIT_ENUM_IO

// parse_<Type> for any of the enums above, for code written once for all of them.
template <typename E>
std::optional<E> parse_enum(std::string_view s) {
  for (const auto& [e, name] : enum_values<E>())
    if (name == s) return e;
  return std::nullopt;
}

// A customer's preferred channel may only be one of these.
inline constexpr Channel kPreferredChannels[] = {Channel::email, Channel::phone, Channel::sms, Channel::letter};
inline bool is_preferred_channel(Channel c) {
  for (Channel p : kPreferredChannels)
    if (p == c) return true;
  return false;
}

}  // namespace cockpit
