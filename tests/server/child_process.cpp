#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cockpit::test {

namespace {
using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point end) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}
}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::string& stdin_text, std::string stderr_path)
    : stderr_path_(std::move(stderr_path)) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("child: pipe failed");
  // Everything the child needs is ready before fork(): the test has threads (curl, the
  // proxy), so the child may only make async-signal-safe calls until execv.
  std::vector<char*> args;
  for (auto& s : argv) args.push_back(s.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("child: fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, 2);
    // Nothing of the test's own sockets (curl connections, the proxy's) may stay open
    // in the child: a connection would outlive the test's close of it.
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  out_fd_ = out[0];
  std::size_t off = 0;
  while (off < stdin_text.size()) {
    ssize_t n = write(in[1], stdin_text.data() + off, stdin_text.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  close(in[1]);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(SIGKILL, 5000);
  if (out_fd_ >= 0) close(out_fd_);
}

bool ChildProcess::read_some(int timeout_ms) {
  if (out_fd_ < 0) return false;
  pollfd p{out_fd_, POLLIN, 0};
  int n = poll(&p, 1, timeout_ms);
  if (n <= 0) return false;
  char buf[4096];
  ssize_t got = read(out_fd_, buf, sizeof buf);
  if (got <= 0) {
    close(out_fd_);
    out_fd_ = -1;
    return false;
  }
  out_.append(buf, static_cast<std::size_t>(got));
  return true;
}

bool ChildProcess::wait_line(const std::string& text, int timeout_ms) {
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    // Only whole lines count; a line once scanned is not scanned again.
    for (std::size_t nl; (nl = out_.find('\n', scanned_)) != std::string::npos; scanned_ = nl + 1)
      if (out_.substr(scanned_, nl - scanned_).find(text) != std::string::npos) {
        scanned_ = nl + 1;
        return true;
      }
    if (!read_some(ms_left(end))) return false;
  }
}

int ChildProcess::reap(int timeout_ms) {
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out_fd_ >= 0 && read_some(ms_left(end))) {
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n = poll(&p, 1, ms_left(end));
    close(pidfd);
    if (n <= 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return -1;
    }
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int ChildProcess::stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  return reap(timeout_ms);
}

int ChildProcess::wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  return reap(timeout_ms);
}

std::string ChildProcess::errors() const {
  std::ifstream f(stderr_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace cockpit::test
