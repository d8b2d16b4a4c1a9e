#pragma once
// The server half of a push: every mutation of one request in ONE transaction, with the
// client's last applied mutation id recorded in it, so a retry whose response was lost
// replays the stored result instead of applying twice.
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

// Throws on storage failure (nothing is committed then).
PushOutcome apply_push(ServerStorage& storage, const sync::Identity& who, const sync::PushRequest& req,
                       const std::string& ip);

}  // namespace cockpit::server
