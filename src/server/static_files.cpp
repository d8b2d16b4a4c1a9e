#include "server/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string_view>

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

std::optional<std::string> app_relative_path(const std::string& target) {
  if (target.empty() || target[0] != '/') return std::nullopt;
  std::string rel = target.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    const std::string_view seg(rel.data() + start, end - start);
    if (seg.empty() || seg[0] == '.') return std::nullopt;
    for (unsigned char c : seg)
      if (c < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
    start = end + 1;
  }
  return rel;
}

std::optional<Response> StaticFiles::serve(const Request& req) const {
  if (root_.empty() || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
  auto rel = app_relative_path(req.path);
  if (!rel) return std::nullopt;
  const std::string full = root_ + "/" + *rel;
  // A symlink (of a folder on the way, or the file) may point out of the folder: the
  // real path must still be inside it.
  char real[PATH_MAX];
  if (!::realpath(full.c_str(), real) || std::string_view(real).substr(0, root_.size() + 1) != root_ + "/")
    return std::nullopt;
  const int fd = ::open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
