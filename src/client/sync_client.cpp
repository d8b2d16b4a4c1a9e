// [SECTION] Index
//  - start, stop, nudge, refresh
//  - poll: callbacks, timers, what is due
//  - exchanges: push (with the pull in its answer), pull
//  - live channel
//  - failures and backoff
#include "client/sync_client.hpp"

#include <algorithm>
#include <cstdlib>

#include "client/translate.hpp"

namespace cockpit::client {

using sync::json;
using Ms = std::chrono::milliseconds;

namespace {

// The server's error sentence from an error body, or a description of the failure.
std::string error_text(const HttpResponse& r) {
  if (r.status == 0) return r.error.empty() ? "the server could not be reached" : r.error;
  json j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
  return "the server answered " + std::to_string(r.status);
}

// A 400 that names one of the mutations ("mutations[3].fields: …"): that one is
// unsendable. Any other 400 (the push as a whole) is retried, never undone.
bool about_a_mutation(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) return false;
  for (const char* key : {"field", "error"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string() && it->get_ref<const std::string&>().rfind("mutations[", 0) == 0) return true;
  }
  return false;
}

std::string error_code(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("code") && j["code"].is_string()) return j["code"].get<std::string>();
  return {};
}

// A mutation the server will never take (its own answer said so): refused here, with
// the reason, so the rest of the outbox can go.
RemoteBatch refuse_locally(const OutboxEntry& e, const std::string& why, Time now) {
  RemoteBatch b;
  RemoteAck a;
  a.change_seq = e.seq;
  a.entity = e.entity;
  a.id = e.id;
  a.status = AckStatus::refused;
  b.acks.push_back(a);
  SyncNotice n;
  n.at = now;
  n.kind = "refused";
  n.code = "unsendable";
  n.entity = std::string(to_string(e.entity));
  n.entity_id = e.id;
  n.message = "Your change to " + n.entity + " " + e.id + " could not be sent and was undone: " + why + ".";
  b.notices.push_back(std::move(n));
  return b;
}

}  // namespace

SyncClient::SyncClient(Store& store, HttpClient& http, SyncOptions options)
    : store_(store), http_(http), opt_(options), rng_(options.seed ? options.seed : std::random_device{}()) {
  batch_ = std::max<std::size_t>(1, opt_.push_batch);
}

SyncClient::~SyncClient() { stop(); }

// ---------------------------------------------------------------- [SECTION] start, stop, nudge, refresh

void SyncClient::start(Time now) {
  now_ = now;
  client_id_ = store_.replica_value("client_id").value_or("");
  const std::string c = store_.replica_value("cursor").value_or("");
  cursor_ = c.empty() ? 0 : std::strtoll(c.c_str(), nullptr, 10);
  status_ = SyncStatus{};
  status_.started = true;
  // A device stopped between the pages of its share goes on with them; until the last
  // has come it does not count as having its share.
  share_incomplete_ = !store_.replica_value("share_incomplete").value_or("").empty();
  status_.have_share = cursor_ > 0 && !share_incomplete_;
  running_ = !client_id_.empty();
  if (!running_) status_.error = "this device has no client id: sign in first";
  push_wanted_ = true;  // whatever waits in the outbox
  pull_wanted_ = true;  // and whatever changed while this device was away
  failures_ = live_failures_ = 0;
  unreachable_ = false;
  const auto t = Clock::now();
  next_exchange_ = next_live_ = last_poll_ = t;
  next_periodic_ = t + Ms(opt_.fallback_pull_ms);
  count_waiting();
}

void SyncClient::stop() {
  if (exchange_) http_.cancel(*exchange_);
  if (live_) http_.cancel(*live_);
  exchange_.reset();
  live_.reset();
  running_ = false;
  status_.busy = false;
  if (status_.link == Link::live) status_.link = Link::online;
}

