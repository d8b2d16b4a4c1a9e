#pragma once
// The server application: routes, authentication, limits and the API handlers, on top
// of a ServerStorage. The HTTP layer calls handle() for every request.
//
// Handlers are spread over files by job: app.cpp (routing, identity, request-body
// checks), admission.cpp (what is decided on the headers, before any body: credentials,
// rate limits, body limits, the headers every answer carries), api_session.cpp,
// api_sync.cpp (push, pull, live), api_ingest.cpp, api_guard.cpp (the guard's check,
// feed and suppression list: src/server/GUARD.md), api_connect.cpp (the source
// webhooks: src/server/CONNECT.md). The limits: src/server/LIMITS.md.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/auth.hpp"
#include "server/ask_recorder.hpp"
#include "server/config.hpp"
#include "server/connect_sign.hpp"
#include "server/guard_apply.hpp"
#include "server/headers.hpp"
#include "server/http.hpp"
#include "server/json_limits.hpp"
#include "server/live.hpp"
#include "server/rate_limit.hpp"
#include "server/worker_threads.hpp"
#include "server/router.hpp"
#include "server/sign_in_throttle.hpp"
#include "server/static_files.hpp"
#include "server/storage.hpp"
#include "server/write_queue.hpp"

namespace cockpit::server {

struct PushOutcome;  // server/sync_apply.hpp

inline constexpr const char* kSessionCookie = "cockpit_session";

class ServerApp {
 public:
  // `guard`: the guard's settings (install_guard() is the caller's: it hooks the storage);
  // `asks`: where first asks are recorded (nullptr: not recorded); `writes` and `reads`:
  // where writing requests and pulls run, off the request threads (nullptr: on them,
  // in-process tools).
  ServerApp(const ServerConfig& cfg, ServerStorage& storage, const GuardSettings& guard = {},
            AskRecorder* asks = nullptr, WriteQueue* writes = nullptr, WorkerThreads* reads = nullptr);
  Response handle(Request& req);
  // admission.cpp: called by the HTTP layer with the headers, before the body.
  Admission admit(Request& req);
  void decorate(const Request& req, Response& r) const;
  Live& live() { return live_; }
  const Router& router() const { return router_; }

 private:
  // admission.cpp
  std::optional<Response> refuse_stranger(const Request& req, Response refusal);
  // app.cpp
  std::optional<sync::Identity> identify(Request& req);
  std::string bearer(const Request& req) const;
  std::optional<Response> check_origin(const Request& req) const;
  std::optional<Response> check_schema(int client_schema) const;
  std::optional<nlohmann::json> parse_body(const Request& req, Response& error) const;
  Handler offloaded(Response (ServerApp::*fn)(Request&));
  Handler offloaded_read(Response (ServerApp::*fn)(Request&));
  Response run_deferred(Request& req, Response (ServerApp::*fn)(Request&),
                        const std::function<void(std::function<void()>)>& submit);
  // A write that fits in the write queue's shared transaction (a device's push, a checked
  // message, a source's event): `write` runs in its savepoint off this thread, `finish` answers once
  // the group is durable (with its error, if any). Without a queue (in-process tools):
  // both here, in a transaction of their own. `finish_reads`: finish reads the database
  // (a pull after a push), so it runs on the pull threads and the writer's thread goes on.
  Response write_in_group(std::function<void(StorageTxn&)> write, std::function<Response(std::exception_ptr)> finish,
                          bool finish_reads = false);
  void join_other_processes();
  Response readiness();
  // api_session.cpp
  Response sign_in(Request& req);
  Response sign_out(Request& req);
  Response me(Request& req);
  // api_sync.cpp
  Response push(Request& req);
  Response push_answer(const sync::Identity& who, const sync::PushRequest& request, const PushOutcome& out);
  Response pull(Request& req);
  Response live_wait(Request& req);
  std::string read_pull(const sync::Identity& who, std::int64_t since);
  // api_ingest.cpp
  Response ingest(Request& req);
  // api_guard.cpp
  Response guard_check(Request& req);
  Response guard_verdicts(Request& req);
  Response guard_suppressions(Request& req);
  Response guard_policy(Request& req);
  // api_connect.cpp (src/server/CONNECT.md)
  std::optional<std::string> missing_signature(Source source, const Request& req) const;
  Handler connect_handler(Source source);
  Response connect_event(Source source, Request& req);
  Response connect_unmatched(Request& req);
  Response connect_match(Request& req);

  const ServerConfig cfg_;
  ServerStorage& storage_;
  Sessions sessions_;
  IntegrationTokens integrations_;
  RateLimiter limiter_, integration_limiter_;
  SignInThrottle sign_in_throttle_;
  Router router_;
  StaticFiles files_;
  Live live_;
  JsonLimits json_limits_;
  GuardSettings guard_;
  AskRecorder* asks_;
  WriteQueue* writes_;
  WorkerThreads* reads_;
};

}  // namespace cockpit::server
