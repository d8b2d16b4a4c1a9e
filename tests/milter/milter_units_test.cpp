// The milter's pure parts by tables (issue 18): config and rules, headers and their
// cleaning, record ids, check plans, the decision from the server's answers, the queue
// plan, and the postcat and feed readers.
#include <doctest/doctest.h>

#include "milter/check_plan.hpp"
#include "milter/config.hpp"
#include "milter/decide.hpp"
#include "milter/feed.hpp"
#include "milter/headers.hpp"
#include "milter/message_key.hpp"
#include "milter/postcat.hpp"
#include "milter/queue_plan.hpp"
#include "milter/rules.hpp"

using namespace cockpit;
using namespace cockpit::milter;

namespace {

const char* kGoodConfig = R"(# the relay's guard
server = http://127.0.0.1:8080/
token = abc
state_dir = /var/lib/cockpit-milter
on_no_answer = tempfail
poll_ms = 250
postsuper = sudo -n /usr/sbin/postsuper
rule = order_confirmation from=noreply@shop.example subject="Your order*" sender=system:shop
rule = marketing from=*@news.example
)";

MilterConfig config_with(std::vector<Rule> rules = {}) {
  MilterConfig c;
  c.server = "http://x";
  c.token = "t";
  c.state_dir = "/tmp";
  c.rules = std::move(rules);
  return c;
}

MessageFacts facts(std::vector<std::pair<std::string, std::string>> headers, std::vector<std::string> rcpts,
                   std::string from = "noreply@shop.example") {
  MessageFacts f;
  f.envelope_from = from;
  f.recipients = std::move(rcpts);
  for (const auto& [k, v] : headers) add_header(f, k, v);
  return f;
}

CheckAnswer verdict(const std::string& v, const std::string& id, std::int64_t cursor = 5) {
  CheckAnswer a;
  a.kind = CheckAnswer::Kind::verdict;
  a.verdict = v;
  a.scheduled = id;
  a.cursor = cursor;
  return a;
}

}  // namespace

TEST_CASE("the config file: settings, rules, and refusals that name the line") {
  const ConfigParse p = parse_config(kGoodConfig);
  REQUIRE_MESSAGE(p.config, p.error);
  const MilterConfig& c = *p.config;
  CHECK(c.server == "http://127.0.0.1:8080");
  CHECK(c.on_no_answer == NoAnswer::tempfail);
  CHECK(c.poll_ms == 250);
  CHECK(c.postsuper == std::vector<std::string>{"sudo", "-n", "/usr/sbin/postsuper"});
  CHECK(c.listen == "inet:8899@127.0.0.1");  // the default
  REQUIRE(c.rules.size() == 2);
  CHECK(c.rules[0].kind == "order_confirmation");
  CHECK(c.rules[0].subject == "Your order*");
  CHECK(c.rules[0].sender == "system:shop");
  CHECK(c.rules[1].from == "*@news.example");

  struct Bad {
    std::string text, error;
  };
  const std::string base = "server = http://x\ntoken = t\nstate_dir = /s\n";
  const std::vector<Bad> bad = {
      {"server = ftp://x\n", "line 1: server must start with http:// or https://"},
      {"server = https://\n", "line 1: server must name the server's host after https://"},
      {"server = http:///\n", "line 1: server must name the server's host after http://"},
      {base + "colour = blue\n", "line 4: unknown setting \"colour\""},
      {base + "token_file = /t\n", "give one of token and token_file"},
      {base + "poll_ms = 5\n", "line 4: poll_ms must be a whole number from 10 to 600000"},
      {base + "poll_ms = 1e3\n", "line 4: poll_ms must be a whole number"},
      {base + "on_no_answer = maybe\n", "line 4: on_no_answer must be hold, tempfail or accept"},
      {base + "server = http://y\n", "line 4: server is given twice"},
      {base + "rule = newsletter from=a\n", "line 4: rule: \"newsletter\" is not a contract kind"},
      {base + "rule = marketing subject=\"open\n", "line 4: rule: subject: the closing \" is missing"},
      {base + "rule = marketing colour=red\n", "line 4: rule: unknown part \"colour\""},
      {base + "rule = marketing sender=crm\n", "line 4: rule: sender must be system:NAME"},
      {base + "rule = marketing from\n", "line 4: rule: expected name=value"},
      {base + "just words\n", "line 4: expected key = value"},
      {"token = t\nstate_dir = /s\n", "server is required"},
      {"server = http://x\ntoken = t\n", "state_dir is required"},
      {base + "listen = 8899\n", "line 4: listen must be inet:PORT@HOST"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.text);
    const ConfigParse r = parse_config(b.text);
    CHECK_FALSE(r.config);
    CHECK_MESSAGE(r.error.rfind(b.error, 0) == 0, r.error);
  }
}

