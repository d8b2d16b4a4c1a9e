#pragma once
// The browser build's files (--app-dir): correct MIME types (application/wasm for
// streaming compilation), a weak ETag from size and mtime with If-None-Match → 304,
// and Cache-Control: no-cache — the build's file names carry no hash, so the browser
// must revalidate each time (a cheap 304) or it would run an old app.js with a new
// app.wasm after an upgrade.
#include <optional>
#include <string>

#include "server/http.hpp"

namespace cockpit::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  bool enabled() const { return !root_.empty(); }
  // nullopt: not a file of the app (the caller answers 404).
  std::optional<Response> serve(const Request& req) const;

 private:
  std::string root_;  // canonical, no trailing slash
};

std::string mime_type(const std::string& path);

}  // namespace cockpit::server
