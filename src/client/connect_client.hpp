#pragma once
// The lead's side of the source webhooks' unmatched list (src/server/CONNECT.md): read
// the list, match an event to a customer. Over the device's HttpClient like the rest of
// src/client; answers come back as values (never an exception), read by src/app.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/http.hpp"

namespace cockpit::client {

// One event of the list, as the server sent it (GET /api/connect/unmatched).
struct UnmatchedEntry {
  std::int64_t id = 0;
  std::string source, event, type, reason, email, external_id, waits_for, at, received, summary;
};

// What a request came to. `offline`: no answer at all (not a refusal), `error` says so.
struct UnmatchedAnswer {
  bool offline = false;
  std::string error;  // "" when it worked
  std::vector<UnmatchedEntry> entries;
  bool ok() const { return error.empty(); }
};

struct MatchAnswer {
  bool offline = false;
  std::string error;     // "" when the event was applied for the customer
  std::string customer;  // whom it was applied for
  std::size_t changed = 0;
  bool ok() const { return error.empty(); }
};

// Reads the server's answers (pure: the tests give them by table).
UnmatchedAnswer read_unmatched(const HttpResponse& response);
MatchAnswer read_match(const HttpResponse& response);

// One request of each kind at a time; each callback runs from the HttpClient's poll().
class ConnectClient {
 public:
  explicit ConnectClient(HttpClient& http) : http_(http) {}
  ~ConnectClient();
  ConnectClient(const ConnectClient&) = delete;
  ConnectClient& operator=(const ConnectClient&) = delete;

  void list(std::function<void(UnmatchedAnswer)> done);
  void match(std::int64_t id, const std::string& customer, std::function<void(MatchAnswer)> done);

 private:
  HttpClient& http_;
  std::optional<RequestId> listing_, matching_;
};

}  // namespace cockpit::client
