#pragma once
// The demo book: the five customer stories of the README among the customers of two
// managers and a lead, dated around "now" so there is always something overdue, due
// soon, held and waiting. Pure: no I/O. The one definition of it is the document
// assets/demo/demo.json, compiled in by CMake (see CMakeLists.txt): the app writes it
// into an empty local database, `cockpit-server serve --demo` into an empty server
// database (with one account per manager in it), `cockpit-cli demo` into a file, so a
// demo device and a demo server agree on every record.
//
//   m-anna   c-bike     two exceptions waiting on departments, a passed delivery date,
//                       ten identical order confirmations and an eleventh about to go,
//                       marketing about to go despite it (seed 000)
//            c-wardrobe a wrong part shipped again; the replacement date slipped twice,
//                       the second time without telling her (seed 001)
//            c-fairy    a review request about to go before the parcel arrived (seed 002)
//            c-hoffmann, c-nordlicht, c-weber: ordinary customers
//   m-ben    c-kitcar   a former customer renewed a year after cancelling: his reply, his
//                       call, four confusing emails, a refund promised, and a second
//                       renewal and legal warning about to go (seed 003)
//            c-tradein  the car and its papers held, the payout promised "in near 5 days"
//                       moved once and now overdue (seed 004)
//            c-bakery, c-lind (just left), c-kaya, c-novak: ordinary customers
//   m-lena   the team lead, with one customer of her own (c-atlas)
#include <string_view>

#include "domain/records.hpp"

namespace cockpit {

// The document with relative times ("@-5d 14:00", see domain/demo.hpp), byte for byte.
std::string_view demo_document_text();

// The document resolved against `now` and parsed; a broken demo is a programming error
// caught by the tests (validated there), so this returns an empty Book only then.
Book demo_book_at(Time now);

}  // namespace cockpit
