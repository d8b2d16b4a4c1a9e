// libmicrohttpd glue: one Conn per request, the body gathered under a size cap, the
// handler called once the body is complete, the response queued or the connection
// suspended for a Deferred, one log line when the request ends.
#include "server/http.hpp"

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "domain/time.hpp"
#include "server/unavailable.hpp"

namespace cockpit::server {

using Clock = std::chrono::steady_clock;

struct HttpServer::Conn {
  Request req;
  Clock::time_point start;
  std::size_t max_body = 0;  // from the Admission
  bool too_large = false;
  bool queued = false;
  int status = 0;
  std::uint64_t bytes = 0;
  std::shared_ptr<Deferred> deferred;
};

Response Response::error(int status, const std::string& message, const std::string& field,
                         const std::string& code) {
  nlohmann::json j{{"error", message}};
  if (!field.empty()) j["field"] = field;
  if (!code.empty()) j["code"] = code;
  return json(status, j);
}

Response failure_response(const std::exception& e) {
  if (dynamic_cast<const Unavailable*>(&e) == nullptr) return Response::error(500, "internal error");
  Response r = Response::error(503, "the server's database is unreachable; try again shortly", "", "unavailable");
  r.header("Retry-After", "1");
  return r;
}

void Deferred::complete(Response r) {
  std::lock_guard lock(mu_);
  if (done_ || response_) return;
  response_ = std::move(r);
  if (resume_) {
    auto f = std::move(resume_);
    resume_ = nullptr;
    f();  // MHD_resume_connection: thread-safe, only signals the connection's thread
  }
}

bool Deferred::completed() const {
  std::lock_guard lock(mu_);
  return done_ || response_.has_value();
}

namespace {

// A big request or response (an upstream system's whole book, a new device's full
// share, a lead's) leaves tens to hundreds of MiB free inside malloc's arenas (one per
// HTTP thread), which glibc keeps for the process: after one 60 MB ingest the server
// stayed at 500+ MiB with nothing in use. Past this size the memory goes back to the
// system when the request is done (malloc_trim walks the free lists: a few ms, rare).
constexpr std::size_t kTrimAfter = 1u << 20;

void give_back_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

void free_string(void* cls) {
  auto* s = static_cast<std::string*>(cls);
  const bool big = s->size() >= kTrimAfter;
  delete s;
  if (big) give_back_memory();
}

// Request text as it goes into the log: bytes outside printable ASCII as \xNN, so a
// "%0a" in a path cannot start a forged log line.
std::string printable(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  static const char* kHex = "0123456789abcdef";
  for (unsigned char ch : s) {
    if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
      out += static_cast<char>(ch);
    } else {
      out += "\\x";
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

MHD_Result queue(HttpServer* srv, MHD_Connection* c, HttpServer::Conn* st, Response& r) {
  srv->decorate(st->req, r);
  MHD_Response* resp = nullptr;
  if (r.file_fd >= 0) {
    resp = MHD_create_response_from_fd(static_cast<size_t>(r.file_size), r.file_fd);
    st->bytes = r.file_size;
  } else {
    auto* body = new std::string(std::move(r.body));
    st->bytes = body->size();
    resp = MHD_create_response_from_buffer_with_free_callback_cls(body->size(), body->data(), free_string, body);
    if (!resp) delete body;
  }
  if (!resp) return MHD_NO;
  if (!r.content_type.empty()) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
  for (const auto& [k, v] : r.headers) MHD_add_response_header(resp, k.c_str(), v.c_str());
  st->status = r.status;
  st->queued = true;
  MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
  MHD_destroy_response(resp);
  return ok;
}

MHD_Result collect(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* m = static_cast<std::map<std::string, std::string>*>(cls);
  m->emplace(key ? key : "", value ? value : "");
  return MHD_YES;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* m = static_cast<std::map<std::string, std::string>*>(cls);
  std::string k = key ? key : "";
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char ch) { return std::tolower(ch); });
  (*m)[k] = value ? value : "";
  return MHD_YES;
}

void fill_request(MHD_Connection* c, Request& req) {
  MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req.headers);
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &req.query);
  MHD_get_connection_values(c, MHD_COOKIE_KIND, collect, &req.cookies);
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info && info->client_addr) {
    char buf[INET6_ADDRSTRLEN] = {0};
    const sockaddr* sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
      auto* in = reinterpret_cast<const sockaddr_in*>(sa);
      inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
      req.peer_loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (sa->sa_family == AF_INET6) {
      auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
      inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
      req.peer_loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    req.peer_ip = buf;
  }
}

