// The body of POST /api/guard/check (server/guard_check.hpp) by tables: every form it
// accepts, and every refusal with the field it names.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "server/guard_check.hpp"

using namespace cockpit::server;
using nlohmann::json;

namespace {

// A message as a sender has it: every field, customer by id, no case.
json message() {
  return json{{"id", "m-1"},          {"customer", "c-1"},        {"kind", "marketing"},
              {"channel", "email"},   {"sender", "system:mkt"},   {"subject", "Winter sale"},
              {"scheduled_at", "2026-11-20T14:00Z"}};
}

// {"message": message() changed by `edit`}
json with_message(const std::function<void(json&)>& edit) {
  json m = message();
  edit(m);
  return json{{"message", m}};
}

const std::string k1000(1000, 'x'), k1001(1001, 'x');

}  // namespace

TEST_CASE("decode_check: a scheduled id") {
  struct Row {
    std::string name;
    json body;
    std::string id, via;
  };
  const Row rows[] = {
      {"an id", {{"scheduled", "s-1"}}, "s-1", "check"},
      {"asked by the relay", {{"scheduled", "s-1"}, {"via", "relay"}}, "s-1", "relay"},
      {"asked by the sender, said", {{"scheduled", "crm:m-1"}, {"via", "check"}}, "crm:m-1", "check"},
      {"1000 bytes", {{"scheduled", k1000}}, k1000, "check"},
      {"other fields are ignored", {{"scheduled", "s-1"}, {"strict", true}}, "s-1", "check"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    const CheckDecode d = decode_check(r.body);
    REQUIRE(d.request);
    CHECK(d.error.empty());
    CHECK(d.field.empty());
    const auto* id = std::get_if<std::string>(&d.request->what);
    REQUIRE(id);
    CHECK(*id == r.id);
    CHECK(d.request->via == r.via);
  }
}

TEST_CASE("decode_check: a message, by customer or e-mail, with or without a case") {
  struct Row {
    std::string name;
    json body;
    std::string customer, email, via;
    json expected;  // the scheduled record's body
  };
  const json plain = {{"kind", "marketing"}, {"channel", "email"},     {"sender", "system:mkt"},
                      {"subject", "Winter sale"}, {"scheduled_at", "2026-11-20T14:00Z"}, {"direction", "out"}};
  json with_case = plain;
  with_case["case"] = "k-1";
  json no_subject = plain;
  no_subject["subject"] = "";
  json review = plain;
  review["kind"] = "review_request";
  review["channel"] = "sms";
  review["scheduled_at"] = "2026-11-20";
  const Row rows[] = {
      {"by customer", with_message([](json&) {}), "c-1", "", "check", plain},
      {"by e-mail", with_message([](json& m) { m.erase("customer"); m["email"] = "marco@example.com"; }), "",
       "marco@example.com", "check", plain},
      {"both: both kept", with_message([](json& m) { m["email"] = "marco@example.com"; }), "c-1",
       "marco@example.com", "check", plain},
      {"a null e-mail beside the customer", with_message([](json& m) { m["email"] = nullptr; }), "c-1", "", "check",
       plain},
      {"an empty customer beside the e-mail",
       with_message([](json& m) { m["customer"] = ""; m["email"] = "marco@example.com"; }), "", "marco@example.com",
       "check", plain},
      {"with a case", with_message([](json& m) { m["case"] = "k-1"; }), "c-1", "", "check", with_case},
      {"a null case is no case", with_message([](json& m) { m["case"] = nullptr; }), "c-1", "", "check", plain},
      {"no subject", with_message([](json& m) { m.erase("subject"); }), "c-1", "", "check", no_subject},
      {"a null subject", with_message([](json& m) { m["subject"] = nullptr; }), "c-1", "", "check", no_subject},
      {"an empty subject", with_message([](json& m) { m["subject"] = ""; }), "c-1", "", "check", no_subject},
      {"other kind, channel, a date alone",
       with_message([](json& m) { m["kind"] = "review_request"; m["channel"] = "sms"; m["scheduled_at"] = "2026-11-20"; }),
       "c-1", "", "check", review},
      // A sender cannot set Cockpit's own fields, nor the direction.
      {"Cockpit's own fields are not taken",
       with_message([](json& m) {
         m["status"] = "released";
         m["decision_note"] = "fine";
         m["asked_at"] = "2026-11-19T10:00Z";
         m["asked_by"] = "x";
         m["direction"] = "in";
         m["extra"] = json::array({1, 2});
       }),
       "c-1", "", "check", plain},
      {"1000-byte fields", with_message([](json& m) { m["id"] = k1000; m["subject"] = k1000; }), "c-1", "", "check",
       [&] {
         json b = plain;
         b["subject"] = k1000;
         return b;
       }()},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    const CheckDecode d = decode_check(r.body);
    CAPTURE(d.error);
    REQUIRE(d.request);
    const auto* m = std::get_if<CheckMessage>(&d.request->what);
    REQUIRE(m);
    CHECK(m->id == r.body["message"]["id"].get<std::string>());
    CHECK(m->customer == r.customer);
    CHECK(m->email == r.email);
    CHECK(m->body == r.expected);
    CHECK(d.request->via == r.via);
  }
  // Via the mail relay: the same message.
  json relay = with_message([](json&) {});
  relay["via"] = "relay";
  const CheckDecode d = decode_check(relay);
  REQUIRE(d.request);
  CHECK(d.request->via == "relay");
  REQUIRE(std::holds_alternative<CheckMessage>(d.request->what));
  CHECK(std::get<CheckMessage>(d.request->what).body == plain);
}

TEST_CASE("decode_check: the body's shape, refused with the field named") {
  struct Row {
    std::string name;
    json body;
    const char* field;
  };
  const Row rows[] = {
      {"an array", json::array({json{{"scheduled", "s-1"}}}), "body"},
      {"a string", "s-1", "body"},
      {"a number", 7, "body"},
      {"null", nullptr, "body"},
      {"an empty object", json::object(), "scheduled"},
      {"neither", {{"via", "check"}}, "scheduled"},
      {"both", {{"scheduled", "s-1"}, {"message", message()}}, "scheduled"},
      {"both, one null", {{"scheduled", nullptr}, {"message", message()}}, "scheduled"},
      {"scheduled empty", {{"scheduled", ""}}, "scheduled"},
      {"scheduled a number", {{"scheduled", 12}}, "scheduled"},
      {"scheduled null", {{"scheduled", nullptr}}, "scheduled"},
      {"scheduled an object", {{"scheduled", {{"id", "s-1"}}}}, "scheduled"},
      {"scheduled a list", {{"scheduled", json::array({"s-1"})}}, "scheduled"},
      {"scheduled too long", {{"scheduled", k1001}}, "scheduled"},
      {"via unknown", {{"scheduled", "s-1"}, {"via", "mail"}}, "via"},
      {"via in capitals", {{"scheduled", "s-1"}, {"via", "RELAY"}}, "via"},
      {"via empty", {{"scheduled", "s-1"}, {"via", ""}}, "via"},
      {"via null", {{"scheduled", "s-1"}, {"via", nullptr}}, "via"},
      {"via a boolean", {{"scheduled", "s-1"}, {"via", true}}, "via"},
      {"via wrong beside a message",
       [] {
         json b = with_message([](json&) {});
         b["via"] = 1;
         return b;
       }(),
       "via"},
      {"message a string", {{"message", "m-1"}}, "message"},
      {"message a list", {{"message", json::array({message()})}}, "message"},
      {"message null", {{"message", nullptr}}, "message"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    const CheckDecode d = decode_check(r.body);
    CHECK_FALSE(d.request);
    CHECK(d.field == r.field);
    CHECK(d.error.rfind(std::string(r.field) + ": ", 0) == 0);  // the message starts with the field
  }
}

TEST_CASE("decode_check: a message's fields, refused with the field named") {
  struct Row {
    std::string name;
    std::function<void(json&)> edit;
    const char* field;
  };
  const Row rows[] = {
      // Missing, one required field at a time.
      {"no id", [](json& m) { m.erase("id"); }, "message.id"},
      {"no customer, no e-mail", [](json& m) { m.erase("customer"); }, "message.customer"},
      {"no kind", [](json& m) { m.erase("kind"); }, "message.kind"},
      {"no channel", [](json& m) { m.erase("channel"); }, "message.channel"},
      {"no sender", [](json& m) { m.erase("sender"); }, "message.sender"},
      {"no scheduled_at", [](json& m) { m.erase("scheduled_at"); }, "message.scheduled_at"},
      {"id null", [](json& m) { m["id"] = nullptr; }, "message.id"},
      {"kind null", [](json& m) { m["kind"] = nullptr; }, "message.kind"},
      // Empty.
      {"id empty", [](json& m) { m["id"] = ""; }, "message.id"},
      {"customer empty, no e-mail", [](json& m) { m["customer"] = ""; }, "message.customer"},
      {"e-mail empty, no customer", [](json& m) { m.erase("customer"); m["email"] = ""; }, "message.customer"},
      {"both empty", [](json& m) { m["customer"] = ""; m["email"] = ""; }, "message.customer"},
      {"customer null, no e-mail", [](json& m) { m["customer"] = nullptr; }, "message.customer"},
      {"kind empty", [](json& m) { m["kind"] = ""; }, "message.kind"},
      {"channel empty", [](json& m) { m["channel"] = ""; }, "message.channel"},
      {"sender empty", [](json& m) { m["sender"] = ""; }, "message.sender"},
      {"scheduled_at empty", [](json& m) { m["scheduled_at"] = ""; }, "message.scheduled_at"},
      // Wrong types.
      {"id a number", [](json& m) { m["id"] = 1; }, "message.id"},
      {"customer a number", [](json& m) { m["customer"] = 17; }, "message.customer"},
      {"e-mail a list", [](json& m) { m["email"] = json::array({"a@example.com"}); }, "message.email"},
      {"case a number", [](json& m) { m["case"] = 3; }, "message.case"},
      {"case an object", [](json& m) { m["case"] = {{"id", "k-1"}}; }, "message.case"},
      {"kind a number", [](json& m) { m["kind"] = 4; }, "message.kind"},
      {"channel a boolean", [](json& m) { m["channel"] = true; }, "message.channel"},
      {"sender an object", [](json& m) { m["sender"] = json::object(); }, "message.sender"},
      {"subject a number", [](json& m) { m["subject"] = 0; }, "message.subject"},
      {"scheduled_at a number", [](json& m) { m["scheduled_at"] = 1795183200000; }, "message.scheduled_at"},
      // Not in the contract's vocabulary.
      {"kind unknown", [](json& m) { m["kind"] = "newsletter"; }, "message.kind"},
      {"kind in capitals", [](json& m) { m["kind"] = "Marketing"; }, "message.kind"},
      {"channel unknown", [](json& m) { m["channel"] = "fax"; }, "message.channel"},
      {"scheduled_at not a time", [](json& m) { m["scheduled_at"] = "tomorrow"; }, "message.scheduled_at"},
      {"scheduled_at with a space", [](json& m) { m["scheduled_at"] = "2026-11-20 14:00Z"; }, "message.scheduled_at"},
      {"scheduled_at impossible", [](json& m) { m["scheduled_at"] = "2026-02-30T10:00Z"; }, "message.scheduled_at"},
      {"scheduled_at at 24:00", [](json& m) { m["scheduled_at"] = "2026-11-20T24:00Z"; }, "message.scheduled_at"},
      // Too long: 1000 bytes at most.
      {"id too long", [](json& m) { m["id"] = k1001; }, "message.id"},
      {"customer too long", [](json& m) { m["customer"] = k1001; }, "message.customer"},
      {"e-mail too long", [](json& m) { m["email"] = k1001; }, "message.email"},
      {"case too long", [](json& m) { m["case"] = k1001; }, "message.case"},
      {"sender too long", [](json& m) { m["sender"] = k1001; }, "message.sender"},
      {"subject too long", [](json& m) { m["subject"] = k1001; }, "message.subject"},
      {"kind too long", [](json& m) { m["kind"] = k1001; }, "message.kind"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    const CheckDecode d = decode_check(with_message(r.edit));
    CAPTURE(d.error);
    CHECK_FALSE(d.request);
    CHECK(d.field == r.field);
    CHECK(d.error.rfind(std::string(r.field) + ": ", 0) == 0);
  }
}

TEST_CASE("decode_check: a refused vocabulary word lists the words it takes") {
  const CheckDecode kind = decode_check(with_message([](json& m) { m["kind"] = "newsletter"; }));
  CHECK(kind.error.find("\"newsletter\"") != std::string::npos);
  CHECK(kind.error.find("order_confirmation") != std::string::npos);
  CHECK(kind.error.find("marketing") != std::string::npos);
  const CheckDecode channel = decode_check(with_message([](json& m) { m["channel"] = "fax"; }));
  CHECK(channel.error.find("in_person") != std::string::npos);
}

TEST_CASE("scheduled_id_for: the integration, a colon, the sender's own id") {
  struct Row {
    std::string integration, message, id;
  };
  const Row rows[] = {
      {"crm", "m-1", "crm:m-1"},
      {"shop", "m-1", "shop:m-1"},  // another sender's m-1: another record
      {"crm", "m-2", "crm:m-2"},
      {"crm", "a:b", "crm:a:b"},  // the sender's id is kept as it is
  };
  for (const auto& r : rows) {
    CAPTURE(r.id);
    CHECK(scheduled_id_for(r.integration, r.message) == r.id);
  }
  CHECK(scheduled_id_for("crm", "m-1") != scheduled_id_for("shop", "m-1"));
}
