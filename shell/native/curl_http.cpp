#include "native/curl_http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iterator>
#include <new>
#include <string_view>
#include <utility>

namespace cockpit::native {

using client::HttpRequest;
using client::HttpResponse;
using client::RequestId;

namespace {

std::once_flag g_curl_init;

// The header keeps curl.h out of its includers: the multi handle is a void* there.
CURLM* multi(void* m) { return static_cast<CURLM*>(m); }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != prefix[i]) return false;
  }
  return true;
}

// "Retry-After: 7" → 7. The HTTP-date form (which the server never sends) → -1.
int parse_retry_after(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  if (v.empty()) return -1;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = std::min<long long>(n * 10 + (c - '0'), 1'000'000'000);  // saturate, never overflow
  }
  return static_cast<int>(n);
}

// What went wrong, in words first, then curl's own detail ("timed out (Operation timed
// out after 300 milliseconds with 0 bytes received)").
std::string describe(CURLcode rc, long os_errno, const char* detail) {
  std::string what;
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      what = os_errno == ECONNREFUSED ? "connection refused" : "cannot connect to the server";
      break;
    case CURLE_OPERATION_TIMEDOUT: what = "timed out"; break;
    case CURLE_COULDNT_RESOLVE_HOST: what = "server name not found"; break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      what = os_errno == ECONNRESET ? "connection reset" : "connection lost";
      break;
    case CURLE_GOT_NOTHING: what = "connection closed without an answer"; break;
    case CURLE_PARTIAL_FILE: what = "answer cut short"; break;
    default: what = curl_easy_strerror(rc); break;
  }
  if (detail && *detail) what += std::string(" (") + detail + ")";
  return what;
}

std::string without_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

// One request in the worker's hands. Owned by the inbox, then by active_; its easy
// handle is always removed from the multi handle before the Transfer is destroyed.
struct CurlHttp::Transfer {
  RequestId id = 0;
  HttpRequest req;
  std::string url, token;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // the response's
  int retry_after_s = -1;
  char error[CURL_ERROR_SIZE] = {};

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (headers) curl_slist_free_all(headers);
  }

  static size_t on_body(char* p, size_t size, size_t n, void* ud) {
    static_cast<Transfer*>(ud)->body.append(p, size * n);
    return size * n;
  }
  static size_t on_header(char* p, size_t size, size_t n, void* ud) {
    auto* t = static_cast<Transfer*>(ud);
    const std::string_view line(p, size * n);
    if (line.starts_with("HTTP/")) {
      t->retry_after_s = -1;  // a new response (after an interim 1xx): forget the old one
    } else if (starts_with_nocase(line, "retry-after:")) {
      t->retry_after_s = parse_retry_after(line.substr(12));
    }
    return size * n;
  }
};

CurlHttp::CurlHttp(std::string base_url) : base_(without_trailing_slash(std::move(base_url))) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  if (!multi_) throw std::bad_alloc();
  worker_ = std::thread([this] { run(); });
}

CurlHttp::~CurlHttp() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    // From here on no callback can run: poll() finds none, and the worker drops what
    // finishes while it winds down.
    callbacks_.clear();
    done_.clear();
  }
  wake_worker();
  worker_.join();
  inbox_.clear();
  curl_multi_cleanup(multi(multi_));
}

RequestId CurlHttp::send(HttpRequest request, std::function<void(HttpResponse)> done) {
  auto t = std::make_unique<Transfer>();
  t->url = base_ + request.path;
  t->req = std::move(request);
  RequestId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    t->id = id;
    t->token = token_;  // the token as of now: set_token() affects later requests only
    callbacks_.emplace(id, std::move(done));
    inbox_.push_back(std::move(t));
  }
  wake_worker();
  return id;
}

void CurlHttp::cancel(RequestId id) {
  bool tell_worker = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (callbacks_.erase(id) == 0) return;  // unknown, already run, or already cancelled
    auto queued = std::find_if(inbox_.begin(), inbox_.end(), [&](const auto& t) { return t->id == id; });
    if (queued != inbox_.end()) {
      inbox_.erase(queued);  // never reached the worker
    } else if (std::erase_if(done_, [&](const Finished& f) { return f.id == id; }) == 0) {
      cancels_.push_back(id);  // in flight: the worker removes the handle (closing its connection)
      tell_worker = true;
    }
  }
  if (tell_worker) wake_worker();
}

