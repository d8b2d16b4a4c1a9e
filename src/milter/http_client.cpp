#include "milter/http_client.hpp"

#include <algorithm>

#include <curl/curl.h>

namespace cockpit::milter {

namespace {

constexpr std::size_t kMaxAnswer = 8u << 20;  // a feed page of 1,000 standings is ~300 KB

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxAnswer) return 0;  // ends the transfer with an error
  out->append(data, size * n);
  return size * n;
}

}  // namespace

HttpClient::HttpClient(std::string base_url, std::string token, unsigned timeout_ms)
    : base_(std::move(base_url)), auth_("Authorization: Bearer " + token), timeout_ms_(timeout_ms) {}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::give(void* h) {
  std::lock_guard lock(mu_);
  idle_.push_back(h);
}

HttpResult HttpClient::perform(const std::string& path, const std::string* body) {
  HttpResult r;
  CURL* h = static_cast<CURL*>(take());
  if (!h) {
    r.error = "curl_easy_init failed";
    return r;
  }
  curl_easy_reset(h);  // options only; the connection cache stays with the handle
  const std::string url = base_ + path;
  curl_slist* headers = curl_slist_append(nullptr, auth_.c_str());
  headers = curl_slist_append(headers, "Expect:");
  if (body) headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(timeout_ms_, 1000u)));
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.status = 0;
    r.error = curl_easy_strerror(rc);
    r.body.clear();
  }
  curl_slist_free_all(headers);
  give(h);
  return r;
}

HttpResult HttpClient::post_json(const std::string& path, const std::string& body) { return perform(path, &body); }

HttpResult HttpClient::get(const std::string& path) { return perform(path, nullptr); }

}  // namespace cockpit::milter
