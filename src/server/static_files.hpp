#pragma once
// The browser build's files (--app-dir): correct MIME types (application/wasm for
// streaming compilation), a weak ETag from size and mtime with If-None-Match → 304,
// and Cache-Control: no-cache — the build's file names carry no hash, so the browser
// must revalidate each time (a cheap 304) or it would run an old app.js with a new
// app.wasm after an upgrade.
//
// Confinement: a file is served only when the request target is a plain path below the
// app folder (app_relative_path) AND the file's real path, symlinks resolved, lies
// inside the folder's real path. Anything else is a 404, like a file that is not there.
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

// The path below the app folder that a request target names ("/" → "index.html"), or
// nothing: it must start with "/", and no segment may be empty, start with "." (".",
// "..", hidden files) or hold a backslash or a control character. The HTTP layer has
// decoded %XX already, so encoded forms are checked as what they decode to.
std::optional<std::string> app_relative_path(const std::string& target);

}  // namespace cockpit::server
