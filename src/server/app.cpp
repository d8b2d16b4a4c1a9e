// ServerApp: routing, identity, request-body checks.
#include "server/app.hpp"

#include <cstdio>
#include <stdexcept>

namespace cockpit::server {

ServerApp::ServerApp(const ServerConfig& cfg, ServerStorage& storage, const GuardSettings& guard,
                     AskRecorder* asks, WriteQueue* writes, WorkerThreads* reads)
    : cfg_(cfg),
      storage_(storage),
      sessions_(storage),
      integrations_(storage),
      limiter_(cfg.rate, cfg.burst),
      integration_limiter_(cfg.integration_rate, cfg.integration_burst),
      sign_in_throttle_(SignInLimits{cfg.sign_in_rate, cfg.sign_in_burst, cfg.sign_in_address_rate,
                                     cfg.sign_in_address_burst, cfg.sign_in_free_failures, cfg.sign_in_max_delay_s}),
      files_(cfg.app_dir),
      live_(storage.cursor(), std::chrono::seconds(cfg.heartbeat_s), cfg.live_per_session),
      guard_(guard),
      asks_(asks),
      writes_(writes),
      reads_(reads) {
  join_other_processes();
  auto bind = [this](Response (ServerApp::*fn)(Request&)) { return [this, fn](Request& r) { return (this->*fn)(r); }; };
  // For load balancers (src/server/STORAGE.md): the process runs; the process can serve.
  router_.add("GET", "/healthz", Access::open, [](Request&) { return Response::json(200, nlohmann::json{{"ok", true}}); });
  router_.add("GET", "/readyz", Access::open, [this](Request&) { return readiness(); });
  router_.add("GET", "/api/health", Access::open, [this](Request&) {
    return Response::json(200, nlohmann::json{{"ok", true}, {"schema_version", sync::kSchemaVersion},
                                              {"cursor", storage_.cursor()}});
  });
  router_.add("POST", "/api/session", Access::open, bind(&ServerApp::sign_in));
  router_.add("DELETE", "/api/session", Access::open, bind(&ServerApp::sign_out));
  router_.add("GET", "/api/me", Access::session, bind(&ServerApp::me));
  router_.add("POST", "/api/push", Access::session, bind(&ServerApp::push));
  router_.add("GET", "/api/pull", Access::session, offloaded_read(&ServerApp::pull));
  router_.add("GET", "/api/live", Access::session, bind(&ServerApp::live_wait));
  router_.add("POST", "/api/ingest", Access::integration, offloaded(&ServerApp::ingest), "ingest");
  router_.add("POST", "/api/guard/check", Access::integration, bind(&ServerApp::guard_check), "check");
  router_.add("GET", "/api/guard/check", Access::integration, bind(&ServerApp::guard_check), "check");
  router_.add("GET", "/api/guard/verdicts", Access::integration, offloaded_read(&ServerApp::guard_verdicts), "feed");
  router_.add("GET", "/api/guard/suppressions", Access::integration, offloaded_read(&ServerApp::guard_suppressions),
              "feed");
  router_.add("GET", "/api/guard/policy", Access::integration, bind(&ServerApp::guard_policy));
  for (Source s : {Source::stripe, Source::shopify, Source::zendesk})
    router_.add("POST", "/api/connect/" + std::string(to_string(s)), Access::source, connect_handler(s),
                std::string(to_string(s)));
  router_.add("GET", "/api/connect/unmatched", Access::session, bind(&ServerApp::connect_unmatched));
  router_.add("POST", "/api/connect/unmatched/match", Access::session, offloaded(&ServerApp::connect_match));
}

// Several processes on one book: this process's live news goes to the others, theirs
// comes here (one process on SQLite: the storage does nothing with either).
void ServerApp::join_other_processes() {
  live_.fan_out([this](const std::string& news) { storage_.announce(news); });
  storage_.on_announce([this](const std::string& news) {
    if (news.empty()) live_.wake_everyone(storage_.cursor());
    else live_.heard(news);
  });
}

// 200 when the store answers (a load balancer sends requests here), else 503.
Response ServerApp::readiness() {
  if (storage_.ready()) return Response::json(200, nlohmann::json{{"ready", true}});
  Response r = Response::error(503, "the database is unreachable", "", "unavailable");
  r.header("Retry-After", "1");
  return r;
}

// A handler that writes runs on the write queue's thread (server/write_queue.hpp); its
// connection waits suspended and this request thread serves the others.
Handler ServerApp::offloaded(Response (ServerApp::*fn)(Request&)) {
  return [this, fn](Request& req) {
    if (!writes_) return (this->*fn)(req);
    return run_deferred(req, fn, [this](std::function<void()> job) { writes_->alone(std::move(job)); });
  };
}

// A handler that reads much (a pull) runs on the pull threads (server/worker_threads.hpp), the
// same way.
Handler ServerApp::offloaded_read(Response (ServerApp::*fn)(Request&)) {
  return [this, fn](Request& req) {
    if (!reads_) return (this->*fn)(req);
    return run_deferred(req, fn, [this](std::function<void()> job) { reads_->run(std::move(job)); });
  };
}

// Hands `fn` on a copy of the request to `submit`; the connection waits for its answer.
Response ServerApp::run_deferred(Request& req, Response (ServerApp::*fn)(Request&),
                                 const std::function<void(std::function<void()>)>& submit) {
  if (req.identity.empty()) identify(req);  // for the log line, which keeps `req`
  auto job = std::make_shared<Request>(req);
  job->body = std::move(req.body);
  Response r;
  r.deferred = std::make_shared<Deferred>();
  submit([this, fn, job, reply = r.deferred] {
    Response out;
    try {
      out = (this->*fn)(*job);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s %s: %s\n", job->method.c_str(), job->path.c_str(), e.what());
      out = failure_response(e);
    }
    reply->complete(std::move(out));
  });
  return r;
}

Response ServerApp::write_in_group(std::function<void(StorageTxn&)> write,
                                  std::function<Response(std::exception_ptr)> finish, bool finish_reads) {
  if (!writes_) {
    auto txn = storage_.begin();
    write(*txn);
    txn->commit();
    return finish(nullptr);
  }
  Response r;
  r.deferred = std::make_shared<Deferred>();
  auto done = [reply = r.deferred, finish = std::move(finish)](std::exception_ptr e) {
    try {
      reply->complete(finish(e));
    } catch (const std::exception& failed) {  // the job's or the commit's error, rethrown by finish
      std::fprintf(stderr, "error: a queued write: %s\n", failed.what());
      reply->complete(failure_response(failed));
    } catch (...) {
      reply->complete(failure_response(std::runtime_error("a queued write failed")));
    }
  };
  WorkerThreads* reads = finish_reads ? reads_ : nullptr;
  writes_->in_group({std::move(write), [reads, done = std::move(done)](std::exception_ptr e) mutable {
                       if (!reads) return done(e);
                       reads->run([done = std::move(done), e]() mutable { done(e); });
                     }});
  return r;
}

// Called once the body is in: admit() has already checked credentials and rate limits.
Response ServerApp::handle(Request& req) {
  if (auto routed = router_.dispatch(req)) return std::move(*routed);
  if (req.path.rfind("/api/", 0) == 0) return Response::error(404, "no such endpoint: " + req.path, "", "not_found");
  if (auto file = files_.serve(req)) return std::move(*file);
  return Response::error(404, "not found: " + req.path, "", "not_found");
}

std::string ServerApp::bearer(const Request& req) const {
  const std::string h = req.header("authorization");
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) return h.substr(7);
  auto c = req.cookies.find(kSessionCookie);
  return c == req.cookies.end() ? std::string() : c->second;
}

