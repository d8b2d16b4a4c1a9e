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
    r.body = j.dump();
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

struct HttpOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  unsigned threads = 4;
  std::size_t max_body = 8u << 20;
  unsigned connection_limit = 4000;
  unsigned idle_timeout_s = 120;  // an idle keep-alive connection is closed after this
  bool log_requests = true;
};

class HttpServer {
 public:
  HttpServer(HttpOptions opts, Handler handler);
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
  const HttpOptions& options() const { return opts_; }
  void finished(Conn* c, bool ok);
  std::atomic<int> in_flight_{0};

 private:
  HttpOptions opts_;
  Handler handler_;
  void* daemon_ = nullptr;
  std::uint16_t port_ = 0;
};

}  // namespace cockpit::server
