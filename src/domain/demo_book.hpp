#pragma once
// The demo book: the five seed stories (shared/seeds) as customers of three people,
// dated around "now" so there is always something overdue, due soon, held and waiting.
// Pure: no I/O. The one definition of it: the app writes it into an empty local
// database, `cockpit-server serve --demo` into an empty server database (with one
// account per manager in it), so a demo device and a demo server agree on every record.
#include <string_view>

#include "domain/records.hpp"

namespace cockpit {

// The document with relative times ("@-5d 14:00", see domain/demo.hpp).
std::string_view demo_document_text();

// The document resolved against `now` and parsed; a broken demo is a programming error
// caught by the tests (validated there), so this returns an empty Book only then.
Book demo_book_at(Time now);

}  // namespace cockpit
