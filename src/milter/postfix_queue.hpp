#pragma once
// Postfix's queue as the follower touches it: postcat to look at a queue file,
// postsuper to release it from the hold queue or delete it. Each command has a
// deadline; a queue id that is not one (valid_queue_id) never reaches a command.
#include <string>

#include "milter/config.hpp"
#include "milter/postcat.hpp"

namespace cockpit::milter {

class PostfixQueue {
 public:
  explicit PostfixQueue(const MilterConfig& config) : config_(config) {}

  // The queue file with that id; probe.found false when there is none. False + `error`
  // when postcat could not be run.
  bool probe(const std::string& queue_id, QueueFile& out, std::string& error) const;
  // postsuper -H, then postqueue -i: out of the hold queue and delivered now rather
  // than at the next run of the deferred queue (queue_run_delay, 5 minutes by default).
  bool release(const std::string& queue_id, std::string& error) const;
  bool remove(const std::string& queue_id, std::string& error) const;   // postsuper -d

 private:
  bool postsuper(const char* flag, const std::string& queue_id, std::string& error) const;
  const MilterConfig& config_;
};

}  // namespace cockpit::milter
