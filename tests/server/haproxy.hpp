#pragma once
// A real HAProxy (Debian's haproxy) in front of cockpit-server processes, for the tests
// of several processes: it runs the repository's sample src/server/deploy/haproxy.cfg
// with the test's ports in its `bind` and `server` lines, in the foreground (-db), as a
// child of the test; never the system's service.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace cockpit::test {

class Haproxy {
 public:
  // Starts it for `backends` (ports on 127.0.0.1) and waits until it answers /healthz
  // through at least one backend.
  explicit Haproxy(const std::vector<std::uint16_t>& backends);
  ~Haproxy();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> proc_;
};

// A port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_port();

}  // namespace cockpit::test
