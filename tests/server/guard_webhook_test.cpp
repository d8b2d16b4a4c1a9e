// The guard's webhooks on the real server (issue 14): a receiver (webhook_receiver.cpp,
// libmicrohttpd) checks every Standard Webhooks signature with its own HMAC, answers 500
// three times before 200, sees each event once by webhook-id across a server restart in
// the middle of the retries, and an endpoint that answers 410 is disabled.
#include <doctest/doctest.h>

#include <set>

#include "guard_book.hpp"
#include "harness.hpp"
#include "webhook_receiver.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// `cockpit-server add-webhook`: returns the secret (checks the id's shape).
std::string add_webhook(const Server& s, const std::string& url, const std::string& events = "") {
  std::vector<std::string> args = {"add-webhook", "--db", s.db(), "--url", url};
  if (!events.empty()) args.insert(args.end(), {"--events", events});
  std::string out;
  REQUIRE(run_admin(args, "", &out) == 0);
  out = trimmed(out);
  const auto space = out.find(' ');
  REQUIRE(space != std::string::npos);
  CHECK(out.rfind("wh_", 0) == 0);
  CHECK(out.substr(space + 1).rfind("whsec_", 0) == 0);
  return out.substr(space + 1);
}

std::vector<WebhookDelivery> of_id(const std::vector<WebhookDelivery>& all, const std::string& id) {
  std::vector<WebhookDelivery> out;
  for (const auto& d : all)
    if (d.id == id) out.push_back(d);
  return out;
}

// The webhook-id of the first delivery whose body has `type` for `scheduled` ("" if none).
std::string event_id(const std::vector<WebhookDelivery>& all, const std::string& type, const std::string& scheduled) {
  for (const auto& d : all) {
    const json j = json::parse(d.body, nullptr, false);
    if (j.is_object() && j["type"] == type && j["data"]["scheduled"] == scheduled) return d.id;
  }
  return "";
}

bool delivered(const std::vector<WebhookDelivery>& all, const std::string& id) {
  for (const auto& d : all)
    if (d.id == id && d.answered == 200) return true;
  return false;
}

}  // namespace

