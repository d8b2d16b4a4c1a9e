#pragma once
// The demo book the app opens with when its local database is empty: the five seed
// stories (shared/seeds) as customers of three people, dated around "now" so there is
// always something overdue, due soon, held and waiting. Pure: no I/O.
//
// Manager ids match the server's demo (m-lena lead, m-anna and m-ben managers), so a
// demo device and a demo server agree on who is who once sync arrives.
#include <string_view>

#include "domain/records.hpp"

namespace cockpit {

// The document with relative times ("@-5d 14:00", see domain/demo.hpp).
std::string_view demo_document_text();

// The document resolved against `now` and parsed; a broken demo is a programming error
// caught by the tests (validated there), so this returns an empty Book only then.
Book demo_book_at(Time now);

}  // namespace cockpit
