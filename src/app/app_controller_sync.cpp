// AppController in server mode: password sign-in, the device's share of records kept in
// step by client::SyncClient, and signing out on a shared computer.
//
// The device's store remembers whose share it holds (replica value "manager"), so a
// restart or a reload opens that person's cockpit at once, offline too, and sync
// catches up in the background. HTTP callbacks only record answers; tick() acts on
// them, outside the HTTP client's poll (acting may replace the store).
#include <algorithm>
#include <cstdio>
#include <random>

#include "app/app_controller.hpp"

namespace cockpit {

namespace {

constexpr Time kRecentFade = 4 * kSecond;
constexpr Time kSignOutRetry = 5 * kSecond;

std::string new_client_id() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t v = rd();
    for (int k = 0; k < 8; ++k, v >>= 4) id += kHex[v & 15];
  }
  return id;
}

}  // namespace

std::string AppController::device_manager() {
  if (!store_) return {};
  return store_->replica_value("manager").value_or("");
}

// At open: a device that holds someone's share reopens their cockpit and syncs.
void AppController::resume_device(Time now) {
  if (!account_) account_ = std::make_unique<client::Account>(*config_.http);
  const std::string manager = device_manager();
  // A sign-out that had not reached the server when this device last ran: tell it now.
  if (!store_->replica_value("sign_out_pending").value_or("").empty()) sign_out_pending_ = true;
  if (manager.empty()) return;
  if (config_.tokens) config_.http->set_token(config_.tokens->load());
  start_sync(now);
  if (sync_->status().have_share && open_session(manager, now)) return;
  flow_ = SignInFlow{SignInFlow::Step::loading, manager, ""};
}

void AppController::start_sync(Time now) {
  sync_ = std::make_unique<client::SyncClient>(*store_, *config_.http, config_.sync);
  sync_->start(now);
}

void AppController::sign_in_with_password(const std::string& manager_id, const std::string& password, Time now) {
  (void)now;
  if (!server_mode() || !store_) return;
  if (!account_) account_ = std::make_unique<client::Account>(*config_.http);
  flow_ = SignInFlow{SignInFlow::Step::signing_in, manager_id, ""};
  account_->sign_in(manager_id, password, [this](client::SignInResult r) { sign_in_answer_ = std::move(r); });
}

void AppController::finish_password_sign_in(client::SignInResult r, Time now) {
  if (!r.signed_in) {
    flow_ = SignInFlow{SignInFlow::Step::failed, flow_.manager, r.error};
    return;
  }
  const Manager& who = r.signed_in->manager;
  // Someone else's share (or a device's own demo) never mixes with this person's.
  if (device_manager() != who.id && !wipe_device(now)) {
    flow_ = SignInFlow{SignInFlow::Step::failed, who.id, "This device's old data could not be removed: " + error_};
    return;
  }
  Status st = store_->transaction([&]() -> Status {
    if (auto s = store_->set_replica_value("manager", who.id); !s) return s;
    if (store_->replica_value("client_id").value_or("").empty())
      if (auto s = store_->set_replica_value("client_id", new_client_id()); !s) return s;
    return Status::success();
  });
  if (!st) {
    flow_ = SignInFlow{SignInFlow::Step::failed, who.id, "This device could not save who signed in: " + st.error()};
    return;
  }
  if (config_.platform) config_.platform->persist_after_commit();
  if (config_.tokens) config_.tokens->save(r.signed_in->token);
  config_.http->set_token(r.signed_in->token);
  start_sync(now);
  // A new sign-in of the person whose share is here (their session had ended): carry on.
  if (session_ && session_->actor().manager_id == who.id) {
    flow_ = {};
    ++revision_;
    return;
  }
  if (sync_->status().have_share && open_session(who.id, now)) {
    flow_ = {};
    return;
  }
  flow_ = SignInFlow{SignInFlow::Step::loading, who.id, ""};
}

