#include <doctest/doctest.h>

#include "domain/time.hpp"

using namespace cockpit;

TEST_CASE("a date alone is the last instant of that day, UTC") {
  auto t = parse_time("2026-11-20");
  REQUIRE(t);
  CHECK(*t == *parse_time("2026-11-20T23:59:59.999Z"));
  CHECK(format_date(*t) == "2026-11-20");
}

TEST_CASE("offsets, minutes-only times and fractions") {
  CHECK(*parse_time("2026-11-20T14:00Z") == *parse_time("2026-11-20T14:00:00Z"));
  CHECK(*parse_time("2026-11-20T14:00") == *parse_time("2026-11-20T14:00:00Z"));  // no offset: UTC
  CHECK(*parse_time("2026-11-20T14:00:00.5+01:00") == *parse_time("2026-11-20T13:00:00.500Z"));
  CHECK(format_time(*parse_time("2026-11-20T14:00:00.5Z")) == "2026-11-20T14:00:00.500Z");
  CHECK(format_time(*parse_time("2026-11-20T14:00:00-02:30")) == "2026-11-20T16:30:00Z");
}

TEST_CASE("bad times are refused") {
  for (const char* bad : {"2027-02-29", "2026-11-20T24:00Z", "2026-11-20 14:00Z", "20261120T140000Z",
                          "2026-13-01", "2026-11-31", "2026-11-20T14:60Z", "", "2026-11-20Z",
                          "2026-11-20T14:00:00.Z", "2026-11-20T14:00:00Zjunk", "2026-1-20", "2026-11-20T14:00+0100", "2026-11-20T14"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_time(bad));
  }
  CHECK(parse_time("2028-02-29"));
}

TEST_CASE("whole days round down") {
  const Time a = *parse_time("2026-11-20T12:00Z");
  CHECK(whole_days(a, a + kDay - 1) == 0);
  CHECK(whole_days(a, a + kDay) == 1);
  CHECK(whole_days(a, a + 3 * kDay + 5) == 3);
  CHECK(whole_days(a, a - kDay) == 0);
}
