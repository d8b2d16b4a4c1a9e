// Templates: placeholder table, the compiler for `{name}` text, and the JSON loader.
#include "engine/templates.hpp"

#include <nlohmann/json.hpp>

#include "domain/enums.hpp"

namespace cockpit {

namespace {

// Bit per suggestion kind, in SuggestionKind order.
constexpr unsigned kOverdue = 1u << 0, kDueSoon = 1u << 1, kException = 1u << 2, kFollowup = 1u << 3,
                   kClosing = 1u << 4, kHeld = 1u << 5, kAll = 0x3f, kPromise = kOverdue | kDueSoon;

struct FieldInfo {
  std::string_view name;
  unsigned kinds;  // which kinds provide it
  // what it holds (for the reader of this table)
};

// Same order as enum Field.
constexpr FieldInfo kFields[] = {
    {"customer_name", kAll},        // "Marco Rossi"
    {"customer_first_name", kAll},  // "Marco" (first word of the name)
    {"customer_email", kAll},
    {"customer_phone", kAll},
    {"manager_name", kAll},         // the owner's name: drafts are signed by a person
    {"manager_first_name", kAll},
    {"manager_email", kAll},
    {"case_title", kAll},           // the case's title, else "your order" / "your policy" …
    {"today", kAll},                // "Sunday 22 November"
    {"last_contact_text", kAll},    // "12 days ago" | "less than a day ago" | "never"
    {"promise_text", kPromise},     // the promise's own words
    {"promise_kind", kPromise},     // "delivery", "payment", …
    {"made_date", kPromise},        // when it was promised
    {"due_date", kPromise | kHeld},  // "Friday 20 November" (+ year when not this year); held: the case's open promise
    {"old_due_date", kPromise},     // the due date before the latest change (empty if none)
    {"original_due_date", kPromise},  // the first due date ever given
    {"due_dates_history", kPromise},  // "15 November, then 20 November" (every earlier date)
    {"days_overdue", kPromise},     // "7"
    {"days_overdue_text", kPromise},  // "7 days" | "1 day" | "less than a day"
    {"due_in_text", kPromise},      // "today" | "tomorrow" | "in 2 days"
    {"slips", kPromise},            // "2"
    {"slips_text", kPromise},       // "once" | "twice" | "3 times" | "" (never)
    {"exception_summary", kException | kHeld},
    {"exception_kind", kException},  // "address change" (underscores to spaces)
    {"waiting_on", kException | kHeld},
    {"exception_age_days", kException},
    {"exception_age_text", kException},  // "12 days"
    {"raised_date", kException},
    {"fulfilled_date", kFollowup},
    {"former_date", kClosing | kHeld},  // when the relationship ended (or the cancellation confirmation)
    {"held_subject", kHeld},
    {"held_kind", kHeld},           // "review request"
    {"held_date", kHeld},           // when it was to go
    {"held_reason_text", kHeld},    // "it asks for a review before your order has arrived"
    {"case_status_text", kHeld},    // "is on its way, due Friday 20 November" | "is still being prepared"
};
static_assert(std::size(kFields) == kFieldCount);

constexpr std::string_view kKindNames[] = {"promise_overdue",     "promise_due_soon", "exception_update",
                                           "fulfilment_followup", "closing_message",  "held_message_replacement"};

std::optional<Field> field_named(std::string_view name) {
  for (std::size_t i = 0; i < kFieldCount; ++i)
    if (kFields[i].name == name) return static_cast<Field>(i);
  return std::nullopt;
}

// Compiles `text`; on error returns a message (without the template's name).
std::optional<std::string> compile(std::string_view text, SuggestionKind kind, TemplateText& out) {
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.parts.push_back({std::move(literal), std::nullopt});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
    } else if (c == '{') {
      const std::size_t end = text.find('}', i + 1);
      if (end == std::string_view::npos) return "unclosed '{'";
      const std::string_view name = text.substr(i + 1, end - i - 1);
      const auto f = field_named(name);
      if (!f || !provides(kind, *f)) return "unknown placeholder {" + std::string(name) + "}";
      flush();
      out.parts.push_back({{}, f});
      i = end;
    } else if (c == '}') {
      return "stray '}' (write '}}' for a literal brace)";
    } else {
      literal += c;
    }
  }
  flush();
  return std::nullopt;
}

std::string describe(std::size_t index, const nlohmann::json& entry) {
  std::string name = "template #" + std::to_string(index + 1);
  if (entry.is_object()) {
    std::string what;
    for (const char* key : {"kind", "variant", "channel"})
      if (auto it = entry.find(key); it != entry.end() && it->is_string()) {
        if (!what.empty()) what += '/';
        what += it->get<std::string>();
      }
    if (!what.empty()) name += " (" + what + ")";
  }
  return name;
}

// Reads a "subject"/"body" value: a string or an array of strings (joined by "\n").
std::optional<std::string> text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return std::nullopt;
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) return std::nullopt;
    if (i) s += '\n';
    s += v[i].get<std::string>();
  }
  return s;
}

