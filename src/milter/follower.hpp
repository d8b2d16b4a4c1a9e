#pragma once
// The milter's second job: make Cockpit's later decisions reach Postfix's queue. One
// thread reads the verdict feed (GET /api/guard/verdicts?since=CURSOR, the cursor kept in
// the state), and for every held mail whose records changed: all may go → postsuper -H
// (out of the hold queue), one cancelled → postsuper -d. It also asks again the checks
// that got no answer when the mail came in, and reads the server's safe kinds.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "milter/config.hpp"
#include "milter/held.hpp"
#include "milter/http_client.hpp"
#include "milter/postfix_queue.hpp"
#include "milter/state.hpp"

namespace cockpit::milter {

using Log = std::function<void(const std::string&)>;

class Follower {
 public:
  Follower(const MilterConfig& config, HttpClient& http, State& state, const PostfixQueue& queue, Log log);
  ~Follower();
  void start();
  void stop();
  void wake();  // a held mail was added: look at it now rather than at the next poll
  bool safe_kind(const std::string& kind) const;

  // One pass (feed, then every due entry); the thread runs this every poll_ms.
  void pass();

 private:
  void run();
  void read_policy();
  void read_feed();
  void work(HeldEntry& e, std::int64_t now);
  bool ask_again(HeldEntry& e);  // unanswered and refresh records; false: no answer
  bool act(HeldEntry& e, std::int64_t now, bool& finished);  // the queue part

  const MilterConfig& config_;
  HttpClient& http_;
  State& state_;
  const PostfixQueue& queue_;
  Log log_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false, feed_ok_ = true;
  std::int64_t next_policy_ = 0;
  mutable std::mutex policy_mu_;
  std::vector<std::string> safe_kinds_;
};

}  // namespace cockpit::milter
