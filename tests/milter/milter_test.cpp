// The guard at the mail relay (issue 18), end to end and for real: cockpit-server with the
// demo book, cockpit-milter, a private Debian Postfix using it, and a sink that records
// what Postfix delivers. The seed stories' automated mails go in by SMTP; held ones sit
// in the hold queue and never reach the sink; a manager's release delivers one exactly
// once, a cancel deletes one; a killed milter means held, not sent; bad input gets an
// SMTP answer every time. Every wait is on a condition with a deadline.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "../server/guard_book.hpp"
#include "app/view_models.hpp"
#include "engine/lists.hpp"
#include "engine/templates.hpp"
#include "milter/message_key.hpp"
#include "relay_world.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Mail {
  std::string from;
  std::vector<std::string> to;
  Headers headers;
  std::string body = "Hello,\r\nthis is an automated message.\r\n";
  std::string id() const {  // its Message-ID, normalized
    for (const auto& [k, v] : headers)
      if (k == "Message-ID") return milter::normalize_message_id(v);
    return "";
  }
  std::string record() const { return "relay:" + milter::check_id(id(), to.size() == 1 ? to[0] : ""); }
};

Mail cockpit_mail(const std::string& id, const std::string& to, const std::string& kind, const std::string& subject,
                  Headers more = {}) {
  Headers h{{"From", "Shop <noreply@shop.example>"}, {"To", to}, {"Subject", subject},
            {"Message-ID", "<" + id + "@shop.example>"}, {"X-Cockpit-Kind", kind}};
  h.insert(h.end(), more.begin(), more.end());
  return {"noreply@shop.example", {to}, h};
}

// The demo book's automated mails (assets/demo/demo.json).
struct Stories {
  // Canyon's company bike (000): the order confirmation again and again, found by the
  // relay's rule (no Cockpit header), and the spring marketing mail during two open
  // exceptions, the customer named by header.
  std::vector<Mail> confirmations;
  Mail bike_marketing;
  Mail review;        // the fairy costume (002): a review request before the parcel came
  Mail renewal, legal;  // the kit car (003): after the insurance was cancelled
  Mail tradein;       // the trade-in (004): a plain status update, may go
  Mail stranger;      // to someone who is not a customer, no Cockpit header
  Mail newsletter;    // to a customer, but no header and no rule: not the guard's
  Stories() {
    for (int i = 1; i <= 3; ++i)
      confirmations.push_back({"noreply@shop.example", {"marco.rossi@domino.example"},
                               {{"From", "Canyon <noreply@shop.example>"}, {"To", "marco.rossi@domino.example"},
                                {"Subject", "Your order 4711 is confirmed"},
                                {"Message-ID", "<oc-4711-" + std::to_string(i) + "@shop.example>"}}});
    bike_marketing = cockpit_mail("spring-ride", "marco.rossi@domino.example", "marketing",
                                  "Spring ride weekend: 15% off accessories", {{"X-Cockpit-Customer", "c-bike"}});
    review = cockpit_mail("rev-88213", "sofie.janssen@example.com", "review_request",
                          "How did we do? Rate your order 88213", {{"X-Cockpit-Case", "k-fairy"}});
    renewal = cockpit_mail("renewal-2026", "peter.hughes@example.com", "renewal_notice",
                           "Your renewal: the premium will be collected on the 1st");
    legal = cockpit_mail("legal-7", "peter.hughes@example.com", "legal_notice",
                         "Driving without insurance is a criminal offence");
    tradein = cockpit_mail("tradein-pay", "laura.fernandez@example.com", "status_update", "Your trade-in payment");
    stranger = {"someone@corp.example", {"friend@elsewhere.example"},
                {{"From", "someone@corp.example"}, {"Subject", "Lunch?"}, {"Message-ID", "<lunch-1@corp.example>"}}};
    newsletter = {"news@corp.example", {"helen.carter@example.com"},
                  {{"From", "news@corp.example"}, {"Subject", "Winter sale"}, {"Message-ID", "<winter-1@corp.example>"}}};
  }
  std::vector<const Mail*> held() const {
    std::vector<const Mail*> out{&bike_marketing, &review, &renewal, &legal};
    for (const Mail& m : confirmations) out.push_back(&m);
    return out;
  }
  std::vector<const Mail*> going() const { return {&tradein, &stranger, &newsletter}; }
};

SmtpReply send(SmtpClient& c, const Mail& m) { return c.send(m.from, m.to, mail_text(m.headers, m.body)); }

std::multiset<std::string> held_ids(const PostfixInstance& p) {
  auto ids = p.held_message_ids();
  return {ids.begin(), ids.end()};
}

std::string joined(const std::multiset<std::string>& ids) {
  std::string out = "held:";
  for (const auto& id : ids) out += " " + id;
  return out;
}

bool in_any_queue(const PostfixInstance& p, const std::string& message_id) {
  for (const auto& q : p.queue())
    if (p.message_id_of(q.id) == message_id) return true;
  return false;
}

