#include "domain/enums.hpp"

#include <array>
#include <utility>

namespace cockpit {
namespace {

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, name] : table)
    if (e == v) return name;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [e, name] : table)
    if (name == s) return e;
  return std::nullopt;
}

}  // namespace

#define COCKPIT_ENUM_TABLE(Type, ...)                                                          \
  namespace {                                                                                  \
  constexpr std::pair<Type, std::string_view> k##Type[] = {__VA_ARGS__};                       \
  constexpr auto t##Type = std::to_array(k##Type);                                             \
  }                                                                                            \
  std::string_view to_string(Type v) { return name_of(t##Type, v); }                           \
  std::optional<Type> parse_##Type(std::string_view s) { return value_of(t##Type, s); }          \
  template <>                                                                                  \
  std::span<const std::pair<Type, std::string_view>> enum_values<Type>() { return t##Type; }

COCKPIT_ENUM_TABLE(Role, {Role::manager, "manager"}, {Role::lead, "lead"})
COCKPIT_ENUM_TABLE(Stage, {Stage::prospect, "prospect"}, {Stage::active, "active"}, {Stage::former, "former"})
COCKPIT_ENUM_TABLE(Channel, {Channel::email, "email"}, {Channel::phone, "phone"}, {Channel::sms, "sms"},
                   {Channel::chat, "chat"}, {Channel::letter, "letter"}, {Channel::portal, "portal"},
                   {Channel::in_person, "in_person"})
COCKPIT_ENUM_TABLE(CaseKind, {CaseKind::order, "order"}, {CaseKind::quote, "quote"}, {CaseKind::policy, "policy"},
                   {CaseKind::trade_in, "trade_in"}, {CaseKind::support, "support"}, {CaseKind::other, "other"})
COCKPIT_ENUM_TABLE(CaseStatus, {CaseStatus::open, "open"}, {CaseStatus::fulfilled, "fulfilled"},
                   {CaseStatus::cancelled, "cancelled"})
COCKPIT_ENUM_TABLE(PromiseKind, {PromiseKind::delivery, "delivery"}, {PromiseKind::payment, "payment"},
                   {PromiseKind::callback, "callback"}, {PromiseKind::refund, "refund"},
                   {PromiseKind::document, "document"}, {PromiseKind::other, "other"})
COCKPIT_ENUM_TABLE(PromiseStatus, {PromiseStatus::open, "open"}, {PromiseStatus::kept, "kept"},
                   {PromiseStatus::cancelled, "cancelled"})
COCKPIT_ENUM_TABLE(ExceptionStatus, {ExceptionStatus::open, "open"}, {ExceptionStatus::resolved, "resolved"})
COCKPIT_ENUM_TABLE(Direction, {Direction::out, "out"}, {Direction::in, "in"})
COCKPIT_ENUM_TABLE(TouchKind, {TouchKind::order_confirmation, "order_confirmation"},
                   {TouchKind::status_update, "status_update"}, {TouchKind::review_request, "review_request"},
                   {TouchKind::renewal_notice, "renewal_notice"}, {TouchKind::marketing, "marketing"},
                   {TouchKind::welcome, "welcome"}, {TouchKind::cancellation_confirmation, "cancellation_confirmation"},
                   {TouchKind::legal_notice, "legal_notice"}, {TouchKind::payment_request, "payment_request"},
                   {TouchKind::apology, "apology"}, {TouchKind::question, "question"},
                   {TouchKind::complaint, "complaint"}, {TouchKind::other, "other"})
COCKPIT_ENUM_TABLE(ScheduledStatus, {ScheduledStatus::pending, "pending"}, {ScheduledStatus::released, "released"},
                   {ScheduledStatus::cancelled, "cancelled"})
COCKPIT_ENUM_TABLE(DecisionKind, {DecisionKind::dismissed, "dismissed"}, {DecisionKind::snoozed, "snoozed"})
#undef COCKPIT_ENUM_TABLE

}  // namespace cockpit
