#pragma once
// The kinds of record, one enum for every layer: the device store's change log and
// replica, the sync protocol's messages, the server's storage. Each kind's names and
// fields are described once, in domain/fields.hpp.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace cockpit {

// In the order of AnyRecord's alternatives (domain/fields.hpp checks it): parents first.
enum class RecordKind { manager, customer, case_, promise, exception, touchpoint, scheduled, decision };
inline constexpr std::size_t kRecordKindCount = 8;

// Every kind, parents first (manager, customer, case, then the records about them).
constexpr std::array<RecordKind, kRecordKindCount> all_record_kinds() {
  std::array<RecordKind, kRecordKindCount> out{};
  for (std::size_t i = 0; i < kRecordKindCount; ++i) out[i] = static_cast<RecordKind>(i);
  return out;
}

// The singular name: "manager", "customer", "case", …, "decision". It is the sync
// protocol's wire name, and what the server's and the device's tables store.
std::string_view to_string(RecordKind k);
std::optional<RecordKind> parse_RecordKind(std::string_view s);
// The contract document's list: "managers", "customers", …, "suggestion_decisions".
std::string_view list_name(RecordKind k);

}  // namespace cockpit