TEST_CASE("webhooks: signed, retried with backoff until 200, once per id across a restart, 410 disables") {
  const Time t = now_utc() / kSecond * kSecond;
  Server s(temp_path("guard-webhooks.db"), {"--demo", "--as-of", format_time(t), "--webhook-retry-ms", "300"});
  WebhookReceiver hooks("", [](const WebhookDelivery&, int n) { return n < 3 ? 500 : 200; });
  hooks.set_secret(add_webhook(s, hooks.url()));
  const std::string shop = token_with(s, "shop", "check");
  Device ben{&s, s.sign_in("m-ben", "demo-ben"), "ben"};
  LeadReplica lead;
  const std::string lena = s.sign_in("m-lena", "demo-lena");
  lead.pull(s, lena);

  SUBCASE("backoff, then a restart in the middle of the retries") {
    // 1. A new held message: message.held, delivered on the 4th attempt with growing gaps.
    json m{{"id", "nl-1"},         {"customer", "c-lind"},   {"kind", "marketing"}, {"channel", "email"},
           {"sender", "system:crm"}, {"subject", "Winter tips"}, {"scheduled_at", format_time(t + kDay)}};
    REQUIRE(s.post("/api/guard/check", {{"message", m}}, shop).status == 200);
    std::string held;
    REQUIRE(hooks.wait_for([&](const auto& all) {
      held = event_id(all, "message.held", "shop:nl-1");
      return !held.empty() && delivered(all, held);
    }));
    auto tries = of_id(hooks.deliveries(), held);
    REQUIRE(tries.size() == 4);
    for (std::size_t i = 1; i < tries.size(); ++i) {
      const double gap = static_cast<double>(tries[i].received_ms - tries[i - 1].received_ms);
      const double nominal = 300.0 * static_cast<double>(1 << (i - 1));
      CAPTURE(i);
      CHECK(gap >= 0.8 * nominal - 5);   // the backoff waited (jitter is ±20 %)
      CHECK(gap <= 1.2 * nominal + 1000);  // and did not sleep past it (the idle poll is 5 s)
    }

    // 2. Ben releases the newsletter and cancels the renewal; the server is killed after
    //    the first failed deliveries and started again on the same database.
    push_all(ben, {ben.upsert("scheduled", "s-lind-news", {{"status", "released"}}, lead.seqs.at({"scheduled", "s-lind-news"})),
                   ben.upsert("scheduled", "s-kit-renewal", {{"status", "cancelled"}},
                              lead.seqs.at({"scheduled", "s-kit-renewal"}))});
    std::string released, cancelled;
    REQUIRE(hooks.wait_for([&](const auto& all) {
      released = event_id(all, "message.released", "s-lind-news");
      cancelled = event_id(all, "message.cancelled", "s-kit-renewal");
      return !released.empty() && !cancelled.empty() && of_id(all, released).size() >= 2;
    }));
    s.stop(9);  // no goodbye: what is queued is in the database
    s.start();
    REQUIRE(hooks.wait_for([&](const auto& all) { return delivered(all, released) && delivered(all, cancelled); }, 30000));
    // Quiet now: the next check makes a new event; by the time it is delivered, any
    // redelivery of the earlier ones would have come first (one queue, oldest first).
    json m2 = m;
    m2["id"] = "nl-2";
    REQUIRE(s.post("/api/guard/check", {{"message", m2}}, shop).status == 200);
    hooks.set_script([](const WebhookDelivery&, int) { return 200; });
    REQUIRE(hooks.wait_for([&](const auto& all) {
      const std::string id = event_id(all, "message.held", "shop:nl-2");
      return !id.empty() && delivered(all, id);
    }));

    const auto all = hooks.deliveries();
    std::map<std::string, int> accepted;
    std::set<std::string> done;
    for (const auto& d : all) {
      CAPTURE(d.body);
      CHECK(d.signature_ok);
      CHECK(d.id.rfind("msg_", 0) == 0);
      CHECK_FALSE(done.count(d.id));  // nothing comes again after its 200
      if (d.answered == 200) ++accepted[d.id], done.insert(d.id);
      const json j = json::parse(d.body);
      CHECK(j["timestamp"].is_string());
      CHECK(j["data"]["scheduled"].is_string());
    }
    for (const auto& [id, n] : accepted) CHECK(n == 1);
    CHECK(accepted.size() == 4);
    const json rel = json::parse(of_id(all, released).back().body);
    CHECK(rel["data"]["state"] == "released");
    CHECK(rel["data"]["verdict"] == "send");
    CHECK(rel["data"]["decided_by"] == "m-ben");
    CHECK(rel["data"]["customer"] == "c-lind");
  }

  SUBCASE("an endpoint that answers 410 is disabled; --events filters") {
    hooks.set_script([](const WebhookDelivery&, int) { return 200; });
    WebhookReceiver gone("", [](const WebhookDelivery&, int) { return 410; });
    gone.set_secret(add_webhook(s, gone.url()));
    WebhookReceiver releases_only;
    releases_only.set_secret(add_webhook(s, releases_only.url(), "message.released"));
    push_all(ben, {ben.upsert("scheduled", "s-kit-renewal", {{"status", "cancelled"}},
                              lead.seqs.at({"scheduled", "s-kit-renewal"}))});
    REQUIRE(gone.wait_for([](const auto& all) { return all.size() == 1; }));
    REQUIRE(hooks.wait_for([](const auto& all) { return all.size() == 1; }));
    std::string listing;
    REQUIRE(run_admin({"webhooks", "--db", s.db()}, "", &listing) == 0);
    CHECK(listing.find(gone.url() + " events=") != std::string::npos);
    CHECK(listing.find("DISABLED answered 410") != std::string::npos);
    push_all(ben, {ben.upsert("scheduled", "s-lind-news", {{"status", "released"}}, lead.seqs.at({"scheduled", "s-lind-news"}))});
    REQUIRE(hooks.wait_for([](const auto& all) { return all.size() == 2; }));
    REQUIRE(releases_only.wait_for([](const auto& all) { return all.size() == 1; }));
    CHECK(gone.deliveries().size() == 1);  // disabled: the release never went there
    CHECK(json::parse(releases_only.deliveries()[0].body)["type"] == "message.released");
    CHECK(releases_only.deliveries()[0].signature_ok);
  }
}
