// The guard on the real server (issue 14): a sender that asks before every send replays
// the seed stories; bad input; the verdict feed and the suppression list; server and
// device verdicts agree on the demo book and the 10,000-customer book after random
// changes. The webhooks have their own file (guard_webhook_test.cpp).
#include <doctest/doctest.h>

#include <set>

#include "domain/document.hpp"
#include "guard_book.hpp"
#include "harness.hpp"
#include "store/synthetic.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

// The guard decides as of a whole second near the wall clock (the demo's "@" times are
// set from the wall clock when it loads).
Time as_of_now() { return now_utc() / kSecond * kSecond; }

HttpReply check(const Server& s, const std::string& token, const json& body, const std::string& query = "") {
  return s.post("/api/guard/check" + query, body, token);
}

json message(const std::string& id, const std::string& customer, const std::string& kind, const std::string& subject,
             Time at, const std::string& case_id = "") {
  json m{{"id", id},           {"customer", customer}, {"kind", kind}, {"channel", "email"},
         {"sender", "system:shop"}, {"subject", subject}, {"scheduled_at", format_time(at)}};
  if (!case_id.empty()) m["case"] = case_id;
  return m;
}

// A sender that asks before every send: it sends on "send", keeps a held message to ask
// again later, and drops a cancelled one.
struct AskingSender {
  const Server& server;
  std::string token;
  std::vector<json> queue;  // check bodies still to send
  std::vector<std::string> sent;
  std::map<std::string, std::string> last;  // what each message was last answered

  static std::string key(const json& body) {
    return body.contains("scheduled") ? body["scheduled"].get<std::string>() : body["message"]["id"].get<std::string>();
  }
  void round() {
    std::vector<json> keep;
    for (const json& body : queue) {
      HttpReply r = check(server, token, body);
      REQUIRE_MESSAGE(r.status == 200, r.body);
      const json a = r.as_json();
      last[key(body)] = a["verdict"];
      if (a["verdict"] == "send") sent.push_back(key(body));
      if (a["verdict"] == "hold") keep.push_back(body);
    }
    queue = std::move(keep);
  }
};

std::int64_t server_cursor(const Server& s) { return s.get("/api/health").as_json()["cursor"]; }
// The verdict feed's cursor (moves with every change of standing).
std::int64_t feed_cursor(const Server& s, const std::string& token) {
  HttpReply r = s.get("/api/guard/suppressions", token);
  REQUIRE(r.status == 200);
  return r.as_json()["cursor"];
}

std::int64_t seq_in(const LeadReplica& r, const std::string& kind, const std::string& id) {
  return r.seqs.at({kind, id});
}

}  // namespace