void SyncClient::nudge() {
  push_wanted_ = true;
  count_waiting();  // the new change counts as waiting at once
  const auto t = Clock::now();
  kick(t);
  // Sent now, not at the next poll(): a change leaves the device before the device has
  // redrawn its own lists, instead of a frame later (issue 9's budget is 10 ms in all).
  if (running_ && !exchange_ && t >= next_exchange_ && status_.stop != Stop::sign_in_required &&
      status_.stop != Stop::reload_required)
    begin_exchange(t, now_);
}

void SyncClient::refresh() {
  pull_wanted_ = true;
  kick(Clock::now());
}

// Due now, unless a failure asked to wait: a manager's action must not hammer a server
// that is down, the backoff decides.
void SyncClient::kick(Clock::time_point t) {
  if (failures_ == 0) next_exchange_ = std::min(next_exchange_, t);
}

// ---------------------------------------------------------------- [SECTION] poll

std::vector<RemoteApplied> SyncClient::poll(Time now) {
  now_ = now;
  auto t = Clock::now();
  // Frames stopped for a while (a hidden tab, a sleeping laptop): catch up at once.
  if (t - last_poll_ > Ms(3000)) {
    pull_wanted_ = true;
    kick(t);
  }
  last_poll_ = t;
  http_.poll();  // runs on_push / on_pull / on_live of finished requests
  // What those callbacks scheduled "now" (a pull the live channel asked for) is due in
  // this poll, not the next one: the clock they read is later than `t` was.
  t = Clock::now();
  if (running_ && status_.stop != Stop::sign_in_required && status_.stop != Stop::reload_required) {
    if (t >= next_periodic_) {
      pull_wanted_ = true;
      next_periodic_ = t + Ms(status_.link == Link::live ? opt_.safety_pull_ms : opt_.fallback_pull_ms);
    }
    if (!exchange_ && (push_wanted_ || pull_wanted_) && t >= next_exchange_) begin_exchange(t, now);
    if (opt_.live && !live_ && t >= next_live_ && status_.stop == Stop::none) begin_live(t);
    // A poll the server has held longer than any connect can take is parked there: the
    // channel is up, though it says so only at its first answer (up to a heartbeat).
    if (live_ && status_.link == Link::online && t - live_sent_ > Ms(kParkedAfterMs)) status_.link = Link::live;
  }
  status_.busy = exchange_.has_value();
  status_.retry_in_ms =
      failures_ > 0 ? static_cast<int>(std::chrono::duration_cast<Ms>(next_exchange_ - t).count()) : 0;
  if (status_.retry_in_ms < 0) status_.retry_in_ms = 0;
  return std::exchange(applied_, {});
}

// ---------------------------------------------------------------- [SECTION] exchanges

void SyncClient::begin_exchange(Clock::time_point, Time now) {
  auto entries = store_.outbox(batch_);
  if (!entries) {
    status_.error = "the outbox could not be read: " + entries.error();
    return;
  }
  if (!entries.value().empty() && status_.stop != Stop::server_too_old) {
    begin_push(entries.value(), now);
  } else if (pull_wanted_) {
    push_wanted_ = false;
    begin_pull();
  } else {
    push_wanted_ = false;
  }
}

std::vector<std::pair<std::string, std::string>> SyncClient::headers() const {
  return {{"X-Cockpit-Schema", std::to_string(sync::kSchemaVersion)}};
}

void SyncClient::begin_push(const std::vector<OutboxEntry>& entries, Time now) {
  sync::PushRequest req;
  req.client_id = client_id_;
  req.schema_version = sync::kSchemaVersion;
  req.since = cursor_;
  std::vector<OutboxEntry> sent;
  for (const auto& e : entries) {
    std::string error;
    auto m = to_mutation(e, &error);
    if (!m) {
      apply(refuse_locally(e, error, now), now);
      continue;
    }
    req.mutations.push_back(std::move(*m));
    sent.push_back(e);
  }
  if (req.mutations.empty()) {
    push_wanted_ = true;  // what was unreadable is gone; look again
    return;
  }
  push_wanted_ = false;
  pull_wanted_ = false;  // the answer carries what changed since the cursor
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/push";
  r.body = sync::to_json(req).dump();
  r.headers = headers();
  r.timeout_ms = 30000;
  exchange_ = http_.send(std::move(r), [this, sent = std::move(sent)](HttpResponse resp) mutable {
    on_push(std::move(resp), std::move(sent), now_);
  });
  status_.busy = true;
}

