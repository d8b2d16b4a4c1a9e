#include "browser/fetch_http.hpp"

#include <emscripten.h>

#include <cstdio>
#include <string>
#include <vector>

// The JS half (EM_JS bodies pass through the C preprocessor: double quotes only).
// Module.cockpitHttp holds the AbortControllers of requests in flight and
// the queue of finished ones; `cur` is the one poll() is copying out.
// clang-format off
EM_JS(void, cockpit_http_start, (int id, const char* method, const char* path, const char* headers,
                                 const char* body, int has_body, int timeout_ms, void* client), {
  var H = Module.cockpitHttp || (Module.cockpitHttp = { live: {}, done: [], cur: null });
  var ctrl = new AbortController();
  var timedOut = false;
  var timer = timeout_ms > 0 ? setTimeout(function () { timedOut = true; ctrl.abort(); }, timeout_ms) : 0;
  var init = { method: UTF8ToString(method), headers: JSON.parse(UTF8ToString(headers)),
               credentials: "same-origin", cache: "no-store", signal: ctrl.signal };
  if (has_body) init.body = UTF8ToString(body);
  H.live[id] = ctrl;
  var finish = function (status, text, error, retry) {
    clearTimeout(timer);
    if (!H.live[id]) return;  // cancelled: nobody waits for it
    delete H.live[id];
    H.done.push({ id: id, status: status, body: text, error: error, retry: retry });
    _cockpit_http_arrived(client);  // a promise callback: never inside a wasm call
  };
  fetch(UTF8ToString(path), init).then(function (r) {
    return r.text().then(function (t) {
      var ra = parseInt(r.headers.get("Retry-After") || "", 10);
      finish(r.status, t, "", isNaN(ra) ? -1 : ra);
    });
  }).catch(function (e) {
    var why = timedOut ? "timed out" : (navigator.onLine === false ? "offline" : "network error (" + e + ")");
    finish(0, "", why, -1);
  });
});

EM_JS(void, cockpit_http_cancel, (int id), {
  var H = Module.cockpitHttp;
  if (!H || !H.live[id]) return;
  var ctrl = H.live[id];
  delete H.live[id];
  ctrl.abort();
});

// Takes the next finished request into `cur`: its id, or 0 when none.
EM_JS(int, cockpit_http_next, (), {
  var H = Module.cockpitHttp;
  if (!H || H.done.length === 0) return 0;
  H.cur = H.done.shift();
  return H.cur.id;
});
EM_JS(int, cockpit_http_status, (), { return Module.cockpitHttp.cur.status; });
EM_JS(int, cockpit_http_retry_after, (), { return Module.cockpitHttp.cur.retry; });
EM_JS(int, cockpit_http_size, (int which), {
  var c = Module.cockpitHttp.cur;
  return lengthBytesUTF8(which ? c.error : c.body);
});
EM_JS(void, cockpit_http_copy, (int which, char* out, int size), {
  var c = Module.cockpitHttp.cur;
  stringToUTF8(which ? c.error : c.body, out, size);
});
// clang-format on

namespace cockpit::browser {

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string copy_out(int which) {
  const int n = cockpit_http_size(which);
  std::string s(static_cast<std::size_t>(n) + 1, '\0');  // stringToUTF8 writes the terminator too
  cockpit_http_copy(which, s.data(), n + 1);
  s.resize(static_cast<std::size_t>(n));
  return s;
}

}  // namespace

// The JS half's call when a request finished (exported: EMSCRIPTEN_KEEPALIVE). `client`
// is the FetchHttp that sent it; the destructor cancels every request in flight, so a
// finished request of a destroyed client never calls.
extern "C" EMSCRIPTEN_KEEPALIVE void cockpit_http_arrived(void* client) {
  static_cast<const FetchHttp*>(client)->arrived();
}

FetchHttp::~FetchHttp() {
  for (auto& [id, cb] : callbacks_) cockpit_http_cancel(static_cast<int>(id));
}

client::RequestId FetchHttp::send(client::HttpRequest r, std::function<void(client::HttpResponse)> done) {
  const std::uint32_t id = next_++;
  std::string headers = "{";
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    headers += (first ? "" : ",") + json_string(k) + ":" + json_string(v);
    first = false;
  };
  if (!r.body.empty()) add("Content-Type", "application/json");
  for (const auto& [k, v] : r.headers) add(k, v);
  headers += "}";
  callbacks_.emplace(id, std::move(done));
  cockpit_http_start(static_cast<int>(id), r.method.c_str(), r.path.c_str(), headers.c_str(), r.body.c_str(),
                     r.body.empty() ? 0 : 1, r.timeout_ms, this);
  return id;
}

void FetchHttp::cancel(client::RequestId id) {
  callbacks_.erase(static_cast<std::uint32_t>(id));
  cockpit_http_cancel(static_cast<int>(id));
}

void FetchHttp::poll() {
  // Only what had finished when poll() began: a callback's new request shows up next time.
  std::vector<std::pair<std::uint32_t, client::HttpResponse>> ready;
  while (const int id = cockpit_http_next()) {
    client::HttpResponse resp;
    resp.status = cockpit_http_status();
    resp.retry_after_s = cockpit_http_retry_after();
    resp.body = copy_out(0);
    resp.error = copy_out(1);
    ready.emplace_back(static_cast<std::uint32_t>(id), std::move(resp));
  }
  for (auto& [id, resp] : ready) {
    auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;  // cancelled by an earlier callback
    auto cb = std::move(it->second);
    callbacks_.erase(it);
    cb(std::move(resp));
  }
}

}  // namespace cockpit::browser
