// Every operation of src/server/openapi.json called on the real cockpit-server (demo
// book, demo logins), with valid and invalid requests, one table row each: the answer
// must have the row's status, and that status, its content type and its body must be
// what the document says for the operation. Valid request bodies must also satisfy the
// document's request schema, and every operation must be called at least once with an
// answer of 2xx and once with one of 4xx. The webhooks the document describes are
// received from the server by a real endpoint and checked the same way.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "connect_fixtures.hpp"
#include "guard_book.hpp"
#include "harness.hpp"
#include "json_schema.hpp"
#include "openapi_spec.hpp"
#include "webhook_receiver.hpp"

using namespace cockpit::test;

namespace {

// stripe, shopify, zendesk: the row's body is signed with that source's scheme (connect_fixtures.cpp).
enum class As { nobody, anna, anna_cookie, lena, ingest, check, feed, stripe, shopify, zendesk };

struct Row {
  std::string what;
  const char* method;
  const char* path;   // as in openapi.json
  std::string query;  // appended to the path; "{cursor}" is replaced by the server's cursor
  std::string body;   // "" for none
  As as = As::nobody;
  long status = 200;
  bool valid_body = false;  // the body must satisfy the request schema
  std::string content_type = "application/json";
  std::vector<std::string> headers = {};
};

const std::string kEvil = "Origin: http://evil.example";

std::string message(const std::string& id, const std::string& who, const std::string& sender = "system:shop") {
  return R"({"message": {"id": ")" + id + R"(", )" + who + R"(, "kind": "status_update", "channel": "email", "sender": ")" +
         sender + R"(", "subject": "Where it stands", "scheduled_at": "2026-11-20T14:00Z"}})";
}

const std::string kTouchpoint =
    R"({"id": "t-openapi", "customer": "c-bike", "case": "k-bike", "at": "2026-11-20T10:00Z", "channel": "phone",
        "direction": "out", "sender": "m-anna", "kind": "status_update", "subject": "Called", "body": ""})";

// One group of rows per API: the session, sync, ingest, the guard.
std::vector<Row> session_rows() {
  return {
      {"health", "GET", "/api/health", "", "", As::nobody, 200},
      {"liveness", "GET", "/healthz", "", "", As::nobody, 200},
      {"readiness (the store answers)", "GET", "/readyz", "", "", As::nobody, 200},
      {"sign in", "POST", "/api/session", "", R"({"manager": "m-anna", "password": "demo-anna"})", As::nobody, 200, true},
      {"wrong password", "POST", "/api/session", "", R"({"manager": "m-anna", "password": "nope"})", As::nobody, 401, true},
      {"no manager", "POST", "/api/session", "", R"({"password": "x"})", As::nobody, 400},
      {"not JSON", "POST", "/api/session", "", "{", As::nobody, 400},
      {"not application/json", "POST", "/api/session", "", "manager=m-anna", As::nobody, 415, false, "text/plain"},
      {"another site's page", "POST", "/api/session", "", R"({"manager": "m-anna", "password": "demo-anna"})",
       As::nobody, 403, true, "application/json", {kEvil}},
      {"too large for a stranger", "POST", "/api/session", "", std::string(5000, ' '), As::nobody, 413},
      {"sign out without a session", "DELETE", "/api/session", "", "", As::nobody, 200},
      {"sign out from another site", "DELETE", "/api/session", "", "", As::nobody, 403, false, "", {kEvil}},

      {"me by bearer", "GET", "/api/me", "", "", As::anna, 200},
      {"me by cookie", "GET", "/api/me", "", "", As::anna_cookie, 200},
      {"me without a session", "GET", "/api/me", "", "", As::nobody, 401},
  };
}