TEST_CASE("the seed stories: a sender that asks before every send is stopped exactly where the guard holds") {
  const Time t = as_of_now();
  Server s(temp_path("guard-stories.db"), {"--demo", "--as-of", format_time(t)});
  REQUIRE(s.stdout_text().find("the guard decides as of " + format_time(t)) != std::string::npos);
  AskingSender shop{s, token_with(s, "shop", "check")};
  const std::string feed = token_with(s, "lists", "feed");

  // Canyon's company bike (seed 000): ten more identical order confirmations while two
  // exceptions are open, the spring marketing mail; a new delivery date is fine.
  for (int i = 1; i <= 10; ++i)
    shop.queue.push_back({{"message", message("oc-" + std::to_string(i), "c-bike", "order_confirmation",
                                              "Your order 4711 is confirmed", t + kHour, "k-bike")}});
  shop.queue.push_back({{"scheduled", "s-bike-mkt"}});
  shop.queue.push_back({{"message", message("eta-1", "c-bike", "status_update", "Your new delivery date", t + 5 * kHour,
                                            "k-bike")}});
  // The spring fairy costume (seed 002): the review request before the parcel arrived.
  shop.queue.push_back({{"message", message("rev-88213", "c-fairy", "review_request", "How did we do?",
                                            t + 4 * kHour, "k-fairy")}});
  // The kit car (seed 003): renewal and legal warning after the insurance was cancelled.
  shop.queue.push_back({{"scheduled", "s-kit-renewal"}});
  shop.queue.push_back({{"message", message("legal-7", "c-kitcar", "legal_notice", "Driving uninsured is an offence",
                                            t + 2 * kHour)}});
  // A cancelled home insurance (Sara Lind): the winter newsletter.
  shop.queue.push_back({{"scheduled", "s-lind-news"}});
  // The trade-in (seed 004): a plain status update goes.
  shop.queue.push_back({{"message", message("tradein-1", "c-tradein", "status_update", "Your trade-in payment",
                                            t + 4 * kHour)}});

  shop.round();
  CHECK(shop.sent == std::vector<std::string>{"eta-1", "tradein-1"});
  for (int i = 1; i <= 10; ++i) CHECK(shop.last["oc-" + std::to_string(i)] == "hold");
  for (const char* k : {"s-bike-mkt", "rev-88213", "s-kit-renewal", "legal-7", "s-lind-news"}) CHECK(shop.last[k] == "hold");
  // Asking again gives the same record and answer.
  HttpReply again = check(s, shop.token, {{"message", message("rev-88213", "c-fairy", "review_request",
                                                               "How did we do?", t + 4 * kHour, "k-fairy")}});
  REQUIRE(again.status == 200);
  CHECK(again.as_json()["scheduled"] == "shop:rev-88213");
  CHECK(again.as_json()["reasons"] == json{"before_fulfilment", "duplicate"});

  // The managers act: the parcel arrives, Ben cancels the renewal and lets the newsletter go.
  Device anna{&s, s.sign_in("m-anna", "demo-anna"), "anna"}, ben{&s, s.sign_in("m-ben", "demo-ben"), "ben"};
  LeadReplica lead;
  const std::string lena = s.sign_in("m-lena", "demo-lena");
  lead.pull(s, lena);
  push_all(anna, {anna.upsert("case", "k-fairy", {{"status", "fulfilled"}, {"fulfilled_at", format_time(t - kMinute)}},
                              seq_in(lead, "case", "k-fairy"))});
  push_all(ben, {ben.upsert("scheduled", "s-kit-renewal", {{"status", "cancelled"}}, seq_in(lead, "scheduled", "s-kit-renewal")),
                 ben.upsert("scheduled", "s-lind-news", {{"status", "released"}}, seq_in(lead, "scheduled", "s-lind-news"))});

  shop.round();
  shop.round();  // released messages went once; nothing held goes on asking again
  // The review request still has the earlier s-fairy-review before it (duplicate).
  CHECK(shop.last["rev-88213"] == "hold");
  CHECK(shop.last["s-kit-renewal"] == "cancel");
  CHECK(std::count(shop.sent.begin(), shop.sent.end(), "s-lind-news") == 1);
  CHECK(std::count(shop.sent.begin(), shop.sent.end(), "s-kit-renewal") == 0);
  HttpReply released = check(s, shop.token, {{"scheduled", "s-lind-news"}});
  CHECK(released.as_json()["decided_by"] == "m-ben");
  CHECK(released.as_json()["decided_at"].is_string());
  // Anna cancels the earlier review request; the shop's own one may go now, once.
  lead.pull(s, lena);
  push_all(anna, {anna.upsert("scheduled", "s-fairy-review", {{"status", "cancelled"}},
                              seq_in(lead, "scheduled", "s-fairy-review"))});
  shop.round();
  shop.round();
  CHECK(std::count(shop.sent.begin(), shop.sent.end(), "rev-88213") == 1);
  CHECK(shop.last["rev-88213"] == "send");

  // The managers see who asked: the shop's messages are scheduled records like any other.
  lead.pull(s, lena);
  const json& rev = lead.records.at({"scheduled", "shop:rev-88213"});
  CHECK(rev["asked_by"] == "shop");
  CHECK(rev["asked_via"] == "check");
  CHECK(rev["customer"] == "c-fairy");
  REQUIRE(lead.records.count({"scheduled", "s-kaya-status"}));
  CHECK_FALSE(lead.records.at({"scheduled", "s-kaya-status"}).contains("asked_at"));  // never asked
  // And the server agrees with the devices' engine on every message.
  require_agreement(lead.book(), server_standings(s, feed), t);
}

