#pragma once
// Exact-path routing: (method, path) → handler. A known path with another method is a
// 405 with Allow; anything else falls through to the caller (static files, 404).
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "server/http.hpp"

namespace cockpit::server {

class Router {
 public:
  void add(const std::string& method, const std::string& path, Handler h);
  // nullopt: no route for this path at all.
  std::optional<Response> dispatch(Request& req) const;

 private:
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path → method → handler
};

}  // namespace cockpit::server
