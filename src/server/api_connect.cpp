// The source webhooks (src/server/CONNECT.md): POST /api/connect/{stripe,shopify,zendesk},
// and the unmatched list a lead sees and resolves.
#include <cstdio>

#include "server/app.hpp"
#include "server/connect_apply.hpp"

namespace cockpit::server {

using nlohmann::json;

namespace {

constexpr std::size_t kUnmatchedPage = 500;

Response refused_signature(Source source, const std::string& why) {
  return Response::error(401, std::string(to_string(source)) + " webhook refused: " + why, "", "bad_signature");
}

json result_json(const std::string& event_id, const ConnectResult& r) {
  json j{{"ok", true}, {"event", event_id}, {"outcome", to_string(r.outcome)}, {"changed", r.changed}};
  if (!r.customer.empty()) j["customer"] = r.customer;
  if (r.stale) j["stale"] = r.stale;
  if (r.outcome == ConnectOutcome::unmatched) {
    j["unmatched"] = r.unmatched_id;
    j["reason"] = r.reason;
  }
  return j;
}

json unmatched_json(const UnmatchedEvent& u, const ConnectContext& ctx) {
  return {{"id", u.id},         {"source", u.source},           {"event", u.event_id},    {"type", u.type},
          {"reason", u.reason}, {"email", u.email},             {"external_id", u.external_id},
          {"waits_for", u.waits_for}, {"at", format_time(u.at)}, {"received", format_time(u.received)},
          {"summary", unmatched_summary(u, ctx)}};
}

// Each bound source's options (Zendesk's marked kinds), for reading events again.
ConnectContext bound_context(ServerStorage& storage, const std::string& ip) {
  ConnectContext ctx{{}, ip};
  for (Source s : {Source::stripe, Source::shopify, Source::zendesk})
    if (auto bound = storage.connect_source(std::string(to_string(s)))) ctx.options[s] = SourceOptions{bound->marked};
  return ctx;
}

}  // namespace

// The signature headers a source always sends: refused on the headers, before the body.
std::optional<std::string> ServerApp::missing_signature(Source source, const Request& req) const {
  switch (source) {
    case Source::stripe:
      if (req.header("stripe-signature").empty()) return "missing Stripe-Signature header";
      break;
    case Source::shopify:
      if (req.header("x-shopify-hmac-sha256").empty()) return "missing X-Shopify-Hmac-Sha256 header";
      break;
    case Source::zendesk:
      if (req.header("x-zendesk-webhook-signature").empty() || req.header("x-zendesk-webhook-signature-timestamp").empty())
        return "missing X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp header";
      break;
  }
  return std::nullopt;
}

Handler ServerApp::connect_handler(Source source) {
  return [this, source](Request& req) { return connect_event(source, req); };
}

Response ServerApp::connect_event(Source source, Request& req) {
  const auto bound = storage_.connect_source(std::string(to_string(source)));
  if (!bound) return refused_signature(source, "no integration is bound to this source");
  const SignatureCheck sig = verify_signature(source, bound->secret, req.headers, req.body, now_utc());
  if (!sig.ok) {
    std::fprintf(stderr, "connect: %s delivery from %s refused: %s\n", std::string(to_string(source)).c_str(),
                 req.peer_ip.c_str(), sig.reason.c_str());
    return refused_signature(source, sig.reason);
  }
  req.identity = "integration:" + bound->integration;
  JsonError err;
  auto body = parse_limited(req.body, json_limits_, err);
  if (!body) return Response::error(400, "the event is not JSON Cockpit reads: " + err.message, err.field, "bad_json");
  ConnectEvent ev{source, map_event(source, req.headers, *body, SourceOptions{bound->marked}),
                  kept_headers(req.headers), std::move(req.body), now_utc()};
  if (!ev.mapped.error.empty()) return Response::error(400, ev.mapped.error, ev.mapped.field, "invalid_event");
  if (!ev.mapped.ignored.empty()) {
    // Sources expect a 2xx for events a receiver does not handle, or they retry for days.
    std::fprintf(stderr, "connect: %s event %s ignored: %s\n", std::string(to_string(source)).c_str(),
                 ev.mapped.event_id.c_str(), ev.mapped.ignored.c_str());
    return Response::json(200, json{{"ok", true}, {"event", ev.mapped.event_id}, {"outcome", "ignored"},
                                    {"reason", ev.mapped.ignored}});
  }
  ConnectContext ctx{{{source, SourceOptions{bound->marked}}}, req.peer_ip};
  auto result = std::make_shared<ConnectResult>();
  auto job = std::make_shared<ConnectEvent>(std::move(ev));
  auto write = [result, job, ctx](StorageTxn& txn) { *result = apply_connect_event(txn, *job, ctx); };
  auto finish = [this, result, job](std::exception_ptr failed) -> Response {
    if (failed) return Response::error(500, "the event could not be recorded; send it again", "", "internal");
    if (!result->affected.empty()) live_.notify(result->cursor, result->affected);
    return Response::json(200, result_json(job->mapped.event_id, *result));
  };
  return write_in_group(std::move(write), std::move(finish));
}

Response ServerApp::connect_unmatched(Request& req) {
  auto who = identify(req);
  if (!who || !who->is_lead()) return Response::error(403, "only a lead sees the unmatched events", "", "lead_only");
  const ConnectContext ctx = bound_context(storage_, req.peer_ip);
  json list = json::array();
  for (const auto& u : storage_.unmatched_events(kUnmatchedPage)) list.push_back(unmatched_json(u, ctx));
  return Response::json(200, json{{"unmatched", std::move(list)}});
}

Response ServerApp::connect_match(Request& req) {
  auto who = identify(req);
  if (!who || !who->is_lead()) return Response::error(403, "only a lead matches unmatched events", "", "lead_only");
  if (auto bad = check_origin(req)) return std::move(*bad);
  Response error;
  auto body = parse_body(req, error);
  if (!body) return error;
  const auto id = body->find("id");
  if (id == body->end() || !id->is_number_integer())
    return Response::error(422, "\"id\": the unmatched event's id (a number)", "id", "invalid_match");
  const std::string customer = body->value("customer", json()).is_string() ? (*body)["customer"].get<std::string>() : "";
  if (customer.empty()) return Response::error(422, "\"customer\": the customer's id", "customer", "invalid_match");
  const ConnectContext ctx = bound_context(storage_, req.peer_ip);
  auto txn = storage_.begin();
  std::string problem;
  auto r = match_unmatched(*txn, id->get<std::int64_t>(), customer, ctx, problem);
  if (!r) return Response::error(404, problem, problem.rfind("no customer", 0) == 0 ? "customer" : "id", "not_found");
  txn->audit(AuditEntry{0, "connect_match", who->manager, "customer " + customer,
                        "unmatched event " + std::to_string(id->get<std::int64_t>()), req.peer_ip});
  txn->commit();
  if (!r->affected.empty()) live_.notify(r->cursor, r->affected);
  return Response::json(200, result_json("", *r));
}

}  // namespace cockpit::server