TEST_CASE("the check refuses bad input with a 4xx naming the field, and records nothing") {
  const Time t = as_of_now();
  Server s(temp_path("guard-bad.db"), {"--demo", "--as-of", format_time(t)});
  const std::string shop = token_with(s, "shop", "check"), ingest_only = token_with(s, "erp", "ingest"),
                    feed = token_with(s, "lists", "feed");
  const json good = message("m-1", "c-bike", "status_update", "Hello", t + kHour, "k-bike");
  auto without = [&](const char* field) {
    json m = good;
    m.erase(field);
    return json{{"message", m}};
  };
  auto with = [&](const char* field, json v) {
    json m = good;
    m[field] = std::move(v);
    return json{{"message", m}};
  };
  struct Bad {
    const char* what;
    json body;
    int status;
    const char* code;
    const char* field;
  };
  const std::vector<Bad> cases = {
      {"unknown kind", with("kind", "newsletter"), 422, "invalid_check", "message.kind"},
      {"missing id", without("id"), 422, "invalid_check", "message.id"},
      {"missing kind", without("kind"), 422, "invalid_check", "message.kind"},
      {"missing channel", without("channel"), 422, "invalid_check", "message.channel"},
      {"missing sender", without("sender"), 422, "invalid_check", "message.sender"},
      {"empty sender", with("sender", ""), 422, "invalid_check", "message.sender"},
      {"subject not text", with("subject", 7), 422, "invalid_check", "message.subject"},
      {"missing time", without("scheduled_at"), 422, "invalid_check", "message.scheduled_at"},
      {"bad time", with("scheduled_at", "tomorrow"), 422, "invalid_check", "message.scheduled_at"},
      {"no customer", without("customer"), 422, "invalid_check", "message.customer"},
      {"customer of no one", with("customer", "c-nobody"), 404, "unknown_customer", "message.customer"},
      {"unknown e-mail", {{"message", [&] { json m = good; m.erase("customer"); m["email"] = "x@nowhere.example"; return m; }()}},
       404, "unknown_customer", "message.email"},
      {"case of another customer", with("case", "k-fairy"), 422, "invalid_message", "message"},
      {"neither form", json{{"note", "hi"}}, 422, "invalid_check", ""},
      {"unknown scheduled", json{{"scheduled", "s-nothing"}}, 404, "unknown_scheduled", "scheduled"},
  };
  const std::int64_t cursor = server_cursor(s), standings = feed_cursor(s, feed);
  for (const Bad& b : cases) {
    CAPTURE(std::string(b.what));
    HttpReply r = check(s, shop, b.body);
    CHECK(r.status == b.status);
    const json j = r.as_json();
    CHECK(j["code"] == b.code);
    if (*b.field) CHECK(j["field"] == b.field);
    CHECK_FALSE(j["error"].get<std::string>().empty());
  }
  // Malformed JSON, a token without the scope, no token: refused before the body is read.
  Call malformed{"POST", "/api/guard/check", "{\"message\": {\"id\": "};
  malformed.bearer = shop;
  CHECK(s.call(malformed).status == 400);
  HttpReply scope = check(s, ingest_only, {{"message", good}});
  CHECK(scope.status == 403);
  CHECK(scope.as_json()["code"] == "missing_scope");
  CHECK(check(s, feed, {{"message", good}}).status == 403);
  CHECK(s.get("/api/guard/verdicts", shop).status == 403);
  CHECK(check(s, "", {{"message", good}}).status == 401);
  CHECK(check(s, s.sign_in("m-anna", "demo-anna"), {{"message", good}}).status == 401);  // a session is no integration
  CHECK(server_cursor(s) == cursor);
  CHECK(feed_cursor(s, feed) == standings);
  // The same message with good input is taken.
  CHECK(check(s, shop, {{"message", good}}).status == 200);
  CHECK(server_cursor(s) > cursor);
  // An id a sender already used for another customer.
  json other = good;
  other["customer"] = "c-novak";
  other.erase("case");
  HttpReply conflict = check(s, shop, {{"message", other}});
  CHECK(conflict.status == 409);
  CHECK(conflict.as_json()["field"] == "message.id");
}

