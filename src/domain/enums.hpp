#pragma once
// The contract's spelling of every enum value, both ways. parse_* return nullopt for a
// value the contract does not know.
#include <optional>
#include <string_view>

#include "domain/records.hpp"

namespace cockpit {

#define COCKPIT_ENUM_IO(Type)                 \
  std::string_view to_string(Type v);         \
  std::optional<Type> parse_##Type(std::string_view s);

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

// A customer's preferred channel may only be one of these.
inline bool is_preferred_channel(Channel c) {
  return c == Channel::email || c == Channel::phone || c == Channel::sms || c == Channel::letter;
}

}  // namespace cockpit
