// The real server: sign-in, cookies, sessions, headers, static files, admin commands.
#include <doctest/doctest.h>

#include <chrono>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "harness.hpp"

using namespace cockpit::test;

TEST_CASE("demo server prints its logins; sign-in good and bad; cookie flags; CSP") {
  Server s(temp_path("auth.db"), {"--demo"});
  // One login per manager of the demo book (the app's), each able to sign in.
  CHECK(s.stdout_text().find("demo logins (demo only, never for real data):\n") != std::string::npos);
  CHECK(s.stdout_text().find("  m-lena lead demo-lena\n") != std::string::npos);
  CHECK(s.stdout_text().find("  m-anna manager demo-anna\n") != std::string::npos);
  CHECK(s.stdout_text().find("  m-ben manager demo-ben\n") != std::string::npos);
  for (const auto& [id, password] : std::vector<std::pair<std::string, std::string>>{
           {"m-lena", "demo-lena"}, {"m-anna", "demo-anna"}, {"m-ben", "demo-ben"}})
    CHECK(s.get("/api/me", s.sign_in(id, password)).as_json()["manager"]["id"] == id);

  auto bad = s.post("/api/session", json{{"manager", "m-anna"}, {"password", "wrong"}});
  CHECK(bad.status == 401);
  CHECK(bad.as_json()["code"] == "bad_credentials");
  CHECK(bad.header("set-cookie").empty());
  auto nobody = s.post("/api/session", json{{"manager", "m-nobody"}, {"password", "whatever"}});
  CHECK(nobody.status == 401);
  CHECK(nobody.body == bad.body);  // an unknown id reads exactly like a wrong password

  auto ok = s.post("/api/session", json{{"manager", "m-anna"}, {"password", "demo-anna"}});
  REQUIRE(ok.status == 200);
  const std::string cookie = ok.header("set-cookie");
  CHECK(cookie.find("cockpit_session=") == 0);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Path=/") != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP on loopback
  auto body = ok.as_json();
  CHECK(body["manager"]["role"] == "manager");
  const std::string token = body["token"];
  CHECK(cookie.find(token) != std::string::npos);
  for (const char* h : {"content-security-policy", "x-content-type-options", "referrer-policy"})
    CHECK_MESSAGE(!ok.header(h).empty(), h);
  CHECK(ok.header("content-security-policy").find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
  CHECK(ok.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);

  // The cookie alone (browser) and the bearer token alone (desktop) both identify.
  Call me;
  me.path = "/api/me";
  me.cookie = "cockpit_session=" + token;
  auto by_cookie = s.call(me);
  CHECK(by_cookie.status == 200);
  CHECK(by_cookie.as_json()["manager"]["id"] == "m-anna");
  CHECK(s.get("/api/me", token).as_json()["manager"]["id"] == "m-anna");
  CHECK(s.get("/api/me").status == 401);
  CHECK(s.get("/api/me", "forged-token").status == 401);

  // A cross-site request riding on the cookie is refused.
  Call csrf;
  csrf.method = "DELETE";
  csrf.path = "/api/session";
  csrf.cookie = "cockpit_session=" + token;
  csrf.headers = {"Origin: http://evil.example"};
  CHECK(s.call(csrf).status == 403);

  // Sign-out ends the session at once.
  Call out;
  out.method = "DELETE";
  out.path = "/api/session";
  out.bearer = token;
  auto bye = s.call(out);
  CHECK(bye.status == 200);
  CHECK(bye.header("set-cookie").find("Max-Age=0") != std::string::npos);
  CHECK(s.get("/api/me", token).status == 401);

  CHECK(s.stop() == 0);
}

TEST_CASE("too many sign-in attempts get 429 with Retry-After, for that account and address only") {
  Server s(temp_path("throttle.db"), {"--demo", "--sign-in-burst", "3", "--sign-in-rate", "0.01"});
  long last = 0;
  for (int i = 0; i < 4; ++i) last = s.post("/api/session", json{{"manager", "m-ben"}, {"password", "nope"}}).status;
  CHECK(last == 429);
  auto r = s.post("/api/session", json{{"manager", "m-ben"}, {"password", "demo-ben"}});
  CHECK(r.status == 429);
  CHECK(std::stoi(r.header("retry-after")) >= 1);
  CHECK(r.as_json()["code"] == "rate_limited");
  CHECK(s.post("/api/session", json{{"manager", "m-anna"}, {"password", "demo-anna"}}).status == 200);
}

TEST_CASE("request rate per identity: 429 then recovery") {
  Server s(temp_path("rate.db"), {"--demo", "--rate", "2", "--burst", "5"});
  std::string token = s.sign_in("m-anna", "demo-anna");
  long status = 200;
  int n = 0;
  while (status == 200 && n < 50) {
    status = s.get("/api/me", token).status;
    ++n;
  }
  CHECK(status == 429);
  CHECK(n <= 7);
  // Another identity is not affected.
  std::string ben = s.sign_in("m-ben", "demo-ben");
  CHECK(s.get("/api/me", ben).status == 200);
}

TEST_CASE("admin commands: add a manager, reset a password, no password on the command line") {
  const std::string db = temp_path("admin.db");
  {
    Server s(db, {"--demo"});
    CHECK(s.stop() == 0);
  }
  CHECK(run_admin({"add-manager", "--db", db, "--id", "m-cora", "--name", "Cora Diaz", "--email", "cora@example.com",
                   "--role", "manager", "--password-stdin"},
                  "correct horse battery\n") == 0);
  CHECK(run_admin({"add-manager", "--db", db, "--id", "m-dan", "--name", "Dan", "--email", "d@example.com", "--role",
                   "manager", "--password", "secret123"},
                  "") != 0);
  CHECK(run_admin({"add-manager", "--db", db, "--id", "m-eve", "--name", "Eve", "--email", "e@example.com", "--role",
                   "boss", "--password-stdin"},
                  "long enough pw\n") != 0);
  CHECK(run_admin({"reset-password", "--db", db, "--id", "m-anna", "--password-stdin"}, "short\n") != 0);
  Server s(db, {"--heartbeat", "1"});
  std::string cora = s.sign_in("m-cora", "correct horse battery");
  CHECK(s.get("/api/me", cora).as_json()["manager"]["name"] == "Cora Diaz");
  // The new manager reaches devices through pull like any record.
  auto pulled = s.get("/api/pull?since=0", cora).as_json();
  bool seen = false;
  for (const auto& c : pulled["changes"]) seen |= c["kind"] == "manager" && c["id"] == "m-cora";
  CHECK(seen);
  std::string anna = s.sign_in("m-anna", "demo-anna");
  REQUIRE(s.get("/api/me", anna).status == 200);  // resolved once: in the server's session cache now
  CHECK(run_admin({"reset-password", "--db", db, "--id", "m-anna", "--password-stdin"}, "a new password\n") == 0);
  CHECK(s.post("/api/session", json{{"manager", "m-anna"}, {"password", "demo-anna"}}).status == 401);
  CHECK(s.sign_in("m-anna", "a new password").size() > 20);
  // The reset ended Anna's sessions on the running server too, within the cache's time.
  const auto reset_at = std::chrono::steady_clock::now();
  long status = 200;
  while (std::chrono::steady_clock::now() - reset_at < std::chrono::seconds(15)) {
    auto me = s.get("/api/me", anna);
    status = me.status;
    if (status != 200) break;
    // Parked until the next change or the 1 s heartbeat: the loop's pace, not a sleep.
    const std::string since = std::to_string(me.as_json()["cursor"].get<long>());
    s.call(Call{"GET", "/api/live?since=" + since, "", "application/json", anna, "", {}, 3000});
  }
  CHECK(status == 401);
  CHECK(std::chrono::steady_clock::now() - reset_at < std::chrono::seconds(7));
}

TEST_CASE("static files: MIME types, ETag and 304, no way out of the app folder") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(temp_path("site"));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html><title>Cockpit</title>";
  std::ofstream(dir / "app.js") << "console.log(1)";
  std::ofstream(dir / "app.wasm", std::ios::binary) << std::string("\0asm\1\0\0\0", 8);
  Server s(temp_path("static.db"), {"--app-dir", dir.string()});
  auto index = s.get("/");
  CHECK(index.status == 200);
  CHECK(index.header("content-type").find("text/html") == 0);
  CHECK(index.header("content-security-policy").find("default-src 'self'") == 0);
  CHECK(index.header("x-content-type-options") == "nosniff");
  CHECK(s.get("/app.js").header("content-type").find("text/javascript") == 0);
  auto wasm = s.get("/app.wasm");
  CHECK(wasm.header("content-type") == "application/wasm");
  CHECK(wasm.body.size() == 8);
  const std::string etag = wasm.header("etag");
  REQUIRE_FALSE(etag.empty());
  CHECK(wasm.header("cache-control") == "no-cache");
  Call again;
  again.path = "/app.wasm";
  again.headers = {"If-None-Match: " + etag};
  CHECK(s.call(again).status == 304);
  CHECK(s.get("/../static.db").status == 404);
  CHECK(s.get("/%2e%2e/static.db").status == 404);
  CHECK(s.get("/missing.js").status == 404);
  CHECK(s.get("/api/nothing").as_json()["code"] == "not_found");
}
