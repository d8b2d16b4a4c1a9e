#pragma once
// Exact-path routing: (method, path) → handler. A known path with another method is a
// 405 with Allow; anything else falls through to the caller (static files, 404).
// Every route says what credential it needs: the server checks it on the headers,
// before a byte of the body is read (ServerApp::admit).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/http.hpp"

namespace cockpit::server {

enum class Access {
  open,         // no credential; the body is held to the small limit for strangers
  session,      // a manager's session (bearer token or cookie)
  integration,  // an integration token (bearer)
  source,       // a source's webhook (src/server/CONNECT.md): the source must be bound and its
                // signature headers present; the signature itself is checked over the body
};

class Router {
 public:
  // `scope`: for integration routes, the scope the token must carry (storage.hpp's
  // Integration: ingest, check, feed); for source routes, the source ("stripe").
  void add(const std::string& method, const std::string& path, Access access, Handler h, std::string scope = "");
  // nullopt: no route for this path at all.
  std::optional<Response> dispatch(Request& req) const;
  // What the route of this request needs; open for anything without a route of its own.
  Access access(const Request& req) const;
  // The integration scope the route of this request needs ("" for none).
  std::string scope(const Request& req) const;

  // Every route, by path then method: what src/server/openapi.json is checked against.
  struct Listed {
    std::string method, path;
    Access access;
    std::string scope;
  };
  std::vector<Listed> list() const;

 private:
  struct Route {
    Access access;
    Handler handler;
    std::string scope;
  };
  const Route* find(const Request& req) const;
  std::map<std::string, std::map<std::string, Route>> routes_;  // path → method → route
};

}  // namespace cockpit::server
