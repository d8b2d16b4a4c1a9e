// Templates as data: the shipped file, the built-ins, the loader's errors, the choice
// of template and the filling of placeholders.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine/templates.hpp"

using namespace cockpit;

namespace {

std::string read_asset(const char* relative) {
  std::ifstream in(std::string(COCKPIT_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string error_of(const std::string& json) {
  const TemplatesOrError r = parse_templates(json);
  CHECK_FALSE(r.templates);
  return r.error;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the shipped templates file is the built-ins") {
  const std::string file = read_asset("assets/templates/messages.json");
  REQUIRE_FALSE(file.empty());
  CHECK(file == builtin_templates_json());  // compiled in from the asset (cockpit_embed_text)
  const TemplatesOrError r = parse_templates(file);
  REQUIRE_MESSAGE(r.templates, r.error);
  CHECK(r.templates->items.size() == builtin_templates().items.size());
}

TEST_CASE("every kind has a template for any variant and channel") {
  for (int k = 0; k < kSuggestionKinds; ++k) {
    const auto kind = static_cast<SuggestionKind>(k);
    bool found = false;
    for (const Template& t : builtin_templates().items)
      found |= t.kind == kind && t.variant.empty() && !t.channel;
    CAPTURE(to_string(kind));
    CHECK(found);
    for (Channel ch : {Channel::email, Channel::phone, Channel::sms, Channel::letter})
      CHECK(builtin_templates().find(kind, "any-variant", ch));
  }
}

TEST_CASE("built-in drafts leave no placeholder unfilled, and SMS drafts are short") {
  Values v;
  for (std::size_t i = 0; i < kFieldCount; ++i) v.v[i] = "Xxxxxxxx";
  for (const Template& t : builtin_templates().items) {
    CAPTURE(to_string(t.kind));
    CAPTURE(t.variant);
    const std::string subject = t.subject.fill(v), body = t.body.fill(v);
    CHECK_FALSE(has(subject + body, "{"));
    CHECK_FALSE(has(subject + body, "noreply"));
    if (t.channel == Channel::sms) CHECK(body.size() <= 200);
    if (!t.channel || t.channel == Channel::email || t.channel == Channel::letter)
      CHECK(has(body, "Xxxxxxxx"));  // signed: manager_name is in every written draft
  }
}

TEST_CASE("the most specific template wins: channel, then variant") {
  const std::string json = R"({"templates": [
    {"kind": "closing_message", "subject": "any", "body": "any"},
    {"kind": "closing_message", "channel": "sms", "subject": "sms", "body": "sms"},
    {"kind": "closing_message", "variant": "v", "subject": "v", "body": "v"},
    {"kind": "closing_message", "variant": "v", "channel": "sms", "subject": "v-sms", "body": "v-sms"}
  ]})";
  const TemplatesOrError r = parse_templates(json);
  REQUIRE_MESSAGE(r.templates, r.error);
  Values none;
  auto subject = [&](std::string_view variant, Channel ch) {
    return r.templates->find(SuggestionKind::closing_message, variant, ch)->subject.fill(none);
  };
  CHECK(subject("v", Channel::sms) == "v-sms");
  CHECK(subject("w", Channel::sms) == "sms");
  CHECK(subject("v", Channel::email) == "v");
  CHECK(subject("w", Channel::email) == "any");
  // Kinds the file does not mention keep their built-ins.
  CHECK(r.templates->find(SuggestionKind::promise_overdue, "first", Channel::email));
  CHECK(r.templates->items.size() == builtin_templates().items.size() + 4 - 2);  // two replaced
}

TEST_CASE("placeholders and literal braces") {
  const TemplatesOrError r = parse_templates(
      R"({"templates": [{"kind": "promise_overdue", "subject": "{{x}} {promise_text}", "body": ["a {manager_name}", "b"]}]})");
  REQUIRE_MESSAGE(r.templates, r.error);
  Values v;
  v.set(Field::promise_text, "the bike");
  v.set(Field::manager_name, "Anna");
  const Template* t = r.templates->find(SuggestionKind::promise_overdue, "first", Channel::email);
  REQUIRE(t);
  CHECK(t->subject.fill(v) == "{x} the bike");
  CHECK(t->body.fill(v) == "a Anna\nb");
}

TEST_CASE("load errors name the template and the field or placeholder") {
  CHECK(has(error_of("{"), "not valid JSON"));
  CHECK(has(error_of("[]"), "\"templates\" array"));
  CHECK(has(error_of(R"({"templates": [1]})"), "template #1: must be an object"));
  CHECK(has(error_of(R"({"templates": [{"kind": "nope", "subject": "", "body": ""}]})"),
            "template #1 (nope): field \"kind\": unknown suggestion kind \"nope\""));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "channel": "fax", "subject": "", "body": ""}]})"),
            "field \"channel\""));
  const std::string unknown = error_of(
      R"({"templates": [{"kind": "closing_message", "subject": "ok"},
                        {"kind": "closing_message", "channel": "sms", "subject": "Hi {customer_first_name}", "body": "x {nickname}"}]})");
  CHECK(has(unknown, "template #1 (closing_message): field \"body\" is missing"));
  const std::string placeholder = error_of(
      R"({"templates": [{"kind": "closing_message", "channel": "sms", "subject": "Hi {customer_first_name}", "body": "x {nickname}"}]})");
  CHECK(placeholder == "template #1 (closing_message/sms): field \"body\": unknown placeholder {nickname}");
  // A placeholder the kind does not provide is unknown to it.
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "{promise_text}", "body": ""}]})"),
            "unknown placeholder {promise_text}"));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "{oops", "body": ""}]})"),
            "unclosed"));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "a}b", "body": ""}]})"), "stray"));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "a", "body": [1]}]})"),
            "field \"body\" must be a string or an array of strings"));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "a", "body": "b", "colour": 1}]})"),
            "unknown field \"colour\""));
  CHECK(has(error_of(R"({"templates": [{"kind": "closing_message", "subject": "a", "body": "b"},
                                       {"kind": "closing_message", "subject": "c", "body": "d"}]})"),
            "template #2 (closing_message): repeats"));
}
