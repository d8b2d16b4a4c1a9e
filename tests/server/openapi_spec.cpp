#include "openapi_spec.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness.hpp"
#include "json_schema.hpp"

namespace cockpit::test {

using nlohmann::json;

namespace {
const char* const kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

OpenApi OpenApi::load() {
  // $COCKPIT_OPENAPI: another copy, to show that a changed description fails the tests.
  const char* env = std::getenv("COCKPIT_OPENAPI");
  const std::string file = env && *env ? env : std::string(COCKPIT_SOURCE_DIR) + "/src/server/openapi.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return OpenApi{json::parse(ss.str())};
}

std::set<std::pair<std::string, std::string>> OpenApi::operations() const {
  std::set<std::pair<std::string, std::string>> out;
  for (auto p = doc.at("paths").begin(); p != doc.at("paths").end(); ++p)
    for (const char* m : kMethods)
      if (p.value().contains(m)) out.emplace(upper(m), p.key());
  return out;
}

const json& OpenApi::operation(const std::string& method, const std::string& path) const {
  return doc.at("paths").at(path).at(lower(method));
}

const json& OpenApi::deref(const json& j) const {
  if (!j.is_object() || !j.contains("$ref")) return j;
  return doc.at(json::json_pointer(j["$ref"].get<std::string>().substr(1)));
}

std::string OpenApi::credential(const std::string& method, const std::string& path) const {
  const json& op = operation(method, path);
  const json security = op.value("security", doc.value("security", json::array()));
  if (security.empty()) return "open";
  std::set<std::string> schemes;
  std::string scope;
  for (const auto& alternative : security)
    for (auto it = alternative.begin(); it != alternative.end(); ++it) {
      schemes.insert(it.key());
      if (it.key() == "integrationToken" && !it.value().empty()) scope = it.value()[0];
    }
  if (schemes == std::set<std::string>{"sessionCookie", "sessionBearer"}) return "session";
  if (schemes == std::set<std::string>{"integrationToken"}) return "integration:" + scope;
  // A source's webhook: one scheme per source, named by its signature header.
  if (schemes == std::set<std::string>{"stripeSignature"}) return "source:stripe";
  if (schemes == std::set<std::string>{"shopifyHmac"}) return "source:shopify";
  if (schemes == std::set<std::string>{"zendeskSignature"}) return "source:zendesk";
  return "unknown";
}

std::vector<std::string> OpenApi::answer_problems(const std::string& method, const std::string& path,
                                                  const HttpReply& reply) const {
  const std::string where = method + " " + path + " " + std::to_string(reply.status) + ": ";
  const json& responses = operation(method, path).at("responses");
  const std::string status = std::to_string(reply.status);
  if (!responses.contains(status)) return {where + "status not documented; body " + reply.body.substr(0, 200)};
  const json& response = deref(responses[status]);
  std::string type = reply.header("content-type");
  type = type.substr(0, type.find(';'));
  const json& content = response.value("content", json::object());
  if (!content.contains(type)) return {where + "content type \"" + type + "\" not documented"};
  const json& schema = content[type].at("schema");
  json body;
  if (type == "application/json") {
    body = json::parse(reply.body, nullptr, false);
    if (body.is_discarded()) return {where + "not JSON: " + reply.body.substr(0, 200)};
  } else {
    body = reply.body;
  }
  std::vector<std::string> out;
  for (const auto& p : schema_problems(body, schema, doc)) out.push_back(where + "body" + p);
  if (!out.empty()) out.push_back(where + "the body was " + reply.body.substr(0, 400));
  return out;
}

std::vector<std::string> OpenApi::request_problems(const std::string& method, const std::string& path,
                                                   const json& body) const {
  const json& op = operation(method, path);
  if (!op.contains("requestBody")) return {method + " " + path + ": documents no request body"};
  const json& schema = deref(op["requestBody"]).at("content").at("application/json").at("schema");
  std::vector<std::string> out;
  for (const auto& p : schema_problems(body, schema, doc)) out.push_back(method + " " + path + " request body" + p);
  return out;
}

}  // namespace cockpit::test