std::vector<Row> sync_rows() {
  return {
      {"push: one applied, one refused, with its pull", "POST", "/api/push", "",
       R"({"client_id": "oa-anna", "schema_version": 1, "since": 0, "mutations": [
           {"mutation_id": 1, "kind": "upsert", "record_kind": "touchpoint", "record_id": "t-openapi", "base_seq": 0,
            "fields": )" + kTouchpoint + R"(},
           {"mutation_id": 2, "kind": "upsert", "record_kind": "customer", "record_id": "c-kitcar", "base_seq": 0,
            "fields": {"name": "Not yours"}}]})",
       As::anna, 200, true},
      {"push: a lead cancels a message", "POST", "/api/push", "",
       R"({"client_id": "oa-lena", "schema_version": 1, "mutations": [{"mutation_id": 1, "kind": "upsert",
           "record_kind": "scheduled", "record_id": "s-kaya-status", "base_seq": 0, "fields": {"status": "cancelled"}}]})",
       As::lena, 200, true},
      {"push: another manager's client id", "POST", "/api/push", "",
       R"({"client_id": "oa-anna", "schema_version": 1, "mutations": []})", As::lena, 403, true},
      {"push: malformed", "POST", "/api/push", "", "{}", As::anna, 400},
      {"push: an old app", "POST", "/api/push", "", R"({"client_id": "oa-x", "schema_version": 0, "mutations": []})",
       As::anna, 426},
      {"push: a newer app", "POST", "/api/push", "", R"({"client_id": "oa-x", "schema_version": 99, "mutations": []})",
       As::anna, 409},
      {"push without a session", "POST", "/api/push", "", "{}", As::nobody, 401},
      {"push by cookie from another site", "POST", "/api/push", "", R"({"client_id": "oa-x", "schema_version": 1, "mutations": []})",
       As::anna_cookie, 403, true, "application/json", {kEvil}},
      {"push: not application/json", "POST", "/api/push", "", "x", As::anna, 415, false, "text/plain"},

      {"pull: a manager's share", "GET", "/api/pull", "?since=0", "", As::anna, 200},
      {"pull: the lead's whole book", "GET", "/api/pull", "?since=0&schema=1", "", As::lena, 200},
      {"pull: since is not a cursor", "GET", "/api/pull", "?since=abc", "", As::anna, 400},
      {"pull: an old app", "GET", "/api/pull", "?since=0&schema=0", "", As::anna, 426},
      {"pull: a newer app", "GET", "/api/pull", "?since=0", "", As::anna, 409, false, "", {"X-Cockpit-Schema: 2"}},
      {"pull without a session", "GET", "/api/pull", "?since=0", "", As::nobody, 401},

      {"live: a cursor the server never gave", "GET", "/api/live", "?since=999999999&client=oa-anna", "", As::anna, 200},
      {"live: nothing changes until the heartbeat", "GET", "/api/live", "?since={cursor}&client=oa-anna", "", As::anna, 200},
      {"live: since is not a cursor", "GET", "/api/live", "?since=-1", "", As::anna, 400},
      {"live: an old app", "GET", "/api/live", "?since=0&schema=0", "", As::anna, 426},
      {"live without a session", "GET", "/api/live", "?since=0", "", As::nobody, 401},
  };
}

std::vector<Row> ingest_rows() {
  return {
      {"ingest a new customer", "POST", "/api/ingest", "",
       R"({"customers": [{"id": "c-openapi", "name": "OpenAPI Ltd", "owner": "m-anna", "stage": "prospect",
           "preferred_channel": "email", "since": "2026-01-01"}]})",
       As::ingest, 200, true},
      {"ingest: a bad time", "POST", "/api/ingest", "",
       R"({"customers": [{"id": "c-bad", "name": "Bad", "owner": "m-anna", "stage": "active",
           "preferred_channel": "email", "since": "2027-02-29"}]})",
       As::ingest, 422, true},
      {"ingest: a new manager", "POST", "/api/ingest", "",
       R"({"managers": [{"id": "m-new", "name": "New", "email": "", "role": "manager"}]})", As::ingest, 403, true},
      {"ingest: not application/json", "POST", "/api/ingest", "", "x", As::ingest, 415, false, "text/plain"},
      {"ingest without a token", "POST", "/api/ingest", "", "{}", As::nobody, 401},
      {"ingest with a session", "POST", "/api/ingest", "", "{}", As::anna, 401},
      {"ingest without the scope", "POST", "/api/ingest", "", "{}", As::check, 403},
  };
}

