// The write queue on a real SQLite file: jobs queued while a transaction is in flight
// share the next commit, and one job's failure undoes only its own writes.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "server/worker_threads.hpp"
#include "fresh_db.hpp"
#include "server/write_queue.hpp"

using namespace cockpit::server;
using cockpit::test::fresh_db;

namespace {

std::optional<std::string> meta_of(ServerStorage& storage, const std::string& key) {
  auto txn = storage.begin();
  return txn->meta(key);
}

}  // namespace

TEST_CASE("write queue: the jobs that wait during a commit share the next one") {
  auto storage = open_sqlite_storage(fresh_db("write-queue-group"), false);
  std::atomic<int> commits{0};
  storage->set_hooks(TxnHooks{nullptr, [&] { commits++; }});
  WriteQueue queue(*storage);
  constexpr int kJobs = 50;
  std::vector<std::promise<void>> done(kJobs);
  {
    // Holding the writer: the queue's first group waits for it, the others queue up.
    auto held = storage->begin();
    for (int i = 0; i < kJobs; ++i)
      queue.in_group({[i](StorageTxn& txn) { txn.put_meta("job-" + std::to_string(i), "written"); },
                      [&done, i](std::exception_ptr e) {
                        if (e) done[static_cast<std::size_t>(i)].set_exception(e);
                        else done[static_cast<std::size_t>(i)].set_value();
                      }});
    held->commit();
  }
  for (auto& d : done) d.get_future().get();
  // The test's own commit, then at most two groups: the one job taken before the
  // writer was free, and everything queued behind it.
  CHECK(commits.load() <= 3);
  for (int i = 0; i < kJobs; ++i) CHECK(meta_of(*storage, "job-" + std::to_string(i)) == "written");
}

TEST_CASE("write queue: a job that fails is undone alone, and told") {
  auto storage = open_sqlite_storage(fresh_db("write-queue-fail"), false);
  WriteQueue queue(*storage);
  std::promise<std::string> outcomes[3];
  auto done = [&](int i) {
    return [&outcomes, i](std::exception_ptr e) {
      if (!e) return outcomes[i].set_value("ok");
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        outcomes[i].set_value(x.what());
      }
    };
  };
  {
    auto held = storage->begin();  // all three in one group
    queue.in_group({[](StorageTxn& txn) { txn.put_meta("a", "1"); }, done(0)});
    queue.in_group({[](StorageTxn& txn) {
                      txn.put_meta("b", "1");
                      throw std::runtime_error("job b refused");
                    },
                    done(1)});
    queue.in_group({[](StorageTxn& txn) { txn.put_meta("c", "1"); }, done(2)});
    held->commit();
  }
  CHECK(outcomes[0].get_future().get() == "ok");
  CHECK(outcomes[1].get_future().get() == "job b refused");
  CHECK(outcomes[2].get_future().get() == "ok");
  CHECK(meta_of(*storage, "a") == "1");
  CHECK_FALSE(meta_of(*storage, "b").has_value());
  CHECK(meta_of(*storage, "c") == "1");
}

TEST_CASE("write queue: after stop, jobs run on the caller's thread and nothing is dropped") {
  auto storage = open_sqlite_storage(fresh_db("write-queue-stop"), false);
  WriteQueue queue(*storage);
  queue.stop();
  bool ran = false;
  queue.alone([&] { ran = true; });
  CHECK(ran);
  bool told = false;
  queue.in_group({[](StorageTxn& txn) { txn.put_meta("late", "1"); }, [&](std::exception_ptr e) { told = !e; }});
  CHECK(told);
  CHECK(meta_of(*storage, "late") == "1");
}

// The pull threads: a slow job (a pull of a whole share) holds one thread, not the
// others; stop() runs what is queued; later jobs run on the caller's thread.
TEST_CASE("worker threads: a slow job holds one thread only; stop runs what is queued") {
  WorkerThreads pool(2);
  std::promise<void> release_slow;
  std::shared_future<void> slow_may_end = release_slow.get_future().share();
  std::atomic<int> done{0};
  pool.run([slow_may_end, &done] {
    slow_may_end.wait();
    ++done;
  });
  // While the slow job waits, quick ones still run on the other thread.
  std::promise<void> quick_ran;
  pool.run([&quick_ran, &done] {
    ++done;
    quick_ran.set_value();
  });
  CHECK(quick_ran.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  for (int i = 0; i < 50; ++i) pool.run([&done] { ++done; });
  release_slow.set_value();
  pool.stop();
  CHECK(done.load() == 52);
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  pool.run([&ran_on] { ran_on = std::this_thread::get_id(); });
  CHECK(ran_on == caller);
}

TEST_CASE("worker threads: sync work runs nicer than the thread that made them") {
  auto nice_here = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  };
  const int mine = nice_here();
  if (mine + kSyncWorkNicer > 19) return;  // already as nice as Linux goes
  WorkerThreads pool(1, kSyncWorkNicer);
  std::promise<int> theirs;
  pool.run([&] { theirs.set_value(nice_here()); });
  CHECK(theirs.get_future().get() == mine + kSyncWorkNicer);
}