Response too_large(std::size_t max_body) {
  return Response::error(413, "request body larger than " + std::to_string(max_body) + " bytes", "", "too_large");
}

// The first call for a request: the request line and every header are here, no byte of
// the body has been read. Credentials, rate limits and the body's limit are decided now.
MHD_Result begin_request(HttpServer* srv, MHD_Connection* c, const char* url, const char* method, void** con_cls) {
  auto* st = new HttpServer::Conn;
  *con_cls = st;
  ++srv->in_flight_;
  st->start = Clock::now();
  st->req.method = method ? method : "";
  st->req.path = url ? url : "/";
  fill_request(c, st->req);
  Admission a;
  try {
    a = srv->admit(st->req);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: admitting a request: %s\n", e.what());
    a.refuse = failure_response(e);
  }
  // A refusal is sent before the body is read, and the connection is closed after it:
  // a refused client holds no slot.
  if (a.refuse) {
    a.refuse->header("Connection", "close");
    return queue(srv, c, st, *a.refuse);
  }
  st->max_body = a.max_body;
  const char* cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl && std::strtoull(cl, nullptr, 10) > st->max_body) {
    st->too_large = true;
    Response r = too_large(st->max_body);
    return queue(srv, c, st, r);
  }
  return MHD_YES;
}

// A body without Content-Length (chunked) is held to the same limit while it arrives.
void receive(HttpServer::Conn* st, const char* upload, std::size_t size) {
  if (st->too_large) return;
  if (st->req.body.size() + size > st->max_body) {
    st->too_large = true;
    std::string().swap(st->req.body);
  } else {
    st->req.body.append(upload, size);
  }
}

MHD_Result run_handler(HttpServer* srv, MHD_Connection* c, HttpServer::Conn* st) {
  Response r;
  try {
    r = srv->handler()(st->req);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s %s: %s\n", st->req.method.c_str(), printable(st->req.path).c_str(), e.what());
    r = failure_response(e);
  }
  if (r.deferred) {
    st->deferred = r.deferred;
    std::unique_lock lock(st->deferred->mu_);
    if (st->deferred->response_) {
      Response ready = std::move(*st->deferred->response_);
      lock.unlock();
      return queue(srv, c, st, ready);
    }
    MHD_suspend_connection(c);
    st->deferred->resume_ = [c] { MHD_resume_connection(c); };
    return MHD_YES;
  }
  return queue(srv, c, st, r);
}