void SyncClient::on_push(HttpResponse r, std::vector<OutboxEntry> sent, Time now) {
  exchange_.reset();
  ++status_.exchanges;
  if (!r.ok()) {
    // The server's own limits: a body too large or a mutation it cannot read would be
    // refused forever. Send fewer; a single one it still refuses is undone with a notice.
    if (r.status == 413 || (r.status == 400 && about_a_mutation(r))) {
      if (sent.size() > 1) {
        batch_ = std::max<std::size_t>(1, std::min(batch_, sent.size()) / 2);
        push_wanted_ = true;
        return;
      }
      if (sent.size() == 1) {
        apply(refuse_locally(sent.front(), error_text(r), now), now);
        push_wanted_ = true;
        return;
      }
    }
    push_wanted_ = true;
    pull_wanted_ = true;
    failed(r, "sending changes");
    return;
  }
  json j = json::parse(r.body, nullptr, false);
  auto decoded = sync::decode_push_response(j);
  if (!decoded.ok()) {
    push_wanted_ = true;
    failed(HttpResponse{0, {}, "unreadable answer to a push: " + decoded.error}, "sending changes");
    return;
  }
  // Read against the store in one read transaction: its lookups share one lock.
  Acks acks;
  Pulled p;
  if (auto st = store_.reading([&] {
        acks = acks_of(*decoded.value, sent, store_.known(), now);
        if (acks.error.empty() && decoded.value->pull) p = batch_of(*decoded.value->pull, store_.known());
      });
      !st)
    acks.error = "this device's records could not be read: " + st.error();
  if (!acks.error.empty()) {
    push_wanted_ = true;
    failed(HttpResponse{0, {}, acks.error}, "sending changes");
    return;
  }
  RemoteBatch batch;
  bool more = false;
  batch.acks = std::move(acks.acks);
  batch.notices = std::move(acks.notices);
  if (decoded.value->pull) {
    if (!p.error.empty()) {
      status_.error = p.error;  // the acks still count; the pull is tried again
      pull_wanted_ = true;
    } else {
      RemoteBatch& pb = p.batch;
      batch.full = pb.full;
      batch.records = std::move(pb.records);
      batch.deletions = std::move(pb.deletions);
      batch.removed_customers = std::move(pb.removed_customers);
      batch.cursor = pb.cursor;
      more = decoded.value->pull->more;
    }
  } else {
    pull_wanted_ = true;
  }
  apply(batch, now, more);
  succeeded();
  batch_ = std::max<std::size_t>(1, opt_.push_batch);
  if (status_.waiting > 0) push_wanted_ = true;
  if (live_cursor_ > cursor_) pull_wanted_ = true;
  // One more pull at most: a server whose cursor went back (a database restored from
  // a backup) never reaches what its predecessor told, and must not be pulled in a loop.
  // (Between pages the channel keeps what it told: the poll waits from there.)
  if (!more) live_cursor_ = 0;
}

void SyncClient::begin_pull() {
  pull_wanted_ = false;
  HttpRequest r;
  r.path = "/api/pull?since=" + std::to_string(cursor_);
  r.headers = headers();
  r.timeout_ms = 60000;  // a new device's whole share
  exchange_ = http_.send(std::move(r), [this](HttpResponse resp) { on_pull(std::move(resp)); });
  status_.busy = true;
}

