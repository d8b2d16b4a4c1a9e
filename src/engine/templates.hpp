#pragma once
// Message templates: the drafts behind every suggestion are DATA
// (assets/templates/messages.json), filled from the records. Pure: text in, value out;
// callers read the file.
//
// File format:
//   { "templates": [
//       { "kind": "promise_overdue",      // a suggestion kind (required)
//         "variant": "slipped",           // optional, see below; absent = any
//         "channel": "sms",               // optional: email|phone|sms|letter|chat|portal|in_person
//         "subject": "…{case_title}…",    // string
//         "body": ["line 1", "line 2"] }  // string, or lines joined with "\n"
//   ] }
// `{name}` is a placeholder (see Field); `{{` and `}}` are literal braces. A placeholder
// the kind does not provide, an unknown name, an unknown kind/channel or a malformed
// entry is a load error naming the template (its position, kind/variant/channel) and
// the field or placeholder.
//
// Variants the engine asks for (anything else is never chosen):
//   promise_overdue, promise_due_soon: "first" (never slipped; the built-ins leave it
//     to the default template) | "slipped"
//   held_message_replacement: the main hold reason: "former_customer" |
//     "before_fulfilment" | "open_exception" | "duplicate" | "frequency_cap"
//   other kinds: none.
// Choice, most specific first: (kind, variant, channel), (kind, any, channel),
// (kind, variant, any), (kind, any, any): the channel decides the form (an SMS is
// short, a call is a script, a letter is formal), so it outranks the variant. The built-ins have (kind, any, any) for every
// kind, and a loaded file is laid over the built-ins (an entry with the same kind,
// variant and channel replaces the built-in one), so a lookup always succeeds.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.hpp"
#include "engine/suggestion_kind.hpp"

namespace cockpit {

// Every placeholder. What each holds is documented in templates.cpp (kFields), which
// also says which kinds provide it.
enum class Field {
  // every kind
  customer_name, customer_first_name, customer_email, customer_phone,
  manager_name, manager_first_name, manager_email, case_title, today, last_contact_text,
  // promise_overdue, promise_due_soon
  promise_text, promise_kind, made_date, due_date, old_due_date, original_due_date, due_dates_history,
  days_overdue, days_overdue_text, due_in_text, slips, slips_text,
  // exception_update (and held_message_replacement for exception_summary, waiting_on)
  exception_summary, exception_kind, waiting_on, exception_age_days, exception_age_text, raised_date,
  // fulfilment_followup
  fulfilled_date,
  // closing_message (and held_message_replacement)
  former_date,
  // held_message_replacement
  held_subject, held_kind, held_date, held_reason_text, case_status_text,
  count_
};
constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::count_);
std::string_view to_string(Field f);
// Whether templates of `kind` may use `f` (the engine fills it for that kind).
bool provides(SuggestionKind kind, Field f);

// The values for one draft, indexed by Field; unset ones are empty.
struct Values {
  std::array<std::string, kFieldCount> v;
  void set(Field f, std::string s) { v[static_cast<std::size_t>(f)] = std::move(s); }
  const std::string& get(Field f) const { return v[static_cast<std::size_t>(f)]; }
};

// A template, compiled: literal text and placeholders in order.
struct TemplateText {
  struct Part {
    std::string literal;           // used when field is nullopt
    std::optional<Field> field;
  };
  std::vector<Part> parts;
  std::string fill(const Values& values) const;
};

struct Template {
  SuggestionKind kind = SuggestionKind::promise_overdue;
  std::string variant;             // empty: any
  std::optional<Channel> channel;  // nullopt: any
  TemplateText subject, body;
};

struct Templates {
  std::vector<Template> items;
  // The most specific template (see the order above); nullptr only when not even
  // (kind, any, any) exists, which cannot happen for parse_templates/builtin_templates.
  const Template* find(SuggestionKind kind, std::string_view variant, Channel channel) const;
};

struct TemplatesOrError {
  std::optional<Templates> templates;  // set on success
  std::string error;                   // set on failure
};

// Parses a templates file laid over the built-ins. Never throws.
TemplatesOrError parse_templates(std::string_view json_text);

// The templates compiled into the program (the same text as assets/templates/messages.json
// ships with), good enough to send when the file is missing.
const Templates& builtin_templates();
// Their source text.
std::string_view builtin_templates_json();

}  // namespace cockpit
