// The fault-injecting proxy (see fault_proxy.hpp).
//
// [SECTION] Policies
// [SECTION] Sockets and HTTP/1.1 framing
// [SECTION] FaultProxy: lifetime, settings, counters
// [SECTION] FaultProxy: one client connection, request by request
#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <random>
#include <stdexcept>

namespace cockpit::test {

using Clock = std::chrono::steady_clock;

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::pass: return "pass";
    case Fault::drop_request: return "drop_request";
    case Fault::lose_response: return "lose_response";
    case Fault::duplicate: return "duplicate";
    case Fault::delay: return "delay";
    case Fault::reorder: return "reorder";
    case Fault::refuse: return "refuse";
  }
  return "?";
}

FaultCounts& FaultCounts::operator+=(const FaultCounts& o) {
  connections += o.connections;
  seen += o.seen;
  forwarded += o.forwarded;
  server_answered += o.server_answered;
  answered += o.answered;
  dropped += o.dropped;
  responses_lost += o.responses_lost;
  duplicated += o.duplicated;
  delayed += o.delayed;
  reordered += o.reordered;
  reorder_timeouts += o.reorder_timeouts;
  refused += o.refused;
  cut += o.cut;
  upstream_errors += o.upstream_errors;
  held += o.held;
  for (std::size_t i = 0; i < kFaultKinds; ++i) chosen[i] += o.chosen[i];
  return *this;
}

// ---------------------------------------------------------------- [SECTION] Policies

Policy always(Fault f) {
  return [f](const RequestInfo&) { return f; };
}

Policy seeded_mix(std::uint64_t seed, std::map<Fault, double> probabilities) {
  std::vector<std::pair<double, Fault>> cumulative;  // map order: the same for the same input
  double acc = 0;
  for (const auto& [f, p] : probabilities) {
    if (p < 0) throw std::invalid_argument("seeded_mix: negative probability");
    if (p == 0 || f == Fault::pass) continue;
    acc += p;
    cumulative.emplace_back(acc, f);
  }
  if (acc > 1 + 1e-9) throw std::invalid_argument("seeded_mix: probabilities sum above 1");
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return [rng, cumulative](const RequestInfo&) {
    // 53 random bits to [0, 1): the same on every standard library, unlike
    // std::uniform_real_distribution.
    const double u = static_cast<double>((*rng)() >> 11) * 0x1.0p-53;
    for (const auto& [upper, f] : cumulative)
      if (u < upper) return f;
    return Fault::pass;
  };
}

Policy next_matching(std::string prefix, Fault f, Policy otherwise) {
  auto fired = std::make_shared<bool>(false);  // the proxy calls policies under its lock
  return [fired, prefix = std::move(prefix), f, otherwise = std::move(otherwise)](const RequestInfo& r) {
    if (!*fired && r.path.compare(0, prefix.size(), prefix) == 0) {
      *fired = true;
      return f;
    }
    return otherwise ? otherwise(r) : Fault::pass;
  };
}

// ---------------------------------------------------------------- [SECTION] Sockets and HTTP/1.1 framing

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxBody = 256u * 1024 * 1024;

