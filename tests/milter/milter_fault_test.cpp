// The relay when things go wrong (issue 18): the milter killed in the middle of a
// session (Postfix's milter_default_action = quarantine holds, nothing goes unchecked),
// the server unreachable (held, then asked again and released when it is back; or 451
// with on_no_answer = tempfail), and bad input of every kind: an SMTP answer every time,
// and the milter still running afterwards.
#include <doctest/doctest.h>

#include "milter/message_key.hpp"
#include "relay_world.hpp"

using namespace cockpit;
using namespace cockpit::test;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string status_mail(const std::string& id, Headers more = {}, const std::string& body = "Hello.\r\n") {
  // Each its own subject: the guard holds a status update whose subject was sent before.
  Headers h{{"From", "noreply@shop.example"}, {"To", "laura.fernandez@example.com"}, {"Subject", "Your trade-in: " + id},
            {"Message-ID", "<" + id + "@shop.example>"}, {"X-Cockpit-Kind", "status_update"}};
  h.insert(h.end(), more.begin(), more.end());
  return mail_text(h, body);
}

std::string plain_mail(const std::string& id) {
  return mail_text({{"From", "someone@corp.example"}, {"Subject", "Lunch?"}, {"Message-ID", "<" + id + "@corp.example>"}},
                   "Noon?\r\n");
}

bool held(const PostfixInstance& p, const std::string& message_id) {
  for (const auto& id : p.held_message_ids())
    if (id == message_id) return true;
  return false;
}

// On the unix socket (MAIL, RCPT and the headers not answered) and over TCP (every step
// answered) alike.
void killed_in_a_session(const std::string& name, MilterProcess::Socket socket) {
  RelayWorld w(name, "", 0, socket);
  SmtpClient shop(w.postfix->port());
  REQUIRE(shop.code() == 250);
  CHECK(shop.send("noreply@shop.example", {"laura.fernandez@example.com"}, status_mail("before-kill")).code == 250);
  REQUIRE(eventually([&] { return w.sink.count("before-kill@shop.example") == 1; }));

  CHECK(w.milter->stop(9) == 128 + 9);
  // The same session (its milter connection is dead) and a new one (no milter to reach).
  const SmtpReply same = shop.send("noreply@shop.example", {"laura.fernandez@example.com"}, status_mail("after-kill-1"));
  SmtpClient next(w.postfix->port());
  const SmtpReply fresh = next.send("someone@corp.example", {"friend@elsewhere.example"}, plain_mail("after-kill-2"));
  CHECK_MESSAGE(same.code == 250, same.text);
  CHECK_MESSAGE(fresh.code == 250, fresh.text);
  REQUIRE_MESSAGE(eventually([&] {
                    return held(*w.postfix, "after-kill-1@shop.example") && held(*w.postfix, "after-kill-2@corp.example");
                  }),
                  w.postfix->log());
  CHECK(w.sink.count("after-kill-1@shop.example") == 0);
  CHECK(w.sink.count("after-kill-2@corp.example") == 0);

  // Back up, it guards again (the state on disk carries over).
  w.milter->start();
  SmtpClient later(w.postfix->port());
  CHECK(later.send("noreply@shop.example", {"laura.fernandez@example.com"}, status_mail("after-restart")).code == 250);
  REQUIRE(eventually([&] { return w.sink.count("after-restart@shop.example") == 1; }));
  CHECK(w.sink.count("after-kill-1@shop.example") == 0);
}

}  // namespace

TEST_CASE("the milter killed in the middle of a session: every mail after it is held, none is sent") {
  killed_in_a_session("milter-killed", MilterProcess::Socket::unix_path);
}

TEST_CASE("the same over TCP") { killed_in_a_session("milter-killed-tcp", MilterProcess::Socket::tcp); }

TEST_CASE("the server unreachable: the relay holds, asks again, and sends what the guard lets go once it answers") {
  const std::uint16_t port = free_port();
  RelayWorld w("milter-no-server", "", port);
  CHECK(w.server.stop() == 0);
  SmtpClient shop(w.postfix->port());
  REQUIRE(shop.code() == 250);
  CHECK(shop.send("noreply@shop.example", {"laura.fernandez@example.com"}, status_mail("while-down")).code == 250);
  const std::string review = mail_text({{"From", "noreply@shop.example"}, {"Subject", "How did we do?"},
                                        {"Message-ID", "<rev-while-down@shop.example>"},
                                        {"X-Cockpit-Kind", "review_request"}, {"X-Cockpit-Case", "k-fairy"}},
                                       "Rate us.\r\n");
  CHECK(shop.send("noreply@shop.example", {"sofie.janssen@example.com"}, review).code == 250);
  // Not a customer's mail: no check needed, so it goes even now.
  CHECK(shop.send("someone@corp.example", {"friend@elsewhere.example"}, plain_mail("plain-while-down")).code == 250);
  REQUIRE(eventually([&] { return w.sink.count("plain-while-down@corp.example") == 1; }));
  REQUIRE(eventually([&] { return held(*w.postfix, "while-down@shop.example") && held(*w.postfix, "rev-while-down@shop.example"); }));
  CHECK(w.sink.count("while-down@shop.example") == 0);

  w.server.start();  // same database, same port
  REQUIRE(w.server.port() == port);
  REQUIRE_MESSAGE(eventually([&] { return w.sink.count("while-down@shop.example") == 1; }), w.milter->errors());
  CHECK(held(*w.postfix, "rev-while-down@shop.example"));  // the guard holds that one
  CHECK(w.sink.count("rev-while-down@shop.example") == 0);
}

