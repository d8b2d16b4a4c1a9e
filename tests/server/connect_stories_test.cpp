// The seed stories (the demo book, src/domain/demo_book.hpp) replayed as Stripe, Shopify
// and Zendesk events end in the same lists as the contract document gives (issue 20).
//
// Server A ingests the demo document as the end state. Server B ingests the same
// document with the facts the sources know taken back out: Sara Lind and Peter Hughes
// (seed 003) still active, the fulfilled orders open, the bike customer's e-mailed
// question absent. B then receives those facts as the sources send them, out of order
// and with repeats: Stripe's customer.subscription.deleted, Shopify's fulfillments,
// Zendesk's ticket. Every manager's lists (engine/lists.hpp: customers, pending
// exceptions, promises, suggestions, held messages, the guard's verdicts), computed from
// each server's pull at one instant, must be equal.
//
// To make the records the events produce comparable, the document names them as the
// events do (k-novak → k-shopify-4502, k-chairs → k-shopify-4503, t-bike-q1 →
// t-zendesk-5001 without a case: a Zendesk ticket does not know Cockpit's cases); both
// servers get that document.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <random>

#include "connect_fixtures.hpp"
#include "domain/demo.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "domain/record_kind.hpp"
#include "engine/lists.hpp"
#include "engine/templates.hpp"
#include "harness.hpp"

using namespace cockpit;
using namespace cockpit::test;
using namespace cockpit::test::connect;

namespace {

const std::string kSecret = "stories-secret-0123456789";

void rename(json& doc, const std::string& list, const std::string& from, const std::string& to, const char* ref) {
  for (auto& r : doc[list])
    if (r["id"] == from) r["id"] = to;
  if (!ref) return;
  for (auto& [name, records] : doc.items())
    for (auto& r : records)
      if (r.is_object() && r.contains(ref) && r[ref] == from) r[ref] = to;
}

json& find(json& doc, const std::string& list, const std::string& id) {
  for (auto& r : doc[list])
    if (r["id"] == id) return r;
  FAIL("no " << id << " in " << list);
  static json none;
  return none;
}

std::int64_t secs(const json& time) { return *parse_time(time.get<std::string>()) / kSecond; }

// The lists of `manager` from the server's pull of the lead (everything), as of `now`.
Lists lists_of(const Server& s, const std::string& lead_token, const std::string& manager, Time now) {
  const json pull = s.get("/api/pull?since=0", lead_token).as_json();
  json doc = json::object();
  for (const auto& c : pull["changes"]) {
    std::string list(list_name(*parse_RecordKind(c["kind"].get<std::string>())));
    doc[list].push_back(c["record"]);
  }
  ParsedDocument parsed = parse_document(doc.dump());
  REQUIRE_MESSAGE(parsed.ok(), (parsed.errors.empty() ? "" : parsed.errors[0]));
  return compute_lists(parsed.book, manager, now, Settings{}, builtin_templates());
}

std::unique_ptr<Server> started(const std::string& name, const std::string& doc) {
  auto s = std::make_unique<Server>(temp_path(name), std::vector<std::string>{"--rate", "1000", "--burst", "1000"});
  s->start();
  add_managers(*s, json::parse(doc), "stories-password");
  REQUIRE(ingest(*s, integration_token(*s, "stories"), doc).status == 200);
  return s;
}

}  // namespace

