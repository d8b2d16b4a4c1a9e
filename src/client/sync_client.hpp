#pragma once
// The device's sync (src/sync/PROTOCOL.md, "Client duties"): sends the outbox, brings
// back what changed, keeps a live channel open, and says where things stand. One per
// signed-in device; driven from the UI thread by poll() every frame (or by a loop that
// waits on the HttpClient, in the CLI and the benchmarks). Never blocks.
//
//   SyncClient sync(store, http, {});
//   sync.start(now);                  // the device's identity is in the store's replica values
//   each frame:  for (auto& a : sync.poll()) session.apply_remote(a, now);
//   after an action committed:        sync.nudge();
//
// One exchange with the server at a time: a push (which also brings back what changed
// since the cursor, so a device that only pushes needs no pull) or a pull. Beside it
// one long-poll on the live channel. Every failure is retried on a timer with
// exponential backoff and jitter — never only when the next local change comes.
// 401 stops everything until the manager signs in again; 426 asks for a reload.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "client/http.hpp"
#include "store/store.hpp"
#include "sync/protocol.hpp"

namespace cockpit::client {

struct SyncOptions {
  bool live = true;                    // keep a long-poll open (off: periodic pulls only)
  int heartbeat_ms = 25000;            // the server's; a poll gives up after this + 10 s
  int fallback_pull_ms = 5000;         // pull this often while the live channel is down
  int safety_pull_ms = 60000;          // and this often while it is up (belt and braces)
  int backoff_min_ms = 500;            // first retry after a failure
  int backoff_max_ms = 30000;          // at most this long between retries
  std::size_t push_batch = 200;        // mutations per push (the server takes up to 1,000)
  std::uint64_t seed = 0;              // jitter; 0: from the OS
};

enum class Link {
  offline,    // the last exchange failed to reach the server; retrying
  online,     // exchanges work; the live channel is not (yet) up
  live,       // and the live channel is open
};

enum class Stop {
  none,
  sign_in_required,  // the session ended (401): nothing more is tried until a new sign-in
  reload_required,   // this build is older than the server accepts (426)
  server_too_old,    // the server is older than this build (409): the outbox waits
};

struct SyncStatus {
  Link link = Link::offline;
  Stop stop = Stop::none;
  bool started = false;
  bool busy = false;              // an exchange is under way
  bool have_share = false;        // a full share has arrived at least once on this device (all its pages)
  std::size_t share_records = 0;  // while a share comes in pages: the records it brought so far
  bool more_coming = false;       // the last answer was a page: the next is being pulled
  std::size_t waiting = 0;        // changes not yet answered by the server
  std::size_t notices = 0;        // conflicts and refusals not yet dismissed
  Time last_sync = 0;             // wall time of the last successful exchange (0: never)
  std::string error;              // the last failure, in words ("" when the last exchange worked)
  int retry_in_ms = 0;            // when offline: the next attempt in about this long
  std::uint64_t exchanges = 0;    // HTTP requests answered (pushes, pulls, polls): for tests and benchmarks
};

class SyncClient {
 public:
  using Clock = std::chrono::steady_clock;

  SyncClient(Store& store, HttpClient& http, SyncOptions options = {});
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Starts syncing; the store's replica values "client_id" and "manager" must be set.
  void start(Time now);
  // Cancels everything in flight; nothing more is sent until start().
  void stop();

  // A local change was committed: push it now (or right after the exchange under way).
  void nudge();
  // Pull now (the tab became visible again, the manager asked).
  void refresh();
  // Counts again what waits and what is to be told (after a notice was dismissed).
  void recount() { count_waiting(); }

  // Runs what the HTTP client finished and what the timers say is due. Returns what
  // changed in the store since the last call, in order, for the open session to follow.
  std::vector<RemoteApplied> poll(Time now);

  const SyncStatus& status() const { return status_; }
  std::int64_t cursor() const { return cursor_; }

 private:
  void kick(Clock::time_point t);
  void begin_exchange(Clock::time_point t, Time now);
  void begin_push(const std::vector<OutboxEntry>& entries, Time now);
  void begin_pull();
  void begin_live(Clock::time_point t);
  void on_push(HttpResponse r, std::vector<OutboxEntry> sent, Time now);
  void on_pull(HttpResponse r);
  void on_live(HttpResponse r);
  // A non-2xx or network failure of an exchange: sets stop/backoff. True if it stops sync.
  bool failed(const HttpResponse& r, const char* what);
  void succeeded();
  // `more`: the batch is a page and the rest follows (pulled at once).
  void apply(const RemoteBatch& batch, Time now, bool more = false);
  void count_waiting();
  int backoff_ms(int attempt);
  std::vector<std::pair<std::string, std::string>> headers() const;

  Store& store_;
  HttpClient& http_;
  SyncOptions opt_;
  SyncStatus status_;
  std::string client_id_;
  std::int64_t cursor_ = 0;
  std::mt19937_64 rng_;
  Time now_ = 0;

  bool running_ = false;
  std::optional<RequestId> exchange_, live_;
  bool push_wanted_ = false, pull_wanted_ = false;
  int failures_ = 0, live_failures_ = 0;
  bool unreachable_ = false;      // the last exchange failed to reach the server (Link::offline)
  bool share_incomplete_ = false; // a share in pages is arriving (replica value "share_incomplete")
  Clock::time_point next_exchange_{}, next_live_{}, next_periodic_{}, last_poll_{};
  std::int64_t live_cursor_ = 0;  // the newest cursor the live channel told of
  Clock::time_point live_sent_{};  // when the poll in flight left
  // Past the HTTP client's connect timeout (3 s), a poll still out is parked at the server.
  static constexpr int kParkedAfterMs = 4000;
  std::vector<RemoteApplied> applied_;
  std::size_t batch_ = 0;         // mutations per push now (halved on 413)
};

}  // namespace cockpit::client
