#pragma once
// A child process for the tests that kill a client in the middle of its work
// (`cockpit-cli sync` in tests/server/device_fault_test.cpp): started with its
// arguments and a text on stdin, its stdout read line by line through a pipe (the test
// waits for a line with a timeout, never on a clock), its stderr kept in a file, and
// ended with a signal of the test's choosing. Inherits no descriptor beyond 0, 1, 2.
#include <sys/types.h>

#include <string>
#include <vector>

namespace cockpit::test {

class ChildProcess {
 public:
  // argv[0] is the program's path. `stderr_path`: where its stderr goes (appended).
  ChildProcess(std::vector<std::string> argv, const std::string& stdin_text, std::string stderr_path);
  ~ChildProcess();  // SIGKILL and reap when still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout until a line containing `text` has arrived (true), or the pipe closes
  // or `timeout_ms` passes (false).
  bool wait_line(const std::string& text, int timeout_ms = 15000);
  // Sends `sig`, reads the rest of stdout and reaps the child; the exit code, or 128+n
  // when a signal n ended it, or -1 when it did not end within `timeout_ms` (then killed).
  int stop(int sig, int timeout_ms = 15000);
  // Waits for it to end by itself (same return values as stop).
  int wait(int timeout_ms = 30000);

  bool running() const { return pid_ > 0; }
  const std::string& output() const { return out_; }  // stdout read so far
  std::string errors() const;                         // the stderr file's text

 private:
  bool read_some(int timeout_ms);  // false on EOF or timeout
  int reap(int timeout_ms);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string out_, stderr_path_;
  std::size_t scanned_ = 0;  // out_ before this offset holds no wanted line
};

}  // namespace cockpit::test
