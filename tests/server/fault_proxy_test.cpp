// The fault-injecting proxy (fault_proxy.hpp) in front of the REAL cockpit-server: each
// fault does what it says, checked on the server's side (cursor, pulled records), and the
// exactly-once property the sync relies on holds through it. Nothing here sleeps to wait
// for a condition: the tests wait on the proxy's counters (FaultProxy::wait_for) or on
// the calls themselves.
#include <curl/curl.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include <doctest/doctest.h>

#include "fault_proxy.hpp"
#include "harness.hpp"

using namespace cockpit::test;
using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

namespace {

struct Demo {
  Server server;
  Device anna, anna2, ben;
  explicit Demo(const std::string& name) : server(temp_path(name), {"--demo"}) {
    anna = Device{&server, server.sign_in("m-anna", "demo-anna"), "anna-laptop"};
    anna2 = Device{&server, server.sign_in("m-anna", "demo-anna"), "anna-desktop"};
    ben = Device{&server, server.sign_in("m-ben", "demo-ben"), "ben-laptop"};
  }
  std::int64_t cursor() const { return server.get("/api/health").as_json()["cursor"]; }
};

// A record of `kind` the device may see, picked from a full pull (the demo book changes:
// no ids are hard-coded). Returns {id, seq, record}.
struct Picked {
  std::string id;
  std::int64_t seq = 0;
  json record;
};
Picked pick(const Device& d, const std::string& kind, std::size_t nth = 0) {
  auto r = d.pull(0);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const json j = r.as_json();  // (a range-for over a temporary's member would dangle)
  for (const auto& c : j["changes"])
    if (c["kind"] == kind && nth-- == 0) return {c["id"], c["seq"], c["record"]};
  FAIL("no " << kind << " in the pull of " << d.client_id);
  return {};
}

// The record as the server has it now (a pull straight from the server, not the proxy).
json server_copy(const Device& d, const std::string& kind, const std::string& id) {
  const json j = d.pull(0).as_json();
  for (const auto& c : j["changes"])
    if (c["kind"] == kind && c["id"] == id) return c;
  return nullptr;
}

// Changes of (kind, id) after `since`, straight from the server.
int changes_since(const Device& d, std::int64_t since, const std::string& kind, const std::string& id) {
  int n = 0;
  const json j = d.pull(since).as_json();
  for (const auto& c : j["changes"]) n += c["kind"] == kind && c["id"] == id;
  return n;
}

Call push_call(const Device& d, const std::vector<json>& mutations, long timeout_ms = 10000) {
  Call c;
  c.method = "POST";
  c.path = "/api/push";
  c.body = json{{"client_id", d.client_id}, {"schema_version", 1}, {"mutations", mutations}}.dump();
  c.bearer = d.token;
  c.timeout_ms = timeout_ms;
  return c;
}

HttpReply push_via(const FaultProxy& p, const Device& d, const std::vector<json>& mutations, long timeout_ms = 10000) {
  return call_url(p.base_url(), push_call(d, mutations, timeout_ms));
}

json result0(const HttpReply& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto j = r.as_json();
  REQUIRE(j["results"].size() == 1);
  return j["results"][0];
}

// One libcurl handle reused for several calls: they share one keep-alive connection.
class KeepAlive {
 public:
  KeepAlive() : h_(curl_easy_init()) { REQUIRE(h_); }
  ~KeepAlive() { curl_easy_cleanup(h_); }
  // `chunked`: send the body with Transfer-Encoding: chunked instead of Content-Length.
  HttpReply call(const std::string& base, const Call& c, bool chunked = false) {
    HttpReply r;
    curl_slist* hdrs = nullptr;
    const std::string u = base + c.path;
    curl_easy_reset(h_);
    curl_easy_setopt(h_, CURLOPT_URL, u.c_str());
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_TIMEOUT_MS, c.timeout_ms);
    Upload up{c.body, 0};
    if (c.method == "POST") {
      hdrs = curl_slist_append(hdrs, ("Content-Type: " + c.content_type).c_str());
      if (chunked) {
        curl_easy_setopt(h_, CURLOPT_POST, 1L);
        curl_easy_setopt(h_, CURLOPT_READFUNCTION, &KeepAlive::read_cb);
        curl_easy_setopt(h_, CURLOPT_READDATA, &up);
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
      } else {
        curl_easy_setopt(h_, CURLOPT_POSTFIELDS, c.body.data());
        curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(c.body.size()));
      }
    }
    if (!c.bearer.empty()) hdrs = curl_slist_append(hdrs, ("Authorization: Bearer " + c.bearer).c_str());
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, &KeepAlive::write_cb);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &r.body);
    CURLcode rc = curl_easy_perform(h_);
    if (rc == CURLE_OK) curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    else r.body = std::string("curl: ") + curl_easy_strerror(rc);
    curl_slist_free_all(hdrs);
    return r;
  }

 private:
  struct Upload {
    const std::string& body;
    std::size_t at;
  };
  static size_t write_cb(char* p, size_t size, size_t n, void* ud) {
    static_cast<std::string*>(ud)->append(p, size * n);
    return size * n;
  }
  // Hands the body out in pieces of at most 100 bytes: several chunks on the wire.
  static size_t read_cb(char* buf, size_t size, size_t n, void* ud) {
    auto* u = static_cast<Upload*>(ud);
    const size_t len = std::min({size * n, std::size_t{100}, u->body.size() - u->at});
    std::memcpy(buf, u->body.data() + u->at, len);
    u->at += len;
    return len;
  }
  CURL* h_;
};

