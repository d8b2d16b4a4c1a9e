#pragma once
// The server half of a push: every mutation of one request in one savepoint of the write
// queue's group transaction (server/write_queue.hpp), with the client's last applied
// mutation id recorded in it, so a retry whose response was lost replays the stored
// result instead of applying twice.
#include <string>

#include "server/live.hpp"
#include "server/storage.hpp"
#include "sync/protocol.hpp"

namespace cockpit::server {

struct PushOutcome {
  int http_status = 200;  // 403 when the client id belongs to another manager
  std::string error;
  sync::PushResponse response;
  Affected affected;  // whose devices should pull now
};

// Inside `txn`, which the caller commits; the caller undoes the push's savepoint if this
// throws (a storage failure). A refused client id (403) still writes its audit line.
PushOutcome apply_push(StorageTxn& txn, const sync::Identity& who, const sync::PushRequest& req,
                       const std::string& ip);

}  // namespace cockpit::server
