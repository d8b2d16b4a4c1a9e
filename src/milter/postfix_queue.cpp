#include "milter/postfix_queue.hpp"

#include "milter/run_command.hpp"

namespace cockpit::milter {

namespace {

constexpr int kCommandMs = 10000;

}  // namespace

bool PostfixQueue::probe(const std::string& queue_id, QueueFile& out, std::string& error) const {
  if (!valid_queue_id(queue_id)) {
    error = "not a queue id: " + queue_id;
    return false;
  }
  std::vector<std::string> argv = config_.postcat;
  argv.insert(argv.end(), {"-c", config_.postfix_config, "-e", "-h", "-q", queue_id});
  const CommandResult r = run_command(argv, kCommandMs);
  if (r.exit_code < 0) {
    error = r.error;
    return false;
  }
  out = parse_postcat(r.out);
  // postcat says "open queue file ID: No such file or directory" and exits 1 for a
  // queue file that is not there; any other failure is not an answer.
  if (!out.probe.found && r.err.find("No such file") == std::string::npos) {
    error = "postcat " + queue_id + " failed: " + r.err.substr(0, 300);
    return false;
  }
  return true;
}

bool PostfixQueue::postsuper(const char* flag, const std::string& queue_id, std::string& error) const {
  if (!valid_queue_id(queue_id)) {
    error = "not a queue id: " + queue_id;
    return false;
  }
  std::vector<std::string> argv = config_.postsuper;
  argv.insert(argv.end(), {"-c", config_.postfix_config, flag, queue_id});
  const CommandResult r = run_command(argv, kCommandMs);
  if (r.exit_code != 0) {
    error = "postsuper " + std::string(flag) + " " + queue_id + " failed: " + (r.error.empty() ? r.err.substr(0, 300) : r.error);
    return false;
  }
  return true;
}

bool PostfixQueue::release(const std::string& queue_id, std::string& error) const {
  if (!postsuper("-H", queue_id, error)) return false;
  std::vector<std::string> argv = config_.postqueue;
  argv.insert(argv.end(), {"-c", config_.postfix_config, "-i", queue_id});
  // Released either way: without the nudge it goes at the next queue run.
  const CommandResult r = run_command(argv, kCommandMs);
  if (r.exit_code != 0) error = "postqueue -i " + queue_id + ": " + (r.error.empty() ? r.err.substr(0, 300) : r.error);
  return true;
}

bool PostfixQueue::remove(const std::string& queue_id, std::string& error) const {
  return postsuper("-d", queue_id, error);
}

}  // namespace cockpit::milter