std::size_t entries(const char* dir) {
  std::size_t n = 0;
  if (DIR* d = opendir(dir)) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

}  // namespace

TEST_CASE("pass: request by request on one keep-alive connection, bodies by length or chunks, counted per path") {
  Demo d("proxy-pass.db");
  FaultProxy proxy(d.server.port());
  std::vector<RequestInfo> seen;
  proxy.set_policy([&seen](const RequestInfo& r) {
    seen.push_back(r);
    return Fault::pass;
  });
  const Picked p = pick(d.anna, "promise");
  KeepAlive conn;
  Call health;
  health.path = "/api/health";
  Call me;
  me.path = "/api/me";
  me.bearer = d.anna.token;

  auto h = conn.call(proxy.base_url(), health);
  REQUIRE(h.status == 200);
  CHECK(h.as_json()["cursor"] == d.cursor());
  auto m = conn.call(proxy.base_url(), me);
  REQUIRE(m.status == 200);
  CHECK(m.as_json()["manager"]["id"] == "m-anna");
  auto first = result0(conn.call(proxy.base_url(), push_call(d.anna, {d.anna.upsert("promise", p.id, {{"text", "by length"}}, p.seq)})));
  CHECK(first["status"] == "applied");
  auto second = result0(conn.call(proxy.base_url(),
                                  push_call(d.anna, {d.anna.upsert("promise", p.id, {{"text", std::string(450, 'c')}}, first["seq"])}),
                                  /*chunked=*/true));
  CHECK(second["status"] == "applied");
  CHECK(second["record"]["text"] == std::string(450, 'c'));
  CHECK(server_copy(d.anna, "promise", p.id)["record"]["text"] == std::string(450, 'c'));
  auto m2 = conn.call(proxy.base_url(), me);
  CHECK(m2.status == 200);

  const FaultCounts all = proxy.counts();
  CHECK(all.connections == 1);  // every call above on the same connection
  CHECK(all.seen == 5);
  CHECK(all.forwarded == 5);
  CHECK(all.server_answered == 5);
  CHECK(all.answered == 5);
  CHECK(all.chose(Fault::pass) == 5);
  CHECK(all.upstream_errors == 0);
  CHECK(proxy.counts("/api/push").seen == 2);
  CHECK(proxy.counts("/api/me").answered == 2);
  CHECK(proxy.counts_by_path().size() == 3);
  REQUIRE(seen.size() == 5);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].seq == i + 1);
    CHECK(seen[i].connection == 1);
  }
  CHECK(seen[3].method == "POST");
  CHECK(seen[3].body.substr(0, 4) == "64\r\n");  // 100 bytes a chunk, as sent
  CHECK(seen[3].body.substr(seen[3].body.size() - 5) == "0\r\n\r\n");
  proxy.reset_counts();
  CHECK(proxy.counts().seen == 0);
}

