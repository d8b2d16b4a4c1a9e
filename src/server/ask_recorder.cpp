#include "server/ask_recorder.hpp"

namespace cockpit::server {

Affected record_asks(StorageTxn& txn, const std::vector<Ask>& asks) {
  Affected affected;
  for (const Ask& a : asks) {
    auto rec = txn.record(RecordKind::scheduled, a.scheduled);
    if (!rec || rec->rec.body.contains("asked_at")) continue;
    const bool touched_before = txn.touched().count(rec->customer) > 0;
    rec->rec.body["asked_at"] = format_time(a.at);
    rec->rec.body["asked_by"] = a.by;
    rec->rec.body["asked_via"] = a.via;
    txn.write_record(*rec, {"asked_at", "asked_by", "asked_via"}, "integration:" + a.by, "");
    if (!touched_before) txn.untouch(rec->customer);  // the guard reads no asked_* field
    if (auto owner = txn.owner_of(rec->customer)) affected.managers.insert(*owner);
  }
  return affected;
}

AskRecorder::AskRecorder(ServerStorage& storage, std::function<void(std::int64_t, const Affected&)> written)
    : storage_(storage), written_(std::move(written)), thread_([this] { loop(); }) {}

AskRecorder::~AskRecorder() { stop(); }

void AskRecorder::note(Ask ask) {
  std::lock_guard lock(mu_);
  if (!seen_.insert(ask.scheduled).second) return;
  if (seen_.size() > 1'000'000) seen_.clear();  // bounded; a repeat only costs a read
  pending_.push_back(std::move(ask));
}

void AskRecorder::flush() {
  std::lock_guard one_at_a_time(flush_mu_);
  std::vector<Ask> asks;
  {
    std::lock_guard lock(mu_);
    asks.swap(pending_);
  }
  if (asks.empty()) return;
  auto txn = storage_.begin();
  const Affected affected = record_asks(*txn, asks);
  const std::int64_t cursor = txn->cursor();
  txn->commit();
  if (!affected.empty() && written_) written_(cursor, affected);
}

void AskRecorder::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kFlushEvery);
    if (pending_.empty()) continue;
    lock.unlock();
    try {
      flush();
    } catch (const std::exception&) {
      // The database refused (shutting down, disk full): the asks are informational and
      // are noted again on the sender's next check.
      std::lock_guard again(mu_);
      seen_.clear();
    }
    lock.lock();
  }
}

void AskRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    flush();
  } catch (const std::exception&) {
  }
}

}  // namespace cockpit::server
