// src/server/openapi.json against what it describes, without calling an endpoint's
// handler: the router's routes (read from a ServerApp built in process) are exactly the
// document's operations, each with the credential and scope it declares; the real
// server's 405 answers name exactly the document's methods of each path; and the record
// schemas carry the fields, required fields and enum spellings of src/domain/fields.hpp.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "domain/enums.hpp"
#include "domain/fields.hpp"
#include "harness.hpp"
#include "openapi_spec.hpp"
#include "server/app.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string credential_of(const server::Router::Listed& r) {
  switch (r.access) {
    case server::Access::open: return "open";
    case server::Access::session: return "session";
    case server::Access::integration: return "integration:" + r.scope;
    case server::Access::source: return "source:" + r.scope;
  }
  return "?";
}

// The contract's schema name of each kind in openapi.json's components.
const std::map<RecordKind, std::string> kSchemaNames = {
    {RecordKind::manager, "Manager"},         {RecordKind::customer, "Customer"},
    {RecordKind::case_, "Case"},              {RecordKind::promise, "Promise"},
    {RecordKind::exception, "Exception"},     {RecordKind::touchpoint, "Touchpoint"},
    {RecordKind::scheduled, "Scheduled"},     {RecordKind::decision, "Decision"}};

template <class T>
std::set<json> enum_spellings() {
  std::set<json> out;
  if constexpr (is_optional<T>::value) {
    return enum_spellings<typename T::value_type>();
  } else if constexpr (std::is_enum_v<T>) {
    for (const auto& [value, name] : enum_values<T>()) out.insert(std::string(name));
  }
  return out;
}

template <class R>
void check_record_schema(const json& schema, const std::string& name) {
  CAPTURE(name);
  std::set<std::string> fields, required, in_schema, required_in_schema;
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    fields.insert(std::string(f.name));
    if (!may_be_absent(f)) required.insert(std::string(f.name));
    const json& p = schema["properties"].value(std::string(f.name), json::object());
    std::set<json> spelled;
    for (const auto& v : p.value("enum", json::array()))
      if (!v.is_null()) spelled.insert(v);
    CHECK_MESSAGE(spelled == enum_spellings<T>(), name << "." << f.name << ": enum " << p.value("enum", json()));
  });
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) in_schema.insert(it.key());
  for (const auto& r : schema["required"]) required_in_schema.insert(r.get<std::string>());
  CHECK(in_schema == fields);
  CHECK(required_in_schema == required);
  CHECK(schema["additionalProperties"] == false);
}

}  // namespace

TEST_CASE("the router's routes are exactly openapi.json's operations, with the credentials it declares") {
  const OpenApi spec = OpenApi::load();
  auto storage = server::open_sqlite_storage(temp_path("openapi-routes.db"), false);
  server::ServerConfig cfg;
  server::ServerApp app(cfg, *storage);
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : app.router().list()) {
    CAPTURE(r.method + " " + r.path);
    routed.emplace(r.method, r.path);
    CHECK_MESSAGE(spec.operations().count({r.method, r.path}), "a route openapi.json lacks");
    if (spec.operations().count({r.method, r.path})) CHECK(spec.credential(r.method, r.path) == credential_of(r));
  }
  for (const auto& op : spec.operations()) CHECK_MESSAGE(routed.count(op), op.first << " " << op.second << ": in openapi.json, not routed");
}

TEST_CASE("the real server allows on each path exactly the methods openapi.json documents") {
  const OpenApi spec = OpenApi::load();
  Server s(temp_path("openapi-allow.db"));
  std::map<std::string, std::set<std::string>> methods;
  for (const auto& [method, path] : spec.operations()) methods[path].insert(method);
  for (const auto& pd : methods) {  // no structured binding: clang 14 cannot capture one in CAPTURE
    const std::string& path = pd.first;
    const std::set<std::string>& documented = pd.second;
    CAPTURE(path);
    HttpReply r = s.call({.method = "PATCH", .path = path});
    REQUIRE(r.status == 405);
    std::set<std::string> allowed;
    const std::string allow = r.header("allow");
    for (std::size_t a = 0; a < allow.size();) {
      auto b = allow.find(", ", a);
      allowed.insert(allow.substr(a, b == std::string::npos ? std::string::npos : b - a));
      a = b == std::string::npos ? allow.size() : b + 2;
    }
    CHECK(allowed == documented);
    CHECK(r.as_json()["code"] == "method_not_allowed");
  }
}

TEST_CASE("openapi.json's record schemas carry the code's fields, required fields and spellings") {
  const OpenApi spec = OpenApi::load();
  const json& schemas = spec.doc["components"]["schemas"];
  for_each_kind([&]<class R>(std::type_identity<R>) {
    const std::string& name = kSchemaNames.at(RecordInfo<R>::kind);
    REQUIRE(schemas.contains(name));
    check_record_schema<R>(schemas[name], name);
    const json& list = schemas["Document"]["properties"][std::string(RecordInfo<R>::list)];
    CHECK(list["items"]["$ref"] == "#/components/schemas/" + name);
  });
  check_record_schema<DueChange>(schemas["HistoryEntry"], "HistoryEntry");
  check_record_schema<ExternalId>(schemas["ExternalIdEntry"], "ExternalIdEntry");
  CHECK(schemas["Document"]["properties"].size() == kRecordKindCount);
}