void SyncClient::on_pull(HttpResponse r) {
  exchange_.reset();
  ++status_.exchanges;
  if (!r.ok()) {
    pull_wanted_ = true;
    failed(r, "bringing changes");
    return;
  }
  json j = json::parse(r.body, nullptr, false);
  auto decoded = sync::decode_pull(j);
  if (!decoded.ok()) {
    pull_wanted_ = true;
    failed(HttpResponse{0, {}, "unreadable answer to a pull: " + decoded.error}, "bringing changes");
    return;
  }
  Pulled p;
  if (auto st = store_.reading([&] { p = batch_of(*decoded.value, store_.known()); }); !st)
    p.error = "this device's records could not be read: " + st.error();
  if (!p.error.empty()) {
    pull_wanted_ = true;
    failed(HttpResponse{0, {}, p.error}, "bringing changes");
    return;
  }
  apply(p.batch, now_, decoded.value->more);
  succeeded();
  if (live_cursor_ > cursor_) pull_wanted_ = true;
  // One more pull at most: a server whose cursor went back (a database restored from
  // a backup) never reaches what its predecessor told, and must not be pulled in a loop.
  if (!decoded.value->more) live_cursor_ = 0;
}

void SyncClient::apply(const RemoteBatch& batch, Time now, bool more) {
  // The first page of a share: marked before it lands, so a device stopped before the
  // last page never takes half a share for the whole.
  if (batch.full && more && !share_incomplete_) {
    if (!store_.set_replica_value("share_incomplete", "1")) {
      status_.error = "the changes could not be saved on this device";
      pull_wanted_ = true;
      return;
    }
    share_incomplete_ = true;
    status_.have_share = false;
  }
  auto done = store_.apply_remote(batch, Stamp{"sync", now});
  if (!done) {
    status_.error = "the changes could not be saved on this device: " + done.error();
    pull_wanted_ = true;
    return;
  }
  if (batch.cursor) cursor_ = *batch.cursor;
  status_.more_coming = more;
  if (more) pull_wanted_ = true;  // the next page, at once
  if (batch.full) status_.share_records = 0;
  if (share_incomplete_ || batch.full) status_.share_records += batch.records.size();
  if (share_incomplete_ && !more) {
    share_incomplete_ = !store_.set_replica_value("share_incomplete", "");
    status_.have_share = !share_incomplete_;
  } else if (batch.full && !more) {
    status_.have_share = true;
  }
  applied_.push_back(std::move(done.value()));
  count_waiting();
}

void SyncClient::count_waiting() {
  status_.waiting = store_.outbox_size().value_or(status_.waiting);
  status_.notices = store_.notice_count().value_or(status_.notices);
}

// ---------------------------------------------------------------- [SECTION] live channel

void SyncClient::begin_live(Clock::time_point t) {
  live_sent_ = t;
  // While the exchange that brings what the channel told of is under way, wait from
  // there: from the older cursor the server would answer "changed" at once, again and
  // again, one request per frame until the exchange is back.
  const std::int64_t since = exchange_ ? std::max(cursor_, live_cursor_) : cursor_;
  HttpRequest r;
  r.path = "/api/live?since=" + std::to_string(since) + "&client=" + client_id_;
  r.headers = headers();
  r.timeout_ms = opt_.heartbeat_ms + 10000;  // a silent proxy must not hold us forever
  live_ = http_.send(std::move(r), [this](HttpResponse resp) { on_live(std::move(resp)); });
}