bool send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Closes with a reset (RST) instead of an orderly FIN: what a refused connection looks like.
void reset_close(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

// Buffered reads from a blocking socket with a silence timeout. Everything read is kept
// byte for byte: the proxy forwards what it received, it never re-encodes.
class Reader {
 public:
  Reader(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_ms_(static_cast<int>(timeout.count())) {}

  bool buffered() const { return !buf_.empty(); }

  // Through the first "\r\n\r\n" (appended to `out`); false on EOF, error, timeout or
  // a head over `max`.
  bool head(std::string& out, std::size_t max) { return through("\r\n\r\n", out, max); }
  bool line(std::string& out, std::size_t max) { return through("\r\n", out, max); }

  bool take(std::size_t n, std::string& out) {
    while (buf_.size() < n)
      if (!fill()) return false;
    out.append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

  bool until_eof(std::string& out, std::size_t max) {
    while (fill())
      if (buf_.size() > max) return false;
    out += buf_;
    buf_.clear();
    return true;
  }

 private:
  bool through(const char* delim, std::string& out, std::size_t max) {
    const std::size_t dlen = std::strlen(delim);
    std::size_t from = 0;
    for (;;) {
      auto at = buf_.find(delim, from);
      if (at != std::string::npos) {
        out.append(buf_, 0, at + dlen);
        buf_.erase(0, at + dlen);
        return true;
      }
      if (buf_.size() > max) return false;
      from = buf_.size() >= dlen ? buf_.size() - dlen + 1 : 0;
      if (!fill()) return false;
    }
  }

  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    int n;
    do n = ::poll(&p, 1, timeout_ms_);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    char chunk[16384];
    ssize_t got;
    do got = ::recv(fd_, chunk, sizeof chunk, 0);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_;
  int timeout_ms_;
  std::string buf_;
};

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

struct Head {
  std::string first;  // request line or status line
  std::vector<std::pair<std::string, std::string>> fields;  // names lower-case

  std::string get(const std::string& name) const {
    for (const auto& [k, v] : fields)
      if (k == name) return v;
    return "";
  }
  // Whether a comma-separated header (Connection, Transfer-Encoding) lists `token`.
  bool lists(const std::string& name, const std::string& token) const {
    for (const auto& [k, v] : fields) {
      if (k != name) continue;
      std::size_t start = 0;
      while (start <= v.size()) {
        auto comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        if (lower(trim(v.substr(start, comma - start))) == token) return true;
        start = comma + 1;
      }
    }
    return false;
  }
};

bool parse_head(const std::string& raw, Head& h) {
  std::size_t pos = raw.find("\r\n");
  if (pos == std::string::npos) return false;
  h.first = raw.substr(0, pos);
  pos += 2;
  while (pos < raw.size()) {
    auto end = raw.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;  // the empty line ends the head
    std::string line = raw.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    h.fields.emplace_back(lower(line.substr(0, colon)), trim(line.substr(colon + 1)));
    pos = end + 2;
  }
  return !h.first.empty();
}

bool parse_size(const std::string& s, int base, std::uint64_t& out) {
  const char* b = s.data();
  const char* e = b + s.size();
  auto [p, ec] = std::from_chars(b, e, out, base);
  return ec == std::errc() && p != b && p == e;
}

// A chunked body, kept as received (sizes, extensions, trailers).
bool read_chunked(Reader& r, std::string& out) {
  std::uint64_t total = 0;
  for (;;) {
    std::string line;
    if (!r.line(line, 4096)) return false;
    out += line;
    std::string size_text = line.substr(0, line.size() - 2);
    size_text = trim(size_text.substr(0, size_text.find(';')));
    std::uint64_t size = 0;
    if (!parse_size(size_text, 16, size)) return false;
    if (size == 0) {
      for (;;) {  // trailer fields, then the empty line
        std::string t;
        if (!r.line(t, kMaxHead)) return false;
        out += t;
        if (t == "\r\n") return true;
      }
    }
    total += size;
    if (total > kMaxBody) return false;
    std::string data;
    if (!r.take(static_cast<std::size_t>(size) + 2, data)) return false;
    if (data.compare(data.size() - 2, 2, "\r\n") != 0) return false;
    out += data;
  }
}

enum class Framing { none, length, chunked, until_close };

// How a message's body is delimited (RFC 9112 §6.3, the cases that matter here).
bool framing_of(const Head& h, bool is_response, Framing& how, std::uint64_t& length) {
  if (h.lists("transfer-encoding", "chunked")) {
    how = Framing::chunked;
    return true;
  }
  const std::string cl = h.get("content-length");
  if (!cl.empty()) {
    how = Framing::length;
    return parse_size(cl, 10, length) && length <= kMaxBody;
  }
  how = is_response ? Framing::until_close : Framing::none;
  return true;
}

bool read_body(Reader& r, Framing how, std::uint64_t length, std::string& out) {
  switch (how) {
    case Framing::none: return true;
    case Framing::length: return r.take(static_cast<std::size_t>(length), out);
    case Framing::chunked: return read_chunked(r, out);
    case Framing::until_close: return r.until_eof(out, kMaxBody);
  }
  return false;
}

int status_of(const std::string& status_line) {
  // "HTTP/1.1 200 OK"
  auto sp = status_line.find(' ');
  if (sp == std::string::npos || status_line.compare(0, 5, "HTTP/") != 0) return -1;
  std::uint64_t code = 0;
  if (!parse_size(status_line.substr(sp + 1, 3), 10, code)) return -1;
  return static_cast<int>(code);
}

std::string simple_response(int status, const char* reason, const std::string& json_body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json_body.size()) +
         "\r\nConnection: close\r\n\r\n" + json_body;
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] FaultProxy: lifetime, settings, counters

struct FaultProxy::Conn {
  std::uint64_t id = 0;
  int client_fd = -1;
  int upstream_fd = -1;  // mu_: set while a forward is in progress, so set_down can cut it
  bool killed = false;   // mu_: cut by set_down or the destructor
  bool reset = false;    // close with RST (Fault::refuse)
  std::atomic<bool> finished{false};
};

FaultProxy::FaultProxy(std::uint16_t target_port) : FaultProxy(target_port, Options{}) {}

FaultProxy::FaultProxy(std::uint16_t target_port, Options options) : target_port_(target_port), options_(options) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("fault proxy: socket: " + std::string(std::strerror(errno)));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1: " + why);
  }
  port_ = ntohs(a.sin_port);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fault proxy: eventfd: " + std::string(std::strerror(errno)));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    cut_all_locked();
    changed_.notify_all();
  }
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(wake_fd_, &one, sizeof one);
  acceptor_.join();
  for (auto& w : workers_) w.thread.join();  // every blocking call of theirs was cut above
  workers_.clear();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