// The file alone, without the built-ins.
TemplatesOrError parse_raw(std::string_view json_text) {
  TemplatesOrError r;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const std::exception& e) {
    r.error = std::string("templates: not valid JSON: ") + e.what();
    return r;
  }
  if (!doc.is_object() || !doc.contains("templates") || !doc["templates"].is_array()) {
    r.error = "templates: the document must be an object with a \"templates\" array";
    return r;
  }
  Templates out;
  const auto& list = doc["templates"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    const std::string name = describe(i, e);
    auto fail = [&](const std::string& why) {
      r.error = name + ": " + why;
      return r;
    };
    if (!e.is_object()) return fail("must be an object");
    for (const auto& [key, value] : e.items())
      if (key != "kind" && key != "variant" && key != "channel" && key != "subject" && key != "body" &&
          key != "note")
        return fail("unknown field \"" + key + "\"");
    Template t;
    if (!e.contains("kind") || !e["kind"].is_string()) return fail("field \"kind\" is missing or not a string");
    const auto kind = parse_SuggestionKind(e["kind"].get<std::string>());
    if (!kind) return fail("field \"kind\": unknown suggestion kind \"" + e["kind"].get<std::string>() + "\"");
    t.kind = *kind;
    if (e.contains("variant")) {
      if (!e["variant"].is_string()) return fail("field \"variant\" must be a string");
      t.variant = e["variant"].get<std::string>();
    }
    if (e.contains("channel")) {
      const auto ch = e["channel"].is_string() ? parse_Channel(e["channel"].get<std::string>()) : std::nullopt;
      if (!ch) return fail("field \"channel\": not a channel");
      t.channel = ch;
    }
    for (const char* key : {"subject", "body"}) {
      if (!e.contains(key)) return fail(std::string("field \"") + key + "\" is missing");
      const auto text = text_of(e[key]);
      if (!text) return fail(std::string("field \"") + key + "\" must be a string or an array of strings");
      if (auto err = compile(*text, t.kind, key[0] == 's' ? t.subject : t.body))
        return fail(std::string("field \"") + key + "\": " + *err);
    }
    for (const Template& u : out.items)
      if (u.kind == t.kind && u.variant == t.variant && u.channel == t.channel)
        return fail("repeats an earlier template's kind, variant and channel");
    out.items.push_back(std::move(t));
  }
  r.templates = std::move(out);
  return r;
}

}  // namespace

std::string_view to_string(SuggestionKind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<SuggestionKind> parse_SuggestionKind(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kKindNames); ++i)
    if (kKindNames[i] == s) return static_cast<SuggestionKind>(i);
  return std::nullopt;
}

std::string_view to_string(Field f) { return kFields[static_cast<std::size_t>(f)].name; }

bool provides(SuggestionKind kind, Field f) {
  return (kFields[static_cast<std::size_t>(f)].kinds >> static_cast<unsigned>(kind)) & 1u;
}

std::string TemplateText::fill(const Values& values) const {
  std::string s;
  std::size_t size = 0;
  for (const Part& p : parts) size += p.field ? values.get(*p.field).size() : p.literal.size();
  s.reserve(size);
  for (const Part& p : parts) s += p.field ? values.get(*p.field) : p.literal;
  return s;
}

const Template* Templates::find(SuggestionKind kind, std::string_view variant, Channel channel) const {
  const Template* best = nullptr;
  int best_score = -1;
  for (const Template& t : items) {
    if (t.kind != kind) continue;
    if (!t.variant.empty() && t.variant != variant) continue;
    if (t.channel && *t.channel != channel) continue;
    // The channel decides the form (an SMS is short, a phone call is a script), the
    // variant refines the content: a channel match outranks a variant match.
    const int score = (t.channel ? 2 : 0) + (t.variant.empty() ? 0 : 1);
    if (score > best_score) best = &t, best_score = score;
  }
  return best;
}

TemplatesOrError parse_templates(std::string_view json_text) {
  TemplatesOrError r = parse_raw(json_text);
  if (!r.templates) return r;
  Templates merged;
  for (const Template& b : builtin_templates().items) {
    bool replaced = false;
    for (const Template& t : r.templates->items)
      replaced |= t.kind == b.kind && t.variant == b.variant && t.channel == b.channel;
    if (!replaced) merged.items.push_back(b);
  }
  for (Template& t : r.templates->items) merged.items.push_back(std::move(t));
  r.templates = std::move(merged);
  return r;
}

const Templates& builtin_templates() {
  // Parsed once; the text is a constant checked by the tests, so this cannot fail.
  static const Templates kBuiltin = [] {
    TemplatesOrError r = parse_raw(builtin_templates_json());
    return r.templates ? std::move(*r.templates) : Templates{};
  }();
  return kBuiltin;
}

}  // namespace cockpit
