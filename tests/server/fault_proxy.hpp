#pragma once
// A fault-injecting HTTP/1.1 proxy for the sync fault tests (`tc netem` is not available
// here). It listens on 127.0.0.1, port 0, and forwards to 127.0.0.1:target (the real
// cockpit-server), request by request, also on keep-alive connections. For every request
// a policy picks a Fault: pass it, drop it, lose its response after the server answered,
// send it twice, hold it for a while, or hold it until a later request has been answered
// (so two requests reach the server in the opposite order). `set_down(true)` is the
// network going away: every connection is cut and new ones are reset until
// `set_down(false)`.
//
// One thread accepts; one thread serves each client connection; every forwarded request
// goes to the server on a fresh upstream connection (so an idle upstream connection the
// server has closed can never turn into a spurious error). Holding a request (delay,
// reorder) is a timed wait that `set_down` and the destructor interrupt. The destructor
// cuts every connection and joins every thread.
//
//     FaultProxy proxy(server.port());
//     proxy.fault_next("/api/push", Fault::lose_response);   // one-shot, then the old policy
//     auto r = call_url(proxy.base_url(), push_call);         // r.status == 0: no answer
//     proxy.counts("/api/push").responses_lost == 1;
//
//     proxy.set_policy(seeded_mix(7, {{Fault::drop_request, 0.1}, {Fault::duplicate, 0.1}}));
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cockpit::test {

enum class Fault {
  pass,           // forward, return the response
  drop_request,   // never forwarded; the client connection is closed
  lose_response,  // forwarded, the whole response read (the server committed), the client connection closed
  duplicate,      // forwarded twice, one after the other on separate upstream connections; the 2nd answer returned
  delay,          // held for the proxy's delay, then passed
  reorder,        // held until a later request has been forwarded and answered (or a timeout), then passed
  refuse,         // this request's connection is reset (as if the proxy were down)
};
inline constexpr std::size_t kFaultKinds = 7;
const char* fault_name(Fault f);

struct RequestInfo {
  std::string method;
  std::string target;       // as sent: path and query
  std::string path;         // without the query
  std::string body;
  std::uint64_t seq = 0;    // 1, 2, 3, … over all connections, in the order requests were read
  std::uint64_t connection = 0;  // 1, 2, 3, … in the order connections were accepted
};

struct FaultCounts {
  std::uint64_t connections = 0;       // client connections accepted (totals only)
  std::uint64_t seen = 0;              // requests read from clients
  std::uint64_t forwarded = 0;         // requests sent to the server (a duplicate counts twice)
  std::uint64_t server_answered = 0;   // complete responses read from the server
  std::uint64_t answered = 0;          // responses passed back to clients (counted as the send starts)
  std::uint64_t dropped = 0;           // drop_request applied
  std::uint64_t responses_lost = 0;    // lose_response applied after the server answered
  std::uint64_t duplicated = 0;        // duplicate applied (both copies forwarded)
  std::uint64_t delayed = 0;           // delay applied (held the full time, then forwarded)
  std::uint64_t reordered = 0;         // reorder: released by a later answered request
  std::uint64_t reorder_timeouts = 0;  // reorder: released by the timeout
  std::uint64_t refused = 0;           // connections reset: Fault::refuse, or accepted while down
  std::uint64_t cut = 0;               // connections cut by set_down(true) or the destructor
  std::uint64_t upstream_errors = 0;   // server unreachable or closed before a full response (client gets 502)
  std::uint64_t held = 0;              // requests being held right now (delay or reorder)
  std::array<std::uint64_t, kFaultKinds> chosen{};  // what the policy picked, by Fault

  std::uint64_t chose(Fault f) const { return chosen[static_cast<std::size_t>(f)]; }
  FaultCounts& operator+=(const FaultCounts& o);
};

// Called once per request, in `seq` order, under the proxy's lock: keep it quick and
// non-throwing, and it needs no locking of its own (nor may it call the proxy). An empty
// policy passes everything.
using Policy = std::function<Fault(const RequestInfo&)>;

// The same fault for every request.
Policy always(Fault f);
// A deterministic seeded random mix: each request gets fault F with probability p[F],
// pass with the rest (probabilities summing to at most 1). The same seed and the same
// request order give the same faults (the generator is mt19937_64, mapped without
// implementation-defined distributions).
Policy seeded_mix(std::uint64_t seed, std::map<Fault, double> probabilities);
// `f` for the next request whose path starts with `prefix` (and only that one); every
// other request, before and after, goes to `otherwise` (pass when empty).
Policy next_matching(std::string prefix, Fault f, Policy otherwise = {});

class FaultProxy {
 public:
  struct Options {
    std::chrono::milliseconds delay{300};             // how long Fault::delay holds a request
    std::chrono::milliseconds reorder_timeout{5000};  // the longest Fault::reorder holds one
    std::chrono::milliseconds io_timeout{60000};      // a silent socket for this long ends its connection
  };

  // Starts listening at once (fails with std::runtime_error when it cannot).
  explicit FaultProxy(std::uint16_t target_port);
  FaultProxy(std::uint16_t target_port, Options options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const;                     // "http://127.0.0.1:PORT"
  std::string url(const std::string& path) const;   // base_url() + path

  void set_policy(Policy p);
  // Applies `f` to the next request whose path starts with `prefix`, then goes back to
  // the policy in force now: next_matching(prefix, f, current policy).
  void fault_next(const std::string& prefix, Fault f);
  void set_delay(std::chrono::milliseconds d);
  void set_reorder_timeout(std::chrono::milliseconds d);
  // Forwards to 127.0.0.1:target_port from the next forwarded request on (a server that
  // restarted on another port keeps its clients' address: the proxy's).
  void set_target(std::uint16_t target_port);

  // true: cut every open connection (held and in-flight requests included) and reset new
  // ones; false: serve again.
  void set_down(bool down);
  bool down() const;

  // Totals, or the sum over the paths that start with `path_prefix` (connections,
  // refused-while-down and cut are counted in the totals only: they have no path).
  FaultCounts counts() const;
  FaultCounts counts(const std::string& path_prefix) const;
  std::map<std::string, FaultCounts> counts_by_path() const;
  void reset_counts();

  // Waits until `pred(counts())` holds (re-checked on every change of the counters), or
  // `timeout`; returns whether it held. For tests to wait for "the request is held now".
  bool wait_for(const std::function<bool(const FaultCounts&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) const;

 private:
  struct Conn;  // one client connection (fault_proxy.cpp)
  struct Worker {
    std::thread thread;
    std::shared_ptr<Conn> conn;
  };

  void accept_loop();
  void serve(const std::shared_ptr<Conn>& c);
  void reap_finished();  // accept thread only
  void cut_all_locked(); // mu_ held

  // Applies `f` to the totals and to the path's counters (under mu_), waking wait_for.
  void bump(const std::string& path, const std::function<void(FaultCounts&)>& f);

  // Sends one request on a fresh upstream connection and reads the full response into
  // `response`; false when the server could not be reached or did not answer fully.
  bool forward(Conn& c, const RequestInfo& info, const std::string& raw_request, std::string& response,
               bool& response_closes);
  // Holds the request until `released()` (checked under mu_ on every change) or
  // `deadline`; false when its connection was cut or the proxy is closing meanwhile.
  bool hold(Conn& c, const std::string& path, std::chrono::steady_clock::time_point deadline,
            const std::function<bool()>& released);

  std::uint16_t target_port_ = 0;  // mu_
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: wakes the accept loop on shutdown

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // any counter or state change
  Options options_;
  Policy policy_;
  bool down_ = false;
  bool closing_ = false;
  std::uint64_t next_seq_ = 0, next_conn_ = 0;
  std::uint64_t max_answered_seq_ = 0;  // the largest seq the server has answered (reorder releases on it)
  FaultCounts total_;
  std::map<std::string, FaultCounts> by_path_;
  std::map<std::uint64_t, std::shared_ptr<Conn>> open_;

  std::vector<Worker> workers_;  // the accept thread's (and the destructor's, after joining it)
  std::thread acceptor_;
};

}  // namespace cockpit::test
