#pragma once
// Delivers the webhook queue (kept in the server's database, so it survives a restart):
// one thread, woken by commits that queued events and by the next retry's time. Each
// attempt is signed (webhook_sign.hpp) and waits at most `timeout`; a 2xx answer
// delivers, 410 Gone disables the endpoint (its pending events are dropped), anything
// else — or no answer — is retried on webhook_retry.hpp's schedule until it gives up.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/storage.hpp"
#include "server/webhook_retry.hpp"

namespace cockpit::server {

struct WebhookAttempt {
  int status = 0;     // HTTP status; 0: no answer
  std::string error;  // why there was no answer
};

// One signed POST of `d` to `w` (libcurl), waiting at most `timeout`.
WebhookAttempt post_webhook(const WebhookEndpoint& w, const Delivery& d, Time timeout);

class WebhookSender {
 public:
  WebhookSender(ServerStorage& storage, RetryPolicy policy, Time timeout);
  ~WebhookSender();
  void wake();  // something was queued
  void stop();  // finishes the attempt in progress, then returns

 private:
  void loop();
  void send_due();
  void settle(Delivery& d, const WebhookEndpoint& w, const WebhookAttempt& a);
  ServerStorage& storage_;
  const RetryPolicy policy_;
  const Time timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace cockpit::server