TEST_CASE("lose_response: the server commits, the client gets no answer; the retry is a replay with no second effect") {
  Demo d("proxy-lose.db");
  FaultProxy proxy(d.server.port());
  const Picked p = pick(d.anna, "promise");
  const std::int64_t c0 = d.cursor();
  json m = d.anna.upsert("promise", p.id, {{"text", "Delivery confirmed for Friday"}}, p.seq);

  proxy.fault_next("/api/push", Fault::lose_response);
  auto lost = push_via(proxy, d.anna, {m});
  CHECK(lost.status == 0);  // the connection closed without a response
  const FaultCounts k = proxy.counts("/api/push");
  CHECK(k.forwarded == 1);
  CHECK(k.server_answered == 1);
  CHECK(k.responses_lost == 1);
  CHECK(k.answered == 0);

  // Straight from the server: the mutation is applied.
  const json stored = server_copy(d.anna, "promise", p.id);
  CHECK(stored["record"]["text"] == "Delivery confirmed for Friday");
  CHECK(stored["seq"].get<std::int64_t>() > c0);
  CHECK(changes_since(d.anna, c0, "promise", p.id) == 1);
  const std::int64_t c1 = d.cursor();

  // The client retries the same mutation through the proxy (the fault was one-shot).
  auto again = result0(push_via(proxy, d.anna, {m}));
  CHECK(again["status"] == "applied");
  CHECK(again["replayed"] == true);
  CHECK(again["seq"] == stored["seq"]);
  CHECK(d.cursor() == c1);  // no second effect
  CHECK(proxy.counts("/api/push").answered == 1);
}

TEST_CASE("duplicate: the server gets the push twice, applies it once, and the client gets the replay") {
  Demo d("proxy-dup.db");
  FaultProxy proxy(d.server.port());
  const Picked p = pick(d.anna, "promise");
  const std::int64_t c0 = d.cursor();
  proxy.fault_next("/api/push", Fault::duplicate);
  auto r = result0(push_via(proxy, d.anna, {d.anna.upsert("promise", p.id, {{"text", "sent twice"}}, p.seq)}));
  CHECK(r["status"] == "applied");
  CHECK(r["replayed"] == true);  // the answer to the second copy
  CHECK(r["record"]["text"] == "sent twice");
  const FaultCounts k = proxy.counts("/api/push");
  CHECK(k.forwarded == 2);
  CHECK(k.server_answered == 2);
  CHECK(k.duplicated == 1);
  CHECK(k.answered == 1);
  CHECK(d.cursor() == r["seq"]);  // one change only
  CHECK(changes_since(d.anna, c0, "promise", p.id) == 1);
  // The next mutation of the client is new and applies normally.
  auto next = result0(push_via(proxy, d.anna, {d.anna.upsert("promise", p.id, {{"text", "then once"}}, r["seq"])}));
  CHECK(next["status"] == "applied");
  CHECK(next.value("replayed", false) == false);
}

TEST_CASE("drop_request: nothing reaches the server; the retry applies it (not a replay)") {
  Demo d("proxy-drop.db");
  FaultProxy proxy(d.server.port());
  const Picked p = pick(d.anna, "promise");
  const std::int64_t c0 = d.cursor();
  json m = d.anna.upsert("promise", p.id, {{"text", "dropped on the way"}}, p.seq);
  proxy.fault_next("/api/push", Fault::drop_request);
  auto dropped = push_via(proxy, d.anna, {m});
  CHECK(dropped.status == 0);
  CHECK(proxy.counts("/api/push").dropped == 1);
  CHECK(proxy.counts("/api/push").forwarded == 0);
  CHECK(d.cursor() == c0);
  CHECK(server_copy(d.anna, "promise", p.id)["record"] == p.record);

  auto retry = result0(push_via(proxy, d.anna, {m}));
  CHECK(retry["status"] == "applied");
  CHECK(retry.value("replayed", false) == false);
  CHECK(server_copy(d.anna, "promise", p.id)["record"]["text"] == "dropped on the way");
}

TEST_CASE("delay: the request is held, then forwarded; a held request is cut when the proxy goes away") {
  Demo d("proxy-delay.db");
  const Picked p = pick(d.anna, "promise");
  auto proxy = std::make_unique<FaultProxy>(d.server.port());
  proxy->set_delay(300ms);
  proxy->fault_next("/api/push", Fault::delay);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = result0(push_via(*proxy, d.anna, {d.anna.upsert("promise", p.id, {{"text", "late"}}, p.seq)}));
  CHECK(std::chrono::steady_clock::now() - t0 >= 300ms);
  CHECK(r["status"] == "applied");
  CHECK(proxy->counts("/api/push").delayed == 1);

  // Held for a minute: destroying the proxy must not wait for it.
  const std::int64_t c1 = d.cursor();
  proxy->set_delay(60s);
  proxy->fault_next("/api/push", Fault::delay);
  auto held = std::async(std::launch::async, [&, px = proxy.get()] {
    return push_via(*px, d.anna, {d.anna.upsert("promise", p.id, {{"text", "never"}}, r["seq"])}, 30000);
  });
  REQUIRE(proxy->wait_for([](const FaultCounts& k) { return k.held == 1; }));
  const auto t1 = std::chrono::steady_clock::now();
  proxy.reset();
  CHECK(std::chrono::steady_clock::now() - t1 < 5s);
  CHECK(held.get().status == 0);
  CHECK(d.cursor() == c1);  // it never reached the server
}

