#pragma once
// Read-only connections shared by the request threads: a pull takes one for its
// snapshot and gives it back, so pulls of different devices run side by side (in WAL
// every reader sees its own consistent snapshot and none waits for the writer).
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/sqlite_db.hpp"

namespace cockpit::server {

class SqliteReaders {
 public:
  SqliteReaders(const std::string& path, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) all_.push_back(std::make_unique<Db>(path, true));
    for (auto& db : all_) free_.push_back(db.get());
  }

  // A connection for one reader at a time; back to the pool when the lease ends.
  class Lease {
   public:
    Lease(SqliteReaders& pool, Db* db) : pool_(pool), db_(db) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(db_); }
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_; }

   private:
    SqliteReaders& pool_;
    Db* db_;
  };

  Lease take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || closed_; });
    if (closed_) throw SqliteError("the database is closed");
    Db* db = free_.back();
    free_.pop_back();
    return Lease(*this, db);
  }

  // Waits until every connection is back, then closes them all.
  void close() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_.size() == all_.size(); });
    closed_ = true;
    free_.clear();
    all_.clear();
    cv_.notify_all();
  }

 private:
  void give_back(Db* db) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(db);
    }
    cv_.notify_one();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Db>> all_;
  std::vector<Db*> free_;
  bool closed_ = false;
};

}  // namespace cockpit::server
