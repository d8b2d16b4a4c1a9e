#pragma once
// The PostgreSQL store's half of the live channel's fan-out: one connection per process
// LISTENs on a channel; what any process announces (NOTIFY) reaches every other one.
// Each process tags its own announcements and skips them when they come back: it has
// told its own parked polls already. When the listening connection is lost, it is made
// again (every 250 ms); what was announced meanwhile is unknown, so `on_reconnect` runs
// and the caller wakes every parked poll to pull.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace cockpit::server {

class PgListener {
 public:
  PgListener(std::string url, std::string tag, std::function<void(const std::string&)> heard,
             std::function<void()> on_reconnect);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // The text to NOTIFY for `payload` (this process's tag in front).
  std::string tagged(const std::string& payload) const { return tag_ + "|" + payload; }
  void stop();

  static constexpr const char* kChannel = "cockpit_live";

 private:
  void loop();
  void listen_once(bool& first);
  const std::string url_, tag_;
  std::function<void(const std::string&)> heard_;
  std::function<void()> on_reconnect_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cockpit::server
