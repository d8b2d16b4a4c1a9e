#pragma once
// cockpit::client::HttpClient in the browser: the page's own fetch(), same origin, with
// the HttpOnly session cookie (credentials: 'same-origin'); the token is ignored, so no
// secret stays in wasm memory. Finished requests wait in a JS queue until poll() copies
// them into C++ and runs their callbacks, so a cancelled request simply never shows up.
// poll() runs every frame, and also as soon as a request finished: the JS half calls the
// wake-up hook (cockpit_http_arrived, in a task of its own, never inside a wasm call),
// which the shell points at the App's data tick.
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "client/http.hpp"

namespace cockpit::browser {

class FetchHttp final : public client::HttpClient {
 public:
  FetchHttp() = default;
  ~FetchHttp() override;
  FetchHttp(const FetchHttp&) = delete;
  FetchHttp& operator=(const FetchHttp&) = delete;

  client::RequestId send(client::HttpRequest request, std::function<void(client::HttpResponse)> done) override;
  void cancel(client::RequestId id) override;
  void poll() override;
  bool wait(int) override { return false; }  // the browser's loop never blocks
  void set_token(std::string) override {}    // the cookie is the session
  void set_wakeup(std::function<void()> wake) override { wake_ = std::move(wake); }
  // Called by the JS half when a request finished (see the top of this file).
  void arrived() const {
    if (wake_) wake_();
  }

 private:
  std::uint32_t next_ = 1;
  std::unordered_map<std::uint32_t, std::function<void(client::HttpResponse)>> callbacks_;
  std::function<void()> wake_;
};

}  // namespace cockpit::browser