std::string FaultProxy::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string FaultProxy::url(const std::string& path) const { return base_url() + path; }

void FaultProxy::set_policy(Policy p) {
  std::lock_guard lock(mu_);
  policy_ = std::move(p);
}

void FaultProxy::fault_next(const std::string& prefix, Fault f) {
  std::lock_guard lock(mu_);
  policy_ = next_matching(prefix, f, std::move(policy_));
}

void FaultProxy::set_delay(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  options_.delay = d;
}

void FaultProxy::set_reorder_timeout(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  options_.reorder_timeout = d;
}

void FaultProxy::set_target(std::uint16_t target_port) {
  std::lock_guard lock(mu_);
  target_port_ = target_port;
}

void FaultProxy::set_down(bool down) {
  std::lock_guard lock(mu_);
  down_ = down;
  if (down) cut_all_locked();
  changed_.notify_all();
}

bool FaultProxy::down() const {
  std::lock_guard lock(mu_);
  return down_;
}

void FaultProxy::cut_all_locked() {
  // Only shutdown() here: the fds stay open (and so cannot be reused by another socket)
  // until their own thread closes them after leaving `open_`.
  for (auto& [id, c] : open_) {
    if (c->killed) continue;
    c->killed = true;
    ++total_.cut;
    ::shutdown(c->client_fd, SHUT_RDWR);
    if (c->upstream_fd >= 0) ::shutdown(c->upstream_fd, SHUT_RDWR);
  }
}

FaultCounts FaultProxy::counts() const {
  std::lock_guard lock(mu_);
  return total_;
}

FaultCounts FaultProxy::counts(const std::string& path_prefix) const {
  std::lock_guard lock(mu_);
  FaultCounts sum;
  for (const auto& [path, c] : by_path_)
    if (path.compare(0, path_prefix.size(), path_prefix) == 0) sum += c;
  return sum;
}

std::map<std::string, FaultCounts> FaultProxy::counts_by_path() const {
  std::lock_guard lock(mu_);
  return by_path_;
}

void FaultProxy::reset_counts() {
  std::lock_guard lock(mu_);
  const std::uint64_t held = total_.held;  // a gauge: requests held now stay counted
  total_ = FaultCounts{};
  total_.held = held;
  for (auto& [path, c] : by_path_) {
    const std::uint64_t h = c.held;
    c = FaultCounts{};
    c.held = h;
  }
}