TEST_CASE("the seed stories replayed as Stripe, Shopify and Zendesk events give the lists of the contract document") {
  const Time now = now_utc() / kSecond * kSecond;  // whole seconds: Stripe's times are
  json end = json::parse(*resolve_relative_times(demo_document_text(), now));
  rename(end, "cases", "k-novak", "k-shopify-4502", "case");
  rename(end, "cases", "k-chairs", "k-shopify-4503", "case");
  rename(end, "touchpoints", "t-bike-q1", "t-zendesk-5001", nullptr);
  find(end, "touchpoints", "t-zendesk-5001")["case"] = nullptr;

  json before = end;
  for (const char* c : {"c-lind", "c-kitcar"}) {
    json& customer = find(before, "customers", c);
    customer["stage"] = "active";
    customer.erase("former_at");
  }
  for (const char* k : {"k-shopify-4502", "k-shopify-4503"}) {
    find(before, "cases", k)["status"] = "open";
    find(before, "cases", k)["fulfilled_at"] = nullptr;
  }
  auto& tps = before["touchpoints"];
  tps.erase(std::remove_if(tps.begin(), tps.end(), [](const json& t) { return t["id"] == "t-zendesk-5001"; }), tps.end());

  const auto a_server = started("stories-a.db", end.dump());
  const auto b_server = started("stories-b.db", before.dump());
  const Server& a = *a_server;
  const Server& b = *b_server;
  for (const char* source : {"stripe", "shopify", "zendesk"})
    REQUIRE(run_admin({"add-integration", "--db", b.db(), "--name", std::string(source) + "-stories", "--source", source,
                       "--secret-stdin"},
                      kSecret + "\n") == 0);

  // Linking events come first (a source announces its customers before their events).
  std::vector<Call> links = {
      stripe_call(kSecret, stripe_event("customer.created", "evt_l1", secs(find(end, "customers", "c-lind")["since"]),
                                        stripe_customer("cus_lind", "sara.lind@example.com")).dump(), now_s()),
      stripe_call(kSecret, stripe_event("customer.created", "evt_l2", secs(find(end, "customers", "c-kitcar")["since"]),
                                        stripe_customer("cus_kit", "peter.hughes@example.com")).dump(), now_s()),
      zendesk_call(kSecret, zendesk_user("zu-bike", "6001", "marco.rossi@domino.example", iso_now()).dump(), iso_now())};
  json ticket = zendesk_ticket("zen:event-type:ticket.created", "zd-5001", "5001", "6001", "OPEN", "QUESTION",
                               find(end, "touchpoints", "t-zendesk-5001")["at"], "Any news on the delivery?");
  ticket["detail"]["via"]["channel"] = "email";
  std::vector<Call> facts = {
      stripe_call(kSecret, stripe_event("customer.subscription.deleted", "evt_s1", secs(find(end, "customers", "c-lind")["former_at"]),
                                        stripe_subscription("sub_lind", "cus_lind")).dump(), now_s()),
      stripe_call(kSecret, stripe_event("customer.subscription.deleted", "evt_s2", secs(find(end, "customers", "c-kitcar")["former_at"]),
                                        stripe_subscription("sub_kit", "cus_kit")).dump(), now_s()),
      shopify_call(kSecret, "fulfillments/create", "f-4502",
                   shopify_fulfillment(1, 4502, "success", find(end, "cases", "k-shopify-4502")["fulfilled_at"]).dump()),
      shopify_call(kSecret, "fulfillments/create", "f-4503",
                   shopify_fulfillment(2, 4503, "success", find(end, "cases", "k-shopify-4503")["fulfilled_at"]).dump()),
      zendesk_call(kSecret, ticket.dump(), iso_now()),
      // A fulfillment still in transit is not a fulfilment: it changes nothing.
      shopify_call(kSecret, "fulfillments/update", "f-4502-pending",
                   shopify_fulfillment(3, 4502, "pending", iso_now()).dump()),
  };
  // Out of order, and each fact twice (a source's retries).
  std::vector<Call> sends = facts;
  sends.insert(sends.end(), facts.begin(), facts.end());
  std::shuffle(sends.begin(), sends.end(), std::mt19937(20));
  for (const Call& c : links) REQUIRE(b.call(c).status == 200);
  const std::string lead_a = a.sign_in("m-lena", "stories-password"), lead_b = b.sign_in("m-lena", "stories-password");
  auto lind_held = [&](const Lists& l) {
    return std::any_of(l.held_messages.begin(), l.held_messages.end(),
                       [](const HeldRow& h) { return h.scheduled == "s-lind-news"; });
  };
  CHECK_FALSE(lind_held(lists_of(b, lead_b, "m-ben", now)));  // the facts are not in yet
  for (const Call& c : sends) {
    const HttpReply r = b.call(c);
    CAPTURE(r.body);
    CHECK(r.status == 200);
    CHECK(r.as_json()["outcome"] != "unmatched");
  }

  for (const char* manager : {"m-anna", "m-ben", "m-lena"}) {
    CAPTURE(manager);
    const Lists la = lists_of(a, lead_a, manager, now), lb = lists_of(b, lead_b, manager, now);
    CHECK(la.customers == lb.customers);
    CHECK(la.pending_exceptions == lb.pending_exceptions);
    CHECK(la.held_messages == lb.held_messages);
    CHECK(la.verdicts == lb.verdicts);
    CHECK(la.suggestions == lb.suggestions);
    CHECK(la == lb);
  }
  // The events did the work: Sara Lind's marketing is held now (she is former).
  CHECK(lind_held(lists_of(b, lead_b, "m-ben", now)));
}
