#include "server/write_queue.hpp"

namespace cockpit::server {

WriteQueue::WriteQueue(ServerStorage& storage)
    : storage_(storage), group_thread_([this] { group_loop(); }) {}

WriteQueue::~WriteQueue() { stop(); }

void WriteQueue::in_group(GroupJob job) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      groups_.push_back(std::move(job));
      cv_.notify_all();
      return;
    }
  }
  std::vector<GroupJob> one{std::move(job)};
  commit_group(one);
}

void WriteQueue::alone(AloneJob job) { alone_.run(std::move(job)); }

void WriteQueue::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (group_thread_.joinable()) group_thread_.join();
  alone_.stop();
}

void WriteQueue::group_loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !groups_.empty(); });
    if (groups_.empty()) return;  // stopping, nothing left
    std::vector<GroupJob> group;
    while (!groups_.empty() && group.size() < kMaxGroup) {
      group.push_back(std::move(groups_.front()));
      groups_.pop_front();
    }
    lock.unlock();
    commit_group(group);
    lock.lock();
  }
}

// One transaction for the group; a job that throws is undone alone. If the commit
// itself fails, every job hears of it (none of their writes happened).
void WriteQueue::commit_group(std::vector<GroupJob>& group) {
  std::vector<std::exception_ptr> errors(group.size());
  try {
    auto txn = storage_.begin();
    for (std::size_t i = 0; i < group.size(); ++i) {
      txn->savepoint();
      try {
        group[i].write(*txn);
        txn->keep_savepoint();
      } catch (...) {
        errors[i] = std::current_exception();
        txn->undo_savepoint();
      }
    }
    txn->commit();
  } catch (...) {
    for (auto& e : errors) e = std::current_exception();
  }
  for (std::size_t i = 0; i < group.size(); ++i) group[i].done(errors[i]);
}

}  // namespace cockpit::server
