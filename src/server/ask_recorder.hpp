#pragma once
// Records the first time a sender asked the guard about a scheduled message (the
// record's asked_at, asked_by, asked_via: domain/records.hpp), so the cockpit can tell a
// held message whose sender will obey ("shop asked at 10:02 — held") from one whose
// sender never asks (not protected).
//
// A pre-send check must answer in about a millisecond, so it does not write: it notes
// the ask here (a set lookup) and a thread writes the new ones in one transaction every
// kFlushEvery. An ask noted just before a crash may be lost; the verdict it got is not
// affected (it was read, not written).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/live.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

struct Ask {
  std::string scheduled, by, via;  // by: the integration's name; via: "check" or "relay"
  Time at = 0;
};

// Writes asks into their records in `txn` (only where none is recorded yet). Returns
// the managers whose devices must hear of it.
Affected record_asks(StorageTxn& txn, const std::vector<Ask>& asks);

class AskRecorder {
 public:
  static constexpr std::chrono::milliseconds kFlushEvery{50};
  // `written`: called after each flush that changed records (the live channel).
  AskRecorder(ServerStorage& storage, std::function<void(std::int64_t cursor, const Affected&)> written);
  ~AskRecorder();
  void note(Ask ask);
  // Writes what is noted now (tests; shutdown).
  void flush();
  void stop();

 private:
  void loop();
  ServerStorage& storage_;
  std::function<void(std::int64_t, const Affected&)> written_;
  std::mutex mu_, flush_mu_;
  std::condition_variable cv_;
  std::vector<Ask> pending_;
  std::unordered_set<std::string> seen_;  // asked already (recorded or pending)
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cockpit::server
