#pragma once
// A whole device for tests and benchmarks: the app's AppController (the same code the
// desktop and browser builds run) on a real SQLite file, syncing with the real
// cockpit-server through the native HTTP client. No window: the test drives tick()
// and waits on the HTTP client, never on a clock.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "app/app_controller.hpp"
#include "native/curl_http.hpp"

namespace cockpit::test {

class MemoryTokens final : public client::TokenStore {
 public:
  std::string load() override { return token; }
  void save(const std::string& t) override { token = t; }
  void clear() override { token.clear(); }
  std::string token;
};

class TestDevice {
 public:
  // base_url: "http://127.0.0.1:PORT" (the server, or a fault proxy in front of it).
  TestDevice(std::string db_path, const std::string& base_url, client::SyncOptions options = {},
             Time clock_offset = 0);
  ~TestDevice();

  // Wall time as this device sees it (tests give some devices a clock hours off).
  Time now() const { return now_utc() + clock_offset_; }
  // One turn of the device's loop: HTTP answers, sync, lists.
  void tick() { app->tick(now()); }
  // Turns the loop until `done` holds or `timeout_ms` passed; waits on the HTTP client
  // in between (an answer wakes it at once). True when `done` held.
  bool pump_until(const std::function<bool()>& done, int timeout_ms = 10000);
  // Signs in with a password and waits until the share has arrived.
  bool sign_in(const std::string& manager, const std::string& password, int timeout_ms = 10000);
  // Waits until every change made here has been answered by the server.
  bool settle(int timeout_ms = 10000);
  // Reopens the device from its database (a restart of the app), same token.
  void restart();
  // Restarts it talking to another address (the network back, a proxy in between).
  void reconnect(const std::string& url);

  std::string db;
  std::string base_url;
  client::SyncOptions options;
  Time clock_offset_ = 0;
  MemoryTokens tokens;
  std::unique_ptr<native::CurlHttp> http;
  std::unique_ptr<AppController> app;
};

}  // namespace cockpit::test
