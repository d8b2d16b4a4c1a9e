#pragma once
// The server application: routes, authentication, limits and the API handlers, on top
// of a ServerStorage. The HTTP layer calls handle() for every request.
//
// Handlers are spread over files by job: app.cpp (routing, headers, rate limits,
// identity), api_session.cpp, api_sync.cpp (push, pull, live), api_ingest.cpp.
#include <memory>
#include <optional>
#include <string>

#include "server/auth.hpp"
#include "server/config.hpp"
#include "server/headers.hpp"
#include "server/http.hpp"
#include "server/json_limits.hpp"
#include "server/live.hpp"
#include "server/rate_limit.hpp"
#include "server/router.hpp"
#include "server/static_files.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

inline constexpr const char* kSessionCookie = "cockpit_session";

class ServerApp {
 public:
  ServerApp(const ServerConfig& cfg, ServerStorage& storage);
  Response handle(Request& req);
  Live& live() { return live_; }

 private:
  // app.cpp
  std::optional<sync::Identity> identify(Request& req);
  std::string bearer(const Request& req) const;
  std::optional<Response> check_origin(const Request& req) const;
  std::optional<Response> check_schema(int client_schema) const;
  std::optional<nlohmann::json> parse_body(const Request& req, Response& error) const;
  // api_session.cpp
  Response sign_in(Request& req);
  Response sign_out(Request& req);
  Response me(Request& req);
  // api_sync.cpp
  Response push(Request& req);
  Response pull(Request& req);
  Response live_wait(Request& req);
  std::string read_pull(const sync::Identity& who, std::int64_t since);
  // api_ingest.cpp
  Response ingest(Request& req);

  const ServerConfig cfg_;
  ServerStorage& storage_;
  Sessions sessions_;
  RateLimiter limiter_, sign_in_limiter_;
  Router router_;
  StaticFiles files_;
  Live live_;
  JsonLimits json_limits_;
};

}  // namespace cockpit::server
