#pragma once
// The contract's suggestion kinds ("Suggestion kinds" in src/domain/CONTRACT.md).
#include <optional>
#include <string_view>

namespace cockpit {

enum class SuggestionKind {
  promise_overdue,
  promise_due_soon,
  exception_update,
  fulfilment_followup,
  closing_message,
  held_message_replacement
};
constexpr int kSuggestionKinds = 6;

std::string_view to_string(SuggestionKind k);  // the contract's spelling
std::optional<SuggestionKind> parse_SuggestionKind(std::string_view s);

}  // namespace cockpit
