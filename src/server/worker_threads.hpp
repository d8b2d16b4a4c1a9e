#pragma once
// A few threads that run jobs in the order given: where slow work goes so that it leaves
// the request threads. The HTTP layer gives each of its threads many connections; a
// request that waits there (for the writer, or for one of storage's reader connections
// while pulls hold them) keeps all of them waiting, pre-send checks among them. So pulls
// and feed pages run on WorkerThreads with one thread per reader connection (none ever
// waits for one; server/cli.cpp), pushes and ingests on the write queue's one thread
// (server/write_queue.hpp), each request's connection suspended (a Deferred) until its
// answer is ready. The request threads keep only what is quick: credentials, limits, a
// check's verdict, parking a live poll.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cockpit::server {

class WorkerThreads {
 public:
  using Job = std::function<void()>;  // answers its own request, errors included

  explicit WorkerThreads(std::size_t threads);
  ~WorkerThreads();
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

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
