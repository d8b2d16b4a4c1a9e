#include "milter/follower.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "domain/time.hpp"
#include "milter/decide.hpp"
#include "milter/feed.hpp"
#include "milter/queue_plan.hpp"

namespace cockpit::milter {

namespace {

constexpr std::int64_t kYoungMs = 60000;   // Postfix files a quarantined mail right after end of data
constexpr std::int64_t kPolicyMs = 30000;  // how often the safe kinds are read again
constexpr int kFeedPagesPerPass = 50;

std::string describe(const HeldEntry& e) { return e.queue_id + " <" + e.message_id + ">"; }

}  // namespace

Follower::Follower(const MilterConfig& config, HttpClient& http, State& state, const PostfixQueue& queue, Log log)
    : config_(config), http_(http), state_(state), queue_(queue), log_(std::move(log)) {}

Follower::~Follower() { stop(); }

void Follower::start() { thread_ = std::thread([this] { run(); }); }

void Follower::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Follower::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool Follower::safe_kind(const std::string& kind) const {
  std::lock_guard lock(policy_mu_);
  return std::find(safe_kinds_.begin(), safe_kinds_.end(), kind) != safe_kinds_.end();
}

void Follower::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    pass();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(config_.poll_ms), [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

void Follower::pass() {
  const std::int64_t now = now_utc();
  if (now >= next_policy_) read_policy();
  read_feed();
  for (HeldEntry& e : state_.due(now_utc(), 200)) work(e, now_utc());
}

void Follower::read_policy() {
  const HttpResult r = http_.get("/api/guard/policy");
  auto kinds = r.status == 200 ? parse_safe_kinds(r.body) : std::nullopt;
  if (!kinds) return;  // asked again at the next pass
  next_policy_ = now_utc() + kPolicyMs;
  std::lock_guard lock(policy_mu_);
  safe_kinds_ = std::move(*kinds);
}

void Follower::read_feed() {
  for (int page_no = 0; page_no < kFeedPagesPerPass; ++page_no) {
    const HttpResult r = http_.get("/api/guard/verdicts?since=" + std::to_string(state_.cursor()));
    std::string error;
    auto page = r.status == 200 ? parse_feed(r.body, error) : std::nullopt;
    if (!page) {
      // Said once per outage, not at every poll.
      if (feed_ok_)
        log_("verdict feed: " + (r.status == 0 ? r.error : "status " + std::to_string(r.status) + " " + error) +
             " (trying again every poll)");
      feed_ok_ = false;
      return;
    }
    if (!feed_ok_) log_("verdict feed: reading again");
    feed_ok_ = true;
    if (!state_.apply_feed(*page)) {
      log_("state: could not record a page of the verdict feed");
      return;
    }
    if (!page->more) return;
  }
}

bool Follower::ask_again(HeldEntry& e) {
  bool answered = true;
  for (HeldRecord& r : e.records) {
    if (r.check_body.empty() && !r.refresh) continue;
    const std::string body =
        r.check_body.empty() ? nlohmann::json{{"scheduled", r.scheduled}, {"via", "relay"}}.dump() : r.check_body;
    const HttpResult res = http_.post_json("/api/guard/check", body);
    const CheckAnswer a = classify_answer(res.status, res.body, res.error);
    switch (a.kind) {
      case CheckAnswer::Kind::verdict:
        r = {a.scheduled, a.verdict, a.cursor, "", false};
        break;
      case CheckAnswer::Kind::not_customer:  // that recipient has nothing to hold
        r = {"", "send", 0, "", false};
        break;
      case CheckAnswer::Kind::refused:
        // The server will not decide about it: the mail stays held for a person to
        // release (postsuper -H) or delete; the milter stops asking.
        log_("held for good: " + describe(e) + ": " + a.detail + "; release or delete it by hand");
        r.check_body.clear();
        r.refresh = false;
        r.verdict = "refused";
        break;
      case CheckAnswer::Kind::no_answer:
        answered = false;
        break;
    }
  }
  return answered;
}

bool Follower::act(HeldEntry& e, std::int64_t now, bool& finished) {
  const Want want = wanted(e);
  // A command changes the queue; looking again right after it usually finishes the
  // entry in the same pass.
  for (int round = 0; round < 2; ++round) {
    QueueFile file;
    std::string error;
    if (!queue_.probe(e.queue_id, file, error)) {
      log_("queue: " + error);
      return false;
    }
    const bool young = round == 0 && now - e.held_at < kYoungMs;  // after a command: it was filed
    const Step step = next_step(want, file.probe, e.message_id, young);
    switch (step) {
      case Step::wait: return true;
      case Step::done:
        log_((want == Want::release ? "released " : "deleted ") + describe(e));
        finished = true;
        return true;
      case Step::gone:
        log_((round > 0 ? (want == Want::release ? "released " : "deleted ") : "no longer in the queue: ") + describe(e));
        finished = true;
        return true;
      case Step::run_release:
      case Step::run_delete: {
        const bool ok = step == Step::run_release ? queue_.release(e.queue_id, error) : queue_.remove(e.queue_id, error);
        if (!ok) {
          log_("queue: " + error);
          return false;
        }
        if (!error.empty()) log_("queue: " + error);  // released; only the nudge to deliver now failed
        break;
      }
    }
  }
  return false;
}

void Follower::work(HeldEntry& e, std::int64_t now) {
  bool ok = ask_again(e);
  bool finished = false;
  if (ok && wanted(e) != Want::wait) ok = act(e, now, finished);
  if (finished) {
    state_.forget(e.id);
    return;
  }
  e.attempts = ok ? 0 : e.attempts + 1;
  std::int64_t next = kNever;  // until the feed changes one of its records
  if (!ok) next = now + retry_after_ms(e.attempts, config_.poll_ms);
  else if (wanted(e) != Want::wait) next = now + config_.poll_ms;  // Postfix is still filing it
  state_.update(e, next);
}

}  // namespace cockpit::milter
