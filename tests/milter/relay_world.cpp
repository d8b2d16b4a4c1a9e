#include "relay_world.hpp"

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
                             const std::string& postfix_conf, const std::string& extra)
    : dir_(dir), config_(dir + "/milter.conf"), port_(free_port()) {
  std::filesystem::create_directories(dir);
  std::ofstream f(config_);
  f << "# written by tests/milter/relay_world.cpp\n"
    << "server = " << server_url << "\n"
    << "token = " << token << "\n"
    << "listen = inet:" << port_ << "@127.0.0.1\n"
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
}

int MilterProcess::stop(int sig) {
  const int rc = child_->stop(sig, 20000);
  return rc;
}

RelayWorld::RelayWorld(const std::string& name, const std::string& milter_extra, std::uint16_t server_port)
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
  milter = std::make_unique<MilterProcess>(dir + "/milter", server.url(""), token, dir + "/postfix/conf", milter_extra);
  milter->start();
  postfix = std::make_unique<PostfixInstance>(dir + "/postfix", sink.port(), milter->postfix_address());
}

}  // namespace cockpit::test
