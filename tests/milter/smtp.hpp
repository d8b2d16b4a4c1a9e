#pragma once
// The two ends of SMTP the milter's tests need, on loopback, without any mail library:
//   SmtpSink    where Postfix delivers everything (its relayhost): records each mail
//   SmtpClient  a sending system handing mail to the relay, one session, many mails
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../server/haproxy.hpp"  // free_port(), one for every test of the tree

namespace cockpit::test {

struct SinkMail {
  std::string from;
  std::vector<std::string> to;
  std::string data;        // as received, dots unstuffed, CRLF line ends
  std::string message_id;  // normalized (src/milter/message_key.hpp)
};

class SmtpSink {
 public:
  SmtpSink();  // listens on 127.0.0.1, a free port
  ~SmtpSink();
  std::uint16_t port() const { return port_; }
  std::vector<SinkMail> mails() const;
  std::size_t count(const std::string& message_id) const;  // arrivals of that Message-ID
  std::size_t total() const;
  // Waits until `n` mails have arrived in all (true) or `timeout_ms` passes (false).
  bool wait_total(std::size_t n, int timeout_ms) const;

 private:
  void accept_loop();
  void serve(int fd);
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> sessions_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<SinkMail> mails_;
};

struct SmtpReply {
  int code = 0;  // 0: the connection failed or closed
  std::string text;
};

class SmtpClient {
 public:
  explicit SmtpClient(std::uint16_t port);  // connects and says EHLO (code() 250 when fine)
  ~SmtpClient();
  int code() const { return greeting_.code; }
  // One mail: MAIL, RCPT…, DATA. The reply to the end of data (or the first refusal).
  SmtpReply send(const std::string& from, const std::vector<std::string>& to, const std::string& data);
  void quit();

 private:
  SmtpReply command(const std::string& line);
  SmtpReply read_reply();
  bool write_all(const std::string& s);
  int fd_ = -1;
  std::string buf_;
  SmtpReply greeting_;
};

// A mail's text from headers ("Name: value" each) and a body, with CRLF line ends.
std::string mail_text(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body);

}  // namespace cockpit::test
