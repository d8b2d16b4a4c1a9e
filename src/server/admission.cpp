// ServerApp::admit: what is decided from the request line and headers alone, before a
// byte of the body is read (the HTTP layer calls it first, then handle() once the body
// is in). In this order:
//  1. the path: valid UTF-8, no control characters (400 bad_path);
//  2. credentials, for routes that need them (router.hpp's Access): a session or an
//     integration token, or 401 without reading the body; an integration token without
//     the route's scope gets 403 missing_scope; a source's webhook needs its source
//     bound and its signature headers (the signature is checked once the body is in);
//  3. the rate limit: per identity once known, per address before that; a token that
//     resolves to nobody counts against its address (a made-up token gets no fresh bucket);
//  4. the body's limit: max-body with credentials, max-body-unauthenticated without.
// decorate() adds the headers every answer carries, including 413s and 500s made by
// the HTTP layer and answers of parked live polls.
#include "domain/input_scan.hpp"
#include "server/app.hpp"

namespace cockpit::server {

namespace {

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

Response rate_limited(int retry) {
  return Response::error(429, "too many requests; retry in " + std::to_string(retry) + " s", "", "rate_limited")
      .header("Retry-After", std::to_string(retry));
}

}  // namespace

std::optional<Response> ServerApp::refuse_stranger(const Request& req, Response refusal) {
  int retry = 0;
  if (!limiter_.take("ip:" + req.peer_ip, retry)) return rate_limited(retry);
  return refusal;
}

Admission ServerApp::admit(Request& req) {
  Admission a;
  a.max_body = cfg_.max_body_unauthenticated;
  if (!valid_utf8(req.path) || has_control(req.path)) {
    a.refuse = Response::error(400, "the request path is not valid UTF-8 or holds control characters", "", "bad_path");
    return a;
  }
  std::string bucket = "ip:" + req.peer_ip;
  switch (router_.access(req)) {
    case Access::open:
      break;
    case Access::session: {
      auto who = identify(req);
      if (!who) {
        a.refuse = refuse_stranger(req, Response::error(401, "sign in first", "", "sign_in_required"));
        return a;
      }
      bucket = "m:" + who->manager;
      a.max_body = cfg_.max_body;
      break;
    }
    case Access::integration: {
      auto integration = integrations_.resolve(bearer(req));
      if (!integration) {
        a.refuse = refuse_stranger(
            req, Response::error(401, "an integration token is required (Authorization: Bearer …)", "",
                                 "sign_in_required"));
        return a;
      }
      req.identity = "integration:" + integration->name;
      const std::string scope = router_.scope(req);
      if (!scope.empty() && !integration->may(scope)) {
        a.refuse = Response::error(403,
                                   "integration \"" + integration->name + "\" lacks the scope \"" + scope +
                                       "\" (cockpit-server add-integration --scopes)",
                                   "", "missing_scope");
        return a;
      }
      // Systems that send ask before every message: their own, larger budget.
      int retry = 0;
      if (!integration_limiter_.take("i:" + integration->name, retry)) a.refuse = rate_limited(retry);
      a.max_body = cfg_.max_body;
      return a;
    }
    case Access::source: {
      // Signed over the body: what can be checked before it is the binding and the
      // signature headers; the body is held to its own small limit.
      const auto source = parse_source(router_.scope(req));
      if (!source || !storage_.connect_source(router_.scope(req))) {
        a.refuse = refuse_stranger(req, Response::error(401, "no integration is bound to this source "
                                                             "(cockpit-server add-integration --source)",
                                                        "", "bad_signature"));
        return a;
      }
      if (auto missing = missing_signature(*source, req)) {
        a.refuse = refuse_stranger(req, Response::error(401, *missing, "", "bad_signature"));
        return a;
      }
      int retry = 0;
      if (!integration_limiter_.take("src:" + router_.scope(req), retry)) a.refuse = rate_limited(retry);
      a.max_body = cfg_.max_connect_body;
      return a;
    }
  }
  int retry = 0;
  if (!limiter_.take(bucket, retry)) a.refuse = rate_limited(retry);
  return a;
}

void ServerApp::decorate(const Request& req, Response& r) const {
  add_standard_headers(r, req.path.rfind("/api/", 0) == 0, req.header("x-forwarded-proto") == "https");
}

}  // namespace cockpit::server