// A manager's decision, as their device pushes it: `status` of a scheduled record.
void decide(const RelayWorld& w, const std::string& manager, const std::string& password, const std::string& record,
            const std::string& status) {
  LeadReplica lead;
  lead.pull(w.server, w.server.sign_in("m-lena", "demo-lena"));
  REQUIRE_MESSAGE(lead.seqs.count({"scheduled", record}), "no scheduled record " << record);
  Device d{&w.server, w.server.sign_in(manager, password), manager + "-device"};
  push_all(d, {d.upsert("scheduled", record, {{"status", status}}, lead.seqs.at({"scheduled", record}))});
}

}  // namespace

TEST_CASE("the seed stories through the relay: held mail waits in Postfix's hold queue until a manager decides") {
  RelayWorld w("milter-stories");
  const Stories s;
  SmtpClient shop(w.postfix->port());
  REQUIRE(shop.code() == 250);
  for (const Mail* m : s.held()) CHECK_MESSAGE(send(shop, *m).code == 250, m->id());
  for (const Mail* m : s.going()) CHECK_MESSAGE(send(shop, *m).code == 250, m->id());
  shop.quit();

  // What may go arrives; what the guard holds sits in the hold queue and never arrives.
  REQUIRE_MESSAGE(w.sink.wait_total(s.going().size(), 20000), w.postfix->log());
  for (const Mail* m : s.going()) CHECK_MESSAGE(w.sink.count(m->id()) == 1, m->id());
  std::multiset<std::string> want;
  for (const Mail* m : s.held()) want.insert(m->id());
  REQUIRE_MESSAGE(eventually([&] { return held_ids(*w.postfix) == want; }), joined(held_ids(*w.postfix)));
  for (const Mail* m : s.held()) CHECK(w.sink.count(m->id()) == 0);

  // The cockpit shows each of them like any held message, asked at the mail relay.
  LeadReplica lead;
  lead.pull(w.server, w.server.sign_in("m-lena", "demo-lena"));
  const json& rev = lead.records.at({"scheduled", s.review.record()});
  CHECK(rev["asked_via"] == "relay");
  CHECK(rev["asked_by"] == "relay");
  CHECK(rev["kind"] == "review_request");
  CHECK(rev["case"] == "k-fairy");
  CHECK(lead.records.at({"scheduled", s.confirmations[0].record()})["kind"] == "order_confirmation");
  CHECK(lead.records.at({"scheduled", s.confirmations[0].record()})["sender"] == "system:shop");  // the rule's
  CHECK(lead.records.count({"scheduled", "relay:" + milter::check_id(s.bike_marketing.id(), "")}) == 1);
  const Book book = lead.book();
  const Lists lists = compute_lists(book, "m-anna", w.t, Settings{}, builtin_templates());
  const vm::CustomerModel fairy = vm::build_customer(book, lists, "c-fairy", w.t);
  const auto row = std::find_if(fairy.scheduled.begin(), fairy.scheduled.end(),
                                [&](const vm::ScheduledView& v) { return v.id == s.review.record(); });
  REQUIRE(row != fairy.scheduled.end());
  CHECK(row->held);
  CHECK(row->sender_asked);
  CHECK_MESSAGE(row->asked.rfind("the mail relay (relay) asked", 0) == 0, row->asked);
  CHECK_MESSAGE(row->asked.find("held there") != std::string::npos, row->asked);

  // Anna releases the review request: out of the hold queue, delivered exactly once.
  decide(w, "m-anna", "demo-anna", s.review.record(), "released");
  REQUIRE_MESSAGE(eventually([&] { return w.sink.count(s.review.id()) == 1; }), w.milter->errors());
  CHECK(eventually([&] { return !in_any_queue(*w.postfix, s.review.id()); }));
  // Ben cancels the renewal notice: deleted from the queue, never delivered.
  decide(w, "m-ben", "demo-ben", s.renewal.record(), "cancelled");
  REQUIRE_MESSAGE(eventually([&] { return !in_any_queue(*w.postfix, s.renewal.id()); }), w.milter->errors());
  // The shop sends the cancelled one again: the relay drops it at once.
  SmtpClient again(w.postfix->port());
  CHECK(send(again, s.renewal).code == 250);
  CHECK_FALSE(in_any_queue(*w.postfix, s.renewal.id()));
  // Later mail still flows, and nothing came twice or out of turn.
  const Mail later = cockpit_mail("tradein-2", "laura.fernandez@example.com", "status_update", "Your car was collected");
  CHECK(send(again, later).code == 250);
  REQUIRE(eventually([&] { return w.sink.count(later.id()) == 1; }));
  CHECK(w.sink.count(s.review.id()) == 1);
  CHECK(w.sink.count(s.renewal.id()) == 0);
  want.erase(s.review.id());
  want.erase(s.renewal.id());
  CHECK(held_ids(*w.postfix) == want);
  for (const Mail* m : s.held())
    if (m != &s.review) CHECK(w.sink.count(m->id()) == 0);
}