TEST_CASE("an integration's name is plain: it prefixes its messages' ids, so no ':' that could make two alike") {
  Server s(temp_path("guard-names.db"), {"--demo"});
  struct Row {
    std::string name;
    int exit;
  };
  const Row rows[] = {{"shop", 0}, {"shop-2.eu_1", 0}, {"shop:eu", 2}, {"", 2}, {std::string(65, 'a'), 2},
                      {"a b", 2}, {"caf\xC3\xA9", 2}};
  for (const Row& r : rows) {
    CAPTURE(r.name);
    std::string out;
    CHECK(run_admin({"add-integration", "--db", s.db(), "--name", r.name, "--scopes", "check"}, "", &out) == r.exit);
    if (r.exit != 0) CHECK(out.empty());  // no token printed: nothing was added
  }
}

TEST_CASE("the verdict feed pages by cursor; suppressions as JSON and CSV; strict answers by status") {
  const Time t = as_of_now();
  Server s(temp_path("guard-feed.db"), {"--demo", "--as-of", format_time(t)});
  const std::string feed = token_with(s, "lists", "feed"), shop = token_with(s, "shop", "check");
  const auto all = server_standings(s, feed);
  REQUIRE(all.size() == 8);  // the demo book's scheduled messages
  // Pages of 3 give the same changes as one page.
  std::vector<json> paged;
  std::int64_t since = 0;
  for (bool more = true; more;) {
    HttpReply r = s.get("/api/guard/verdicts?limit=3&since=" + std::to_string(since), feed);
    REQUIRE(r.status == 200);
    const json j = r.as_json();
    CHECK(j["changes"].size() <= 3);
    for (const json& c : j["changes"]) paged.push_back(c);
    since = j["cursor"];
    more = j["more"];
  }
  CHECK(paged.size() == all.size());
  CHECK(s.get("/api/guard/verdicts?limit=0", feed).status == 400);
  CHECK(s.get("/api/guard/verdicts?since=-4", feed).status == 400);
  // Nothing after the last cursor until something changes.
  HttpReply idle = s.get("/api/guard/verdicts?since=" + std::to_string(since), feed);
  CHECK(idle.as_json()["changes"].empty());
  CHECK(idle.as_json()["cursor"] == since);

  HttpReply list = s.get("/api/guard/suppressions", feed);
  REQUIRE(list.status == 200);
  std::map<std::string, json> by_customer;
  const json listed = list.as_json();
  for (const json& x : listed["suppressions"]) by_customer[x["customer"]] = x;
  CHECK(by_customer.at("c-kitcar")["email"] == "peter.hughes@example.com");
  CHECK(by_customer.at("c-kitcar")["kinds"] == json{"renewal_notice", "legal_notice"});
  CHECK(by_customer.at("c-fairy")["kinds"] == json{"review_request"});
  CHECK(by_customer.count("c-kaya") == 0);  // its status update may go
  HttpReply csv = s.get("/api/guard/suppressions?format=csv", feed);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(csv.body.rfind("customer,email,kinds\r\n", 0) == 0);
  CHECK(csv.body.find("c-kitcar,peter.hughes@example.com,renewal_notice;legal_notice\r\n") != std::string::npos);
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == static_cast<long>(by_customer.size()) + 1);
  CHECK(csv.header("x-cockpit-cursor") == std::to_string(since));
  CHECK(s.get("/api/guard/suppressions?format=xml", feed).status == 400);

  // ?strict=1: a hold is 409, a cancel 410, a send 200 — for senders that read only the status.
  CHECK(check(s, shop, {{"scheduled", "s-kit-renewal"}}, "?strict=1").status == 409);
  CHECK(check(s, shop, {{"scheduled", "s-kaya-status"}}, "?strict=1").status == 200);
  CHECK(check(s, shop, {{"scheduled", "s-kit-renewal"}}).status == 200);
  // The GET form (an Iterable data feed fetches a URL): the same answers.
  CHECK(s.get("/api/guard/check?strict=1&scheduled=s-kit-renewal", shop).status == 409);
  HttpReply got = s.get("/api/guard/check?id=feed-1&email=petr.novak%40example.com&kind=status_update&channel=email"
                        "&sender=system%3Aerp&subject=Your%20parcel&scheduled_at=" + format_time(t + kHour),
                        shop);
  REQUIRE_MESSAGE(got.status == 200, got.body);
  CHECK(got.as_json()["scheduled"] == "shop:feed-1");
  CHECK(got.as_json()["customer"] == "c-novak");
  CHECK(got.header("cache-control") == "no-store");
  HttpReply missing = s.get("/api/guard/check?id=feed-2&email=petr.novak%40example.com", shop);
  CHECK(missing.status == 422);
  CHECK(missing.as_json()["field"] == "message.kind");
  // A new held message shows up in the feed after the cursor, and in the list.
  since = s.get("/api/guard/suppressions", feed).as_json()["cursor"];
  HttpReply held = check(s, shop, {{"message", message("nl-1", "c-lind", "marketing", "Winter tips", t + kDay)}});
  REQUIRE(held.status == 200);
  const json after = s.get("/api/guard/verdicts?since=" + std::to_string(since), feed).as_json();
  REQUIRE(after["changes"].size() == 1);
  CHECK(after["changes"][0]["scheduled"] == "shop:nl-1");
  CHECK(after["changes"][0]["state"] == "held");
  CHECK(after["changes"][0]["reasons"] == json{"former_customer"});
  // The policy a sender reads for when no answer comes.
  const json policy = s.get("/api/guard/policy", shop).as_json();
  CHECK(policy["on_no_answer"] == "hold");
  CHECK(policy["as_of"] == format_time(t));
}

