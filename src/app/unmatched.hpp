#pragma once
// The lead's panel of source events with no customer yet (src/server/CONNECT.md, "The
// unmatched list"): the server's list as rows ready to draw, and the lead's two actions
// on it, as values — read the list again, match an event to a customer. The list lives
// on the server, not in the device's store, so these actions go over HTTP
// (client::ConnectClient) instead of through the store's dispatcher; the answer comes
// back in a later frame and the panel model says where things stand (loading, offline,
// a refused match and why). No ImGui, no SQL.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "client/connect_client.hpp"
#include "domain/time.hpp"

namespace cockpit {

// Ask the server for the list again (the panel opens with one).
struct RefreshUnmatched {};
// Apply event `id` for `customer`: it leaves the list and its records reach the customer.
struct MatchUnmatched {
  std::int64_t id = 0;
  std::string customer;
};
using UnmatchedAction = std::variant<RefreshUnmatched, MatchUnmatched>;

namespace vm {

struct UnmatchedRow {
  std::int64_t id = 0;
  std::string source;   // "Stripe", "Shopify", "Zendesk"
  std::string type;     // "invoice.payment_failed"
  std::string names;    // who it names: "pay@nowhere.example" or "Stripe customer cus_9" (both when both)
  std::string arrived;  // "5 minutes ago · Mon 7 Dec, 04:10"
  std::string summary;  // "Payment failed: invoice 0042 (42.00 EUR)"
  std::string reason;   // why it waits: "no customer has the e-mail …"
};

struct UnmatchedPanel {
  enum class State { idle, loading, loaded, offline, failed };
  State state = State::idle;
  std::vector<UnmatchedRow> rows;  // the last list the server sent (kept when a refresh fails)
  std::string status;              // "2 events wait for a customer", "Loading…", "Unavailable offline: …"
  std::int64_t matching = 0;       // the event whose match is on its way (0: none)
  std::string match_error;         // the last match refused or not sent, and why
  std::string match_done;          // the last match that worked: "Event 7 applied for c-weber (1 record)"
};

// One entry as the panel shows it; `now` for "5 minutes ago".
UnmatchedRow unmatched_row(const client::UnmatchedEntry& e, Time now);
// "Stripe" for "stripe".
std::string source_label(const std::string& source);

}  // namespace vm

// Owns the requests and the panel model (AppController keeps one, in server mode).
// Callbacks only record answers; the model changes in tick(), on the UI thread.
class UnmatchedList {
 public:
  explicit UnmatchedList(client::HttpClient& http) : client_(http) {}
  // Starts the request the action asks for. A match while another is on its way is refused.
  void apply(const UnmatchedAction& action, Time now);
  // Takes in the answers that came; true when the model changed. `matched`: set when a
  // match worked (the caller pulls, so the customer's new records arrive).
  bool tick(Time now, bool& matched);
  const vm::UnmatchedPanel& panel() const { return panel_; }

 private:
  void take_list(client::UnmatchedAnswer a, Time now);
  void take_match(client::MatchAnswer a, Time now);

  client::ConnectClient client_;
  vm::UnmatchedPanel panel_;
  std::optional<client::UnmatchedAnswer> list_answer_;
  std::optional<client::MatchAnswer> match_answer_;
  std::string match_customer_;
};

}  // namespace cockpit
