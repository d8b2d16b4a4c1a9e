#pragma once
// The live channel's server half (issue 9): "there is something new for you, up to
// cursor N". Commits call notify() with the managers whose view they touched; a
// long-poll (GET /api/live?since=N) either answers at once or parks its connection here
// (a Deferred: no thread) until a notify concerns it or the heartbeat time passes.
//
// What a manager is told about: changes to their customers' records, customers
// reassigned to or away from them, manager records (everyone), ingest. Leads: any change.
// After a restart nothing is known about older changes: a device whose cursor is older
// than the cursor at startup is answered at once (it pulls, then waits).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http.hpp"
#include "sync/plan.hpp"

namespace cockpit::server {

// Who a commit concerns.
struct Affected {
  std::set<std::string> managers;
  bool everyone = false;
  bool empty() const { return managers.empty() && !everyone; }
};

class Live {
 public:
  // `per_session`: how many polls one session may have parked at once (0: no cap).
  Live(std::int64_t cursor_at_start, std::chrono::milliseconds heartbeat, std::size_t per_session = 0);
  ~Live();

  // A commit up to `cursor` concerns `who`. `origin`: the client id whose push it was
  // (empty for ingest and admin); that device's own polls stay parked, it has the
  // answer to its push already.
  // With several processes on one book, the news also goes to the others (fan_out).
  void notify(std::int64_t cursor, const Affected& who, const std::string& origin = {});
  // Where news goes beyond this process (live_fanout.hpp; ServerStorage::announce).
  // Unset: one process, nothing to do. Its failures are the caller's to swallow: the
  // commit is done, and the other processes' polls still end at the heartbeat.
  void fan_out(std::function<void(const std::string&)> send);
  // News another process announced (live_fanout.hpp's text): wakes the polls here as
  // if the commit had been local (text that is not news is ignored).
  void heard(const std::string& text);
  // Every parked poll answers "changed" up to `cursor` (news may have been missed: the
  // connection that hears the other processes was lost for a while).
  void wake_everyone(std::int64_t cursor);
  // The long-poll's reply: now, or a Deferred completed by notify/heartbeat/stop.
  // `client`: the device's client id (may be empty). `session`: what identifies the
  // session (its token's hash) for the per-session cap; empty: not counted.
  Response wait(const sync::Identity& who, std::int64_t since, const std::string& client = {},
                const std::string& session = {});
  // Answers every parked request ("restarting", with a spread Retry-After) and stops
  // the timer. Call before the HTTP server stops.
  void stop();
  std::size_t waiting() const;

 private:
  struct Waiter {
    std::shared_ptr<Deferred> reply;
    std::string manager, client, session;
    bool lead = false;
    std::int64_t since = 0;
    bool done = false;
  };
  std::int64_t latest_for(const sync::Identity& who) const;
  void notify_here(std::int64_t cursor, const Affected& who, const std::string& origin);
  void release(const Waiter& w);  // under mu_: the waiter no longer counts for its session
  void timer_loop();
  static Response changed(std::int64_t cursor);

  const std::int64_t floor_;
  const std::chrono::milliseconds heartbeat_;
  const std::size_t per_session_;
  std::unordered_map<std::string, std::size_t> parked_by_session_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::int64_t latest_any_ = 0;
  std::int64_t everyone_at_ = 0;  // the last change that concerned every manager
  std::unordered_map<std::string, std::int64_t> latest_;  // per manager
  std::unordered_map<std::string, std::vector<std::shared_ptr<Waiter>>> by_manager_;
  std::vector<std::shared_ptr<Waiter>> leads_;
  std::multimap<std::chrono::steady_clock::time_point, std::weak_ptr<Waiter>> deadlines_;
  std::size_t count_ = 0;
  std::thread timer_;
  std::mutex fan_mu_;
  std::function<void(const std::string&)> fan_out_;
};

}  // namespace cockpit::server
