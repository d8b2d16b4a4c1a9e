// Pushes share the write queue's transaction, each in its own savepoint
// (server/write_queue.hpp), on both stores: the cursor each push answers is what a pull
// then says, an undone push leaves no trace, a replay in a later group changes nothing.
// And PgConn::pipeline, which a device's pull on PostgreSQL is read with: answers in
// order, and after an error a connection that is usable and outside any transaction.
#include <doctest/doctest.h>

#include "domain/document.hpp"
#include "harness.hpp"
#include "server/ingest.hpp"
#include "server/pg_conn.hpp"
#include "server/storage.hpp"
#include "server/sync_apply.hpp"
#include "store/synthetic.hpp"
#include "test_store.hpp"

using namespace cockpit;
using namespace cockpit::test;
using server::ServerStorage;

namespace {

sync::PushRequest edit_promise(const std::string& client, const std::string& promise, const std::string& text) {
  sync::Mutation m;
  m.mutation_id = 1;
  m.record_kind = RecordKind::promise;
  m.record_id = promise;
  m.fields = sync::json{{"text", text}};
  return sync::PushRequest{client, sync::kSchemaVersion, {m}, std::nullopt};
}

// A promise of one of m-001's customers.
std::string a_promise_of_m001(ServerStorage& s) {
  for (const auto& r : s.read_since(server::Scope{"m-001", false}, 0, 0).records)
    if (r.kind == RecordKind::promise) return r.id;
  return "";
}

std::string text_in_pull(ServerStorage& s, const std::string& promise, std::int64_t since) {
  for (const auto& r : s.read_since(server::Scope{"m-001", false}, since, 0).records)
    if (r.kind == RecordKind::promise && r.id == promise) return sync::json::parse(r.body)["text"];
  return "(not in the pull)";
}

void group_of_three(ServerStorage& s) {
  SyntheticSpec spec;
  spec.customers = 6;
  spec.now = 1'780'000'000'000;
  const auto in = server::ingest_document(s, to_json(generate_book(spec)), "integration:test", "127.0.0.1",
                                          server::ManagerRecords::writable);
  REQUIRE(in.ok);
  const std::string promise = a_promise_of_m001(s);
  REQUIRE_FALSE(promise.empty());
  const sync::Identity anna{"m-001", Role::manager};
  const std::int64_t before = s.cursor();

  server::PushOutcome a, b, c;
  {
    auto txn = s.begin();
    txn->savepoint();
    a = server::apply_push(*txn, anna, edit_promise("dev-a", promise, "from a"), "127.0.0.1");
    txn->keep_savepoint();
    txn->savepoint();
    b = server::apply_push(*txn, anna, edit_promise("dev-b", promise, "from b"), "127.0.0.1");
    txn->undo_savepoint();  // as when the job threw
    txn->savepoint();
    c = server::apply_push(*txn, anna, edit_promise("dev-c", promise, "from c"), "127.0.0.1");
    txn->keep_savepoint();
    CHECK_FALSE(txn->client("dev-b"));  // undone whole: its retry applies afresh
    txn->savepoint();
    server::apply_push(*txn, anna, edit_promise("dev-d", promise, "from d"), "127.0.0.1");
    txn->undo_savepoint();
    CHECK(txn->cursor() == c.response.cursor);  // the undone push's number is no cursor
    txn->commit();
  }
  REQUIRE(a.response.results.size() == 1);
  REQUIRE(c.response.results.size() == 1);
  CHECK(a.response.cursor == before + 1);
  CHECK(a.response.results[0].seq == a.response.cursor);
  CHECK(c.response.results[0].seq == c.response.cursor);
  CHECK(c.response.cursor > a.response.cursor);
  // What the last push answered is what the store and a pull say: a device that pulls
  // from there is neither sent everything again (a cursor above the store's) nor misses
  // a change (one below).
  CHECK(s.cursor() == c.response.cursor);
  CHECK(s.read_since(server::Scope{"m-001", false}, 0, 0).cursor == c.response.cursor);
  CHECK(text_in_pull(s, promise, a.response.cursor) == "from c");
  CHECK(text_in_pull(s, promise, c.response.cursor) == "(not in the pull)");

  // Device a's push again (its answer was lost): replayed in a later group, no effect.
  {
    auto txn = s.begin();
    txn->savepoint();
    auto again = server::apply_push(*txn, anna, edit_promise("dev-a", promise, "from a"), "127.0.0.1");
    txn->keep_savepoint();
    txn->commit();
    REQUIRE(again.response.results.size() == 1);
    CHECK(again.response.results[0].replayed);
    CHECK(again.response.cursor == c.response.cursor);
  }
  CHECK(s.cursor() == c.response.cursor);
}

}  // namespace

TEST_CASE("pushes in one group transaction, one undone: on SQLite") {
  auto s = server::open_sqlite_storage(temp_path("group-push.sqlite"));
  group_of_three(*s);
}

TEST_CASE("pushes in one group transaction, one undone: on PostgreSQL") {
  REQUIRE(testing_postgres());
  auto s = server::open_postgres_storage(store_for(temp_path("group-push.db")));
  group_of_three(*s);
}

TEST_CASE("a pipeline answers in order; after an error the connection is usable and outside a transaction") {
  REQUIRE(testing_postgres());
  server::PgConn db(store_for(temp_path("pipeline.db")));
  auto r = db.pipeline({{"BEGIN", {}, true},
                        {"SELECT $1::int + 1", server::PgParams().add(1)},
                        {"SELECT 'b'"},
                        {"COMMIT", {}, true}});
  REQUIRE(r.size() == 4);
  CHECK(r[1].i64(0, 0) == 2);
  CHECK(r[2].text(0, 0) == "b");

  const auto failing = [&] {
    db.pipeline({{"BEGIN", {}, true},
                 {"SELECT 1/$1::int", server::PgParams().add(0)},
                 {"SELECT 'never'"},
                 {"COMMIT", {}, true}});
  };
  CHECK_THROWS_WITH_AS(failing(), doctest::Contains("division by zero"), server::PgError);
  CHECK(PQtransactionStatus(db.raw()) == PQTRANS_IDLE);
  CHECK(PQpipelineStatus(db.raw()) == PQ_PIPELINE_OFF);
  CHECK(db.q("SELECT 'after'").text(0, 0) == "after");
}
