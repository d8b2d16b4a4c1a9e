#include "domain/fields.hpp"

#include "domain/enums.hpp"

namespace cockpit {

std::optional<std::string> fulfilled_case_has_time(const Case& c) {
  if (c.status == CaseStatus::fulfilled && !c.fulfilled_at) return "is required when status is \"fulfilled\"";
  return std::nullopt;
}

std::optional<std::string> preferred_channel_reaches(const Customer& c) {
  if (is_preferred_channel(c.preferred_channel)) return std::nullopt;
  std::string choices;
  for (Channel p : kPreferredChannels) choices += (choices.empty() ? "" : ", ") + std::string(to_string(p));
  return "\"" + std::string(to_string(c.preferred_channel)) + "\" is not one of: " + choices;
}

std::optional<std::string> scheduled_goes_out(const Scheduled& s) {
  if (s.direction == Direction::out) return std::nullopt;
  return "a scheduled message always goes \"out\"";
}

std::optional<std::string> snooze_has_until(const SuggestionDecision& d) {
  if (d.kind == DecisionKind::snoozed && !d.until) return "is required when kind is \"snoozed\"";
  return std::nullopt;
}

std::string_view to_string(RecordKind k) {
  return visit_kind(k, []<class R>(std::type_identity<R>) { return RecordInfo<R>::name; });
}

std::string_view list_name(RecordKind k) {
  return visit_kind(k, []<class R>(std::type_identity<R>) { return RecordInfo<R>::list; });
}

std::optional<RecordKind> parse_RecordKind(std::string_view s) {
  for (RecordKind k : all_record_kinds())
    if (to_string(k) == s) return k;
  return std::nullopt;
}

const std::vector<std::string>& own_fields(RecordKind k) {
  static const auto kOwn = [] {
    std::array<std::vector<std::string>, kRecordKindCount> out;
    for_each_kind([&]<class R>(std::type_identity<R>) {
      for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
        if (f.options.own) out[static_cast<std::size_t>(RecordInfo<R>::kind)].emplace_back(f.name);
      });
    });
    return out;
  }();
  return kOwn[static_cast<std::size_t>(k)];
}

}  // namespace cockpit
