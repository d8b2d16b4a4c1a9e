// libFuzzer target: the server's request path below the sockets: admission (path,
// credentials, rate limits, body limits), the router, JSON limits and parsing, and the
// handlers, on a real SQLite database with the demo book (ServerApp::admit + handle).
//
// Input: "METHOD PATH\n" then "Name: value" header lines, an empty line, the body. The
// token "SESSION" in a header is replaced by a real session's token, so the fuzzer
// reaches the handlers behind sign-in. Password checks (Argon2, ~50 ms each) are left
// out: a sign-in body is parsed and checked as the handler would, up to the password.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "server/app.hpp"
#include "server/demo.hpp"

namespace {

using namespace cockpit::server;

struct World {
  std::unique_ptr<ServerStorage> storage;
  std::unique_ptr<ServerApp> app;
  std::string token;
};

World& world() {
  static World w = [] {
    World x;
    auth_init();
    const std::string db = "/tmp/cockpit-fuzz-http-" + std::to_string(::getpid()) + ".db";
    ::unlink(db.c_str());
    x.storage = open_sqlite_storage(db, /*synchronous_full=*/false);
    std::string error;
    if (!install_demo(*x.storage, error)) __builtin_trap();
    ServerConfig cfg;
    cfg.rate = 0;  // the fuzzer sends far more than any client: no 429s hiding the handlers
    cfg.log = false;
    x.app = std::make_unique<ServerApp>(cfg, *x.storage);
    x.token = new_token();
    x.storage->add_session(Session{token_hash(x.token), "m-anna", cockpit::now_utc(),
                                   cockpit::now_utc() + kSessionLifetime});
    return x;
  }();
  return w;
}

bool read_request(std::string_view in, const std::string& token, Request& req) {
  auto line_end = in.find('\n');
  if (line_end == std::string_view::npos) return false;
  std::string_view first = in.substr(0, line_end);
  auto space = first.find(' ');
  if (space == std::string_view::npos) return false;
  req.method = std::string(first.substr(0, space));
  req.path = std::string(first.substr(space + 1));
  in.remove_prefix(line_end + 1);
  while (true) {
    line_end = in.find('\n');
    std::string_view line = in.substr(0, line_end);
    in.remove_prefix(line_end == std::string_view::npos ? in.size() : line_end + 1);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon)), value(line.substr(colon + 1));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    value.erase(0, value.find_first_not_of(' '));
    if (auto at = value.find("SESSION"); at != std::string::npos) value.replace(at, 7, token);
    if (name == "cookie" && value.rfind("cockpit_session=", 0) == 0) req.cookies["cockpit_session"] = value.substr(16);
    req.headers[name] = value;
  }
  req.body = std::string(in);
  req.peer_ip = "127.0.0.1";
  req.peer_loopback = true;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  Request req;
  if (!read_request(std::string_view(reinterpret_cast<const char*>(data), size), w.token, req)) return 0;
  Admission a = w.app->admit(req);
  if (a.refuse) {
    w.app->decorate(req, *a.refuse);
    return 0;
  }
  if (req.body.size() > a.max_body) return 0;  // the HTTP layer answers 413
  if (req.method == "POST" && req.path == "/api/session") {
    JsonError err;
    (void)parse_limited(req.body, JsonLimits{}, err);  // what sign_in reads before the password check
    return 0;
  }
  Response r = w.app->handle(req);
  if (r.deferred) r.deferred->complete(Response{});  // a parked live poll
  w.app->decorate(req, r);
  if (r.file_fd >= 0) ::close(r.file_fd);
  return 0;
}