TEST_CASE("reorder: two pushes from two devices reach the server in the opposite order; the later one wins") {
  Demo d("proxy-reorder.db");
  FaultProxy proxy(d.server.port());
  const Picked p = pick(d.anna, "promise");
  std::vector<RequestInfo> order;
  proxy.set_policy(next_matching("/api/push", Fault::reorder, [&order](const RequestInfo& r) {
    order.push_back(r);
    return Fault::pass;
  }));
  // The laptop sends first and is held…
  auto laptop = std::async(std::launch::async, [&] {
    return push_via(proxy, d.anna, {d.anna.upsert("promise", p.id, {{"text", "from the laptop"}}, p.seq)});
  });
  REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.held == 1; }));
  // …the desktop sends second, and is applied first.
  auto desktop = result0(push_via(proxy, d.anna2, {d.anna2.upsert("promise", p.id, {{"text", "from the desktop"}}, p.seq)}));
  auto late = result0(laptop.get());
  CHECK(desktop["status"] == "applied");
  CHECK(late["status"] == "applied");
  CHECK(late["seq"].get<std::int64_t>() > desktop["seq"].get<std::int64_t>());
  // Server order, not sending order: the laptop's edit is the last writer, over the desktop's.
  REQUIRE(late["conflicts"].is_array());
  CHECK(late["conflicts"][0]["field"] == "text");
  CHECK(late["conflicts"][0]["theirs"] == "from the desktop");
  CHECK(server_copy(d.anna, "promise", p.id)["record"]["text"] == "from the laptop");
  const FaultCounts k = proxy.counts("/api/push");
  CHECK(k.reordered == 1);
  CHECK(k.reorder_timeouts == 0);
  CHECK(k.chose(Fault::reorder) == 1);
  REQUIRE(order.size() == 1);  // the desktop's push, seen second
  CHECK(order[0].seq == 2);
  CHECK(order[0].path == "/api/push");
  CHECK(order[0].body.find("anna-desktop") != std::string::npos);
}

TEST_CASE("reorder: with no later request, the held one goes out after the timeout") {
  Demo d("proxy-reorder-timeout.db");
  FaultProxy::Options o;
  o.reorder_timeout = 200ms;
  FaultProxy proxy(d.server.port(), o);
  const Picked p = pick(d.anna, "promise");
  proxy.fault_next("/api/push", Fault::reorder);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = result0(push_via(proxy, d.anna, {d.anna.upsert("promise", p.id, {{"text", "alone"}}, p.seq)}));
  CHECK(std::chrono::steady_clock::now() - t0 >= 200ms);
  CHECK(r["status"] == "applied");
  CHECK(proxy.counts().reorder_timeouts == 1);
  CHECK(proxy.counts().reordered == 0);
}

TEST_CASE("set_down: open connections are cut, new ones reset, until the network comes back; refuse resets one") {
  Demo d("proxy-down.db");
  FaultProxy proxy(d.server.port());
  const Picked p = pick(d.anna, "promise");
  const std::int64_t c0 = d.cursor();

  // A live poll parked at the server, through the proxy.
  auto live = std::async(std::launch::async, [&] {
    Call c;
    c.path = "/api/live?since=" + std::to_string(c0);
    c.bearer = d.anna.token;
    c.timeout_ms = 60000;
    return call_url(proxy.base_url(), c);
  });
  REQUIRE(proxy.wait_for([](const FaultCounts& k) { return k.forwarded == 1; }));
  proxy.set_down(true);
  CHECK(proxy.down());
  auto cut = live.get();
  CHECK(cut.status == 0);  // not a heartbeat 25 s later: cut now
  CHECK(proxy.counts().cut == 1);

  json m = d.anna.upsert("promise", p.id, {{"text", "while down"}}, p.seq);
  auto refused = push_via(proxy, d.anna, {m});
  CHECK(refused.status == 0);
  CHECK(proxy.counts().refused == 1);
  CHECK(proxy.counts().seen == 1);  // the live poll only: the push was never read
  CHECK(d.cursor() == c0);

  proxy.set_down(false);
  auto back = result0(push_via(proxy, d.anna, {m}));
  CHECK(back["status"] == "applied");
  CHECK(back.value("replayed", false) == false);

  // Fault::refuse: the one request's connection is reset, the next goes through.
  proxy.fault_next("/api/me", Fault::refuse);
  Call me;
  me.path = "/api/me";
  me.bearer = d.anna.token;
  CHECK(call_url(proxy.base_url(), me).status == 0);
  CHECK(proxy.counts("/api/me").refused == 1);
  CHECK(proxy.counts("/api/me").forwarded == 0);
  CHECK(call_url(proxy.base_url(), me).status == 200);
}

