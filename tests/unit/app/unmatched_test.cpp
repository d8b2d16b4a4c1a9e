// The lead's panel of source events with no customer (app/unmatched.hpp): rows as drawn,
// and the panel's states driven by its actions over a scripted HttpClient (the list
// and the match against the real server: tests/server/device_unmatched_test.cpp).
#include <doctest/doctest.h>

#include <deque>
#include <map>

#include "app/unmatched.hpp"
#include "domain/time.hpp"

using namespace cockpit;
using client::HttpRequest;
using client::HttpResponse;
using client::RequestId;

namespace {

// Answers each request with the next answer scripted for its path, on the next poll().
class ScriptedHttp final : public client::HttpClient {
 public:
  std::map<std::string, std::deque<HttpResponse>> script;
  std::vector<HttpRequest> sent;
  RequestId send(HttpRequest r, std::function<void(HttpResponse)> done) override {
    sent.push_back(r);
    auto& q = script[r.path];
    REQUIRE_FALSE(q.empty());
    ready_.push_back({std::move(done), q.front()});
    q.pop_front();
    return ++next_;
  }
  void cancel(RequestId) override {}
  void poll() override {
    auto ready = std::move(ready_);
    ready_.clear();
    for (auto& [done, r] : ready) done(r);
  }
  bool wait(int) override { return !ready_.empty(); }
  void set_token(std::string) override {}
  void set_wakeup(std::function<void()>) override {}

 private:
  std::vector<std::pair<std::function<void(HttpResponse)>, HttpResponse>> ready_;
  RequestId next_ = 0;
};

HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

const Time kNow = *parse_time("2026-12-07T05:00:00Z");
const std::string kOne = R"js({"unmatched": [{"id": 7, "source": "stripe", "event": "evt_1", "type": "invoice.payment_failed",
  "reason": "no customer has the e-mail pay@nowhere.example", "email": "pay@nowhere.example", "external_id": "cus_9",
  "waits_for": "customer", "at": "2026-12-07T04:55:00Z", "received": "2026-12-07T04:55:00Z",
  "summary": "Payment failed: invoice 0042 (42.00 EUR)"}]})js";

// One frame: answers in, the model updated.
bool frame(ScriptedHttp& http, UnmatchedList& list, bool& matched) {
  http.poll();
  return list.tick(kNow, matched);
}

}  // namespace

TEST_CASE("a row says the source, the type, whom the event names, when it came and what it would do") {
  client::UnmatchedEntry e;
  e.id = 7;
  e.source = "stripe";
  e.type = "invoice.payment_failed";
  e.email = "pay@nowhere.example";
  e.external_id = "cus_9";
  e.received = "2026-12-07T04:55:00Z";
  e.summary = "Payment failed: invoice 0042 (42.00 EUR)";
  e.reason = "no customer has the e-mail";
  vm::UnmatchedRow r = vm::unmatched_row(e, kNow);
  CHECK(r.source == "Stripe");
  CHECK(r.type == "invoice.payment_failed");
  CHECK(r.names == "pay@nowhere.example, Stripe customer cus_9");
  CHECK(r.arrived.rfind("5 minutes ago", 0) == 0);
  CHECK(r.summary == "Payment failed: invoice 0042 (42.00 EUR)");
  CHECK(r.reason == "no customer has the e-mail");

  client::UnmatchedEntry f;
  f.source = "shopify";
  f.type = "fulfillments/create";
  f.waits_for = "case:k-shopify-1";
  f.received = "not a time";
  r = vm::unmatched_row(f, kNow);
  CHECK(r.names == "case k-shopify-1");
  CHECK(r.arrived == "not a time");  // shown as the server wrote it
  CHECK(r.summary == "fulfillments/create");  // no summary: the type
}

TEST_CASE("the panel loads the list; offline it says unavailable offline and keeps the last list") {
  ScriptedHttp http;
  UnmatchedList list(http);
  bool matched = false;
  http.script["/api/connect/unmatched"] = {answer(200, kOne), answer(0, "")};
  list.apply(RefreshUnmatched{}, kNow);
  CHECK(list.panel().state == vm::UnmatchedPanel::State::loading);
  CHECK(list.panel().status == "Loading the source events…");
  CHECK(frame(http, list, matched));
  CHECK(list.panel().state == vm::UnmatchedPanel::State::loaded);
  REQUIRE(list.panel().rows.size() == 1);
  CHECK(list.panel().status == "1 event waits for a customer.");

  list.apply(RefreshUnmatched{}, kNow);
  CHECK(frame(http, list, matched));
  CHECK(list.panel().state == vm::UnmatchedPanel::State::offline);
  CHECK(list.panel().status.rfind("Unavailable offline", 0) == 0);
  CHECK(list.panel().rows.size() == 1);
  CHECK_FALSE(matched);
}

TEST_CASE("a match that works takes the event off the list and reads the list again") {
  ScriptedHttp http;
  UnmatchedList list(http);
  bool matched = false;
  http.script["/api/connect/unmatched"] = {answer(200, kOne), answer(200, R"js({"unmatched": []})js")};
  http.script["/api/connect/unmatched/match"] = {
      answer(200, R"js({"ok": true, "event": "", "outcome": "applied", "changed": 1, "customer": "c-weber"})js")};
  list.apply(RefreshUnmatched{}, kNow);
  frame(http, list, matched);
  list.apply(MatchUnmatched{7, "c-weber"}, kNow);
  CHECK(list.panel().matching == 7);
  list.apply(MatchUnmatched{7, "c-other"}, kNow);  // one at a time
  CHECK(list.panel().match_error == "Another match is on its way: wait for its answer.");
  CHECK(frame(http, list, matched));
  CHECK(matched);
  CHECK(list.panel().matching == 0);
  CHECK(list.panel().rows.empty());
  CHECK(list.panel().match_done == "Event 7 applied for c-weber (1 record changed).");
  REQUIRE(http.sent.size() == 3);
  CHECK(http.sent[1].method == "POST");
  CHECK(http.sent[1].body == R"js({"customer":"c-weber","id":7})js");
  CHECK(http.sent[2].path == "/api/connect/unmatched");  // read again
  matched = false;
  frame(http, list, matched);
  CHECK(list.panel().status == "Every source event found its customer.");
}

TEST_CASE("a refused match keeps the event and says why; offline says the match was not sent") {
  ScriptedHttp http;
  UnmatchedList list(http);
  bool matched = false;
  http.script["/api/connect/unmatched"] = {answer(200, kOne)};
  http.script["/api/connect/unmatched/match"] = {answer(404, R"js({"error": "no customer \"c-gone\"", "code": "not_found"})js"),
                                                 answer(0, "")};
  list.apply(RefreshUnmatched{}, kNow);
  frame(http, list, matched);
  list.apply(MatchUnmatched{7, "c-gone"}, kNow);
  frame(http, list, matched);
  CHECK_FALSE(matched);
  CHECK(list.panel().rows.size() == 1);
  CHECK(list.panel().match_error == "Event 7 was not matched to c-gone: The server refused: no customer \"c-gone\".");
  list.apply(MatchUnmatched{7, "c-weber"}, kNow);
  frame(http, list, matched);
  CHECK(list.panel().match_error.rfind("Unavailable offline: the match was not sent.", 0) == 0);
  CHECK(list.panel().rows.size() == 1);

  list.apply(MatchUnmatched{0, ""}, kNow);
  CHECK(list.panel().match_error == "Choose the event and the customer to match it to.");
}
