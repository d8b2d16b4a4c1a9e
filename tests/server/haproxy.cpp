#include "haproxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "harness.hpp"

namespace cockpit::test {

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

namespace {

// The sample with this test's bind port and servers.
std::string config_for(std::uint16_t port, const std::vector<std::uint16_t>& backends) {
  std::ifstream in(std::string(COCKPIT_SOURCE_DIR) + "/src/server/deploy/haproxy.cfg");
  REQUIRE_MESSAGE(in, "src/server/deploy/haproxy.cfg is missing");
  std::ostringstream out;
  std::string line;
  bool bind_seen = false;
  while (std::getline(in, line)) {
    const auto text = line.substr(line.find_first_not_of(' ') == std::string::npos ? 0 : line.find_first_not_of(' '));
    if (text.rfind("server ", 0) == 0) continue;
    if (text.rfind("bind ", 0) == 0) {
      out << "    bind 127.0.0.1:" << port << "\n";
      bind_seen = true;
      continue;
    }
    out << line << "\n";
  }
  REQUIRE_MESSAGE(bind_seen, "the sample haproxy.cfg has no bind line");
  for (std::size_t i = 0; i < backends.size(); ++i)
    out << "    server s" << i + 1 << " 127.0.0.1:" << backends[i] << " check\n";
  return out.str();
}

}  // namespace

Haproxy::Haproxy(const std::vector<std::uint16_t>& backends) {
  port_ = free_port();
  const std::string cfg = temp_path("haproxy-" + std::to_string(getpid()) + "-" + std::to_string(port_) + ".cfg");
  std::ofstream(cfg) << config_for(port_, backends);
  proc_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/sbin/haproxy", "-f", cfg, "-db"}, "",
                                         cfg + ".log");
  // Up when a request goes through to a process (its health checks passed once).
  for (int i = 0; i < 500; ++i) {
    Call c;
    c.path = "/healthz";
    c.timeout_ms = 1000;
    if (call_url(url(), c).status == 200) return;
    ::poll(nullptr, 0, 20);
  }
  FAIL("HAProxy did not pass requests within 10 s; see " << cfg << ".log: " << proc_->errors());
}

Haproxy::~Haproxy() {
  if (proc_) proc_->stop(SIGTERM, 5000);
}

}  // namespace cockpit::test
