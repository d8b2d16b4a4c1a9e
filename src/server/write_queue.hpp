#pragma once
// Writes leave the request threads. The HTTP layer gives each of its few threads many
// connections; a thread that waits for the writer (another transaction, a commit's
// fsync) keeps all of them waiting too — pre-send checks of known messages among them,
// which read and need no writer. So a request that writes hands its work to this
// queue and its connection is suspended (a Deferred) until the work is done.
//
// Jobs that fit in a shared transaction (a device's push, a message given to the
// guard's check, a source's event) are grouped: every one queued while a commit is in
// flight goes into the next one, each in its own savepoint, so fifty devices pay one
// fsync and one job's error leaves the others' writes. None is answered before the
// commit. Jobs that open their own transactions (an ingest, a lead's match of an
// unmatched event) run one at a time on a thread of their own, so they never delay a
// group by more than one transaction.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "server/storage.hpp"
#include "server/worker_threads.hpp"

namespace cockpit::server {

class WriteQueue {
 public:
  struct GroupJob {
    std::function<void(StorageTxn&)> write;          // in the shared transaction
    std::function<void(std::exception_ptr)> done;    // after the commit; the error if any
  };
  using AloneJob = std::function<void()>;

  explicit WriteQueue(ServerStorage& storage);
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void in_group(GroupJob job);
  void alone(AloneJob job);
  // Runs what is queued, then ends the threads; later jobs run on the caller's thread.
  void stop();

  static constexpr std::size_t kMaxGroup = 256;  // jobs per transaction

 private:
  void group_loop();
  void commit_group(std::vector<GroupJob>& group);

  ServerStorage& storage_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<GroupJob> groups_;
  bool stopping_ = false;
  std::thread group_thread_;
  WorkerThreads alone_{1, kSyncWorkNicer};  // ingests: sync work
};

}  // namespace cockpit::server
