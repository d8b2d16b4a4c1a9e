// The guard's API for the systems that send (src/server/GUARD.md):
//   POST /api/guard/check         (scope check)  may this message go now?
//   GET  /api/guard/check?…       (scope check)  the same, the message as URL arguments
//   GET  /api/guard/verdicts      (scope feed)   every change of standing after a cursor
//   GET  /api/guard/suppressions  (scope feed)   the current holds as a suppression list
//   GET  /api/guard/policy        (any token)    what a sender does without an answer
#include "domain/enums.hpp"
#include "domain/fields.hpp"
#include "server/app.hpp"
#include "server/guard_check.hpp"
#include "server/record_check.hpp"

namespace cockpit::server {

using nlohmann::json;

namespace {

constexpr std::size_t kFeedPage = 1000;

Response unknown_customer(const CheckMessage& m) {
  const std::string who = m.customer.empty() ? "no customer has the e-mail address \"" + m.email + "\""
                                             : "customer \"" + m.customer + "\" is not known to Cockpit";
  return Response::error(404, who + ": the guard cannot vouch for this message; hold it",
                         m.customer.empty() ? "message.email" : "message.customer", "unknown_customer");
}

// The answer to a check: 200 with the standing; with ?strict=1 a hold is 409 and a
// cancel 410, for senders that only look at the status (an Iterable data feed).
Response answer(bool strict, const VerdictRow& v) {
  int status = 200;
  if (strict) {
    if (v.state == GuardState::held) status = 409;
    if (v.state == GuardState::cancelled) status = 410;
  }
  return Response::json(status, standing_json(v)).header("Cache-Control", "no-store");
}

// The message as a scheduled record, written in `txn` when new or changed (Cockpit's
// own fields kept); the commit decides the guard. Returns an error response, or nothing
// (the standing is read after the commit).
std::optional<Response> write_message(StorageTxn& txn, const CheckMessage& m, const std::string& integration,
                                      const std::string& via, const std::string& customer, Affected& affected,
                                      std::int64_t& cursor) {
  if (!txn.has_customer(customer)) return unknown_customer(m);
  const std::string id = scheduled_id_for(integration, m.id);
  json body = m.body;
  body["id"] = id;
  body["customer"] = customer;
  auto checked = check_record(RecordKind::scheduled, body, txn);
  if (!checked.body) return Response::error(422, checked.error, "message", "invalid_message");
  auto existing = txn.record(RecordKind::scheduled, id);
  if (existing && existing->customer != customer)
    return Response::error(409, "message id \"" + m.id + "\" was already given for another customer", "message.id",
                           "id_conflict");
  json next = std::move(*checked.body);
  if (existing)
    for (const auto& f : own_fields(RecordKind::scheduled))
      if (existing->rec.body.contains(f)) next[f] = existing->rec.body[f];
  if (!next.contains("asked_at")) {
    next["asked_at"] = format_time(now_utc());
    next["asked_by"] = integration;
    next["asked_via"] = via;
  }
  const auto changed = sync::diff_fields(existing ? existing->rec.body : json::object(), next);
  if (!changed.empty()) {
    StoredRecord rec{RecordKind::scheduled, id, customer, existing ? existing->rec : sync::ServerRecord{}};
    rec.rec.body = std::move(next);
    txn.write_record(rec, changed, "integration:" + integration, "");
    if (auto owner = txn.owner_of(customer)) affected.managers.insert(*owner);
  }
  cursor = txn.cursor();
  return std::nullopt;
}

// What a message check answers once its write is committed.
struct MessageOutcome {
  std::optional<Response> error;
  Affected affected;
  std::int64_t cursor = 0;
};

}  // namespace

Response ServerApp::guard_check(Request& req) {
  Response error;
  auto body = req.method == "GET" ? std::optional<json>(check_body_from_query(req.query)) : parse_body(req, error);
  if (!body) return error;
  CheckDecode d = decode_check(*body);
  if (!d.request) return Response::error(422, d.error, d.field, "invalid_check");
  const std::string integration = req.identity.substr(req.identity.find(':') + 1);

  if (const auto* id = std::get_if<std::string>(&d.request->what)) {
    auto v = storage_.verdict(*id);
    if (!v)
      return Response::error(404, "no scheduled message \"" + *id + "\": send it as {\"message\": …}, or hold it",
                             "scheduled", "unknown_scheduled");
    if (asks_) asks_->note(Ask{*id, integration, d.request->via, now_utc()});
    return answer(req.arg("strict") == "1", *v);
  }
  const auto& m = std::get<CheckMessage>(d.request->what);
  std::string customer = m.customer;
  if (customer.empty()) {
    auto found = storage_.customer_by_email(m.email);
    if (!found) return unknown_customer(m);
    customer = *found;
  }
  // Written in a group with other senders' messages (one commit for all), off this
  // request thread; without a queue (in-process tools), here.
  auto outcome = std::make_shared<MessageOutcome>();
  auto write = [outcome, m, integration, via = d.request->via, customer](StorageTxn& txn) {
    outcome->error = write_message(txn, m, integration, via, customer, outcome->affected, outcome->cursor);
  };
  const std::string id = scheduled_id_for(integration, m.id);
  auto finish = [this, outcome, id, strict = req.arg("strict") == "1"](std::exception_ptr failed) -> Response {
    if (failed) return Response::error(500, "the message could not be recorded; hold it", "", "internal");
    if (outcome->error) return std::move(*outcome->error);
    if (!outcome->affected.empty()) live_.notify(outcome->cursor, outcome->affected);
    auto v = storage_.verdict(id);
    if (!v) return Response::error(500, "the guard kept no standing for " + id, "", "internal");
    return answer(strict, *v);
  };
  return write_in_group(std::move(write), std::move(finish));
}

Response ServerApp::guard_verdicts(Request& req) {
  auto since = int_arg(req, "since", 0);
  if (!since) return Response::error(400, "since must be a non-negative integer", "since", "bad_cursor");
  auto limit = int_arg(req, "limit", kFeedPage);
  if (!limit || *limit == 0 || *limit > static_cast<std::int64_t>(kFeedPage))
    return Response::error(400, "limit must be 1 to " + std::to_string(kFeedPage), "limit", "bad_limit");
  // One past the page tells whether more follow.
  auto rows = storage_.verdict_changes(*since, static_cast<std::size_t>(*limit) + 1);
  const bool more = rows.size() > static_cast<std::size_t>(*limit);
  if (more) rows.pop_back();
  json changes = json::array();
  for (const VerdictRow& v : rows) {
    json j = standing_json(v);
    j["at"] = format_time(v.at);
    changes.push_back(std::move(j));
  }
  const std::int64_t cursor = rows.empty() ? *since : rows.back().cursor;
  return Response::json(200, json{{"changes", std::move(changes)}, {"cursor", cursor}, {"more", more}});
}

Response ServerApp::guard_suppressions(Request& req) {
  const std::string format = req.arg("format");
  if (!format.empty() && format != "json" && format != "csv")
    return Response::error(400, "format must be json or csv", "format", "bad_format");
  const std::int64_t cursor = storage_.verdict_cursor();
  const auto list = storage_.suppressions();
  if (format == "csv") {
    // The shape mailing tools import: one row per address, a header line.
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = "customer,email,kinds\r\n";
    auto cell = [](const std::string& s) {
      if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    for (const Suppression& s : list) {
      std::string kinds;
      for (const auto& k : s.kinds) kinds += (kinds.empty() ? "" : ";") + k;
      r.body += cell(s.customer) + "," + cell(s.email) + "," + cell(kinds) + "\r\n";
    }
    return r.header("X-Cockpit-Cursor", std::to_string(cursor));
  }
  json out = json::array();
  for (const Suppression& s : list) out.push_back(json{{"customer", s.customer}, {"email", s.email}, {"kinds", s.kinds}});
  return Response::json(200, json{{"suppressions", std::move(out)}, {"cursor", cursor}});
}

Response ServerApp::guard_policy(Request&) {
  return Response::json(200, json{{"on_no_answer", "hold"},
                                  {"safe_kinds", guard_.safe_kinds},
                                  {"answer_within_ms", 2000},
                                  {"as_of", guard_.as_of ? json(format_time(*guard_.as_of)) : json()}});
}

}  // namespace cockpit::server