bool FaultProxy::wait_for(const std::function<bool(const FaultCounts&)>& pred, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return pred(total_); });
}

void FaultProxy::bump(const std::string& path, const std::function<void(FaultCounts&)>& f) {
  std::lock_guard lock(mu_);
  f(total_);
  f(by_path_[path]);
  changed_.notify_all();
}

void FaultProxy::reap_finished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->conn->finished) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void FaultProxy::accept_loop() {
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || p[1].revents) return;  // closing
    if (!(p[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {  // out of descriptors: do not spin, wake on close
        reap_finished();
        pollfd w{wake_fd_, POLLIN, 0};
        if (::poll(&w, 1, 50) > 0) return;
      }
      continue;
    }
    reap_finished();
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto conn = std::make_shared<Conn>();
    {
      std::lock_guard lock(mu_);
      if (closing_) {
        reset_close(fd);
        return;
      }
      ++total_.connections;
      if (down_) {
        ++total_.refused;
        changed_.notify_all();
        reset_close(fd);
        continue;
      }
      conn->id = ++next_conn_;
      conn->client_fd = fd;
      open_[conn->id] = conn;
      changed_.notify_all();
    }
    workers_.push_back(Worker{std::thread([this, conn] { serve(conn); }), conn});
  }
}

// ---------------------------------------------------------------- [SECTION] FaultProxy: one client connection, request by request

bool FaultProxy::hold(Conn& c, const std::string& path, Clock::time_point deadline, const std::function<bool()>& released) {
  std::unique_lock lock(mu_);
  ++total_.held;
  ++by_path_[path].held;
  changed_.notify_all();
  changed_.wait_until(lock, deadline, [&] { return closing_ || c.killed || released(); });
  --total_.held;
  --by_path_[path].held;
  changed_.notify_all();
  return !closing_ && !c.killed;
}

bool FaultProxy::forward(Conn& c, const RequestInfo& info, const std::string& raw, std::string& response, bool& closes) {
  response.clear();
  closes = false;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  std::uint16_t target_port = 0;
  {
    std::lock_guard lock(mu_);
    if (closing_ || c.killed) {
      ::close(fd);
      return false;
    }
    c.upstream_fd = fd;
    target_port = target_port_;
  }
  auto release_fd = [&] {
    {
      std::lock_guard lock(mu_);
      c.upstream_fd = -1;
    }
    ::close(fd);
  };
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(target_port);
  int rc;
  do rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    release_fd();
    return false;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bump(info.path, [](FaultCounts& k) { ++k.forwarded; });
  // A failed send is not the end: the server may have answered early (413 before the
  // body) and closed; its answer is what the client should get.
  send_all(fd, raw);
  Reader up(fd, options_.io_timeout);
  bool ok = false;
  for (;;) {
    std::string head;
    Head h;
    if (!up.head(head, kMaxHead) || !parse_head(head, h)) break;
    const int status = status_of(h.first);
    if (status < 0) break;
    if (status >= 100 && status < 200 && status != 101) continue;  // interim (100 Continue): not the answer
    Framing how = Framing::none;
    std::uint64_t length = 0;
    const bool no_body = info.method == "HEAD" || status == 204 || status == 304;
    if (!no_body && !framing_of(h, true, how, length)) break;
    if (no_body) how = Framing::none;
    response = head;
    if (!read_body(up, how, length, response)) break;
    closes = how == Framing::until_close || h.lists("connection", "close") || h.first.compare(0, 8, "HTTP/1.0") == 0;
    ok = true;
    break;
  }
  release_fd();
  if (ok) {
    std::lock_guard lock(mu_);
    ++total_.server_answered;
    ++by_path_[info.path].server_answered;
    max_answered_seq_ = std::max(max_answered_seq_, info.seq);
    changed_.notify_all();
  }
  return ok;
}

