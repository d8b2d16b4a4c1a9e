#include "postfix_instance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../server/child_process.hpp"
#include "milter/postcat.hpp"
#include "milter/run_command.hpp"
#include "smtp.hpp"

namespace cockpit::test {

namespace fs = std::filesystem;

namespace {

// Everything a relay needs and nothing more: no local delivery, no chroot, no TLS, and
// every mail to the sink. Short retry times so a deferred mail is tried again quickly.
std::string main_cf(const std::string& dir, std::uint16_t sink_port, const std::string& milter) {
  std::string s = "compatibility_level = 3.6\n"
                  "queue_directory = " + dir + "/queue\n"
                  "data_directory = " + dir + "/data\n"
                  "maillog_file_prefixes = " + dir + "\n"
                  "maillog_file = " + dir + "/maillog\n"
                  "mail_owner = postfix\nsetgid_group = postdrop\n"
                  "inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\n"
                  "myhostname = relay.test\nmydomain = test\nmyorigin = relay.test\n"
                  "mydestination =\nlocal_recipient_maps =\nalias_maps =\nalias_database =\n"
                  "mynetworks = 127.0.0.0/8\nsmtpd_relay_restrictions = permit_mynetworks, reject\n"
                  "relayhost = [127.0.0.1]:" + std::to_string(sink_port) + "\n"
                  "smtp_tls_security_level = none\nsmtpd_tls_security_level = none\n"
                  "smtpd_peername_lookup = no\nin_flow_delay = 0s\n"
                  // Mail from the test is "remote": Postfix adds no Message-ID, the milter does.
                  "local_header_rewrite_clients =\n"
                  "queue_run_delay = 1s\nminimal_backoff_time = 1s\nmaximal_backoff_time = 2s\n"
                  "milter_default_action = quarantine\nmilter_protocol = 6\n";
  if (!milter.empty()) s += "smtpd_milters = " + milter + "\nnon_smtpd_milters = " + milter + "\n";
  return s;
}

std::string master_cf(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port) + " inet n - n - - smtpd\n" +
         "pickup    unix  n - n 60 1 pickup\n"
         "cleanup   unix  n - n - 0 cleanup\n"
         "qmgr      unix  n - n 300 1 qmgr\n"
         "rewrite   unix  - - n - - trivial-rewrite\n"
         "bounce    unix  - - n - 0 bounce\n"
         "defer     unix  - - n - 0 bounce\n"
         "trace     unix  - - n - 0 bounce\n"
         "verify    unix  - - n - 1 verify\n"
         "flush     unix  n - n 1000? 0 flush\n"
         "proxymap  unix  - - n - - proxymap\n"
         "smtp      unix  - - n - - smtp\n"
         "relay     unix  - - n - - smtp\n"
         "showq     unix  n - n - - showq\n"
         "error     unix  - - n - - error\n"
         "retry     unix  - - n - - error\n"
         "discard   unix  - - n - - discard\n"
         "anvil     unix  - - n - 1 anvil\n"
         "scache    unix  - - n - 1 scache\n"
         "postlog   unix-dgram n - n - 1 postlogd\n";
}

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  REQUIRE(f.good());
}

bool accepts(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

}  // namespace

bool eventually(const std::function<bool()>& probe, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    poll(nullptr, 0, 20);  // the next look, not a guess at how long something takes
  }
}

PostfixInstance::PostfixInstance(std::string dir, std::uint16_t sink_port, std::string milter)
    : dir_(std::move(dir)), conf_(dir_ + "/conf") {
  fs::remove_all(dir_);
  for (const char* sub : {"/conf", "/queue", "/data"}) fs::create_directories(dir_ + sub);
  // Postfix's own files belong to its mail_owner (the package made the user).
  const passwd* pw = getpwnam("postfix");
  REQUIRE_MESSAGE(pw, "no postfix user: run bash .ci/setup (it installs Debian's postfix)");
  REQUIRE(chown((dir_ + "/data").c_str(), pw->pw_uid, pw->pw_gid) == 0);
  port_ = free_port();
  write(conf_ + "/main.cf", main_cf(dir_, sink_port, milter));
  write(conf_ + "/master.cf", master_cf(port_));
  start();
}

PostfixInstance::~PostfixInstance() { stop(); }

void PostfixInstance::start() {
  if (master_) return;
  master_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/sbin/postfix", "-c", conf_, "start-fg"}, "",
                                           dir_ + "/postfix.err");
  REQUIRE_MESSAGE(eventually([&] { return accepts(port_); }, 30000),
                  "postfix did not start: " << master_->errors() << log());
}

void PostfixInstance::stop() {
  if (!master_) return;
  milter::run_command({"/usr/sbin/postfix", "-c", conf_, "stop"}, 30000);
  master_->wait(30000);
  master_.reset();
}

std::vector<QueuedMail> PostfixInstance::queue() const {
  const auto r = milter::run_command({"/usr/sbin/postqueue", "-c", conf_, "-j"}, 30000, 64u << 20);
  REQUIRE_MESSAGE(r.exit_code == 0, "postqueue -j: " << r.error << r.err);
  std::vector<QueuedMail> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    QueuedMail m{j.value("queue_name", ""), j.value("queue_id", ""), j.value("sender", ""), {}};
    for (const auto& r : j.value("recipients", nlohmann::json::array())) m.recipients.push_back(r.value("address", ""));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<QueuedMail> PostfixInstance::in_queue(const std::string& name) const {
  std::vector<QueuedMail> out;
  for (auto& m : queue())
    if (m.queue == name) out.push_back(m);
  return out;
}

std::string PostfixInstance::message_id_of(const std::string& queue_id) const {
  const auto r = milter::run_command({"/usr/sbin/postcat", "-c", conf_, "-e", "-h", "-q", queue_id}, 30000);
  return milter::parse_postcat(r.out).probe.message_id;
}

std::vector<std::string> PostfixInstance::held_message_ids() const {
  std::vector<std::string> out;
  for (const auto& m : in_queue("hold")) out.push_back(message_id_of(m.id));
  return out;
}

std::string PostfixInstance::log() const {
  std::ifstream f(dir_ + "/maillog");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace cockpit::test
