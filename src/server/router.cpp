#include "server/router.hpp"

namespace cockpit::server {

void Router::add(const std::string& method, const std::string& path, Handler h) {
  routes_[path][method] = std::move(h);
}

std::optional<Response> Router::dispatch(Request& req) const {
  auto p = routes_.find(req.path);
  if (p == routes_.end()) return std::nullopt;
  auto m = p->second.find(req.method);
  if (m == p->second.end() && req.method == "HEAD") m = p->second.find("GET");
  if (m == p->second.end()) {
    std::string allow;
    for (const auto& [method, h] : p->second) allow += (allow.empty() ? "" : ", ") + method;
    return Response::error(405, req.method + " is not allowed on " + req.path, "", "method_not_allowed")
        .header("Allow", allow);
  }
  return m->second(req);
}

}  // namespace cockpit::server
