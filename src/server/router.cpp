#include "server/router.hpp"

namespace cockpit::server {

void Router::add(const std::string& method, const std::string& path, Access access, Handler h, std::string scope) {
  routes_[path][method] = Route{access, std::move(h), std::move(scope)};
}

const Router::Route* Router::find(const Request& req) const {
  auto p = routes_.find(req.path);
  if (p == routes_.end()) return nullptr;
  auto m = p->second.find(req.method);
  if (m == p->second.end() && req.method == "HEAD") m = p->second.find("GET");
  return m == p->second.end() ? nullptr : &m->second;
}

Access Router::access(const Request& req) const {
  const Route* r = find(req);
  return r ? r->access : Access::open;
}

std::string Router::scope(const Request& req) const {
  const Route* r = find(req);
  return r ? r->scope : std::string();
}

std::vector<Router::Listed> Router::list() const {
  std::vector<Listed> out;
  for (const auto& [path, methods] : routes_)
    for (const auto& [method, route] : methods) out.push_back({method, path, route.access, route.scope});
  return out;
}

std::optional<Response> Router::dispatch(Request& req) const {
  auto p = routes_.find(req.path);
  if (p == routes_.end()) return std::nullopt;
  if (const Route* r = find(req)) return r->handler(req);
  std::string allow;
  for (const auto& [method, route] : p->second) allow += (allow.empty() ? "" : ", ") + method;
  return Response::error(405, req.method + " is not allowed on " + req.path, "", "method_not_allowed")
      .header("Allow", allow);
}

}  // namespace cockpit::server