std::vector<Row> check_rows() {
  return {
      {"check a held message by id", "POST", "/api/guard/check", "", R"({"scheduled": "s-fairy-review"})", As::check, 200, true},
      {"check, strict: held", "POST", "/api/guard/check", "?strict=1", R"({"scheduled": "s-fairy-review"})", As::check, 409, true},
      {"check, strict: cancelled", "POST", "/api/guard/check", "?strict=1", R"({"scheduled": "s-kaya-status"})", As::check, 410, true},
      {"check a new message", "POST", "/api/guard/check", "", message("oa-1", R"("customer": "c-nordlicht")"), As::check, 200, true},
      {"check by e-mail, from the relay", "POST", "/api/guard/check", "",
       R"({"via": "relay", )" + message("oa-2", R"("email": "helen.carter@example.com")").substr(1), As::check, 200, true},
      {"check: the id given for another customer", "POST", "/api/guard/check", "", message("oa-1", R"("customer": "c-weber")"),
       As::check, 409, true},
      {"check: no such scheduled message", "POST", "/api/guard/check", "", R"({"scheduled": "s-none"})", As::check, 404, true},
      {"check: no customer with that e-mail", "POST", "/api/guard/check", "",
       message("oa-3", R"("email": "nobody@example.invalid")"), As::check, 404, true},
      {"check: neither scheduled nor message", "POST", "/api/guard/check", "", "{}", As::check, 422},
      {"check: a sender the contract refuses", "POST", "/api/guard/check", "",
       message("oa-4", R"("customer": "c-nordlicht")", "nobody"), As::check, 422, true},
      {"check: not JSON", "POST", "/api/guard/check", "", "{", As::check, 400},
      {"check: not application/json", "POST", "/api/guard/check", "", "x", As::check, 415, false, "text/plain"},
      {"check without a token", "POST", "/api/guard/check", "", "{}", As::nobody, 401},
      {"check without the scope", "POST", "/api/guard/check", "", "{}", As::feed, 403},

      {"GET check by id", "GET", "/api/guard/check", "?scheduled=s-bike-mkt", "", As::check, 200},
      {"GET check, strict: held", "GET", "/api/guard/check", "?strict=1&scheduled=s-fairy-review", "", As::check, 409},
      {"GET check of a message", "GET", "/api/guard/check",
       "?id=oa-5&email=marco.rossi%40domino.example&kind=marketing&channel=email&sender=system%3Ashop&subject=Hi"
       "&scheduled_at=2026-11-20T14%3A00Z",
       "", As::check, 200},
      {"GET check without arguments", "GET", "/api/guard/check", "", "", As::check, 422},
      {"GET check: no such message", "GET", "/api/guard/check", "?scheduled=s-none", "", As::check, 404},
      {"GET check without a token", "GET", "/api/guard/check", "", "", As::nobody, 401},
      {"GET check without the scope", "GET", "/api/guard/check", "", "", As::feed, 403},
  };
}

std::vector<Row> feed_rows() {
  return {
      {"the verdict feed", "GET", "/api/guard/verdicts", "", "", As::feed, 200},
      {"the feed in pages", "GET", "/api/guard/verdicts", "?since=1&limit=2", "", As::feed, 200},
      {"the feed: a bad cursor", "GET", "/api/guard/verdicts", "?since=-1", "", As::feed, 400},
      {"the feed: a bad limit", "GET", "/api/guard/verdicts", "?limit=0", "", As::feed, 400},
      {"the feed without a token", "GET", "/api/guard/verdicts", "", "", As::nobody, 401},
      {"the feed without the scope", "GET", "/api/guard/verdicts", "", "", As::check, 403},

      {"suppressions", "GET", "/api/guard/suppressions", "", "", As::feed, 200},
      {"suppressions as CSV", "GET", "/api/guard/suppressions", "?format=csv", "", As::feed, 200},
      {"suppressions: an unknown format", "GET", "/api/guard/suppressions", "?format=xml", "", As::feed, 400},
      {"suppressions without a token", "GET", "/api/guard/suppressions", "", "", As::nobody, 401},
      {"suppressions without the scope", "GET", "/api/guard/suppressions", "", "", As::check, 403},

      {"the policy", "GET", "/api/guard/policy", "", "", As::check, 200},
      {"the policy without a token", "GET", "/api/guard/policy", "", "", As::nobody, 401},
  };
}

