#include "relay_world.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

namespace cockpit::test {

namespace {

Time whole_second_now() { return now_utc() / kSecond * kSecond; }

std::vector<std::string> server_args(Time t, std::uint16_t port) {
  std::vector<std::string> a{"--demo", "--as-of", format_time(t)};
  if (port) a.insert(a.end(), {"--port", std::to_string(port)});
  return a;
}

}  // namespace

std::string milter_bin() {
  const char* env = std::getenv("COCKPIT_MILTER_BIN");
  return env && *env ? env : COCKPIT_MILTER_BIN;
}

MilterProcess::MilterProcess(const std::string& dir, const std::string& server_url, const std::string& token,
                             const std::string& postfix_conf, const std::string& extra, Socket socket)
    : dir_(dir), config_(dir + "/milter.conf"), socket_(socket), port_(socket == Socket::tcp ? free_port() : 0) {
  std::filesystem::create_directories(dir);
  REQUIRE_MESSAGE((dir + "/milter.sock").size() < 100, "a unix socket's path has at most 107 bytes: " << dir);
  std::ofstream f(config_);
  f << "# written by tests/milter/relay_world.cpp\n"
    << "server = " << server_url << "\n"
    << "token = " << token << "\n"
    << "listen = "
    << (socket == Socket::tcp ? "inet:" + std::to_string(port_) + "@127.0.0.1" : "unix:" + dir + "/milter.sock") << "\n"
    << "state_dir = " << dir << "/state\n"
    << "postfix_config = " << postfix_conf << "\n"
    << "poll_ms = 50\n"
    << "timeout_ms = 1000\n"
    << "rule = order_confirmation from=noreply@shop.example subject=\"Your order*\" sender=system:shop\n"
    << extra;
  REQUIRE(f.good());
}

MilterProcess::~MilterProcess() {
  if (running()) stop(9);
}

void MilterProcess::start() {
  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{milter_bin(), "--config", config_}, "",
                                          dir_ + "/milter.err");
  REQUIRE_MESSAGE(child_->wait_line("listening on", 20000), "cockpit-milter did not start: " << child_->errors());
  // The milter runs as root with the test's umask; Postfix's smtpd and cleanup run as
  // the postfix user and need write access to connect (a deployment uses UMask/Group,
  // MILTER.md). The folder is the test's own.
  if (socket_ == Socket::unix_path) REQUIRE(::chmod((dir_ + "/milter.sock").c_str(), 0666) == 0);
}

std::string MilterProcess::postfix_address() const {
  return socket_ == Socket::tcp ? "inet:127.0.0.1:" + std::to_string(port_) : "unix:" + dir_ + "/milter.sock";
}

int MilterProcess::stop(int sig) {
  const int rc = child_->stop(sig, 20000);
  return rc;
}

RelayWorld::RelayWorld(const std::string& name, const std::string& milter_extra, std::uint16_t server_port,
                       MilterProcess::Socket socket)
    : t(whole_second_now()),
      dir(temp_path(name)),
      server(temp_path(name + ".db"), server_args(t, server_port)) {
  std::string out;
  REQUIRE(run_admin({"add-integration", "--db", server.db(), "--name", "relay", "--scopes", "check,feed"}, "", &out) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  token = out;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // Postfix's config folder is known before it starts; the milter needs it for postsuper.
  milter = std::make_unique<MilterProcess>(dir + "/milter", server.url(""), token, dir + "/postfix/conf", milter_extra,
                                           socket);
  milter->start();
  postfix = std::make_unique<PostfixInstance>(dir + "/postfix", sink.port(), milter->postfix_address());
}

}  // namespace cockpit::test
