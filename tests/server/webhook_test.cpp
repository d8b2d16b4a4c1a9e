// Webhook signatures (server/webhook_sign.hpp) against known answers computed outside
// Cockpit, and the retry schedule of failed deliveries (server/webhook_retry.hpp), by
// tables.
#include <doctest/doctest.h>

#include <cctype>
#include <set>
#include <string>

#include "server/auth.hpp"
#include "server/webhook_retry.hpp"
#include "server/webhook_sign.hpp"

using namespace cockpit;
using namespace cockpit::server;

namespace {

// The Standard Webhooks specification's published test vector (the one its reference
// libraries test against), recomputed independently here with
//   python3 -c 'import hmac,hashlib,base64; k=base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
//     print(base64.b64encode(hmac.new(k,b"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{\"test\": 2432232314}",
//     hashlib.sha256).digest()).decode())'
// → g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
constexpr const char* kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kSpecTimestamp = 1614265330;
constexpr const char* kSpecBody = "{\"test\": 2432232314}";
constexpr const char* kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

// A 32-byte key (bytes 0..31, as new_webhook_secret makes them), a UTF-8 body and an
// empty one; expected values from the same python3 one-liner with
// k=bytes(range(32)) and the messages "msg_2.1800000000.<body>" and "msg_3.0.".
constexpr const char* kKey32Secret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kUtf8Body =
    "{\"type\":\"message.held\",\"data\":{\"scheduled\":\"crm:m-1\",\"subject\":\"Gr\xc3\xbc\xc3\x9f"
    "e\"}}";

}  // namespace

TEST_CASE("webhook_signature: the known answers") {
  REQUIRE(auth_init());
  struct Row {
    std::string name;
    const char *secret, *id;
    std::int64_t timestamp;
    const char *body, *signature;
  };
  const Row rows[] = {
      {"the Standard Webhooks vector", kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody, kSpecSignature},
      {"a 32-byte key, a UTF-8 body", kKey32Secret, "msg_2", 1800000000, kUtf8Body,
       "v1,pk4uM6x1VBA/eaUpaFbR+g+A7kAuHksDbkpQnc7hWzo="},
      {"an empty body at time 0", kKey32Secret, "msg_3", 0, "", "v1,mhlhP3U3UKRSUjzCmqRSNr63z2R/5HQE889CNTwznzM="},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(webhook_signature(r.secret, r.id, r.timestamp, r.body) == std::string(r.signature));
    CHECK(verify_webhook_signature(r.secret, r.id, r.timestamp, r.body, r.signature));
  }
}

