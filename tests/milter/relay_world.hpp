#pragma once
// Everything the milter's end-to-end tests and benchmark run, for real, on loopback:
// cockpit-server with the demo book (guard as of now), an integration token "relay"
// (check, feed), the cockpit-milter program, a private Postfix using it, and the sink
// Postfix delivers to.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../server/child_process.hpp"
#include "../server/harness.hpp"
#include "domain/time.hpp"
#include "postfix_instance.hpp"
#include "smtp.hpp"

namespace cockpit::test {

std::string milter_bin();  // $COCKPIT_MILTER_BIN, else the one built with the tests

class MilterProcess {
 public:
  // How Postfix reaches the milter: a unix socket (MILTER.md's advice), or TCP on
  // 127.0.0.1 (every step answered, see shell/milter/main.cpp).
  enum class Socket { unix_path, tcp };
  // Writes DIR/milter.conf (the server, token, DIR/milter.sock or a free port, DIR/state,
  // Postfix's config dir, a fast poll, the shop's rule, then `extra` lines).
  MilterProcess(const std::string& dir, const std::string& server_url, const std::string& token,
                const std::string& postfix_conf, const std::string& extra = "", Socket socket = Socket::unix_path);
  ~MilterProcess();
  void start();                   // REQUIREs its "listening on" line; lets Postfix's user connect
  int stop(int sig = 15);         // the exit code (128+n when killed by signal n)
  bool running() const { return child_ && child_->running(); }
  std::string postfix_address() const;  // the form for smtpd_milters
  std::string errors() const { return child_ ? child_->errors() : ""; }
  const std::string& config_path() const { return config_; }

 private:
  std::string dir_, config_;
  Socket socket_;
  std::uint16_t port_;
  std::unique_ptr<ChildProcess> child_;
};

struct RelayWorld {
  // `milter_extra`: more config lines; `server_port`: 0 for any.
  explicit RelayWorld(const std::string& name, const std::string& milter_extra = "", std::uint16_t server_port = 0,
                      MilterProcess::Socket socket = MilterProcess::Socket::unix_path);
  Time t;  // the guard's "now" (the demo book's "@" times are set from it)
  std::string dir;
  Server server;
  std::string token;
  SmtpSink sink;
  std::unique_ptr<MilterProcess> milter;
  std::unique_ptr<PostfixInstance> postfix;
};

}  // namespace cockpit::test
