#include "device.hpp"

namespace cockpit::test {

namespace {
ControllerConfig config_for(TestDevice& d) {
  ControllerConfig c;
  c.db_path = d.db;
  c.http = d.http.get();
  c.tokens = &d.tokens;
  c.sync = d.options;
  return c;
}
}  // namespace

TestDevice::TestDevice(std::string db_path, const std::string& url, client::SyncOptions opts, Time clock_offset)
    : db(std::move(db_path)), base_url(url), options(opts), clock_offset_(clock_offset),
      http(std::make_unique<native::CurlHttp>(url)) {
  restart();
}

TestDevice::~TestDevice() = default;

bool TestDevice::pump_until(const std::function<bool()>& done, int timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    tick();
    if (done()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    // An answer wakes this at once; timers (retries, periodic pulls) need a turn now and then.
    http->wait(static_cast<int>(std::min<long>(left.count(), 20)));
  }
}

bool TestDevice::sign_in(const std::string& manager, const std::string& password, int timeout_ms) {
  app->sign_in_with_password(manager, password, now());
  return pump_until(
      [&] { return app->signed_in() || app->sign_in_flow().step == SignInFlow::Step::failed; },
      timeout_ms) &&
         app->signed_in();
}

bool TestDevice::settle(int timeout_ms) {
  return pump_until(
      [&] {
        const auto* s = app->sync_status();
        return s && s->waiting == 0 && !s->busy;
      },
      timeout_ms);
}

void TestDevice::restart() {
  app.reset();  // the old controller (and its sync) first: one store per file at a time
  app = std::make_unique<AppController>();
  app->open(config_for(*this), now());
}

void TestDevice::reconnect(const std::string& url) {
  app.reset();  // it syncs through the client about to go
  base_url = url;
  http = std::make_unique<native::CurlHttp>(url);
  restart();
}

}  // namespace cockpit::test