TEST_CASE("policies: next_matching fires once on its prefix; seeded_mix is deterministic and near its probabilities") {
  RequestInfo pull{"GET", "/api/pull?since=0", "/api/pull", "", 1, 1};
  RequestInfo push{"POST", "/api/push", "/api/push", "{}", 2, 1};
  Policy once = next_matching("/api/push", Fault::drop_request, always(Fault::delay));
  CHECK(once(pull) == Fault::delay);
  CHECK(once(push) == Fault::drop_request);
  CHECK(once(push) == Fault::delay);
  CHECK(next_matching("/api/p", Fault::duplicate)(pull) == Fault::duplicate);
  CHECK(next_matching("/api/push", Fault::duplicate)(pull) == Fault::pass);

  const std::map<Fault, double> mix{{Fault::drop_request, 0.2}, {Fault::lose_response, 0.1}, {Fault::duplicate, 0.3}};
  Policy a = seeded_mix(11, mix), b = seeded_mix(11, mix), c = seeded_mix(12, mix);
  std::map<Fault, int> seen;
  bool differs = false;
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    const Fault fa = a(push);
    CHECK(fa == b(push));
    differs = differs || fa != c(push);
    ++seen[fa];
  }
  CHECK(differs);
  CHECK(seen[Fault::drop_request] == doctest::Approx(0.2 * n).epsilon(0.15));
  CHECK(seen[Fault::lose_response] == doctest::Approx(0.1 * n).epsilon(0.15));
  CHECK(seen[Fault::duplicate] == doctest::Approx(0.3 * n).epsilon(0.15));
  CHECK(seen[Fault::pass] == doctest::Approx(0.4 * n).epsilon(0.15));
  CHECK(seen.size() == 4);
  CHECK_THROWS(seeded_mix(1, {{Fault::drop_request, 0.7}, {Fault::duplicate, 0.7}}));
}

TEST_CASE("a device that retries until answered, through a seeded mix of faults: every edit applied exactly once") {
  Demo d("proxy-mix.db");
  FaultProxy proxy(d.server.port());
  proxy.set_delay(20ms);
  proxy.set_policy(seeded_mix(42, {{Fault::drop_request, 0.1}, {Fault::lose_response, 0.25},
                                   {Fault::duplicate, 0.15}, {Fault::delay, 0.1}, {Fault::refuse, 0.05}}));
  const Picked p = pick(d.anna, "promise");
  const std::int64_t c0 = d.cursor();
  const int edits = 25;
  std::int64_t base = p.seq;
  int attempts = 0;
  for (int i = 0; i < edits; ++i) {
    CAPTURE(i);
    const std::string text = "edit " + std::to_string(i);
    json m = d.anna.upsert("promise", p.id, {{"text", text}}, base);
    HttpReply r;
    for (int tries = 0; tries < 40 && r.status != 200; ++tries, ++attempts) r = push_via(proxy, d.anna, {m});
    json res = result0(r);
    CHECK(res["status"] == "applied");
    CHECK(res["record"]["text"] == text);
    CHECK(res["conflicts"].is_null());  // a device's own earlier writes are never a conflict
    CHECK(res["seq"].get<std::int64_t>() > base);
    base = res["seq"];
  }
  // One change per edit, however many copies reached the server.
  CHECK(d.cursor() == c0 + edits);
  CHECK(server_copy(d.anna, "promise", p.id)["record"]["text"] == "edit " + std::to_string(edits - 1));
  const FaultCounts k = proxy.counts("/api/push");
  CHECK(k.seen == static_cast<std::uint64_t>(attempts));
  CHECK(k.dropped > 0);
  CHECK(k.responses_lost > 0);
  CHECK(k.duplicated > 0);
  CHECK(k.delayed > 0);
  CHECK(k.refused > 0);
  CHECK(k.answered == static_cast<std::uint64_t>(edits));
  CHECK(k.upstream_errors == 0);
  MESSAGE("seeded mix: " << attempts << " attempts for " << edits << " edits; dropped " << k.dropped << ", lost "
                         << k.responses_lost << ", duplicated " << k.duplicated << ", delayed " << k.delayed
                         << ", refused " << k.refused);
}

