#include "smtp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "milter/message_key.hpp"

namespace cockpit::test {

namespace {

int listen_loopback(std::uint16_t& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 128) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// Reads one line (without CRLF) from `fd` into `line`, buffering in `buf`; false on EOF.
bool read_line(int fd, std::string& buf, std::string& line, const std::atomic<bool>* stop = nullptr) {
  while (true) {
    const auto nl = buf.find("\r\n");
    if (nl != std::string::npos) {
      line = buf.substr(0, nl);
      buf.erase(0, nl + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, stop ? 200 : 30000);
    if (n == 0) {
      if (stop && !*stop) continue;
      return false;
    }
    char chunk[16384];
    const ssize_t got = n > 0 ? read(fd, chunk, sizeof chunk) : -1;
    if (got <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(got));
  }
}

bool send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

std::string angle_arg(const std::string& line) {
  const auto lt = line.find('<'), gt = line.rfind('>');
  return lt == std::string::npos || gt == std::string::npos || gt < lt ? "" : line.substr(lt + 1, gt - lt - 1);
}

std::string header_message_id(const std::string& data) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const auto nl = data.find("\r\n", pos);
    const std::string line = data.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (line.empty()) break;  // end of headers
    if (upper(line.substr(0, 11)) == "MESSAGE-ID:") return milter::normalize_message_id(line.substr(11));
    if (nl == std::string::npos) break;
    pos = nl + 2;
  }
  return "";
}

}  // namespace

SmtpSink::SmtpSink() {
  listen_fd_ = listen_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : sessions_) t.join();
  close(listen_fd_);
}

void SmtpSink::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) sessions_.emplace_back([this, fd] { serve(fd); });
  }
}

// Just enough ESMTP for Postfix's smtp client: no pipelining, no extensions beyond 8BITMIME.
void SmtpSink::serve(int fd) {
  std::string buf, line;
  SinkMail mail;
  send_all(fd, "220 sink.test ESMTP\r\n");
  while (read_line(fd, buf, line, &stop_)) {
    const std::string verb = upper(line.substr(0, 4));
    if (verb == "EHLO") send_all(fd, "250-sink.test\r\n250 8BITMIME\r\n");
    else if (verb == "HELO" || verb == "NOOP") send_all(fd, "250 ok\r\n");
    else if (verb == "RSET") mail = {}, send_all(fd, "250 ok\r\n");
    else if (verb == "MAIL") mail = {}, mail.from = angle_arg(line), send_all(fd, "250 ok\r\n");
    else if (verb == "RCPT") mail.to.push_back(angle_arg(line)), send_all(fd, "250 ok\r\n");
    else if (verb == "QUIT") {
      send_all(fd, "221 bye\r\n");
      break;
    } else if (verb == "DATA") {
      send_all(fd, "354 go on\r\n");
      std::string l;
      while (read_line(fd, buf, l, &stop_) && l != ".") mail.data += (l.rfind("..", 0) == 0 ? l.substr(1) : l) + "\r\n";
      mail.message_id = header_message_id(mail.data);
      {
        std::lock_guard lock(mu_);
        mails_.push_back(mail);
      }
      cv_.notify_all();
      send_all(fd, "250 2.0.0 kept\r\n");
    } else {
      send_all(fd, "502 not here\r\n");
    }
  }
  close(fd);
}

std::vector<SinkMail> SmtpSink::mails() const {
  std::lock_guard lock(mu_);
  return mails_;
}

std::size_t SmtpSink::count(const std::string& message_id) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& m : mails_) n += m.message_id == message_id;
  return n;
}

std::size_t SmtpSink::total() const {
  std::lock_guard lock(mu_);
  return mails_.size();
}

bool SmtpSink::wait_total(std::size_t n, int timeout_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return mails_.size() >= n; });
}

SmtpClient::SmtpClient(std::uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
  if (read_reply().code != 220) return;
  greeting_ = command("EHLO sender.test");
}

SmtpClient::~SmtpClient() {
  if (fd_ >= 0) close(fd_);
}

bool SmtpClient::write_all(const std::string& s) { return send_all(fd_, s); }

SmtpReply SmtpClient::read_reply() {
  SmtpReply r;
  std::string line;
  while (read_line(fd_, buf_, line)) {
    r.text += (r.text.empty() ? "" : "\n") + line;
    if (line.size() < 4 || line[3] != '-') {
      r.code = std::atoi(line.substr(0, 3).c_str());
      return r;
    }
  }
  return {0, r.text + " (connection closed)"};
}

SmtpReply SmtpClient::command(const std::string& line) {
  if (!write_all(line + "\r\n")) return {0, "write failed"};
  return read_reply();
}

SmtpReply SmtpClient::send(const std::string& from, const std::vector<std::string>& to, const std::string& data) {
  SmtpReply r = command("MAIL FROM:<" + from + ">");
  if (r.code != 250) return r;
  for (const auto& t : to) {
    r = command("RCPT TO:<" + t + ">");
    if (r.code != 250) return r;
  }
  r = command("DATA");
  if (r.code != 354) return r;
  std::string wire;
  std::size_t pos = 0;
  while (pos < data.size()) {  // dot-stuffing
    auto nl = data.find("\r\n", pos);
    std::string line = data.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    wire += (line.rfind(".", 0) == 0 ? "." : "") + line + "\r\n";
    pos = nl == std::string::npos ? data.size() : nl + 2;
  }
  if (!write_all(wire + ".\r\n")) return {0, "write failed"};
  return read_reply();
}

void SmtpClient::quit() {
  if (fd_ >= 0) command("QUIT");
}

std::string mail_text(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  std::string out;
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out + "\r\n" + body;
}

}  // namespace cockpit::test
