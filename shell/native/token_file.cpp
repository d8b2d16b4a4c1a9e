#include "native/token_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cockpit::native {

namespace {

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool write_all(int fd, const std::string& data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

TokenFile::TokenFile(std::string path) : path_(std::move(path)) {}

std::string TokenFile::load() {
  error_.clear();
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) error_ = "cannot read " + path_ + ": " + std::strerror(errno);
    return "";
  }
  std::string token;
  char buf[512];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = "cannot read " + path_ + ": " + std::strerror(errno);
      token.clear();
      break;
    }
    if (n == 0) break;
    token.append(buf, static_cast<std::size_t>(n));
    if (token.size() > 64 * 1024) {  // a token is ~50 bytes: this is not our file
      error_ = path_ + ": too large for a session token";
      token.clear();
      break;
    }
  }
  ::close(fd);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  return token;
}

void TokenFile::save(const std::string& token) {
  error_.clear();
  const std::string tmp = path_ + ".tmp";
  auto fail = [&](const char* what) {
    error_ = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
  };
  // A leftover from a crash may have any mode: remove it, then create afresh with 0600
  // (O_EXCL: we never write through a file or link someone else put there).
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail("cannot create");
  if (!write_all(fd, token)) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return fail("cannot write");
  }
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return fail("cannot sync");
  }
  if (::close(fd) != 0) return fail("cannot close");
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail("cannot rename");
  // The rename itself is durable once the folder is synced.
  const int dir = ::open(folder_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void TokenFile::clear() {
  error_.clear();
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
    error_ = "cannot remove " + path_ + ": " + std::strerror(errno);
}

}  // namespace cockpit::native
