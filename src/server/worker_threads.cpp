#include "server/worker_threads.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace cockpit::server {

WorkerThreads::WorkerThreads(std::size_t threads, int nicer) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, nicer] { loop(nicer); });
}

namespace {

// On Linux a thread has a nice value of its own (setpriority on its thread id).
// Best effort: where it is refused, the thread runs at the process's priority.
void be_nicer(int nicer) {
  if (nicer <= 0) return;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0) ::setpriority(PRIO_PROCESS, tid, now + nicer);
}

}  // namespace

WorkerThreads::~WorkerThreads() { stop(); }

void WorkerThreads::run(Job job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      jobs_.push_back(std::move(job));
      cv_.notify_one();
      return;
    }
  }
  job();
}

void WorkerThreads::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void WorkerThreads::loop(int nicer) {
  be_nicer(nicer);
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, nothing left
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace cockpit::server
