// The real server against oversized, deep, malformed and hostile payloads: each gets a
// clear 4xx with a JSON error, and the server stays healthy.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace cockpit::test;

TEST_CASE("hostile payloads are refused clearly and the server stays healthy") {
  Server s(temp_path("limits.db"), {"--demo", "--max-body", "200000"});
  const std::string token = s.sign_in("m-anna", "demo-anna");
  auto push_raw = [&](const std::string& body, const std::string& type = "application/json") {
    return s.call({.method = "POST", .path = "/api/push", .body = body, .content_type = type, .bearer = token});
  };
  struct Row {
    std::string name;
    std::string body;
    long status;
    const char* code;
    const char* message_has;
  };
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::string huge(250000, ' ');
  const std::string long_string = R"({"client_id":")" + std::string(60000, 'x') + R"(","schema_version":1,"mutations":[]})";
  std::string many = R"({"client_id":"d","schema_version":1,"mutations":[)";
  for (int i = 1; i <= 1001; ++i)
    many += (i > 1 ? "," : "") + std::string(R"({"mutation_id":)") + std::to_string(i) +
            R"(,"kind":"upsert","record_kind":"case","record_id":"k","fields":{}})";
  many += "]}";
  const Row rows[] = {
      {"malformed", "{\"client_id\": ", 400, "bad_json", "malformed JSON"},
      {"not an object", "[1,2,3]", 400, "bad_request", "expected an object"},
      {"deep", deep, 400, "bad_json", "nested deeper"},
      {"oversized", huge, 413, "too_large", "larger than 200000"},
      {"long string", long_string, 400, "bad_request", "client_id: longer than"},
      {"too many mutations", many, 400, "bad_request", "more than 1000"},
      {"wrong field type", R"({"client_id":"d","schema_version":1,"mutations":[{"mutation_id":"1"}]})", 400,
       "bad_request", "mutations[0].mutation_id"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    auto r = push_raw(row.body);
    CHECK(r.status == row.status);
    auto j = r.as_json();
    CHECK(j["code"] == row.code);
    CHECK(j["error"].get<std::string>().find(row.message_has) != std::string::npos);
  }
  CHECK(push_raw("{}", "text/plain").status == 415);
  // Contract violations inside a mutation name the record and field.
  auto bad_time = push_raw(json{{"client_id", "d"}, {"schema_version", 1},
                                {"mutations", json::array({json{{"mutation_id", 1}, {"kind", "upsert"},
                                                                 {"record_kind", "promise"}, {"record_id", "p-bike"},
                                                                 {"fields", json{{"due_at", "2027-02-29"}}}}})}}
                               .dump());
  REQUIRE(bad_time.status == 200);
  auto res = bad_time.as_json()["results"][0];
  CHECK(res["status"] == "refused");
  CHECK(res["code"] == "invalid");
  CHECK(res["message"].get<std::string>().find("due_at") != std::string::npos);
  // Query arguments are checked too.
  CHECK(s.get("/api/pull?since=-1", token).status == 400);
  CHECK(s.get("/api/pull?since=abc", token).as_json()["field"] == "since");
  CHECK(s.get("/api/pull?since=99999999", token).as_json()["full"] == true);  // a cursor from elsewhere: start over
  Call wrong;
  wrong.method = "PUT";
  wrong.path = "/api/push";
  CHECK(s.call(wrong).status == 405);
  // Still healthy.
  CHECK(s.get("/api/health").status == 200);
  CHECK(s.get("/api/me", token).status == 200);
  CHECK(s.stop() == 0);
}

TEST_CASE("an old client is told to reload, a newer one that the server is old") {
  Server s(temp_path("schema.db"), {"--demo"});
  const std::string token = s.sign_in("m-anna", "demo-anna");
  auto old = s.post("/api/push", json{{"client_id", "d"}, {"schema_version", 0}, {"mutations", json::array()}}, token);
  CHECK(old.status == 426);
  CHECK(old.as_json()["code"] == "reload_required");
  auto newer = s.post("/api/push", json{{"client_id", "d"}, {"schema_version", 99}, {"mutations", json::array()}}, token);
  CHECK(newer.status == 409);
  CHECK(newer.as_json()["code"] == "server_too_old");
  Call pull;
  pull.path = "/api/pull?since=0";
  pull.bearer = token;
  pull.headers = {"X-Cockpit-Schema: 0"};
  CHECK(s.call(pull).as_json()["code"] == "reload_required");
}
