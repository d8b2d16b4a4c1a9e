#include "server/live.hpp"

#include "server/live_fanout.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace cockpit::server {

using Clock = std::chrono::steady_clock;

Live::Live(std::int64_t cursor_at_start, std::chrono::milliseconds heartbeat, std::size_t per_session)
    : floor_(cursor_at_start), heartbeat_(heartbeat), per_session_(per_session), latest_any_(cursor_at_start) {
  timer_ = std::thread([this] { timer_loop(); });
}

Live::~Live() { stop(); }

Response Live::changed(std::int64_t cursor) {
  return (Response::json(200, nlohmann::json{{"cursor", cursor}, {"changed", true}}));
}

std::int64_t Live::latest_for(const sync::Identity& who) const {
  if (who.is_lead()) return latest_any_;
  auto it = latest_.find(who.manager);
  return std::max(floor_, it == latest_.end() ? 0 : it->second);
}

void Live::notify(std::int64_t cursor, const Affected& who, const std::string& origin) {
  notify_here(cursor, who, origin);
  std::function<void(const std::string&)> send;
  {
    std::lock_guard lock(fan_mu_);
    send = fan_out_;
  }
  if (!send || who.empty()) return;
  try {
    send(encode_news(LiveNews{cursor, who, origin}));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cockpit-server: live news not sent to the other processes: %s\n", e.what());
  }
}

void Live::fan_out(std::function<void(const std::string&)> send) {
  std::lock_guard lock(fan_mu_);
  fan_out_ = std::move(send);
}

void Live::heard(const std::string& text) {
  if (auto news = decode_news(text)) notify_here(news->cursor, news->who, news->origin);
}

void Live::wake_everyone(std::int64_t cursor) {
  Affected everyone;
  everyone.everyone = true;
  notify_here(cursor, everyone, "");
}

void Live::notify_here(std::int64_t cursor, const Affected& who, const std::string& origin) {
  if (who.empty()) return;
  std::vector<std::shared_ptr<Waiter>> wake;
  {
    std::lock_guard lock(mu_);
    latest_any_ = std::max(latest_any_, cursor);
    // Wakes the waiters of `v` except the origin's own, which stay parked.
    auto take = [&](std::vector<std::shared_ptr<Waiter>>& v) {
      std::size_t kept = 0;
      for (auto& w : v) {
        if (w->done) continue;
        if (!origin.empty() && w->client == origin) {
          v[kept++] = w;
          continue;
        }
        w->done = true;
        release(*w);
        wake.push_back(w);
      }
      v.resize(kept);
    };
    if (who.everyone) {
      for (auto it = by_manager_.begin(); it != by_manager_.end();) {
        latest_[it->first] = std::max(latest_[it->first], cursor);
        take(it->second);
        it = it->second.empty() ? by_manager_.erase(it) : std::next(it);
      }
      // Managers with no poll open right now: their next wait compares with this.
      everyone_at_ = cursor;
    } else {
      for (const auto& m : who.managers) {
        auto& l = latest_[m];
        l = std::max(l, cursor);
        if (auto it = by_manager_.find(m); it != by_manager_.end()) {
          take(it->second);
          if (it->second.empty()) by_manager_.erase(it);
        }
      }
    }
    take(leads_);
    count_ -= wake.size();
  }
  for (auto& w : wake) w->reply->complete(changed(cursor));
}

void Live::release(const Waiter& w) {
  if (w.session.empty()) return;
  auto it = parked_by_session_.find(w.session);
  if (it != parked_by_session_.end() && --it->second == 0) parked_by_session_.erase(it);
}

Response Live::wait(const sync::Identity& who, std::int64_t since, const std::string& client,
                    const std::string& session) {
  std::lock_guard lock(mu_);
  if (stopping_) return Response::error(503, "server restarting", "", "restarting").header("Retry-After", "2");
  const std::int64_t latest = std::max(latest_for(who), who.is_lead() ? 0 : everyone_at_);
  if (latest > since) return changed(latest);
  // A session parks a handful of polls (a device, a few tabs), never thousands: past the
  // cap the new poll is refused and told when to come back, the parked ones stay.
  if (!session.empty() && per_session_ > 0 && parked_by_session_[session] >= per_session_) {
    const auto retry = std::max<long>(1, std::chrono::duration_cast<std::chrono::seconds>(heartbeat_).count());
    return Response::error(429, "this session has " + std::to_string(per_session_) +
                                    " live polls open already; close one or retry later", "", "too_many_polls")
        .header("Retry-After", std::to_string(retry))
        .header("Connection", "close");  // a refused poll holds no connection either
  }
  auto w = std::make_shared<Waiter>();
  w->reply = std::make_shared<Deferred>();
  w->manager = who.manager;
  w->client = client;
  w->lead = who.is_lead();
  w->since = since;
  w->session = session;
  if (!session.empty()) ++parked_by_session_[session];
  // Heartbeats are spread (80–100 % of the period) so parked devices do not all come
  // back in the same instant.
  thread_local std::mt19937 rng{std::random_device{}()};
  const auto jitter = std::uniform_int_distribution<long>(0, heartbeat_.count() / 5)(rng);
  const auto deadline = Clock::now() + heartbeat_ - std::chrono::milliseconds(jitter);
  if (w->lead)
    leads_.push_back(w);
  else
    by_manager_[w->manager].push_back(w);
  const bool first = deadlines_.empty() || deadline < deadlines_.begin()->first;
  deadlines_.emplace(deadline, w);
  ++count_;
  if (first) cv_.notify_one();
  Response r;
  r.deferred = w->reply;
  return r;
}

void Live::timer_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = deadlines_.begin()->first;
    if (Clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    std::vector<std::shared_ptr<Waiter>> expired;
    while (!deadlines_.empty() && deadlines_.begin()->first <= Clock::now()) {
      if (auto w = deadlines_.begin()->second.lock(); w && !w->done) {
        w->done = true;
        release(*w);
        expired.push_back(w);
        auto& v = w->lead ? leads_ : by_manager_[w->manager];
        v.erase(std::remove(v.begin(), v.end(), w), v.end());
        if (!w->lead && v.empty()) by_manager_.erase(w->manager);
      }
      deadlines_.erase(deadlines_.begin());
    }
    count_ -= expired.size();
    lock.unlock();
    for (auto& w : expired)
      w->reply->complete((Response::json(
          200, nlohmann::json{{"cursor", w->since}, {"changed", false}, {"heartbeat", true}})));
    lock.lock();
  }
}

void Live::stop() {
  std::vector<std::shared_ptr<Waiter>> all;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !timer_.joinable()) return;
    stopping_ = true;
    for (auto& [m, v] : by_manager_)
      for (auto& w : v)
        if (!w->done) all.push_back(w);
    for (auto& w : leads_)
      if (!w->done) all.push_back(w);
    for (auto& w : all) w->done = true;
    by_manager_.clear();
    leads_.clear();
    deadlines_.clear();
    parked_by_session_.clear();
    count_ = 0;
  }
  cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  // A restart should not bring every device back in the same second.
  std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> spread(1, 10);
  for (auto& w : all)
    w->reply->complete((Response::error(503, "server restarting", "", "restarting")
                                        .header("Retry-After", std::to_string(spread(rng)))));
}

std::size_t Live::waiting() const {
  std::lock_guard lock(mu_);
  return count_;
}

}  // namespace cockpit::server