const std::string kSourceSecret = "oa-source-secret-1234";

std::string stripe_event_for(const std::string& type, const std::string& id, const std::string& email) {
  return connect::stripe_event(type, id, connect::now_s(), connect::stripe_invoice("in_" + id, "", email, 100)).dump();
}

// The source webhooks (src/server/CONNECT.md); the unmatched rows rely on the events
// before them: the first Stripe row is unmatched event 1.
std::vector<Row> connect_rows() {
  const std::string order =
      connect::shopify_order(7001, "#7001", "sofie.janssen@example.com", 0, "2026-11-20T10:00Z", "2026-11-20T10:00Z").dump();
  const std::string ticket =
      connect::zendesk_ticket("zen:event-type:ticket.created", "oa-z1", "501", "777", "NEW", "PROBLEM", "2026-11-20T10:00:00Z").dump();
  return {
      {"stripe: an unknown customer's event is kept", "POST", "/api/connect/stripe", "",
       stripe_event_for("invoice.payment_failed", "evt_oa1", "nobody@example.com"), As::stripe, 200, true},
      {"stripe: a known customer", "POST", "/api/connect/stripe", "",
       stripe_event_for("invoice.payment_failed", "evt_oa2", "marco.rossi@domino.example"), As::stripe, 200, true},
      {"stripe: a replay", "POST", "/api/connect/stripe", "",
       stripe_event_for("invoice.payment_failed", "evt_oa2", "marco.rossi@domino.example"), As::stripe, 200, true},
      {"stripe: a type not mapped", "POST", "/api/connect/stripe", "",
       stripe_event_for("payout.paid", "evt_oa3", "x@example.com"), As::stripe, 200, true},
      {"stripe: not JSON", "POST", "/api/connect/stripe", "", "{", As::stripe, 400},
      {"stripe: no event id", "POST", "/api/connect/stripe", "", R"({"type": "invoice.paid", "created": 1, "data": {"object": {}}})",
       As::stripe, 400, true},
      {"stripe: forged", "POST", "/api/connect/stripe", "", "{}", As::nobody, 401, true, "application/json",
       {"Stripe-Signature: t=1700000000,v1=00"}},
      {"stripe: unsigned", "POST", "/api/connect/stripe", "", "{}", As::nobody, 401, true},
      {"stripe: too large", "POST", "/api/connect/stripe", "", std::string(1100000, ' '), As::stripe, 413},
      {"shopify: an order", "POST", "/api/connect/shopify", "", order, As::shopify, 200, true, "application/json",
       {"X-Shopify-Topic: orders/create"}},
      {"shopify: no topic", "POST", "/api/connect/shopify", "", order, As::shopify, 400, true},
      {"shopify: forged", "POST", "/api/connect/shopify", "", order, As::nobody, 401, true, "application/json",
       {"X-Shopify-Topic: orders/create", "X-Shopify-Hmac-Sha256: AAAA"}},
      {"zendesk: a ticket of an unknown requester", "POST", "/api/connect/zendesk", "", ticket, As::zendesk, 200, true},
      {"zendesk: no event id", "POST", "/api/connect/zendesk", "", R"({"type": "zen:event-type:ticket.created"})",
       As::zendesk, 400, true},
      {"zendesk: forged", "POST", "/api/connect/zendesk", "", ticket, As::nobody, 401, true, "application/json",
       {"X-Zendesk-Webhook-Signature: AAAA", "X-Zendesk-Webhook-Signature-Timestamp: 2026-11-20T10:00:00Z"}},

      {"the unmatched list", "GET", "/api/connect/unmatched", "", "", As::lena, 200},
      {"the unmatched list: a manager", "GET", "/api/connect/unmatched", "", "", As::anna, 403},
      {"the unmatched list without a session", "GET", "/api/connect/unmatched", "", "", As::nobody, 401},
      {"match an event", "POST", "/api/connect/unmatched/match", "", R"({"id": 1, "customer": "c-bike"})", As::lena, 200, true},
      {"match: no such event", "POST", "/api/connect/unmatched/match", "", R"({"id": 999, "customer": "c-bike"})", As::lena,
       404, true},
      {"match: no customer", "POST", "/api/connect/unmatched/match", "", R"({"id": 2})", As::lena, 422},
      {"match: not JSON", "POST", "/api/connect/unmatched/match", "", "{", As::lena, 400},
      {"match: a manager", "POST", "/api/connect/unmatched/match", "", R"({"id": 2, "customer": "c-bike"})", As::anna, 403, true},
      {"match: not application/json", "POST", "/api/connect/unmatched/match", "", "id=2", As::lena, 415, false, "text/plain"},
      {"match without a session", "POST", "/api/connect/unmatched/match", "", "{}", As::nobody, 401},
  };
}