TEST_CASE("globs: * and ?, letters without regard to case, no blow-up on long input") {
  struct Row {
    const char *pattern, *text;
    bool match;
  };
  const std::vector<Row> rows = {
      {"Your order*", "your ORDER 4711 is confirmed", true}, {"*@shop.example", "noreply@shop.example", true},
      {"*@shop.example", "noreply@shop.example.evil", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
      {"", "", true}, {"", "x", false}, {"*", "", true}, {"**x**", "yyxyy", true}, {"*a*b", "aaab", true},
      {"*a*b", "aaac", false},
  };
  for (const Row& r : rows) CHECK_MESSAGE(glob_match(r.pattern, r.text) == r.match, r.pattern << " vs " << r.text);
  CHECK_FALSE(glob_match(std::string(200, '*') + "b", std::string(100000, 'a')));
  const std::vector<Rule> rules = {{"order_confirmation", "noreply@shop.example", "Your order*", ""},
                                   {"marketing", "*@news.example", "", ""}};
  CHECK(match_rule(rules, "NoReply@Shop.Example", "Your order 1 is confirmed") == &rules[0]);
  CHECK(match_rule(rules, "noreply@shop.example", "Your invoice") == nullptr);
  CHECK(match_rule(rules, "spring@news.example", "anything") == &rules[1]);
}

TEST_CASE("headers: the ones the milter uses, cleaned; problems with Cockpit headers named") {
  MessageFacts f = facts({{"Subject", "=?utf-8?B?WW91ciBvcmRlcg==?= =?iso-8859-1?Q?f=FCr_dich?= now"},
                          {"Message-Id", "  <abc@shop.example> (comment)"},
                          {"x-cockpit-kind", " review_request "},
                          {"X-Cockpit-Case", "k-fairy"},
                          {"Subject", "a second subject is ignored"}},
                         {"a@b"});
  CHECK(f.subject == "Your orderf\xC3\xBCr dich now");
  CHECK(f.message_id == "abc@shop.example");
  CHECK(f.kind == std::optional<std::string>("review_request"));
  CHECK(f.case_id == std::optional<std::string>("k-fairy"));
  CHECK(f.problem.empty());

  struct Row {
    const char *name, *value, *problem;
  };
  const std::vector<Row> rows = {
      {"X-Cockpit-Kind", "", "X-Cockpit-Kind is empty"},
      {"X-Cockpit-Customer", "c-\xFF", "X-Cockpit-Customer is not valid UTF-8"},
      {"X-Cockpit-Case", "", "X-Cockpit-Case is empty"},
  };
  for (const Row& r : rows) CHECK(facts({{r.name, r.value}}, {}).problem == r.problem);
  CHECK(facts({{"X-Cockpit-Customer", std::string(1001, 'c')}}, {}).problem ==
        "X-Cockpit-Customer is longer than 1000 bytes");
  CHECK(facts({{"X-Cockpit-Kind", "marketing"}, {"X-Cockpit-Kind", "welcome"}}, {}).problem ==
        "X-Cockpit-Kind is given twice with different values");
  CHECK(facts({{"X-Cockpit-Kind", "marketing"}, {"X-Cockpit-Kind", "marketing"}}, {}).problem.empty());

  // Cleaning: folded lines joined, control characters, invalid UTF-8, long values.
  CHECK(one_line("Your\r\n\torder\x01 is\n here  ") == "Your order  is here");
  CHECK(clean_utf8("ok \xC3\xBC \xFF \xC0\xAF \xED\xA0\x80") == "ok \xC3\xBC \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
                                                              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(clean_utf8(std::string(999, 'a') + "\xC3\xBC") == std::string(999, 'a'));  // cut on a character boundary
  CHECK(decode_words("=?utf-8?B?!!!?= =?koi8-r?B?8NLJ18XU?=") == "=?utf-8?B?!!!?= =?koi8-r?B?8NLJ18XU?=");
  CHECK(decode_words("=?utf-8?Q?a=2?=") == "=?utf-8?Q?a=2?=");
  CHECK(decode_words("=?UTF-8*en?q?Hallo_Welt?=") == "Hallo Welt");
  CHECK(envelope_address("<Sofie@Example.com>") == "Sofie@Example.com");
  CHECK(envelope_address("<>").empty());
}

TEST_CASE("record ids: stable for the same mail and recipient, safe for anything") {
  CHECK(normalize_message_id(" <a@b>") == "a@b");
  CHECK(normalize_message_id("no-brackets@b ") == "no-brackets@b");
  CHECK(check_id("a@b", "Sofie@Example.com") == "a@b/sofie@example.com");
  CHECK(check_id("a@b", "") == "a@b");
  const std::string odd = check_id("with space@b", "x@y");
  CHECK(odd.rfind("h", 0) == 0);
  CHECK(odd.size() == 1 + 32 + 1 + 3);
  CHECK(check_id(std::string(5000, 'x'), std::string(5000, 'y')).size() == 2 * 33 + 1);
  CHECK(fingerprint("a") != fingerprint("b"));
  CHECK(fingerprint("a") == fingerprint("a"));

  MessageFacts f = facts({{"From", "shop@x"}, {"Date", "Fri, 20 Nov 2026 14:00:00 +0000"}, {"Subject", "Hi"}}, {"a@b"});
  const std::string made = made_up_message_id(f);
  CHECK(made.rfind("cockpit.", 0) == 0);
  CHECK(record_key(f, "4F2A91C03B") == made);  // none: made up, the same for a resend
  f.message_id = "20261120140203.4F2A91C03B@relay.example";  // Postfix's own for this queue file
  CHECK(record_key(f, "4F2A91C03B") == made);
  CHECK(record_key(f, "5A0000000B") == f.message_id);  // another mail's: a sender's id like any
  f.message_id = "ord-1@shop";
  CHECK(record_key(f, "4F2A91C03B") == "ord-1@shop");
}

TEST_CASE("check plans: the kind from the header or the rules, the customer from the header or each recipient") {
  const MilterConfig c = config_with({{"order_confirmation", "noreply@shop.example", "Your order*", "system:shop"}});
  const Time now = 1'795'000'000'000;
  struct Row {
    const char* what;
    MessageFacts f;
    Plan::Kind kind;
    std::size_t checks;
    const char* why;  // start of `why`
  };
  std::vector<std::string> crowd(101);
  for (std::size_t i = 0; i < crowd.size(); ++i) crowd[i] = "p" + std::to_string(i) + "@x";
  const std::vector<Row> rows = {
      {"rule", facts({{"Subject", "Your order 1"}}, {"a@x", "A@x", "b@x"}), Plan::Kind::check, 2, ""},
      {"header", facts({{"X-Cockpit-Kind", "marketing"}}, {"a@x"}, "other@x"), Plan::Kind::check, 1, ""},
      {"customer", facts({{"X-Cockpit-Kind", "marketing"}, {"X-Cockpit-Customer", "c-1"}}, {"a@x", "b@x"}),
       Plan::Kind::check, 1, ""},
      {"nothing", facts({{"Subject", "Lunch"}}, {"a@x"}), Plan::Kind::pass, 0, "no X-Cockpit-Kind"},
      {"unknown kind", facts({{"X-Cockpit-Kind", "news"}}, {"a@x"}), Plan::Kind::refuse, 0, "X-Cockpit-Kind \"news\""},
      {"customer, no kind", facts({{"X-Cockpit-Customer", "c-1"}}, {"a@x"}, "x@y"), Plan::Kind::refuse, 0,
       "X-Cockpit-Kind is missing"},
      {"bad header", facts({{"X-Cockpit-Kind", ""}}, {"a@x"}), Plan::Kind::refuse, 0, "X-Cockpit-Kind is empty"},
      {"crowd", facts({{"X-Cockpit-Kind", "marketing"}}, crowd), Plan::Kind::refuse, 0, "more than 100"},
  };
  for (const Row& r : rows) {
    CAPTURE(std::string(r.what));
    const Plan p = plan_checks(r.f, "m@x", c, now);
    CHECK(p.kind == r.kind);
    CHECK(p.checks.size() == r.checks);
    CHECK_MESSAGE(p.why.rfind(r.why, 0) == 0, p.why);
  }
  const Plan p = plan_checks(facts({{"Subject", "Your order 1"}, {"X-Cockpit-Case", "k-1"}}, {"Sofie@x"}), "m@x", c, now);
  REQUIRE(p.checks.size() == 1);
  const nlohmann::json want = {{"via", "relay"},
                               {"message",
                                {{"id", "m@x/sofie@x"}, {"email", "Sofie@x"}, {"case", "k-1"},
                                 {"kind", "order_confirmation"}, {"channel", "email"}, {"sender", "system:shop"},
                                 {"subject", "Your order 1"}, {"scheduled_at", format_time(now)}}}};
  CHECK(p.checks[0].body == want);
  const Plan by_customer =
      plan_checks(facts({{"X-Cockpit-Kind", "marketing"}, {"X-Cockpit-Customer", "c-1"}}, {"a@x"}), "m@x", c, now);
  CHECK(by_customer.checks[0].body["message"]["customer"] == "c-1");
  CHECK(by_customer.checks[0].body["message"]["id"] == "m@x");
  CHECK(by_customer.checks[0].body["message"]["sender"] == "system:relay");  // the config's default
}

TEST_CASE("the server's answers, classified") {
  struct Row {
    long status;
    const char* body;
    CheckAnswer::Kind kind;
  };
  const std::vector<Row> rows = {
      {200, R"({"verdict":"hold","scheduled":"relay:a","cursor":7,"reasons":["duplicate"]})", CheckAnswer::Kind::verdict},
      {200, R"({"verdict":"maybe","scheduled":"relay:a"})", CheckAnswer::Kind::no_answer},
      {200, R"({"verdict":"send"})", CheckAnswer::Kind::no_answer},
      {200, "not json", CheckAnswer::Kind::no_answer},
      {0, "", CheckAnswer::Kind::no_answer},
      {503, "", CheckAnswer::Kind::no_answer},
      {429, "", CheckAnswer::Kind::no_answer},
      {401, "", CheckAnswer::Kind::no_answer},
      {403, R"({"code":"missing_scope"})", CheckAnswer::Kind::no_answer},
      {404, R"({"code":"unknown_customer","field":"message.email","error":"no customer"})",
       CheckAnswer::Kind::not_customer},
      {404, R"({"code":"unknown_customer","field":"message.customer","error":"c-x unknown"})",
       CheckAnswer::Kind::refused},
      {422, R"({"code":"invalid_check","field":"message.kind","error":"message.kind: unknown"})",
       CheckAnswer::Kind::refused},
      {409, "<html>", CheckAnswer::Kind::refused},
  };
  for (const Row& r : rows) {
    CAPTURE(r.status);
    CAPTURE(std::string(r.body));
    CHECK(classify_answer(r.status, r.body, "timeout").kind == r.kind);
  }
  const CheckAnswer a = classify_answer(200, rows[0].body);
  CHECK(a.verdict == "hold");
  CHECK(a.cursor == 7);
  CHECK(a.detail == "duplicate");
  CHECK(classify_answer(422, rows[11].body).detail == "message.kind: unknown");
}

TEST_CASE("decisions: from the answers for each recipient to what Postfix is told") {
  Plan two;
  two.kind = Plan::Kind::check;
  two.checks = {{"a@x", {{"n", 1}}}, {"b@x", {{"n", 2}}}};
  Plan by_header = two;
  by_header.checks = {{"", {{"n", 1}}}};
  const std::vector<std::string> rcpts{"a@x", "b@x"};
  CheckAnswer none = classify_answer(0, "", "refused"), stranger, refused;
  stranger.kind = CheckAnswer::Kind::not_customer;
  refused.kind = CheckAnswer::Kind::refused;
  refused.detail = "bad case";
  struct Row {
    const char* what;
    const Plan* plan;
    std::vector<CheckAnswer> answers;
    NoAnswer mode;
    bool safe;
    Action action;
    std::size_t removed, records;
  };
  const std::vector<Row> rows = {
      {"both send", &two, {verdict("send", "r:a"), verdict("send", "r:b")}, NoAnswer::hold, false, Action::accept, 0, 0},
      {"one held", &two, {verdict("send", "r:a"), verdict("hold", "r:b")}, NoAnswer::hold, false, Action::quarantine, 0, 2},
      {"one cancelled", &two, {verdict("cancel", "r:a"), verdict("send", "r:b")}, NoAnswer::hold, false, Action::accept, 1, 0},
      {"both cancelled", &two, {verdict("cancel", "r:a"), verdict("cancel", "r:b")}, NoAnswer::hold, false,
       Action::discard, 2, 0},
      {"cancel + hold", &two, {verdict("cancel", "r:a"), verdict("hold", "r:b")}, NoAnswer::hold, false,
       Action::quarantine, 1, 1},
      {"strangers", &two, {stranger, stranger}, NoAnswer::hold, false, Action::accept, 0, 0},
      {"a refusal", &two, {verdict("send", "r:a"), refused}, NoAnswer::hold, false, Action::reject, 0, 0},
      {"no answer: hold", &two, {none, verdict("send", "r:b")}, NoAnswer::hold, false, Action::quarantine, 0, 2},
      {"no answer: tempfail", &two, {none, verdict("send", "r:b")}, NoAnswer::tempfail, false, Action::tempfail, 0, 0},
      {"no answer: accept", &two, {none, verdict("send", "r:b")}, NoAnswer::accept, false, Action::accept, 0, 0},
      {"no answer, safe kind", &two, {none, none}, NoAnswer::hold, true, Action::accept, 0, 0},
      {"header customer cancelled", &by_header, {verdict("cancel", "r:a")}, NoAnswer::hold, false, Action::discard, 0, 0},
  };
  for (const Row& r : rows) {
    CAPTURE(std::string(r.what));
    const Decision d = decide(*r.plan, r.answers, r.plan == &by_header ? std::vector<std::string>{"a@x"} : rcpts, r.mode,
                              r.safe);
    CHECK(d.action == r.action);
    CHECK(d.remove_recipients.size() == r.removed);
    CHECK(d.records.size() == r.records);
  }
  const Decision held = decide(two, {none, verdict("hold", "r:b", 9)}, rcpts, NoAnswer::hold, false);
  REQUIRE(held.records.size() == 2);
  CHECK(held.records[0].check_body == R"({"n":1})");  // asked again by the follower
  CHECK(held.records[1].scheduled == "r:b");
  CHECK(held.records[1].cursor == 9);
  CHECK(reply_text("100% sure\r\nnext") == "100  sure  next");
  CHECK(reply_text(std::string(1000, 'x')).size() == 400);
}

TEST_CASE("the queue plan: what a held mail's verdicts and its queue file call for") {
  auto entry = [](std::vector<std::string> verdicts) {
    HeldEntry e;
    for (auto& v : verdicts) e.records.push_back({"r", v, 1, "", false});
    return e;
  };
  CHECK(wanted(entry({"hold", "send"})) == Want::wait);
  CHECK(wanted(entry({"send", "send"})) == Want::release);
  CHECK(wanted(entry({"send", "cancel"})) == Want::remove);
  CHECK(wanted(entry({"hold", "cancel"})) == Want::remove);
  CHECK(wanted(entry({""})) == Want::wait);  // not answered yet
  CHECK(wanted(entry({"refused"})) == Want::wait);

  const QueueProbe hold{true, "hold", "m@x"}, deferred{true, "deferred", "m@x"}, incoming{true, "incoming", "m@x"},
      reused{true, "hold", "other@x"}, missing{};
  struct Row {
    Want want;
    QueueProbe probe;
    bool young;
    Step step;
  };
  const std::vector<Row> rows = {
      {Want::wait, hold, false, Step::wait},          {Want::release, hold, false, Step::run_release},
      {Want::release, deferred, false, Step::done},   {Want::release, incoming, false, Step::wait},
      {Want::release, missing, true, Step::wait},     {Want::release, missing, false, Step::gone},
      {Want::release, reused, false, Step::gone},     {Want::remove, hold, false, Step::run_delete},
      {Want::remove, deferred, false, Step::run_delete}, {Want::remove, reused, false, Step::gone},
      {Want::remove, missing, false, Step::gone},
  };
  for (const Row& r : rows) CHECK(next_step(r.want, r.probe, "m@x", r.young) == r.step);

  for (const char* ok : {"4F2A91C03B", "4bXyZ12kqLz9mNp"}) CHECK(valid_queue_id(ok));
  for (const char* bad : {"ALL", "", "-", "4F2A91C03B ALL", "../../x", "abc"}) CHECK_FALSE(valid_queue_id(bad));
  CHECK(retry_after_ms(0, 50) == 50);
  CHECK(retry_after_ms(3, 50) == 400);
  CHECK(retry_after_ms(40, 50) == 60000);
}

TEST_CASE("postcat's output: the queue, the Message-ID, the envelope") {
  const std::string text =
      "*** ENVELOPE RECORDS hold/4F2A91C03B ***\n"
      "message_size:             352             627               1               0             352\n"
      "sender: noreply@shop.example\n"
      "recipient: sofie.janssen@example.com\n"
      "*** MESSAGE CONTENTS hold/4F2A91C03B ***\n"
      "Received: from x\n\tby relay.test\n"
      "message-id:\n  <ord-88213@shop.example>\n"
      "Subject: *** not a section ***\n"
      "*** HEADER EXTRACTED hold/4F2A91C03B ***\n"
      "*** MESSAGE FILE END hold/4F2A91C03B ***\n";
  const QueueFile f = parse_postcat(text);
  CHECK(f.probe.found);
  CHECK(f.probe.queue == "hold");
  CHECK(f.queue_id == "4F2A91C03B");
  CHECK(f.probe.message_id == "ord-88213@shop.example");
  CHECK(f.sender == "noreply@shop.example");
  CHECK(f.recipients == std::vector<std::string>{"sofie.janssen@example.com"});
  CHECK_FALSE(parse_postcat("postcat: fatal: open queue file X: No such file or directory\n").probe.found);
  CHECK_FALSE(parse_postcat("").probe.found);
  CHECK(parse_postcat("*** ***\n*** MESSAGE CONTENTS ***\nMessage-ID: <a@b>\n").probe.message_id == "a@b");
}

TEST_CASE("the verdict feed and the policy as the follower reads them") {
  std::string error;
  const auto page = parse_feed(R"({"changes":[{"scheduled":"relay:a","verdict":"send","cursor":4},
      {"scheduled":"relay:b","verdict":"maybe","cursor":5}, 7, {"verdict":"hold"}],"cursor":9,"more":true})",
                               error);
  REQUIRE(page);
  CHECK(page->cursor == 9);
  CHECK(page->more);
  REQUIRE(page->changes.size() == 1);  // the unreadable ones are skipped
  CHECK(page->changes[0].scheduled == "relay:a");
  CHECK(page->changes[0].cursor == 4);
  CHECK_FALSE(parse_feed(R"({"changes":[]})", error));
  CHECK_FALSE(parse_feed("[1,2]", error));
  CHECK(parse_feed(R"({"changes":[],"cursor":3,"more":"yes"})", error)->more == false);
  CHECK(parse_safe_kinds(R"({"safe_kinds":["order_confirmation",3]})") ==
        std::optional<std::vector<std::string>>({"order_confirmation"}));
  CHECK_FALSE(parse_safe_kinds("{}"));
}
