#pragma once
// The device's way to the server: one small asynchronous HTTP interface (style.md §6),
// implemented once per platform — libcurl natively (shell/native/curl_http.cpp), the
// browser's fetch in the browser shell. The sync client (src/client) speaks only this.
//
// Everything is asynchronous and single-threaded from the caller's point of view: send()
// returns at once; the completion callback runs later, inside poll(), on the thread that
// calls poll() (the UI thread). Nothing ever blocks the frame.
//
// Credentials: the desktop and the CLI send `Authorization: Bearer <token>` (set_token);
// the browser relies on its HttpOnly session cookie (same origin) and ignores the token,
// so no secret ever sits in wasm memory longer than the sign-in response.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cockpit::client {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, DELETE
  std::string path;            // from the server's root, with the query: "/api/pull?since=3"
  std::string body;            // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  int timeout_ms = 15000;      // the whole exchange; the live poll passes heartbeat + margin
};

struct HttpResponse {
  int status = 0;         // 0: no HTTP answer (refused, reset, timed out, offline)
  std::string body;
  std::string error;      // status 0: what happened, in words ("connection refused")
  int retry_after_s = -1; // the Retry-After header in seconds, when the server sent one
  bool ok() const { return status >= 200 && status < 300; }
};

using RequestId = std::uint64_t;

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Starts a request. `done` runs exactly once, from a later poll() — unless the request
  // is cancelled first, then never.
  virtual RequestId send(HttpRequest request, std::function<void(HttpResponse)> done) = 0;
  virtual void cancel(RequestId id) = 0;

  // Runs the callbacks of requests that finished since the last call. Never blocks.
  virtual void poll() = 0;

  // Blocks up to timeout_ms until at least one request has finished (its callback is
  // then run by the next poll()). For loops without a window: the CLI, tests and
  // benchmarks. Returns false on timeout.
  virtual bool wait(int timeout_ms) = 0;

  // Bearer token for every later request; empty: none. The browser ignores it.
  virtual void set_token(std::string token) = 0;

  // Called from any thread when a response is ready, so an idle loop can wake up
  // (the desktop posts an empty GLFW event). Optional.
  virtual void set_wakeup(std::function<void()> wake) = 0;
};

// Where a device keeps its session token between runs (never in the local database).
// Desktop: a 0600 file beside the database; browser: nothing (the cookie is the session).
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual std::string load() = 0;
  virtual void save(const std::string& token) = 0;
  virtual void clear() = 0;
};

}  // namespace cockpit::client
