#pragma once
// Connections to PostgreSQL shared by the request threads, made when first needed and
// made again when one broke (the server restarted, the network dropped): a request
// that meets a dead connection fails with StorageUnavailable (503), and the next one
// connects afresh, so a process recovers by itself when PostgreSQL is back.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/pg_conn.hpp"

namespace cockpit::server {

class PgPool {
 public:
  PgPool(std::string url, std::size_t size) : url_(std::move(url)), size_(size) {}

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConn> c) : pool_(pool), c_(std::move(c)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(c_)); }
    PgConn& operator*() const { return *c_; }
    PgConn* operator->() const { return c_.get(); }

   private:
    PgPool& pool_;
    std::unique_ptr<PgConn> c_;
  };

  // A connection for one user at a time (waits while all `size` are in use).
  Lease take() {
    std::unique_ptr<PgConn> c;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !free_.empty() || out_ < size_ || closed_; });
      if (closed_) throw PgError("the database is closed");
      ++out_;
      if (!free_.empty()) {
        c = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!c || !c->still_there()) {
      try {
        c = std::make_unique<PgConn>(url_);
      } catch (...) {
        give_back(nullptr);
        throw;
      }
    }
    return Lease(*this, std::move(c));
  }

  // Waits until every connection is back, then closes them all.
  void close() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return out_ == 0; });
    closed_ = true;
    free_.clear();
    cv_.notify_all();
  }

 private:
  // A broken connection is not kept: the next take() makes a new one.
  void give_back(std::unique_ptr<PgConn> c) {
    {
      std::lock_guard lock(mu_);
      --out_;
      if (c && c->healthy() && PQtransactionStatus(c->raw()) == PQTRANS_IDLE &&
          PQpipelineStatus(c->raw()) == PQ_PIPELINE_OFF)
        free_.push_back(std::move(c));
    }
    cv_.notify_one();
  }
  const std::string url_;
  const std::size_t size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> free_;
  std::size_t out_ = 0;
  bool closed_ = false;
};

}  // namespace cockpit::server
