#include "client/connect_client.hpp"

#include <nlohmann/json.hpp>

namespace cockpit::client {

using nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Why a request did not work, in words for the lead; "" when it did.
std::string failure(const HttpResponse& r, const json& j, const char* what) {
  if (r.status == 0)
    return "Cannot reach the server (" + (r.error.empty() ? std::string("no answer") : r.error) + "): " + what +
           " is unavailable offline.";
  if (r.status == 401) return "Your session has ended: sign in again to see source events.";
  if (r.status == 403) return "Only a team lead sees and matches source events.";
  if (r.status == 429) return "The server is busy: try again in " + std::to_string(std::max(1, r.retry_after_s)) + " s.";
  if (r.ok() && j.is_object()) return "";
  const std::string why = j.is_object() && !text(j, "error").empty() ? text(j, "error") : "answer " + std::to_string(r.status);
  return "The server refused: " + why + ".";
}

UnmatchedEntry entry_of(const json& e) {
  UnmatchedEntry u;
  u.id = e.value("id", json()).is_number_integer() ? e["id"].get<std::int64_t>() : 0;
  u.source = text(e, "source");
  u.event = text(e, "event");
  u.type = text(e, "type");
  u.reason = text(e, "reason");
  u.email = text(e, "email");
  u.external_id = text(e, "external_id");
  u.waits_for = text(e, "waits_for");
  u.at = text(e, "at");
  u.received = text(e, "received");
  u.summary = text(e, "summary");
  return u;
}

}  // namespace

UnmatchedAnswer read_unmatched(const HttpResponse& r) {
  UnmatchedAnswer out;
  const json j = json::parse(r.body, nullptr, false);
  out.offline = r.status == 0;
  out.error = failure(r, j, "the list of source events");
  if (!out.ok()) return out;
  auto list = j.find("unmatched");
  if (list == j.end() || !list->is_array()) {
    out.error = "The server's answer holds no list of source events.";
    return out;
  }
  for (const json& e : *list)
    if (e.is_object() && e.value("id", json()).is_number_integer()) out.entries.push_back(entry_of(e));
  return out;
}

MatchAnswer read_match(const HttpResponse& r) {
  MatchAnswer out;
  const json j = json::parse(r.body, nullptr, false);
  out.offline = r.status == 0;
  out.error = failure(r, j, "matching an event");
  if (!out.ok()) return out;
  out.customer = text(j, "customer");
  out.changed = j.value("changed", json()).is_number_unsigned() ? j["changed"].get<std::size_t>() : 0;
  if (text(j, "outcome") == "unmatched")
    out.error = "The event still waits: " + (text(j, "reason").empty() ? std::string("no reason given") : text(j, "reason")) + ".";
  return out;
}

ConnectClient::~ConnectClient() {
  if (listing_) http_.cancel(*listing_);
  if (matching_) http_.cancel(*matching_);
}

void ConnectClient::list(std::function<void(UnmatchedAnswer)> done) {
  if (listing_) http_.cancel(*listing_);
  HttpRequest r;
  r.path = "/api/connect/unmatched";
  listing_ = http_.send(std::move(r), [this, done = std::move(done)](HttpResponse resp) {
    listing_.reset();
    done(read_unmatched(resp));
  });
}

void ConnectClient::match(std::int64_t id, const std::string& customer, std::function<void(MatchAnswer)> done) {
  if (matching_) http_.cancel(*matching_);
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/connect/unmatched/match";
  r.body = json{{"id", id}, {"customer", customer}}.dump();
  matching_ = http_.send(std::move(r), [this, done = std::move(done)](HttpResponse resp) {
    matching_.reset();
    done(read_match(resp));
  });
}

}  // namespace cockpit::client