MHD_Result on_access(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                     const char* upload, size_t* upload_size, void** con_cls) {
  auto* srv = static_cast<HttpServer*>(cls);
  auto* st = static_cast<HttpServer::Conn*>(*con_cls);
  if (!st) return begin_request(srv, c, url, method, con_cls);
  if (st->queued) {  // answered early (a refusal, 413): drop whatever body still arrives
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) {
    receive(st, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (st->deferred) {  // resumed: the Deferred's response is ready
    Response r;
    {
      std::lock_guard lock(st->deferred->mu_);
      if (st->deferred->response_) r = std::move(*st->deferred->response_);
      else r = Response::error(500, "resumed without a response");
    }
    return queue(srv, c, st, r);
  }
  if (st->too_large) {
    Response r = too_large(st->max_body);
    return queue(srv, c, st, r);
  }
  return run_handler(srv, c, st);
}

void on_done(void* cls, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode toe) {
  auto* srv = static_cast<HttpServer*>(cls);
  auto* st = static_cast<HttpServer::Conn*>(*con_cls);
  if (!st) return;
  *con_cls = nullptr;
  srv->finished(st, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
}

}  // namespace

void HttpServer::finished(Conn* st, bool ok) {
  if (st->deferred) {
    std::lock_guard lock(st->deferred->mu_);
    st->deferred->resume_ = nullptr;
    st->deferred->done_ = true;
  }
  if (opts_.log_requests) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - st->start).count();
    // One line per request: time, peer, method, path, status, bytes, ms, identity.
    std::fprintf(stderr, "%s %s %s %s %d %lluB %.1fms %s%s\n", format_time(now_utc()).c_str(),
                 st->req.peer_ip.empty() ? "-" : st->req.peer_ip.c_str(), printable(st->req.method).c_str(),
                 printable(st->req.path).c_str(), st->status, static_cast<unsigned long long>(st->bytes), ms,
                 st->req.identity.empty() ? "-" : printable(st->req.identity).c_str(), ok ? "" : " aborted");
  }
  const bool big = st->req.body.size() >= kTrimAfter;  // (a big answer: see free_string)
  delete st;
  --in_flight_;
  if (big) give_back_memory();
}

HttpServer::HttpServer(HttpOptions opts, Handler handler, Admit admit, Decorate decorate)
    : opts_(std::move(opts)), handler_(std::move(handler)), admit_(std::move(admit)), decorate_(std::move(decorate)) {}

Admission HttpServer::admit(Request& req) const {
  if (admit_) return admit_(req);
  return Admission{std::nullopt, opts_.max_body};
}

HttpServer::~HttpServer() { stop(0); }

bool HttpServer::start(std::string& error) {
  sockaddr_in a4{};
  sockaddr_in6 a6{};
  const sockaddr* sa = nullptr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
  if (inet_pton(AF_INET, opts_.bind.c_str(), &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons(opts_.port);
    sa = reinterpret_cast<const sockaddr*>(&a4);
  } else if (inet_pton(AF_INET6, opts_.bind.c_str(), &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(opts_.port);
    sa = reinterpret_cast<const sockaddr*>(&a6);
    flags |= MHD_USE_IPv6;
  } else {
    error = "--bind: not an IP address: " + opts_.bind;
    return false;
  }
  auto* d = MHD_start_daemon(flags, opts_.port, nullptr, nullptr, &on_access, this,  //
                             MHD_OPTION_SOCK_ADDR, sa,                               //
                             MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(std::max(1u, opts_.threads)),
                             MHD_OPTION_CONNECTION_LIMIT, opts_.connection_limit,        //
                             MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts_.per_address_limit,  //
                             MHD_OPTION_CONNECTION_TIMEOUT, opts_.idle_timeout_s,        //
                             MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,                      //
                             MHD_OPTION_NOTIFY_COMPLETED, &on_done, this,                //
                             MHD_OPTION_END);
  if (!d) {
    error = "cannot listen on " + opts_.bind + ":" + std::to_string(opts_.port) + ": " + std::strerror(errno);
    return false;
  }
  daemon_ = d;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? info->port : opts_.port;
  return true;
}

void HttpServer::stop(int grace_ms) {
  auto* d = static_cast<MHD_Daemon*>(daemon_);
  if (!d) return;
  daemon_ = nullptr;
  // 1. No new connections: the listening socket closes now.
  MHD_socket fd = MHD_quiesce_daemon(d);
  if (fd != MHD_INVALID_SOCKET) ::close(fd);
  // 2. Requests in progress finish (bounded by the grace period).
  const auto deadline = Clock::now() + std::chrono::milliseconds(grace_ms);
  while (in_flight_.load() > 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // 3. Close the rest and join the threads.
  MHD_stop_daemon(d);
}

std::optional<std::int64_t> int_arg(const Request& req, const std::string& name, std::int64_t fallback) {
  const std::string v = req.arg(name);
  if (v.empty()) return fallback;
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::strtoll(v.c_str(), nullptr, 10);
}

}  // namespace cockpit::server
