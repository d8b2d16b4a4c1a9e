#pragma once
// The headers every response carries, in one place: the HTTP layer adds them to every
// answer it sends (ServerApp::decorate), whoever made it.
#include "server/http.hpp"

namespace cockpit::server {

// 'wasm-unsafe-eval' lets the page compile its wasm module; nothing else may run but
// the app's own files.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// `tls`: the request came through a TLS proxy (X-Forwarded-Proto: https); browsers
// then keep to https for a year. Never on plain HTTP (loopback development, the demo).
inline void add_standard_headers(Response& r, bool api, bool tls) {
  r.header("Content-Security-Policy", kContentSecurityPolicy)
      .header("X-Content-Type-Options", "nosniff")
      .header("Referrer-Policy", "no-referrer")
      .header("X-Frame-Options", "DENY");
  if (api) r.header("Cache-Control", "no-store");
  if (tls) r.header("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace cockpit::server