void CurlHttp::poll() {
  std::deque<Finished> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(done_);
  }
  // Only what finished before this call: a callback that sends a request which finishes
  // at once sees it run in the next poll(), so poll() always returns.
  while (!batch.empty()) {
    Finished f = std::move(batch.front());
    batch.pop_front();
    std::function<void(HttpResponse)> cb;
    {
      // Looked up one at a time: a callback may cancel a request finished in this batch.
      std::lock_guard<std::mutex> lock(mu_);
      auto it = callbacks_.find(f.id);
      if (it == callbacks_.end()) continue;
      cb = std::move(it->second);
      callbacks_.erase(it);
    }
    if (!cb) continue;
    try {
      cb(std::move(f.response));
    } catch (...) {
      // The rest of the batch is not lost: it waits for the next poll().
      std::lock_guard<std::mutex> lock(mu_);
      done_.insert(done_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
      throw;
    }
  }
}

bool CurlHttp::wait(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(std::max(0, timeout_ms)), [&] { return !done_.empty(); });
}

void CurlHttp::set_token(std::string token) {
  std::lock_guard<std::mutex> lock(mu_);
  token_ = std::move(token);
}

void CurlHttp::set_wakeup(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(wake_mu_);
  wake_.swap(wake);
}

void CurlHttp::wake_worker() { curl_multi_wakeup(multi(multi_)); }

// ---------------------------------------------------------------- the worker

void CurlHttp::start(std::unique_ptr<Transfer> t) {
  t->easy = curl_easy_init();
  CURL* h = t->easy;
  if (!h) {
    finish(*t, CURLE_OUT_OF_MEMORY);
    return;
  }
  const HttpRequest& r = t->req;
  curl_easy_setopt(h, CURLOPT_URL, t->url.c_str());
  curl_easy_setopt(h, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);     // timeouts without SIGALRM: we are a library in a thread
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);  // curl's default; said out loud: latency matters
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "cockpit-native");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t.get());
  if (r.timeout_ms > 0) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(kConnectTimeoutMs, r.timeout_ms));
  } else {
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  }

  if (r.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  }
  if (r.method == "POST" || !r.body.empty()) {
    // Not copied: t->req lives as long as the transfer.
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }

  bool has_type = false;
  for (const auto& [name, value] : r.headers) {
    has_type |= starts_with_nocase(name, "content-type") && name.size() == 12;
    t->headers = curl_slist_append(t->headers, (name + ": " + value).c_str());
  }
  if (!r.body.empty() && !has_type) t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
  t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip before a body
  if (!t->token.empty()) t->headers = curl_slist_append(t->headers, ("Authorization: Bearer " + t->token).c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);

  if (curl_multi_add_handle(multi(multi_), h) != CURLM_OK) {
    finish(*t, CURLE_FAILED_INIT);
    return;
  }
  const RequestId id = t->id;
  active_.emplace(id, std::move(t));
}

void CurlHttp::finish(Transfer& t, int code) {
  const auto rc = static_cast<CURLcode>(code);
  if (t.easy) {
    long opened = 0;
    curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &opened);
    connections_ += static_cast<std::uint64_t>(opened);
  }
  HttpResponse resp;
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    resp.status = static_cast<int>(status);
    resp.body = std::move(t.body);
    resp.retry_after_s = t.retry_after_s;
  } else {
    long os_errno = 0;
    if (t.easy) curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
    resp.status = 0;
    resp.error = describe(rc, os_errno, t.error);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!callbacks_.count(t.id)) return;  // cancelled meanwhile (or shutting down)
    done_.push_back(Finished{t.id, std::move(resp)});
  }
  cv_.notify_all();
  // Under its own mutex, not mu_: the hook may take the caller's locks, and the caller
  // may hold those while calling send(). set_wakeup() takes it too, so once it returns
  // the old hook is neither running nor called again.
  std::lock_guard<std::mutex> lock(wake_mu_);
  if (wake_) wake_();
}

void CurlHttp::run() {
  CURLM* m = multi(multi_);
  for (;;) {
    std::deque<std::unique_ptr<Transfer>> fresh;
    std::vector<RequestId> gone;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
      fresh.swap(inbox_);
      gone.swap(cancels_);
    }
    for (auto& t : fresh) start(std::move(t));
    for (RequestId id : gone) {
      auto it = active_.find(id);
      if (it == active_.end()) continue;  // finished just before the cancel
      curl_multi_remove_handle(m, it->second->easy);
      active_.erase(it);
    }

    int running = 0;
    curl_multi_perform(m, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      // msg is invalid once the handle is removed: copy what we need first.
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      Transfer* t = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
      curl_multi_remove_handle(m, easy);
      if (!t) continue;
      finish(*t, rc);
      active_.erase(t->id);
    }
    // Sleeps until a socket is ready, one of curl's timers is due, or curl_multi_wakeup()
    // (send, cancel, the destructor). The 60 s is only a backstop.
    curl_multi_poll(m, nullptr, 0, 60000, nullptr);
  }
  for (auto& entry : active_) curl_multi_remove_handle(m, entry.second->easy);
  active_.clear();
}

}  // namespace cockpit::native
