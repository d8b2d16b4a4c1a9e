#pragma once
// Runs a program (postcat, postsuper) without a shell, with its output captured and a
// deadline: a hung command is killed, never waited for forever. Safe in a threaded
// program (posix_spawn; the child inherits no descriptor beyond 0, 1 and 2).
#include <string>
#include <vector>

namespace cockpit::milter {

struct CommandResult {
  int exit_code = -1;  // -1: it could not be started, was killed, or timed out (`error` says)
  std::string out, err;
  std::string error;
};

CommandResult run_command(const std::vector<std::string>& argv, int timeout_ms, std::size_t max_output = 1u << 20);

}  // namespace cockpit::milter
