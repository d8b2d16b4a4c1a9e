#pragma once
// A private Postfix for one test, from Debian's package: its config, queue and log in a
// folder of the test's own (postfix -c DIR start-fg, a child of the test), smtpd on a
// free port of 127.0.0.1, and every mail relayed to a sink of the test's. The system's
// Postfix is never touched (.ci/setup leaves it unconfigured).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cockpit::test {

class ChildProcess;

struct QueuedMail {
  std::string queue, id, sender;
  std::vector<std::string> recipients;
};

class PostfixInstance {
 public:
  // `milter`: Postfix's milter address ("inet:127.0.0.1:PORT"), "" for none.
  PostfixInstance(std::string dir, std::uint16_t sink_port, std::string milter);
  ~PostfixInstance();
  void start();  // REQUIREs smtpd to answer within 30 s
  void stop();
  std::uint16_t port() const { return port_; }
  const std::string& config_dir() const { return conf_; }
  std::vector<QueuedMail> queue() const;                 // postqueue -j
  std::vector<QueuedMail> in_queue(const std::string& name) const;  // "hold", "deferred", …
  std::string message_id_of(const std::string& queue_id) const;     // via postcat, "" if gone
  std::vector<std::string> held_message_ids() const;
  std::string log() const;  // the maillog so far

 private:
  std::string dir_, conf_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> master_;
};

// Waits (polling `probe` every few ms, never a fixed sleep) until it holds or
// `timeout_ms` passes; true if it held.
bool eventually(const std::function<bool()>& probe, int timeout_ms = 20000);

}  // namespace cockpit::test