TEST_CASE("with on_no_answer = tempfail the sending system is told to try again later") {
  RelayWorld w("milter-tempfail", "on_no_answer = tempfail\n");
  CHECK(w.server.stop() == 0);
  SmtpClient shop(w.postfix->port());
  const SmtpReply r = shop.send("noreply@shop.example", {"laura.fernandez@example.com"}, status_mail("tempfail-1"));
  CHECK_MESSAGE(r.code == 451, r.text);
  CHECK(r.text.find("try again later") != std::string::npos);
  CHECK(w.postfix->queue().empty());
}

TEST_CASE("bad input gets an SMTP answer every time, and the milter keeps running") {
  RelayWorld w("milter-bad-input");
  SmtpClient shop(w.postfix->port());
  REQUIRE(shop.code() == 250);
  const std::string laura = "laura.fernandez@example.com";
  struct Case {
    const char* what;
    std::vector<std::string> to;
    std::string text;
    int code;
    const char* says;  // in the reply ("" for any)
  };
  std::vector<std::string> crowd;
  for (int i = 0; i < 101; ++i) crowd.push_back("person" + std::to_string(i) + "@crowd.example");
  Headers many;
  for (int i = 0; i < 2000; ++i) many.push_back({"X-Filler-" + std::to_string(i), "x"});
  const std::vector<Case> cases = {
      {"an unknown kind", {laura}, status_mail("b1", {{"X-Cockpit-Kind", "newsletter"}}), 550, "X-Cockpit-Kind"},
      {"an empty kind", {laura}, status_mail("b2", {{"X-Cockpit-Kind", ""}}), 550, "X-Cockpit-Kind is empty"},
      {"a customer of no one", {laura}, status_mail("b3", {{"X-Cockpit-Customer", "c-nobody"}}), 550, "c-nobody"},
      {"a case of another customer", {laura}, status_mail("b4", {{"X-Cockpit-Case", "k-fairy"}}), 550, "k-fairy"},
      {"a huge customer header", {laura}, status_mail("b5", {{"X-Cockpit-Customer", std::string(5000, 'c')}}), 550,
       "longer than"},
      {"a customer header without a kind", {laura},
       mail_text({{"Subject", "hi"}, {"Message-ID", "<b6@x>"}, {"X-Cockpit-Customer", "c-tradein"}}, "x\r\n"), 550,
       "X-Cockpit-Kind is missing"},
      {"too many recipients", crowd, status_mail("b7"), 550, "recipients"},
      {"a subject that is not UTF-8", {laura},
       mail_text({{"Subject", "Ihr Auftrag \xFC\xFF\xFE ok"}, {"Message-ID", "<b8@x>"}, {"X-Cockpit-Kind", "status_update"}},
                 "x\r\n"),
       250, ""},
      {"broken MIME", {laura},
       status_mail("b9", {{"MIME-Version", "1.0"}, {"Content-Type", "multipart/mixed"}},
                   "--nothing\r\nContent-Type: text/plain; charset=\"\r\n\r\n\xC3\x28 half\r\n--"),
       250, ""},
      {"no Message-ID", {laura},
       mail_text({{"From", "noreply@shop.example"}, {"Subject", "No id"}, {"X-Cockpit-Kind", "status_update"}}, "x\r\n"),
       250, ""},
      {"2,000 headers and a 60 KB subject", {"friend@elsewhere.example"},
       mail_text([&] { Headers h = many; h.push_back({"Subject", std::string(60000, 's')}); return h; }(), "x\r\n"), 250,
       ""},
      {"the null sender", {laura}, status_mail("b12"), 250, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.what));
    const std::string from = std::string(c.what) == "the null sender" ? "" : "noreply@shop.example";
    const SmtpReply r = shop.send(from, c.to, c.text);
    CHECK_MESSAGE(r.code == c.code, r.text);
    CHECK_MESSAGE(r.text.find(c.says) != std::string::npos, r.text);
    CHECK(w.milter->running());
  }
  // An encoded subject still matches the shop's rule (Subject "Your order 4711 …").
  const std::string encoded = mail_text({{"From", "noreply@shop.example"},
                                         {"Subject", "=?utf-8?B?WW91ciBvcmRlciA0NzEx?= is confirmed"},
                                         {"Message-ID", "<oc-encoded@shop.example>"}},
                                        "x\r\n");
  CHECK(shop.send("noreply@shop.example", {"marco.rossi@domino.example"}, encoded).code == 250);
  REQUIRE(eventually([&] { return held(*w.postfix, "oc-encoded@shop.example"); }));
  // The mail without a Message-ID went out with the one the milter gave it.
  REQUIRE(eventually([&] {
    for (const auto& m : w.sink.mails())
      if (m.message_id.rfind("cockpit.", 0) == 0 && m.message_id.find("@milter.invalid") != std::string::npos) return true;
    return false;
  }));
  CHECK(w.milter->running());
  // Laura has had enough mail for a day (the guard's frequency cap); Jonas has not.
  CHECK(shop.send("noreply@shop.example", {"jonas.weber@example.com"}, status_mail("after-all")).code == 250);
  CHECK(eventually([&] { return w.sink.count("after-all@shop.example") == 1; }));
}
