// The records the guard decides from (server/guard_records.hpp), on a real SQLite file
// with the demo book: the Book is the one the contract's reader gives for the same texts
// (lists inside records left empty: domain/record_scan.hpp), in the same order.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>

#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "server/ingest.hpp"
#include "server/guard_records.hpp"

using namespace cockpit;
using namespace cockpit::server;

namespace {

// The whole customer's texts through the contract's reader at once (what the guard did
// before guard_book).
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
  for (Customer& c : p.book.customers) c.external_ids.clear();
  for (Promise& x : p.book.promises) x.history.clear();
  return p.book;
}

struct DemoStore {
  std::string path = "/tmp/cockpit-guard-records-" + std::to_string(::getpid()) + ".db";
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

TEST_CASE("guard records: the same Book as the contract's reader, every customer of the demo book") {
  DemoStore demo;
  auto txn = demo.storage->begin();
  std::size_t texts = 0;
  for (const std::string& c : txn->all_customers()) {
    const auto records = txn->customer_records(c);
    CAPTURE(c);
    CHECK(guard_book(records) == read_all(*txn, records));
    texts += records.size();
  }
  CHECK(texts > 30);
}

TEST_CASE("guard records: a changed text reads as changed, each kind in the order given") {
  DemoStore demo;
  auto txn = demo.storage->begin();
  const std::string customer = txn->all_customers().front();
  auto records = txn->customer_records(customer);
  REQUIRE(records.size() >= 3);
  StoredText* touchpoint = nullptr;
  for (auto& r : records)
    if (r.kind == RecordKind::touchpoint) touchpoint = &r;
  REQUIRE(touchpoint);
  const auto at = touchpoint->body.find("\"subject\":\"");
  REQUIRE(at != std::string::npos);
  touchpoint->body.insert(at + 11, "Changed: ");
  const Book changed = guard_book(records);
  CHECK(changed == read_all(*txn, records));
  bool seen = false;
  for (const Touchpoint& t : changed.touchpoints) seen |= t.subject.rfind("Changed: ", 0) == 0;
  CHECK(seen);
  std::vector<StoredText> reversed(records.begin(), records.end());
  std::reverse(reversed.begin() + 1, reversed.end());  // the customer first, as stored
  std::stable_sort(reversed.begin(), reversed.end(),
                   [](const StoredText& a, const StoredText& b) { return a.kind < b.kind; });
  CHECK(guard_book(reversed) == read_all(*txn, reversed));
  // A text that does not read back is an error, not a customer without records.
  touchpoint->body = "{\"id\": 7}";
  CHECK_THROWS(guard_book(records));
}
