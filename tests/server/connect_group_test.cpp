// Source events share the write queue's group commits (CONNECT.md, "Idempotency and
// ordering"): deliveries that arrive while a commit is in flight are applied in the
// next transaction, each in its own savepoint, and answered after that commit. In
// process, on a real SQLite file with the demo book and the guard installed, as the
// server runs them; a group in flight holds the writer until the events are all queued,
// so they make one group.
#include <doctest/doctest.h>

#include <future>
#include <stdexcept>

#include <unistd.h>

#include "connect_fixtures.hpp"
#include "fresh_db.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "server/connect_apply.hpp"
#include "server/guard_apply.hpp"
#include "server/ingest.hpp"
#include "server/write_queue.hpp"

using namespace cockpit;
using namespace cockpit::server;
using namespace cockpit::test::connect;
using cockpit::test::fresh_db;

namespace {

// The demo book in a fresh file, with the guard deciding after every write.
std::unique_ptr<ServerStorage> demo_store(const char* name) {
  auto storage = open_sqlite_storage(fresh_db(name), false);
  install_guard(*storage, GuardSettings{}, nullptr);
  const IngestOutcome in =
      ingest_document(*storage, to_json(demo_book_at(now_utc())), "demo", "", ManagerRecords::writable);
  REQUIRE(in.ok);
  return storage;
}

// Stripe's invoice.payment_failed for the demo's Marco Rossi, as the server maps it.
ConnectEvent failed_payment(const std::string& event_id, const std::string& invoice) {
  const std::string body = stripe_event("invoice.payment_failed", event_id, now_s() - 60,
                                        stripe_invoice(invoice, "", "marco.rossi@domino.example", 4200))
                               .dump();
  ConnectEvent ev{Source::stripe, map_event(Source::stripe, {}, nlohmann::json::parse(body), SourceOptions{}), "{}", body,
                  now_utc()};
  REQUIRE(ev.mapped.error.empty());
  return ev;
}

// One queued event: what apply_connect_event gave, or the job's error, once committed.
struct Queued {
  std::promise<std::string> outcome;  // "applied", "replay", "unmatched", or the error
  WriteQueue::GroupJob job(ConnectEvent ev, bool fail_after_writing = false) {
    auto result = std::make_shared<ConnectResult>();
    return {[result, ev = std::move(ev), fail_after_writing](StorageTxn& txn) {
              *result = apply_connect_event(txn, ev, ConnectContext{{}, "127.0.0.1"});
              if (fail_after_writing) throw std::runtime_error("the store failed after the event was applied");
            },
            [this, result](std::exception_ptr e) {
              if (!e) return outcome.set_value(std::string(to_string(result->outcome)));
              try {
                std::rethrow_exception(e);
              } catch (const std::exception& x) {
                outcome.set_value(x.what());
              }
            }};
  }
};

bool has_exception(ServerStorage& storage, const std::string& id) {
  auto txn = storage.begin();
  return txn->record(RecordKind::exception, id).has_value();
}

}  // namespace

TEST_CASE("connect in groups: a delivery and its retry in one group apply once; a failing event leaves the others") {
  auto storage = demo_store("connect-group");
  WriteQueue queue(*storage);
  Queued first, retry, failing, other;
  // A group in flight that waits until the four events are queued: they make the next group.
  std::promise<void> running, go;
  std::shared_future<void> may_go = go.get_future().share();
  queue.in_group({[&running, may_go](StorageTxn&) {
                    running.set_value();
                    may_go.wait();
                  },
                  [](std::exception_ptr) {}});
  running.get_future().wait();
  queue.in_group(first.job(failed_payment("evt_g1", "in_g1")));
  queue.in_group(retry.job(failed_payment("evt_g1", "in_g1")));  // the source's retry, same event id
  queue.in_group(failing.job(failed_payment("evt_g2", "in_g2"), true));
  queue.in_group(other.job(failed_payment("evt_g3", "in_g3")));
  go.set_value();
  CHECK(first.outcome.get_future().get() == "applied");
  CHECK(retry.outcome.get_future().get() == "replay");
  CHECK(failing.outcome.get_future().get() == "the store failed after the event was applied");
  CHECK(other.outcome.get_future().get() == "applied");
  CHECK(has_exception(*storage, "x-stripe-in_g1"));
  CHECK(has_exception(*storage, "x-stripe-in_g3"));
  // Nothing of the failed event stays, not even its id: the source's retry applies it.
  CHECK_FALSE(has_exception(*storage, "x-stripe-in_g2"));
  Queued again;
  queue.in_group(again.job(failed_payment("evt_g2", "in_g2")));
  CHECK(again.outcome.get_future().get() == "applied");
  CHECK(has_exception(*storage, "x-stripe-in_g2"));
}