std::optional<sync::Identity> ServerApp::identify(Request& req) {
  auto who = sessions_.resolve(bearer(req));
  if (who) req.identity = who->manager;
  return who;
}

// A cookie rides along with any request the browser makes; SameSite=Strict stops
// cross-site ones, and so does this check of Origin on state-changing requests (old
// browsers, same-site subdomains). Bearer requests carry no ambient credential.
std::optional<Response> ServerApp::check_origin(const Request& req) const {
  if (!req.header("authorization").empty()) return std::nullopt;
  const std::string origin = req.header("origin");
  if (origin.empty()) return std::nullopt;
  const std::string host = req.header("host");
  if (origin == "http://" + host || origin == "https://" + host) return std::nullopt;
  return Response::error(403, "cross-origin request refused", "", "bad_origin");
}

std::optional<Response> ServerApp::check_schema(int client_schema) const {
  if (client_schema < sync::kMinClientSchema)
    return Response::json(426, nlohmann::json{{"error", "this app is too old for the server: reload it"},
                                              {"code", "reload_required"},
                                              {"server_schema", sync::kSchemaVersion}});
  if (client_schema > sync::kSchemaVersion)
    return Response::json(409, nlohmann::json{{"error", "the server is older than this app; changes are kept until it is upgraded"},
                                              {"code", "server_too_old"},
                                              {"server_schema", sync::kSchemaVersion}});
  return std::nullopt;
}

std::optional<nlohmann::json> ServerApp::parse_body(const Request& req, Response& error) const {
  const std::string ct = req.header("content-type");
  if (ct.rfind("application/json", 0) != 0) {
    error = Response::error(415, "expected Content-Type: application/json", "", "unsupported_media_type");
    return std::nullopt;
  }
  JsonError err;
  auto j = parse_limited(req.body, json_limits_, err);
  if (!j) {
    error = Response::error(400, err.message, err.field, "bad_json");
    return std::nullopt;
  }
  return j;
}

}  // namespace cockpit::server
