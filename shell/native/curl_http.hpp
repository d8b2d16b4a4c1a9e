#pragma once
// cockpit::client::HttpClient for the native shells (desktop, CLI): libcurl's multi
// interface driven by ONE worker thread.
//
//   caller's thread              worker thread
//   send() ── inbox_ ──wakeup──▶ curl_multi_add_handle, curl_multi_perform / _poll
//   cancel() ─ cancels_ ───────▶ curl_multi_remove_handle (the connection is closed)
//   poll()  ◀── done_ ◀──────── finished transfers (+ cv_ notify, + the wakeup hook)
//
// Every request has its own easy handle, so a parked long-poll never holds up another
// request: a second concurrent request opens a second connection, and the multi
// handle's connection cache keeps them alive for reuse (HTTP/1.1 keep-alive).
//
// The callbacks live on the caller's side (callbacks_): a request's callback is erased
// by cancel() and by the destructor before anything else happens, so once either
// returns the callback can never run, whatever the worker is doing at that moment.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/http.hpp"

namespace cockpit::native {

class CurlHttp final : public client::HttpClient {
 public:
  // base_url: scheme, host and port, no path: "http://127.0.0.1:8080".
  explicit CurlHttp(std::string base_url);
  ~CurlHttp() override;  // stops the worker; callbacks of unfinished requests never run
  CurlHttp(const CurlHttp&) = delete;
  CurlHttp& operator=(const CurlHttp&) = delete;

  client::RequestId send(client::HttpRequest request, std::function<void(client::HttpResponse)> done) override;
  void cancel(client::RequestId id) override;
  void poll() override;
  bool wait(int timeout_ms) override;
  void set_token(std::string token) override;
  // The hook runs on the worker thread. Once set_wakeup() returns, the previous hook is
  // not running and is never called again; the destructor likewise.
  void set_wakeup(std::function<void()> wake) override;

  // A short connect timeout: an unreachable server is reported quickly even when the
  // request itself may take long (a live poll). Default 3000 ms.
  static constexpr long kConnectTimeoutMs = 3000;

  // New TCP connections opened so far (curl's CURLINFO_NUM_CONNECTS, summed over the
  // finished transfers): a request on a kept-alive connection adds 0. For tests and stats.
  std::uint64_t connections_opened() const { return connections_.load(); }

 private:
  struct Transfer;  // one request in the worker's hands (curl_http.cpp)
  struct Finished {
    client::RequestId id;
    client::HttpResponse response;
  };

  void run();                                        // the worker thread
  void finish(Transfer& t, int curl_code);           // worker: build the response, queue it
  void start(std::unique_ptr<Transfer> t);           // worker: set up the easy handle, add it
  void wake_worker();

  const std::string base_;
  void* multi_ = nullptr;  // CURLM*; created before the worker starts, freed after it stops

  std::mutex mu_;                 // guards everything below
  std::condition_variable cv_;    // done_ got an entry, for wait()
  bool stop_ = false;
  client::RequestId next_id_ = 1;
  std::string token_;
  std::unordered_map<client::RequestId, std::function<void(client::HttpResponse)>> callbacks_;
  std::deque<std::unique_ptr<Transfer>> inbox_;  // sent, not yet picked up by the worker
  std::vector<client::RequestId> cancels_;       // cancelled while in the worker's hands
  std::deque<Finished> done_;                    // finished, callback not yet run

  std::atomic<std::uint64_t> connections_{0};

  std::mutex wake_mu_;          // held while the hook runs (worker) and while it is replaced
  std::function<void()> wake_;  // guarded by wake_mu_

  // Worker-only state.
  std::unordered_map<client::RequestId, std::unique_ptr<Transfer>> active_;

  std::thread worker_;  // last: starts after everything above is initialised
};

}  // namespace cockpit::native
