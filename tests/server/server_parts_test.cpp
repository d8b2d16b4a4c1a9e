// The server's pure parts, by tables, and its HTTP layer in process.
#include <curl/curl.h>

#include <doctest/doctest.h>

#include "server/app.hpp"
#include "server/http.hpp"
#include "server/sign_in_throttle.hpp"
#include "server/static_files.hpp"

using namespace cockpit::server;

TEST_CASE("account_delay: free failures, then doubling up to the ceiling") {
  struct Row {
    unsigned failures, free, max;
    long seconds;
  };
  const Row rows[] = {{0, 5, 60, 0}, {1, 5, 60, 0},  {4, 5, 60, 0},  {5, 5, 60, 1},   {6, 5, 60, 2},
                      {7, 5, 60, 4}, {10, 5, 60, 32}, {11, 5, 60, 60}, {200, 5, 60, 60}, {1, 0, 60, 2},
                      {0, 0, 60, 0}, {9, 5, 5, 5}};
  for (const auto& r : rows) {
    CAPTURE(r.failures);
    CAPTURE(r.free);
    CHECK(account_delay(r.failures, r.free, r.max).count() == r.seconds);
  }
}

TEST_CASE("sign-in throttle: an account's delay counts every address; another account is not slowed") {
  SignInThrottle t(SignInLimits{0.2, 10, 0.5, 50, 3, 60});
  for (int i = 0; i < 3; ++i) {
    const std::string from = "10.0.0." + std::to_string(i);
    CHECK(t.admit(from, "m-anna") == 0);
    t.failed(from, "m-anna");
  }
  CHECK(t.admit("10.0.0.99", "m-anna") == 1);  // blocked, from any address
  CHECK(t.admit("10.0.0.0", "m-ben") == 0);
  t.succeeded("m-anna");
  CHECK(t.admit("10.0.0.99", "m-anna") == 0);
}

TEST_CASE("sign-in throttle: one address's failures at many accounts run out; its successes cost nothing") {
  SignInThrottle t(SignInLimits{100, 100, 0.001, 5, 100, 60});
  for (int i = 0; i < 5; ++i) {
    CHECK(t.admit("10.0.0.1", "m-" + std::to_string(i)) == 0);
    t.failed("10.0.0.1", "m-" + std::to_string(i));
  }
  CHECK(t.admit("10.0.0.1", "m-other") > 0);
  CHECK(t.admit("10.0.0.2", "m-other") == 0);
  SignInThrottle u(SignInLimits{100, 100, 0.001, 5, 100, 60});
  for (int i = 0; i < 50; ++i) {
    CHECK(u.admit("10.0.0.1", "m-" + std::to_string(i)) == 0);
    u.succeeded("m-" + std::to_string(i));
  }
}

TEST_CASE("app_relative_path: plain paths below the folder, nothing else") {
  struct Row {
    const char* target;
    const char* relative;  // nullptr: refused
  };
  const Row rows[] = {
      {"/", "index.html"},
      {"/app.js", "app.js"},
      {"/fonts/inter.ttf", "fonts/inter.ttf"},
      {"/fonts/", "fonts/index.html"},
      {"-old/secret.txt", nullptr},
      {"", nullptr},
      {"app.js", nullptr},
      {"/../secret", nullptr},
      {"/a/../b", nullptr},
      {"/./app.js", nullptr},
      {"//etc/passwd", nullptr},
      {"/a//b", nullptr},
      {"/.git/config", nullptr},
      {"/..", nullptr},
      {"/a\\..\\b", nullptr},
      {"/a\nb", nullptr},
      {"/a\x7f", nullptr},
  };
  for (const auto& r : rows) {
    CAPTURE(r.target);
    auto got = app_relative_path(r.target);
    if (r.relative) {
      REQUIRE(got);
      CHECK(*got == r.relative);
    } else {
      CHECK_FALSE(got);
    }
  }
}

namespace {
std::size_t keep_headers(char* p, std::size_t size, std::size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}
std::size_t drop(char*, std::size_t size, std::size_t n, void*) { return size * n; }
}  // namespace

TEST_CASE("the HTTP layer: a handler that throws answers 500 with the security headers") {
  ServerConfig cfg;
  HttpOptions opts;
  opts.log_requests = false;
  HttpServer http(
      opts, [](Request&) -> Response { throw std::runtime_error("boom"); },
      [](Request&) { return Admission{std::nullopt, 1000}; },
      [](const Request&, Response& r) { add_standard_headers(r, true, false); });
  std::string error;
  REQUIRE(http.start(error));
  CURL* h = curl_easy_init();
  std::string headers;
  const std::string url = "http://127.0.0.1:" + std::to_string(http.port()) + "/api/anything";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_headers);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop);
  REQUIRE(curl_easy_perform(h) == CURLE_OK);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  CHECK(status == 500);
  CHECK(headers.find("Content-Security-Policy:") != std::string::npos);
  CHECK(headers.find("X-Content-Type-Options: nosniff") != std::string::npos);
  http.stop(0);
}