// In this order: later rows rely on earlier ones (a client id used, a message cancelled).
std::vector<Row> rows() {
  std::vector<Row> all;
  for (auto group : {session_rows, sync_rows, ingest_rows, check_rows, feed_rows, connect_rows})
    for (Row& r : group()) all.push_back(std::move(r));
  return all;
}

struct Credentials {
  std::map<As, std::string> bearer;
  std::string anna_cookie;
};

Call call_for(const Row& row, const Credentials& who, const std::string& query) {
  Call c;
  c.method = row.method;
  c.path = std::string(row.path) + query;
  c.body = row.body;
  c.content_type = row.content_type;
  c.headers = row.headers;
  if (row.as == As::anna_cookie) {
    c.cookie = who.anna_cookie;
  } else if (row.as == As::stripe || row.as == As::shopify || row.as == As::zendesk) {
    // Signed as the source signs; the event id of a Shopify row is its description's.
    Call signed_call = row.as == As::stripe    ? connect::stripe_call(kSourceSecret, row.body, connect::now_s())
                       : row.as == As::shopify ? connect::shopify_call(kSourceSecret, "", row.what, row.body)
                                               : connect::zendesk_call(kSourceSecret, row.body, connect::iso_now());
    for (auto& h : signed_call.headers)
      if (h != "X-Shopify-Topic: ") c.headers.push_back(h);
  } else if (row.as != As::nobody) {
    c.bearer = who.bearer.at(row.as);
  }
  if (!row.body.empty() && row.content_type.empty()) c.content_type = "application/json";
  return c;
}