TEST_CASE("a chunked response (the server sends none, other upstreams may) is passed on whole") {
  // A one-shot upstream on port 0 that answers with two chunks and a trailer.
  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(ls, 4) == 0);
  REQUIRE(::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  const std::string reply =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\nhello \r\n5;ext=1\r\nworld\r\n0\r\nX-Trailer: yes\r\n\r\n";
  auto upstream = std::async(std::launch::async, [ls, &reply] {
    int c = ::accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return false;
    std::string got;
    char buf[4096];
    ssize_t n;
    while (got.find("\r\n\r\n") == std::string::npos && (n = ::recv(c, buf, sizeof buf, 0)) > 0)
      got.append(buf, static_cast<std::size_t>(n));
    // Written in two parts: the proxy must wait for the last chunk.
    const std::size_t half = reply.size() / 2;
    bool ok = ::send(c, reply.data(), half, MSG_NOSIGNAL) == static_cast<ssize_t>(half);
    ok = ok && ::send(c, reply.data() + half, reply.size() - half, MSG_NOSIGNAL) ==
                   static_cast<ssize_t>(reply.size() - half);
    ::close(c);
    return ok;
  });
  {
    FaultProxy proxy(ntohs(a.sin_port));
    Call c;
    c.path = "/chunked";
    auto r = call_url(proxy.base_url(), c);
    CHECK(r.status == 200);
    CHECK(r.body == "hello world");
    CHECK(r.header("x-trailer") == "yes");  // the trailer came through too (libcurl lists it with the headers)
    CHECK(proxy.counts().answered == 1);
  }
  CHECK(upstream.get());
  ::close(ls);
}

TEST_CASE("an unreachable server is a 502 from the proxy, not a hang") {
  std::uint16_t dead_port;
  {
    Server s(temp_path("proxy-dead.db"), {"--demo"});
    dead_port = s.port();
    s.stop();
  }
  FaultProxy proxy(dead_port);
  Call health;
  health.path = "/api/health";
  auto r = call_url(proxy.base_url(), health);
  CHECK(r.status == 502);
  CHECK(proxy.counts().upstream_errors == 1);
}

TEST_CASE("start and stop many times, with idle and busy connections open: no threads or descriptors left") {
  Demo d("proxy-cycle.db");
  Call health;
  health.path = "/api/health";
  {  // warm up libcurl and the allocator before taking the baseline
    FaultProxy p(d.server.port());
    REQUIRE(call_url(p.base_url(), health).status == 200);
  }
  const std::size_t fds = entries("/proc/self/fd"), threads = entries("/proc/self/task");
  for (int i = 0; i < 30; ++i) {
    CAPTURE(i);
    int idle = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    std::future<HttpReply> held;
    {
      FaultProxy p(d.server.port());
      REQUIRE(call_url(p.base_url(), health).status == 200);
      p.fault_next("/api/health", Fault::lose_response);
      CHECK(call_url(p.base_url(), health).status == 0);
      // An idle client connection and a held request, both open when the proxy stops.
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(p.port());
      REQUIRE(::connect(idle, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
      p.set_delay(60s);
      p.fault_next("/api/health", Fault::delay);
      const std::string base = p.base_url();
      held = std::async(std::launch::async, [base, &health] { return call_url(base, health); });
      REQUIRE(p.wait_for([](const FaultCounts& k) { return k.connections == 4 && k.held == 1; }));
    }
    CHECK(held.get().status == 0);
    ::close(idle);
  }
  CHECK(entries("/proc/self/fd") == fds);
  // Every thread was joined; the kernel wakes a join just before it drops the thread's
  // /proc entry, so give that last step a few yields (no sleep, no timed wait).
  for (int i = 0; i < 10000 && entries("/proc/self/task") != threads; ++i) std::this_thread::yield();
  CHECK(entries("/proc/self/task") == threads);
}