TEST_CASE("server and device verdicts agree on the demo book, also after random changes") {
  const Time t = as_of_now();
  Server s(temp_path("guard-agree-demo.db"), {"--demo", "--as-of", format_time(t)});
  const std::string feed = token_with(s, "lists", "feed");
  Device lena{&s, s.sign_in("m-lena", "demo-lena"), "lena"};
  LeadReplica r;
  r.pull(s, lena.token);
  CHECK(require_agreement(r.book(), server_standings(s, feed), t) == 8);
  std::mt19937 rng(14);
  for (int round = 0; round < 10; ++round) {
    CAPTURE(round);
    push_all(lena, random_changes(rng, r, lena, t, 6));
    r.pull(s, lena.token);
    require_agreement(r.book(), server_standings(s, feed), t);
  }
}

TEST_CASE("server and device verdicts agree on the 10,000-customer book, also after random changes") {
  const Time t = as_of_now();
  SyntheticSpec spec;
  spec.now = t;
  const std::string doc = to_json(generate_book(spec));
  Server s(temp_path("guard-agree-10k.db"), {"--as-of", format_time(t), "--max-body", "1000000000", "--rate", "0",
                                             "--no-log"});
  add_managers(s, json::parse(doc), "agree-password");
  const std::string feed = token_with(s, "lists", "feed,ingest");
  HttpReply in = ingest(s, feed, doc);
  REQUIRE_MESSAGE(in.status == 200, in.body.substr(0, 300));
  Device lead{&s, s.sign_in("m-lead", "agree-password"), "lead"};
  LeadReplica r;
  r.pull(s, lead.token);
  CHECK(require_agreement(r.book(), server_standings(s, feed), t) == 10'000);
  std::mt19937 rng(10'000);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    push_all(lead, random_changes(rng, r, lead, t, 300));
    r.pull(s, lead.token);
    require_agreement(r.book(), server_standings(s, feed), t);
  }
}
