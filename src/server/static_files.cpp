#include "server/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace cockpit::server {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(std::string root) {
  if (root.empty()) return;
  std::error_code ec;
  auto p = fs::weakly_canonical(root, ec);
  root_ = ec ? root : p.string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string mime_type(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".wasm", "application/wasm"},
      {".css", "text/css; charset=utf-8"}, {".json", "application/json"},
      {".map", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".ttf", "font/ttf"}, {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}, {".data", "application/octet-stream"},
      {".webmanifest", "application/manifest+json"}};
  const auto dot = path.rfind('.');
  if (dot != std::string::npos) {
    const std::string ext = path.substr(dot);
    for (const auto& [e, t] : kTypes)
      if (ext == e) return t;
  }
  return "application/octet-stream";
}

std::optional<Response> StaticFiles::serve(const Request& req) const {
  if (root_.empty() || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
  std::string rel = req.path;
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  // No way out of the root: refuse any ".." segment and NUL before touching the disk.
  if (rel.find("..") != std::string::npos || rel.find('\0') != std::string::npos) return std::nullopt;
  const std::string full = root_ + rel;
  const int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  const std::string etag = "W/\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                           std::to_string(st.st_mtim.tv_nsec / 1000000) + "\"";
  Response r;
  r.content_type = mime_type(full);
  r.header("ETag", etag).header("Cache-Control", "no-cache");
  if (req.header("if-none-match") == etag) {
    ::close(fd);
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.file_fd = fd;
  r.file_size = static_cast<std::uint64_t>(st.st_size);
  return r;
}

}  // namespace cockpit::server
