#pragma once
// src/server/openapi.json as the tests read it: its operations, the credential each
// declares, and whether an HTTP answer is one the document allows for that operation
// (a documented status, a documented content type, a body valid under its schema).
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cockpit::test {

struct HttpReply;

struct OpenApi {
  nlohmann::json doc;

  static OpenApi load();  // from the source tree, or $COCKPIT_OPENAPI when set

  // Every (METHOD, path), methods upper-case, sorted.
  std::set<std::pair<std::string, std::string>> operations() const;
  const nlohmann::json& operation(const std::string& method, const std::string& path) const;  // throws when absent
  // What the operation's `security` asks for: "open" (none), "session" (the cookie or
  // the session bearer) or "integration:SCOPE" (an integration token; SCOPE may be "").
  std::string credential(const std::string& method, const std::string& path) const;
  // What is wrong with `reply` as an answer of the operation; empty when nothing is.
  std::vector<std::string> answer_problems(const std::string& method, const std::string& path,
                                           const HttpReply& reply) const;
  // What is wrong with `body` as the operation's JSON request body.
  std::vector<std::string> request_problems(const std::string& method, const std::string& path,
                                            const nlohmann::json& body) const;

 private:
  const nlohmann::json& deref(const nlohmann::json& j) const;  // follows one "$ref" when there is one
};

}  // namespace cockpit::test
