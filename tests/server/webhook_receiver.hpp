#pragma once
// A webhook endpoint for the tests: a real HTTP server (libmicrohttpd) on 127.0.0.1,
// port 0, that records every delivery, checks its Standard Webhooks signature with its
// own HMAC (libsodium, not the server's code) and answers with the status a script
// picks. Tests wait on it with a deadline, never with sleeps.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

struct MHD_Daemon;

namespace cockpit::test {

struct WebhookDelivery {
  std::string id, timestamp, signature, body;
  bool signature_ok = false;
  int answered = 0;  // the status the receiver gave
  std::int64_t received_ms = 0;  // steady clock
};

class WebhookReceiver {
 public:
  // `answer(delivery, n)`: the status for the n-th delivery (0-based) of the same webhook-id.
  using Script = std::function<int(const WebhookDelivery&, int)>;
  explicit WebhookReceiver(std::string secret = "", Script answer = {});
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url() const;
  void set_secret(const std::string& s);
  void set_script(Script s);
  std::vector<WebhookDelivery> deliveries() const;
  // Waits until `done(deliveries)` holds; false after `timeout_ms`.
  bool wait_for(const std::function<bool(const std::vector<WebhookDelivery>&)>& done, int timeout_ms = 15000) const;

  // Called by the HTTP server's thread.
  int on_delivery(WebhookDelivery d);

 private:
  MHD_Daemon* daemon_ = nullptr;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string secret_;
  Script script_;
  std::vector<WebhookDelivery> got_;
};

// Independent check of "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>" (space-separated list).
bool standard_webhooks_valid(const std::string& secret, const std::string& id, const std::string& timestamp,
                             const std::string& body, const std::string& header);

}  // namespace cockpit::test