void SyncClient::on_live(HttpResponse r) {
  live_.reset();
  ++status_.exchanges;
  const auto t = Clock::now();
  if (r.ok()) {
    // Decoded, never read with json::value(): a "changed" that is not a boolean would throw.
    const auto live = sync::decode_live(json::parse(r.body, nullptr, false));
    if (live.ok()) {
      const bool reopened = live_failures_ > 0;
      live_failures_ = 0;
      status_.link = Link::live;
      next_periodic_ = std::max(next_periodic_, t + Ms(opt_.safety_pull_ms / 4));
      // Back after the channel was down (the server restarted, the network came back):
      // pull once. A server restored from an older backup parks a poll whose `since` is
      // above its own cursor and answers it with heartbeats; only a pull finds out.
      if (reopened) {
        pull_wanted_ = true;
        if (!exchange_) kick(t);
      }
      const std::int64_t c = live.value->cursor;
      if (c < cursor_ && live.value->changed) {
        // The server is behind this device (restored from an older copy): a pull from
        // our cursor gets its whole share, which replaces what it no longer has.
        pull_wanted_ = true;
        if (!exchange_) kick(t);
      } else if (live.value->changed && c > cursor_) {
        live_cursor_ = std::max(live_cursor_, c);
        // Under way: the push or pull in flight may already bring it; on_push/on_pull
        // compare live_cursor_ with the cursor they reach.
        if (!exchange_) {
          pull_wanted_ = true;
          kick(t);
        }
      }
      next_live_ = t;  // poll again at once
      return;
    }
  }
  if (r.status == 401) {
    failed(r, "listening for changes");
    return;
  }
  if (r.status == 426) {
    failed(r, "listening for changes");
    return;
  }
  // The channel is down (server restarting, network gone, a proxy cut it): periodic
  // pulls take over and the poll comes back with backoff and jitter, so a thousand
  // devices do not return in the same instant. The link is then what the exchanges
  // last found: offline when they could not reach the server either (a poll answered
  // just before the network went, then one that fails, must not make it "online").
  if (status_.link == Link::live) status_.link = unreachable_ ? Link::offline : Link::online;
  ++live_failures_;
  int wait = backoff_ms(live_failures_);
  if (r.retry_after_s > 0) {
    std::uniform_int_distribution<int> jitter(0, 1000);
    wait = r.retry_after_s * 1000 + jitter(rng_);
  }
  next_live_ = t + Ms(wait);
  if (live_failures_ == 1) {
    // The channel just went down: periodic pulls take over (poll() then keeps them every
    // fallback_pull_ms). The first one is spread over the second half of the period,
    // and comes after the poll's own return when the server said when (Retry-After):
    // devices cut in the same instant (a restart answers every parked poll at once)
    // must not all pull in the same instant a fixed period later.
    std::uniform_int_distribution<int> spread(opt_.fallback_pull_ms / 2, opt_.fallback_pull_ms);
    const int first = spread(rng_) + (r.retry_after_s > 0 ? wait : 0);
    next_periodic_ = std::min(next_periodic_, t + Ms(first));
  }
}

// ---------------------------------------------------------------- [SECTION] failures and backoff

bool SyncClient::failed(const HttpResponse& r, const char* what) {
  const std::string code = error_code(r);
  status_.error = std::string(what) + ": " + error_text(r);
  if (r.status == 401) {
    status_.stop = Stop::sign_in_required;
    status_.error = "Your session has ended: sign in again to keep syncing. Changes on this device are kept.";
    stop();
    return true;
  }
  if (r.status == 426 || code == "reload_required") {
    status_.stop = Stop::reload_required;
    status_.error = "A newer Cockpit is on the server: reload to keep syncing.";
    stop();
    return true;
  }
  const auto t = Clock::now();
  if (r.status == 409 && code == "server_too_old") {
    status_.stop = Stop::server_too_old;
    status_.error = "The server is older than this Cockpit; your changes wait on this device until it is updated.";
    next_exchange_ = t + Ms(opt_.backoff_max_ms);
    return false;
  }
  ++failures_;
  if (r.status == 0 || r.status >= 500) {
    status_.link = Link::offline;
    unreachable_ = true;
  }
  int wait = backoff_ms(failures_);
  if (r.retry_after_s > 0) wait = std::max(wait, r.retry_after_s * 1000);
  next_exchange_ = t + Ms(wait);
  return false;
}

void SyncClient::succeeded() {
  failures_ = 0;
  unreachable_ = false;
  status_.error.clear();
  status_.last_sync = now_;
  if (status_.stop == Stop::server_too_old) status_.stop = Stop::none;
  if (status_.link == Link::offline) status_.link = Link::online;
  next_exchange_ = Clock::now();
}

// Exponential, capped, with "equal jitter": between half and all of the step, so
// retries never bunch up and never come sooner than half the step.
int SyncClient::backoff_ms(int attempt) {
  long step = opt_.backoff_min_ms;
  for (int i = 1; i < attempt && step < opt_.backoff_max_ms; ++i) step *= 2;
  step = std::min<long>(step, opt_.backoff_max_ms);
  std::uniform_int_distribution<long> d(step / 2, step);
  return static_cast<int>(d(rng_));
}

}  // namespace cockpit::client
