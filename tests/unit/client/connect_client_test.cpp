// The lead's unmatched list over HTTP (client/connect_client.hpp): the server's answers
// read into values, by table — a list, an empty one, offline, a manager's 403, an ended
// session, a refused match with the server's reason, an answer that is not the list.
#include <doctest/doctest.h>

#include "client/connect_client.hpp"

using namespace cockpit::client;

namespace {
HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
}  // namespace

TEST_CASE("the unmatched list: every field of an entry is read; entries without an id are left out") {
  const UnmatchedAnswer a = read_unmatched(answer(200, R"js({"unmatched": [
      {"id": 7, "source": "stripe", "event": "evt_1", "type": "invoice.payment_failed", "reason": "no customer has the e-mail",
       "email": "pay@nowhere.example", "external_id": "cus_9", "waits_for": "customer", "at": "2026-12-07T04:00:00Z",
       "received": "2026-12-07T04:00:01Z", "summary": "Payment failed: invoice 0042 (42.00 EUR)"},
      {"source": "shopify"}, "not an object"]})js"));
  REQUIRE(a.ok());
  REQUIRE(a.entries.size() == 1);
  const UnmatchedEntry& e = a.entries[0];
  CHECK(e.id == 7);
  CHECK(e.source == "stripe");
  CHECK(e.event == "evt_1");
  CHECK(e.type == "invoice.payment_failed");
  CHECK(e.reason == "no customer has the e-mail");
  CHECK(e.email == "pay@nowhere.example");
  CHECK(e.external_id == "cus_9");
  CHECK(e.waits_for == "customer");
  CHECK(e.at == "2026-12-07T04:00:00Z");
  CHECK(e.received == "2026-12-07T04:00:01Z");
  CHECK(e.summary == "Payment failed: invoice 0042 (42.00 EUR)");
}

TEST_CASE("the unmatched list: failures say what happened, offline is told apart") {
  struct Case {
    const char* what;
    HttpResponse r;
    bool offline;
    const char* says;
  };
  HttpResponse refused;
  refused.status = 0;
  refused.error = "connection refused";
  const Case cases[] = {
      {"no answer", refused, true, "unavailable offline"},
      {"a manager", answer(403, R"js({"error": "only a lead sees the unmatched events", "code": "lead_only"})js"), false,
       "Only a team lead"},
      {"an ended session", answer(401, R"js({"error": "sign in", "code": "unauthorized"})js"), false, "sign in again"},
      {"a server error", answer(500, R"js({"error": "disk full"})js"), false, "disk full"},
      {"not JSON", answer(200, "<html>"), false, "answer 200"},
      {"no list", answer(200, R"js({"other": []})js"), false, "no list"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const UnmatchedAnswer a = read_unmatched(c.r);
    CHECK_FALSE(a.ok());
    CHECK(a.offline == c.offline);
    CHECK(a.error.find(c.says) != std::string::npos);
    CHECK(a.entries.empty());
  }
  CHECK(read_unmatched(answer(200, R"js({"unmatched": []})js")).ok());
}

TEST_CASE("a match: applied, refused with the server's reason, offline, or still waiting") {
  const MatchAnswer ok = read_match(answer(200, R"js({"ok": true, "event": "", "outcome": "applied", "changed": 2, "customer": "c-weber"})js"));
  CHECK(ok.ok());
  CHECK(ok.customer == "c-weber");
  CHECK(ok.changed == 2);

  const MatchAnswer unknown = read_match(answer(404, R"js({"error": "no customer \"c-nobody\"", "code": "not_found"})js"));
  CHECK_FALSE(unknown.ok());
  CHECK(unknown.error == "The server refused: no customer \"c-nobody\".");

  HttpResponse none;
  none.error = "timed out";
  const MatchAnswer offline = read_match(none);
  CHECK(offline.offline);
  CHECK(offline.error.find("timed out") != std::string::npos);

  const MatchAnswer waits = read_match(answer(200, R"js({"ok": true, "outcome": "unmatched", "reason": "case:k-1 is not known yet", "changed": 0})js"));
  CHECK_FALSE(waits.ok());
  CHECK(waits.error.find("case:k-1 is not known yet") != std::string::npos);
}
