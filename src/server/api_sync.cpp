// POST /api/push, GET /api/pull, GET /api/live (PROTOCOL.md).
#include <cstdlib>

#include "server/app.hpp"
#include "server/sync_apply.hpp"

namespace cockpit::server {

namespace {

// The client's schema on GET requests: the X-Cockpit-Schema header or ?schema=.
std::optional<int> schema_of(const Request& req) {
  std::string v = req.header("x-cockpit-schema");
  if (v.empty()) v = req.arg("schema");
  if (v.empty()) return sync::kSchemaVersion;  // not sent: assume current (curl, tools)
  if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::atoi(v.c_str());
}

void append_json_string(std::string& out, const std::string& s) { out += nlohmann::json(s).dump(); }

// The pull's JSON, written by hand: record bodies are stored as JSON text and spliced
// in unparsed (a full share is thousands of records).
std::string pull_json(const PullData& data, bool full) {
  std::string out;
  std::size_t size = 96;
  for (const auto& r : data.records) size += r.body.size() + r.id.size() + 48;
  out.reserve(size);
  out += "{\"cursor\":" + std::to_string(data.cursor) + ",\"full\":" + (full ? "true" : "false");
  if (data.more) out += ",\"more\":true";
  out += ",\"changes\":[";
  bool first = true;
  for (const auto& r : data.records) {
    if (!first) out += ',';
    first = false;
    out += "{\"kind\":\"";
    out += to_string(r.kind);
    out += "\",\"id\":";
    append_json_string(out, r.id);
    out += ",\"seq\":" + std::to_string(r.seq) + ",\"record\":";
    out += r.body;
    out += '}';
  }
  out += "],\"removed\":[";
  first = true;
  for (const auto& c : data.removed) {
    if (!first) out += ',';
    first = false;
    out += "{\"customer\":";
    append_json_string(out, c.customer);
    out += ",\"seq\":" + std::to_string(c.seq) + ",\"reason\":\"reassigned\",\"new_owner\":";
    append_json_string(out, c.new_owner);
    out += '}';
  }
  out += "],\"deleted\":[";
  first = true;
  for (const auto& d : data.deleted) {
    if (!first) out += ',';
    first = false;
    out += "{\"kind\":\"";
    out += to_string(d.kind);
    out += "\",\"id\":";
    append_json_string(out, d.id);
    out += ",\"seq\":" + std::to_string(d.seq) + '}';
  }
  out += "]}";
  return out;
}

}  // namespace

// What `scope` may see after `since`; a cursor from another database (restored or
// replaced server) starts over with the whole share.
std::string ServerApp::read_pull(const sync::Identity& who, std::int64_t since) {
  Scope scope{who.manager, who.is_lead()};
  PullData data = storage_.read_since(scope, since, cfg_.pull_page);
  bool full = since == 0;
  if (since > data.cursor) {
    data = storage_.read_since(scope, 0, cfg_.pull_page);
    full = true;
  }
  return pull_json(data, full);
}

Response ServerApp::push(Request& req) {
  if (auto bad = check_origin(req)) return *bad;
  auto who = identify(req);
  if (!who) return Response::error(401, "sign in first", "", "sign_in_required");
  Response err;
  auto body = parse_body(req, err);
  if (!body) return err;
  auto decoded = sync::decode_push(*body);
  if (!decoded.ok()) {
    const auto colon = decoded.error.find(':');
    return Response::error(400, decoded.error, colon == std::string::npos ? "" : decoded.error.substr(0, colon),
                           "bad_request");
  }
  if (auto old = check_schema(decoded.value->schema_version)) return *old;
  // In the write queue's group (server/write_queue.hpp): many devices' pushes share one
  // commit, each in its own savepoint, and none is answered before that commit.
  auto request = std::make_shared<sync::PushRequest>(std::move(*decoded.value));
  auto out = std::make_shared<PushOutcome>();
  auto write = [request, out, who = *who, ip = req.peer_ip](StorageTxn& txn) {
    *out = apply_push(txn, who, *request, ip);
  };
  auto finish = [this, request, out, who = *who](std::exception_ptr failed) -> Response {
    if (failed) std::rethrow_exception(failed);  // answered as any failure (http.cpp)
    return push_answer(who, *request, *out);
  };
  return write_in_group(std::move(write), std::move(finish), request->since.has_value());
}

// After the commit: the answer, and the other devices woken.
Response ServerApp::push_answer(const sync::Identity& who, const sync::PushRequest& request, const PushOutcome& out) {
  if (out.http_status != 200) return Response::error(out.http_status, out.error, "client_id", "forbidden");
  // The pushing device learns its own changes from this answer: its parked live poll
  // is not woken for them (that would cost it a poll answer and a pull per change).
  live_.notify(out.response.cursor, out.affected, request.client_id);
  std::string text = sync::to_json(out.response).dump();
  if (request.since) {
    // Read after the commit: everything up to at least this push's cursor.
    text.pop_back();  // the closing brace of the push response
    text += ",\"pull\":" + read_pull(who, *request.since) + "}";
  }
  Response r;
  r.body = std::move(text);
  return r;
}

Response ServerApp::pull(Request& req) {
  auto who = identify(req);
  if (!who) return Response::error(401, "sign in first", "", "sign_in_required");
  auto schema = schema_of(req);
  if (!schema) return Response::error(400, "schema: expected a number", "schema", "bad_request");
  if (auto old = check_schema(*schema)) return *old;
  auto since = int_arg(req, "since", 0);
  if (!since) return Response::error(400, "since: expected a cursor (a non-negative integer)", "since", "bad_request");
  Response r;
  r.body = read_pull(*who, *since);
  return r;
}

Response ServerApp::live_wait(Request& req) {
  auto who = identify(req);
  // A clear "sign in again" that a client stops on, not a loop of errors.
  if (!who) return Response::error(401, "session ended: sign in again", "", "sign_in_required");
  auto schema = schema_of(req);
  if (!schema) return Response::error(400, "schema: expected a number", "schema", "bad_request");
  if (auto old = check_schema(*schema)) return *old;
  auto since = int_arg(req, "since", 0);
  if (!since) return Response::error(400, "since: expected a cursor (a non-negative integer)", "since", "bad_request");
  // A cursor this server never gave (its database was restored from an older copy):
  // answered at once with the real cursor; the device's pull then gets the whole share.
  // (Compared with storage, not with what Live was told: not every commit notifies.)
  if (const std::int64_t cursor = storage_.cursor(); *since > cursor)
    return Response::json(200, nlohmann::json{{"cursor", cursor}, {"changed", true}});
  // `client`: the device's client id, so its own pushes do not wake it (see push).
  std::string client = req.arg("client");
  if (client.size() > 200) return Response::error(400, "client: longer than 200 bytes", "client", "bad_request");
  return live_.wait(*who, *since, client, token_hash(bearer(req)));
}

}  // namespace cockpit::server