TEST_CASE("verify_webhook_signature: one right signature among several, and nothing else") {
  REQUIRE(auth_init());
  const std::string wrong = "v1,pk4uM6x1VBA/eaUpaFbR+g+A7kAuHksDbkpQnc7hWzo=";  // another message's
  struct Row {
    std::string name;
    std::string header;
    bool ok;
  };
  const Row rows[] = {
      {"alone", kSpecSignature, true},
      {"last of several (key rotation)", wrong + " " + kSpecSignature, true},
      {"first of several", std::string(kSpecSignature) + " " + wrong, true},
      {"in the middle", wrong + " " + kSpecSignature + " v1,AAAA", true},
      {"only wrong ones", wrong + " v1,AAAA", false},
      {"empty", "", false},
      {"a space only", " ", false},
      {"without the version", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", false},
      {"another version", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", false},
      {"one character off", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=", false},
      {"cut short", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", false},
      {"with a trailing character", std::string(kSpecSignature) + "x", false},
      {"joined by a comma, not a space", wrong + "," + kSpecSignature, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(verify_webhook_signature(kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody, r.header) == r.ok);
  }
}

TEST_CASE("verify_webhook_signature: refuses another body, id, timestamp or secret") {
  REQUIRE(auth_init());
  struct Row {
    std::string name;
    std::string secret, id;
    std::int64_t timestamp;
    std::string body;
  };
  const Row rows[] = {
      {"body, one digit", kSpecSecret, kSpecId, kSpecTimestamp, "{\"test\": 2432232315}"},
      {"body, a space less", kSpecSecret, kSpecId, kSpecTimestamp, "{\"test\":2432232314}"},
      {"body, empty", kSpecSecret, kSpecId, kSpecTimestamp, ""},
      {"id", kSpecSecret, "msg_p5jXN8AQM9LWM0D4loKWxJel", kSpecTimestamp, kSpecBody},
      {"timestamp + 1", kSpecSecret, kSpecId, kSpecTimestamp + 1, kSpecBody},
      {"timestamp in ms", kSpecSecret, kSpecId, kSpecTimestamp * 1000, kSpecBody},
      {"secret", kKey32Secret, kSpecId, kSpecTimestamp, kSpecBody},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK_FALSE(verify_webhook_signature(r.secret, r.id, r.timestamp, r.body, kSpecSignature));
  }
}

TEST_CASE("webhook secrets: \"whsec_\" and base64, or no signature at all") {
  REQUIRE(auth_init());
  const char* bad[] = {
      "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",         // no prefix
      "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",   // the prefix is lower case
      "whsec-MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",   // another separator
      "whsec_",                                   // no key
      "",                                         // nothing
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",   // not base64
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ",  // a trailing space
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",    // 31 characters: no whole base64
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=",   // not canonical: stray bits before the padding
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw==", // padding where none is due
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-_",   // the URL-safe alphabet
  };
  for (const std::string secret : bad) {
    CAPTURE(secret);
    CHECK_FALSE(webhook_signature(secret, kSpecId, kSpecTimestamp, kSpecBody));
    CHECK_FALSE(verify_webhook_signature(secret, kSpecId, kSpecTimestamp, kSpecBody, kSpecSignature));
  }
}

TEST_CASE("new_webhook_secret: \"whsec_\" + base64 of 32 random bytes, and it signs") {
  REQUIRE(auth_init());
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string s = new_webhook_secret();
    CAPTURE(s);
    REQUIRE(s.size() == 6 + 44);  // 32 bytes: 44 base64 characters, one '='
    CHECK(s.rfind("whsec_", 0) == 0);
    CHECK(s.back() == '=');
    CHECK(s[s.size() - 2] != '=');
    for (std::size_t k = 6; k + 1 < s.size(); ++k) {
      const char c = s[k];
      CHECK((std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'));
    }
    // Round trip: what it signs, it verifies; another secret does not.
    const auto sig = webhook_signature(s, "msg_x", 1700000000, "{}");
    REQUIRE(sig);
    CHECK(sig->rfind("v1,", 0) == 0);
    CHECK(sig->size() == 3 + 44);
    CHECK(verify_webhook_signature(s, "msg_x", 1700000000, "{}", *sig));
    CHECK_FALSE(verify_webhook_signature(kSpecSecret, "msg_x", 1700000000, "{}", *sig));
    seen.insert(s);
  }
  CHECK(seen.size() == 20);
}

TEST_CASE("next_attempt: 5 s doubling to 6 h, spread by +-20 %") {
  const RetryPolicy p;  // 5 s, 6 h, 3 days
  const Time created = 1'000'000'000'000;
  struct Row {
    int failed;
    Time delay;  // before the spread
  };
  const Row rows[] = {
      {0, 5 * kSecond},  // fewer than one failure reads as one
      {1, 5 * kSecond},
      {2, 10 * kSecond},
      {3, 20 * kSecond},
      {4, 40 * kSecond},
      {8, 640 * kSecond},
      {13, 20480 * kSecond},  // the last doubling under the cap
      {14, 6 * kHour},        // 40960 s: capped
      {15, 6 * kHour},
      {60, 6 * kHour},  // no overflow however many
      {1'000'000, 6 * kHour},
  };
  for (const auto& r : rows) {
    CAPTURE(r.failed);
    const Time now = created + kMinute;
    struct Jitter {
      double jitter;
      Time lo, hi;  // the delay after the spread, to the millisecond
    };
    const Jitter jitters[] = {
        {0.0, r.delay * 8 / 10, r.delay * 8 / 10},  // the earliest
        {0.5, r.delay, r.delay},                    // the middle: the delay itself
        {0.999999, r.delay * 119 / 100, r.delay * 12 / 10},  // [0, 1): just under the latest
        {1.0, r.delay * 12 / 10, r.delay * 12 / 10},
        {-3.0, r.delay * 8 / 10, r.delay * 8 / 10},  // out of range: clamped
        {7.0, r.delay * 12 / 10, r.delay * 12 / 10},
    };
    for (const auto& j : jitters) {
      CAPTURE(j.jitter);
      const auto at = next_attempt(p, r.failed, created, now, j.jitter);
      REQUIRE(at);
      CHECK(*at - now >= j.lo - 1);  // -1: the double product may truncate a millisecond down
      CHECK(*at - now <= j.hi);
    }
  }
}

TEST_CASE("next_attempt: gives up when the next attempt would come more than 3 days after the event") {
  const RetryPolicy p;
  const Time created = 1'000'000'000'000;
  struct Row {
    std::string name;
    Time now;
    double jitter;
    bool retry;
  };
  const Row rows[] = {
      {"a minute old", created + kMinute, 0.5, true},
      {"next attempt exactly at 3 days", created + 3 * kDay - 6 * kHour, 0.5, true},
      {"next attempt 1 ms past 3 days", created + 3 * kDay - 6 * kHour + 1, 0.5, false},
      {"the early end of the spread still fits", created + 3 * kDay - 6 * kHour + 1, 0.0, true},
      {"the late end of the spread does not", created + 3 * kDay - 6 * kHour, 1.0, false},
      {"past 3 days", created + 3 * kDay + 1, 0.0, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(next_attempt(p, 20, created, r.now, r.jitter).has_value() == r.retry);
  }
  // A short first delay gives up on its own policy too.
  const RetryPolicy quick{1 * kSecond, 1 * kMinute, 10 * kSecond};
  CHECK(next_attempt(quick, 1, created, created, 0.5) == created + kSecond);
  CHECK(next_attempt(quick, 1, created, created + 9 * kSecond, 0.5) == created + 10 * kSecond);
  CHECK_FALSE(next_attempt(quick, 1, created, created + 9 * kSecond + 1, 0.5));
}

TEST_CASE("next_attempt: never at the same instant, however small the delay") {
  const RetryPolicy tiny{0, 0, kDay};
  CHECK(next_attempt(tiny, 1, 0, 100, 0.0) == 101);
  CHECK(next_attempt(tiny, 5, 0, 100, 1.0) == 101);
}
