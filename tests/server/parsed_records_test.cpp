// The guard's cache of parsed records on a real SQLite file with the demo book: the
// Book it gives is the one the contract's reader gives for the same texts, in the same
// order; an unchanged text is not parsed again; a changed one is.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "server/ingest.hpp"
#include "server/parsed_records.hpp"

using namespace cockpit;
using namespace cockpit::server;

namespace {

// The whole customer's texts through the contract's reader at once (what the guard did
// before the cache).
Book read_all(StorageTxn& txn, const std::vector<StoredText>& records) {
  std::string lists[kRecordKindCount];
  for (const StoredText& r : records) {
    std::string& list = lists[static_cast<std::size_t>(r.kind)];
    list += (list.empty() ? "[" : ",") + r.body;
  }
  std::string doc = "{";
  for (std::size_t k = 0; k < kRecordKindCount; ++k)
    if (!lists[k].empty())
      doc += (doc.size() > 1 ? ",\"" : "\"") + std::string(list_name(static_cast<RecordKind>(k))) + "\":" + lists[k] + "]";
  ParsedDocument p = parse_document(doc + "}", &txn);
  REQUIRE_MESSAGE(p.ok(), p.errors.front());
  return p.book;
}

struct DemoStore {
  std::string path = "/tmp/cockpit-parsed-records-" + std::to_string(::getpid()) + ".db";
  std::unique_ptr<ServerStorage> storage;
  DemoStore() {
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
    storage = open_sqlite_storage(path, false);
    const auto out = ingest_document(*storage, to_json(demo_book_at(now_utc())), "test", "", ManagerRecords::writable);
    REQUIRE(out.ok);
  }
  ~DemoStore() {
    storage.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  }
};

}  // namespace

TEST_CASE("parsed records: the same Book as the contract's reader, every customer, parsed once") {
  DemoStore demo;
  auto txn = demo.storage->begin();
  ParsedRecords cache;
  std::size_t texts = 0;
  for (const std::string& c : txn->all_customers()) {
    const auto records = txn->customer_records(c);
    CAPTURE(c);
    CHECK(cache.book_of(*txn, records) == read_all(*txn, records));
    texts += records.size();
  }
  CHECK(cache.parsed() == texts);
  // Again: nothing parsed, the same Books.
  for (const std::string& c : txn->all_customers()) {
    const auto records = txn->customer_records(c);
    CHECK(cache.book_of(*txn, records) == read_all(*txn, records));
  }
  CHECK(cache.parsed() == texts);
}

TEST_CASE("parsed records: a changed text is parsed again, the order is the one given") {
  DemoStore demo;
  auto txn = demo.storage->begin();
  ParsedRecords cache;
  const std::string customer = txn->all_customers().front();
  auto records = txn->customer_records(customer);
  REQUIRE(records.size() >= 3);
  cache.book_of(*txn, records);
  const std::size_t before = cache.parsed();
  // A new text for a record already parsed (same kind and id): the new one counts.
  StoredText* touchpoint = nullptr;
  for (auto& r : records)
    if (r.kind == RecordKind::touchpoint) touchpoint = &r;
  REQUIRE(touchpoint);
  const auto at = touchpoint->body.find("\"subject\":\"");
  REQUIRE(at != std::string::npos);
  touchpoint->body.insert(at + 11, "Changed: ");
  const Book changed = cache.book_of(*txn, records);
  CHECK(cache.parsed() == before + 1);
  CHECK(changed == read_all(*txn, records));
  bool seen = false;
  for (const Touchpoint& t : changed.touchpoints) seen |= t.subject.rfind("Changed: ", 0) == 0;
  CHECK(seen);
  // The records of a kind come in the order given, whatever order they were cached in.
  std::vector<StoredText> reversed(records.begin(), records.end());
  std::reverse(reversed.begin() + 1, reversed.end());  // the customer first, as stored
  std::stable_sort(reversed.begin(), reversed.end(),
                   [](const StoredText& a, const StoredText& b) { return a.kind < b.kind; });
  CHECK(cache.book_of(*txn, reversed) == read_all(*txn, reversed));
  CHECK(cache.parsed() == before + 1);
}