// A token made by `cockpit-server add-integration` (another process) reaches the running
// server within 5 s (src/server/GUARD.md): wait for it, up to 10 s.
std::string ready(const Server& s, const std::string& token) {
  for (int i = 0; i < 100; ++i) {
    if (s.get("/api/guard/policy", token).status == 200) return token;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("a new integration token was not accepted within 10 s");
  return token;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("every operation answers as openapi.json says, for valid and invalid requests") {
  const OpenApi spec = OpenApi::load();
  Server s(temp_path("openapi.db"), {"--demo", "--heartbeat", "1", "--rate", "1000", "--burst", "1000"});
  Credentials who;
  who.bearer[As::anna] = s.sign_in("m-anna", "demo-anna");
  who.bearer[As::lena] = s.sign_in("m-lena", "demo-lena");
  who.anna_cookie = "cockpit_session=" + who.bearer[As::anna];
  who.bearer[As::ingest] = ready(s, token_with(s, "oa-ingest", "ingest"));
  who.bearer[As::check] = ready(s, token_with(s, "oa-check", "check"));
  who.bearer[As::feed] = ready(s, token_with(s, "oa-feed", "feed"));
  for (const char* source : {"stripe", "shopify", "zendesk"})
    REQUIRE(run_admin({"add-integration", "--db", s.db(), "--name", std::string("oa-") + source, "--source", source,
                       "--secret-stdin"},
                      kSourceSecret + "\n") == 0);

  std::map<std::pair<std::string, std::string>, std::set<long>> seen;  // operation → status classes (2, 4)
  for (const Row& row : rows()) {
    CAPTURE(row.what);
    std::string query = row.query;
    if (auto at = query.find("{cursor}"); at != std::string::npos)
      query.replace(at, 8, std::to_string(s.get("/api/health").as_json()["cursor"].get<long>()));
    if (row.valid_body) {
      const auto problems = spec.request_problems(row.method, row.path, json::parse(row.body));
      CHECK_MESSAGE(problems.empty(), joined(problems));
    }
    const HttpReply reply = s.call(call_for(row, who, query));
    CHECK_MESSAGE(reply.status == row.status, "answered " << reply.status << ": " << reply.body.substr(0, 300));
    const auto problems = spec.answer_problems(row.method, row.path, reply);
    CHECK_MESSAGE(problems.empty(), joined(problems));
    seen[{row.method, row.path}].insert(reply.status / 100);
  }
  for (const auto& op : spec.operations()) {
    CAPTURE(op.first + " " + op.second);
    CHECK_MESSAGE(seen[op].count(2), "no row gets a 2xx answer");
    // The health checks' only refusal is the rate limit's, which the next case gets (and
    // /readyz's 503 while PostgreSQL is away: tests/server/multi_process_test.cpp).
    if (op.second != "/api/health" && op.second != "/healthz" && op.second != "/readyz")
      CHECK_MESSAGE(seen[op].count(4), "no row gets a 4xx answer");
  }
}

TEST_CASE("a rate-limited answer is as openapi.json says") {
  const OpenApi spec = OpenApi::load();
  Server s(temp_path("openapi-rate.db"), {"--rate", "0.01", "--burst", "2"});
  HttpReply r;
  for (int i = 0; i < 3; ++i) r = s.get("/api/health");
  REQUIRE(r.status == 429);
  CHECK(!r.header("retry-after").empty());
  const auto problems = spec.answer_problems("GET", "/api/health", r);
  CHECK_MESSAGE(problems.empty(), joined(problems));
}

TEST_CASE("the webhooks the server sends are the ones openapi.json describes") {
  const OpenApi spec = OpenApi::load();
  Server s(temp_path("openapi-webhooks.db"), {"--demo", "--webhook-retry-ms", "50"});
  WebhookReceiver receiver;
  std::string out;
  REQUIRE(run_admin({"add-webhook", "--db", s.db(), "--url", receiver.url()}, "", &out) == 0);
  const std::string secret = out.substr(out.find(' ') + 1, out.find_last_not_of("\r\n") - out.find(' '));
  receiver.set_secret(secret);
  const std::string check = ready(s, token_with(s, "oa-hooks", "check"));
  // A review request before its case is fulfilled arrives held: message.held.
  HttpReply r = s.post("/api/guard/check",
                       json::parse(R"({"message": {"id": "oa-review", "customer": "c-fairy", "case": "k-fairy",
                                   "kind": "review_request", "channel": "email", "sender": "system:shop",
                                   "subject": "How did we do?", "scheduled_at": "2026-11-20T14:00Z"}})"),
                       check);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(receiver.wait_for([](const auto& got) { return !got.empty(); }));
  const json& hook = spec.doc.at("webhooks").at("guardEvent").at("post");
  const json& schema = hook.at("requestBody").at("content").at("application/json").at("schema");
  for (const WebhookDelivery& d : receiver.deliveries()) {
    CAPTURE(d.body);
    CHECK(d.signature_ok);
    const json body = json::parse(d.body);
    const auto problems = schema_problems(body, schema, spec.doc);
    CHECK_MESSAGE(problems.empty(), joined(problems));
    CHECK(d.id == "msg_" + std::to_string(body["data"]["cursor"].get<long>()));
  }
}
