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

// How much lower pulls, pushes and ingests run than the request threads. Measured with
// bench_guard (checks by id paced at 5,000/s while 100 devices push and pull, 2 cores,
// a loaded machine): at the same priority p99 26-102 ms; 5 lower, p50 0.40-0.66 ms and
// p99 4-32 ms, and as fast as answered 12,400-12,900 checks/s instead of 7,800-8,600.
inline constexpr int kSyncWorkNicer = 5;

class WorkerThreads {
 public:
  using Job = std::function<void()>;  // answers its own request, errors included

  // `nicer`: how much lower than the process the threads run (Linux nice steps). Sync
  // work (pulls, pushes) runs a little lower than the request threads, so a pre-send
  // check that arrives while both cores are busy with a pull is served first.
  explicit WorkerThreads(std::size_t threads, int nicer = 0);
  ~WorkerThreads();
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  void run(Job job);
  // Runs what is queued, then ends the threads; later jobs run on the caller's thread.
  void stop();

 private:
  void loop(int nicer);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cockpit::server
