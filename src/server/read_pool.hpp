#pragma once
// Slow reads leave the request threads too. The HTTP layer gives each of its threads
// many connections; a pull that reads a share (or waits for one of storage's reader
// connections while other pulls hold them) would keep all of them waiting, pre-send
// checks among them. So a pull runs here, on as many threads as storage has reader
// connections (no worker ever waits for one), and its connection is suspended (a
// Deferred) until the answer is ready. The request threads only do what is quick:
// credentials, limits, a check's verdict, parking a live poll.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cockpit::server {

class ReadPool {
 public:
  using Job = std::function<void()>;  // answers its own request, errors included

  explicit ReadPool(std::size_t threads);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  void run(Job job);
  // Runs what is queued, then ends the threads; later jobs run on the caller's thread.
  void stop();

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cockpit::server
