#include "server/webhook_sender.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "server/webhook_sign.hpp"

namespace cockpit::server {

namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

// Wake at least this often to pick up what another process queued.
constexpr Time kIdlePoll = 5 * kSecond;

}  // namespace

WebhookAttempt post_webhook(const WebhookEndpoint& w, const Delivery& d, Time timeout) {
  WebhookAttempt out;
  const std::int64_t ts = now_utc() / kSecond;
  auto sig = webhook_signature(w.secret, d.msg_id, ts, d.body);
  if (!sig) {
    out.error = "the endpoint's secret is not a whsec_ secret";
    return out;
  }
  CURL* c = curl_easy_init();
  if (!c) {
    out.error = "libcurl failed to start";
    return out;
  }
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, ("webhook-id: " + d.msg_id).c_str());
  h = curl_slist_append(h, ("webhook-timestamp: " + std::to_string(ts)).c_str());
  h = curl_slist_append(h, ("webhook-signature: " + *sig).c_str());
  h = curl_slist_append(h, "User-Agent: Cockpit-Webhooks/1");
  h = curl_slist_append(h, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, w.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, d.body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
  } else {
    out.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return out;
}

WebhookSender::WebhookSender(ServerStorage& storage, RetryPolicy policy, Time timeout)
    : storage_(storage), policy_(policy), timeout_(timeout), thread_([this] { loop(); }) {}

WebhookSender::~WebhookSender() { stop(); }

void WebhookSender::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void WebhookSender::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WebhookSender::settle(Delivery& d, const WebhookEndpoint& w, const WebhookAttempt& a) {
  const Time now = now_utc();
  ++d.attempts;
  d.last_status = a.status;
  d.last_error = a.error;
  if (a.status >= 200 && a.status < 300) {
    d.state = "delivered";
    d.done_at = now;
  } else if (a.status == 410) {
    // The receiver says the endpoint is gone for good: stop sending to it.
    d.state = "failed";
    d.done_at = now;
    storage_.update_delivery(d);
    storage_.disable_webhook(w.id, "answered 410 Gone at " + format_time(now));
    return;
  } else if (auto next = next_attempt(policy_, d.attempts, d.created, now, randombytes_uniform(1000) / 1000.0)) {
    d.next_at = *next;
  } else {
    d.state = "failed";  // gave up: older than the policy's give_up
    d.done_at = now;
  }
  storage_.update_delivery(d);
}

void WebhookSender::send_due() {
  for (;;) {
    auto due = storage_.due_deliveries(now_utc(), 32);
    if (due.empty()) return;
    std::map<std::string, WebhookEndpoint> endpoints;
    for (auto& w : storage_.webhooks()) endpoints.emplace(w.id, std::move(w));
    for (Delivery& d : due) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      auto it = endpoints.find(d.webhook);
      if (it == endpoints.end() || it->second.disabled_at) {
        d.state = "dropped";
        d.done_at = now_utc();
        storage_.update_delivery(d);
        continue;
      }
      settle(d, it->second, post_webhook(it->second, d, timeout_));
      if (it->second.disabled_at || d.last_status == 410) it->second.disabled_at = now_utc();
    }
  }
}

void WebhookSender::loop() {
  for (;;) {
    try {
      send_due();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cockpit-server: webhooks: %s\n", e.what());
    }
    Time wait = kIdlePoll;
    try {
      if (auto next = storage_.next_delivery_at()) wait = std::clamp<Time>(*next - now_utc(), 0, kIdlePoll);
    } catch (const std::exception&) {
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return woken_ || stopping_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace cockpit::server
