#pragma once
// The server's HTTP layer on libmicrohttpd: a small thread pool, each thread with its
// own epoll set, so 1,000 idle connections cost file descriptors and a little memory,
// not threads. A handler may answer later (the live channel): it returns a Response
// carrying a Deferred, the connection is suspended (no thread, not polled) and resumed
// when someone calls Deferred::complete() from any thread.
//
// Everything above this file sees plain Request/Response values; nothing outside
// http.cpp includes microhttpd.h.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cockpit::server {

struct Request {
  std::string method, path;                    // path without the query string
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case
  std::map<std::string, std::string> cookies;
  std::string body;
  std::string peer_ip;
  bool peer_loopback = false;
  std::string identity;  // set by the handler for the log line ("m-anna", "integration:shop")

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string arg(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

// A non-negative integer query argument (`fallback` when absent), or nullopt when it is
// anything else.
std::optional<std::int64_t> int_arg(const Request& req, const std::string& name, std::int64_t fallback);

class Deferred;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int file_fd = -1;  // a static file's body instead of `body` (closed by the HTTP layer)
  std::uint64_t file_size = 0;
  std::shared_ptr<Deferred> deferred;  // answer later (see Deferred)

  static Response json(int status, const nlohmann::json& j) {
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // never throws on bad UTF-8
    return r;
  }
  // {"error": message, "code": code?, "field": field?}
  static Response error(int status, const std::string& message, const std::string& field = "",
                        const std::string& code = "");
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// A reply that comes later. complete() may be called from any thread, once (later calls
// are ignored); it may come before the HTTP layer has suspended the connection.
class Deferred {
 public:
  void complete(Response r);
  bool completed() const;

 // Internal to http.cpp.
  mutable std::mutex mu_;
  std::optional<Response> response_;
  bool done_ = false;
  std::function<void()> resume_;  // set by the HTTP layer when it has suspended
};

using Handler = std::function<Response(Request&)>;

// The answer to a request whose handling threw: 503 with Retry-After for Unavailable
// (unavailable.hpp), else 500. The message says nothing of the cause (it is logged).
Response failure_response(const std::exception& e);

// What is decided from the request line and the headers alone, before a byte of the
// body is read or buffered: a refusal (401, 429, 400, …), or how large a body may come.
struct Admission {
  std::optional<Response> refuse;
  std::size_t max_body = 0;
};
using Admit = std::function<Admission(Request&)>;
// Adds what every answer carries (security headers), whoever made it: a handler, a
// Deferred, or this layer itself (413, 500).
using Decorate = std::function<void(const Request&, Response&)>;

// The defaults are safe for production; tests that run hundreds of devices from
// 127.0.0.1 raise the per-address cap explicitly (see src/server/LIMITS.md).
struct HttpOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  unsigned threads = 4;
  std::size_t max_body = 8u << 20;  // when there is no Admit
  unsigned connection_limit = 4000;
  unsigned per_address_limit = 128;  // open connections from one address; 0: no cap
  unsigned idle_timeout_s = 30;  // a connection that sends nothing this long is closed (parked polls excepted)
  bool log_requests = true;
};

class HttpServer {
 public:
  HttpServer(HttpOptions opts, Handler handler, Admit admit = {}, Decorate decorate = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool start(std::string& error);
  std::uint16_t port() const { return port_; }
  // Stops accepting, waits up to `grace_ms` for requests in progress, then closes all.
  // Deferred replies still pending must have been completed before (see Live::stop).
  void stop(int grace_ms = 10000);
  int in_flight() const { return in_flight_.load(); }

  // Internal (called from the C callbacks).
  struct Conn;
  Handler& handler() { return handler_; }
  Admission admit(Request& req) const;
  void decorate(const Request& req, Response& r) const {
    if (decorate_) decorate_(req, r);
  }
  const HttpOptions& options() const { return opts_; }
  void finished(Conn* c, bool ok);
  std::atomic<int> in_flight_{0};

 private:
  HttpOptions opts_;
  Handler handler_;
  Admit admit_;
  Decorate decorate_;
  void* daemon_ = nullptr;
  std::uint16_t port_ = 0;
};

}  // namespace cockpit::server