void FaultProxy::serve(const std::shared_ptr<Conn>& cp) {
  Conn& c = *cp;
  Reader in(c.client_fd, options_.io_timeout);
  bool keep = true;
  while (keep) {
    std::string raw;
    if (!in.head(raw, kMaxHead)) break;  // EOF between requests: the client is done
    Head h;
    std::string method, target, version;
    if (parse_head(raw, h)) {
      auto sp1 = h.first.find(' ');
      auto sp2 = sp1 == std::string::npos ? sp1 : h.first.find(' ', sp1 + 1);
      if (sp2 != std::string::npos) {
        method = h.first.substr(0, sp1);
        target = h.first.substr(sp1 + 1, sp2 - sp1 - 1);
        version = h.first.substr(sp2 + 1);
      }
    }
    Framing how = Framing::none;
    std::uint64_t length = 0;
    if (method.empty() || !framing_of(h, false, how, length)) {
      send_all(c.client_fd, simple_response(400, "Bad Request", R"({"error":"fault proxy: malformed request"})"));
      break;
    }
    if (h.lists("expect", "100-continue") && !send_all(c.client_fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
    const std::size_t head_size = raw.size();
    if (!read_body(in, how, length, raw)) break;

    RequestInfo info;
    info.method = method;
    info.target = target;
    info.path = target.substr(0, target.find('?'));
    info.body = raw.substr(head_size);
    info.connection = c.id;
    Fault fault = Fault::pass;
    std::chrono::milliseconds delay, reorder_timeout;
    {
      std::lock_guard lock(mu_);
      if (closing_ || c.killed) break;
      info.seq = ++next_seq_;
      fault = policy_ ? policy_(info) : Fault::pass;
      for (FaultCounts* k : {&total_, &by_path_[info.path]}) {
        ++k->seen;
        ++k->chosen[static_cast<std::size_t>(fault)];
      }
      delay = options_.delay;
      reorder_timeout = options_.reorder_timeout;
      changed_.notify_all();
    }
    keep = !h.lists("connection", "close") && (version != "HTTP/1.0" || h.lists("connection", "keep-alive"));

    if (fault == Fault::refuse) {
      bump(info.path, [](FaultCounts& k) { ++k.refused; });
      c.reset = true;
      break;
    }
    if (fault == Fault::drop_request) {
      bump(info.path, [](FaultCounts& k) { ++k.dropped; });
      break;
    }
    if (fault == Fault::delay) {
      if (!hold(c, info.path, Clock::now() + delay, [] { return false; })) break;
      bump(info.path, [](FaultCounts& k) { ++k.delayed; });
    }
    if (fault == Fault::reorder) {
      bool by_later = false;
      const std::uint64_t seq = info.seq;
      if (!hold(c, info.path, Clock::now() + reorder_timeout, [&] { return by_later = max_answered_seq_ > seq; })) break;
      bump(info.path, [by_later](FaultCounts& k) { ++(by_later ? k.reordered : k.reorder_timeouts); });
    }

    std::string response;
    bool closes = false;
    bool ok = forward(c, info, raw, response, closes);
    if (ok && fault == Fault::duplicate) {
      ok = forward(c, info, raw, response, closes);  // the first answer is dropped
      if (ok) bump(info.path, [](FaultCounts& k) { ++k.duplicated; });
    }
    bool killed;
    {
      std::lock_guard lock(mu_);
      killed = c.killed || closing_;
    }
    if (killed) break;
    if (!ok) {
      bump(info.path, [](FaultCounts& k) { ++k.upstream_errors; });
      send_all(c.client_fd, simple_response(502, "Bad Gateway", R"({"error":"fault proxy: no answer from the server"})"));
      break;
    }
    if (fault == Fault::lose_response) {
      bump(info.path, [](FaultCounts& k) { ++k.responses_lost; });
      break;
    }
    // Counted before the client can have it, so a test that got the answer sees the count.
    bump(info.path, [](FaultCounts& k) { ++k.answered; });
    if (!send_all(c.client_fd, response)) break;
    if (closes) keep = false;
  }
  {
    std::lock_guard lock(mu_);
    open_.erase(c.id);
    changed_.notify_all();
  }
  if (c.reset) reset_close(c.client_fd);
  else ::close(c.client_fd);
  c.finished = true;
}

}  // namespace cockpit::test