// Every frame: answers of the server, sync's changes into the open session, and the
// first share of a new sign-in.
void AppController::tick_sync(Time now) {
  config_.http->poll();  // callbacks only record; what follows acts on them
  if (unmatched_) {
    bool matched = false;
    if (unmatched_->tick(now, matched)) ++revision_;
    if (matched && sync_) sync_->refresh();  // the customer's new records: pull them now
  }
  if (sign_in_answer_) {
    client::SignInResult r = std::move(*sign_in_answer_);
    sign_in_answer_.reset();
    finish_password_sign_in(std::move(r), now);
  }
  // The sign-out's request: answered, or tried again every few seconds (never while a
  // sign-in is under way: a new session's cookie replaces the old one).
  if (sign_out_answer_) {
    const bool answered = *sign_out_answer_;
    sign_out_answer_.reset();
    if (answered && sign_out_pending_) remember_sign_out(false);
    sign_out_retry_at_ = now + kSignOutRetry;
  }
  if (sign_out_pending_ && account_ && !account_->busy() && now >= sign_out_retry_at_) {
    sign_out_retry_at_ = now + kSignOutRetry;
    account_->sign_out([this](bool answered) { sign_out_answer_ = answered; });
  }
  if (!sync_) return;
  std::vector<RemoteApplied> applied = sync_->poll(now);
  for (const RemoteApplied& a : applied) {
    if (session_) session_->follow(a, now);
    // A whole share (first sign-in, a reset server) is not news: nothing glows.
    if (a.reload || !session_) continue;
    if (!a.customers.empty()) {
      ++remote_changes_;
      last_remote_ = a.customers;
    }
    for (const std::string& c : a.customers) {
      auto it = std::find_if(recent_.begin(), recent_.end(), [&](const auto& x) { return x.first == c; });
      if (it != recent_.end())
        it->second = now;
      else
        recent_.emplace_back(c, now);
    }
  }
  if (!applied.empty()) {
    ++revision_;
    // Between the pages of a share nothing is flushed: the browser writes the whole
    // database file each time. What is stored and its cursor go together (or neither),
    // and no change of the person's waits on it (each action flushes on its own).
    if (config_.platform && !sync_->status().more_coming) config_.platform->persist_after_commit();
  }
  recent_.erase(std::remove_if(recent_.begin(), recent_.end(), [&](const auto& x) { return now - x.second > kRecentFade; }),
                recent_.end());
  if (!session_ && flow_.step == SignInFlow::Step::loading && sync_->status().have_share) {
    if (open_session(flow_.manager, now))
      flow_ = {};
    else
      flow_ = SignInFlow{SignInFlow::Step::failed, flow_.manager, error_};
  }
}

void AppController::remember_sign_out(bool pending) {
  sign_out_pending_ = pending;
  if (!store_ || !store_->set_replica_value("sign_out_pending", pending ? "1" : "")) return;
  if (config_.platform) config_.platform->persist_after_commit();
}

float AppController::recently_changed(const std::string& customer, Time now) const {
  for (const auto& [c, at] : recent_)
    if (c == customer) return std::clamp(1.0f - static_cast<float>(now - at) / static_cast<float>(kRecentFade), 0.0f, 1.0f);
  return 0.0f;
}

std::vector<SyncNotice> AppController::notices(std::size_t limit) {
  if (!store_) return {};
  return store_->notices(false, limit).value_or({});
}

void AppController::dismiss_notice(std::int64_t seq) {
  if (!store_) return;
  store_->dismiss_notice(seq);
  if (sync_) sync_->recount();
  if (config_.platform) config_.platform->persist_after_commit();
  ++revision_;
}

const vm::UnmatchedPanel& AppController::unmatched_panel() const {
  static const vm::UnmatchedPanel kStandalone = [] {
    vm::UnmatchedPanel p;
    p.state = vm::UnmatchedPanel::State::failed;
    p.status = "Source events (Stripe, Shopify, Zendesk) arrive on the server; this device works on its own.";
    return p;
  }();
  static const vm::UnmatchedPanel kNotLead = [] {
    vm::UnmatchedPanel p;
    p.state = vm::UnmatchedPanel::State::failed;
    p.status = "Only a team lead sees source events with no customer.";
    return p;
  }();
  static const vm::UnmatchedPanel kIdle;
  if (!server_mode()) return kStandalone;
  if (session_ && me_.role != Role::lead) return kNotLead;
  return unmatched_ ? unmatched_->panel() : kIdle;
}

void AppController::request(const UnmatchedAction& action, Time now) {
  if (!server_mode() || !session_ || me_.role != Role::lead) return;
  if (!unmatched_) unmatched_ = std::make_unique<UnmatchedList>(*config_.http);
  unmatched_->apply(action, now);
  ++revision_;
}

void AppController::sync_now() {
  if (sync_) sync_->refresh();
}

// Forgets everything of the person on this device: the database file goes (a freed page
// could still hold a record), a fresh empty one takes its place, the token is dropped.
bool AppController::wipe_device(Time now) {
  sync_.reset();
  unmatched_.reset();
  session_.reset();
  identity_.reset();
  store_.reset();
  me_ = {};
  flow_ = {};
  recent_.clear();
  sign_out_pending_ = false;  // a new person's sign-in replaced the old cookie; sign_out() sets it again
  if (config_.tokens) config_.tokens->clear();
  config_.http->set_token("");
  const std::string& path = config_.db_path;
  if (!path.empty())
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".identity"}) std::remove((path + suffix).c_str());
  // The browser: IndexedDB keeps nothing of it either (flushed in the background).
  if (config_.platform) config_.platform->wipe_local_data();
  ++revision_;
  return !path.empty() && open(config_, now);
}

}  // namespace cockpit
