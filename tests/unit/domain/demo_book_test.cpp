// The built-in demo book (the app's and the demo server's): a valid, self-contained
// document on any day, with a lead and managers whose ids give the demo logins.
#include <doctest/doctest.h>

#include "domain/demo.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"

using namespace cockpit;

TEST_CASE("the built-in demo book is a valid document on any day") {
  for (const char* today : {"2026-11-23T09:00:00Z", "2024-02-29T00:00:00Z", "2030-12-31T23:59:00Z"}) {
    CAPTURE(today);
    const Time now = *parse_time(today);
    auto text = resolve_relative_times(demo_document_text(), now);
    REQUIRE(text);
    ParsedDocument doc = parse_document(*text);
    REQUIRE_MESSAGE(doc.ok(), (doc.errors.empty() ? std::string() : doc.errors.front()));
    const Book b = demo_book_at(now);
    CHECK(b == doc.book);
    CHECK(validate_book(b).empty());
    REQUIRE_FALSE(b.managers.empty());
    int leads = 0;
    for (const Manager& m : b.managers) {
      CHECK(m.id.rfind("m-", 0) == 0);  // the demo server's password is "demo-" + the rest
      leads += m.role == Role::lead;
    }
    CHECK(leads == 1);
    // Dated around now: something already overdue and something still to come.
    bool overdue = false, ahead = false;
    for (const Promise& p : b.promises) {
      if (p.status != PromiseStatus::open) continue;
      overdue |= p.due_at < now;
      ahead |= p.due_at > now;
    }
    CHECK(overdue);
    CHECK(ahead);
  }
}
