// POST /api/session (sign in), DELETE /api/session (sign out), GET /api/me.
//
// Sign-in sets the HttpOnly, SameSite=Strict cookie for the browser AND returns the
// same secret as a bearer token for the desktop build. The browser must not read or
// store the token (its wasm memory and IndexedDB are readable by any script on the
// page): it relies on the cookie alone.
#include "domain/enums.hpp"
#include "server/app.hpp"

namespace cockpit::server {

namespace {

nlohmann::json manager_json(const Manager& m) {
  return nlohmann::json{{"id", m.id}, {"name", m.name}, {"email", m.email}, {"role", to_string(m.role)}};
}

std::string cookie(const Request& req, const std::string& value, Time max_age_s) {
  std::string c = std::string(kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(max_age_s);
  // Secure whenever the browser is not on this machine or came through a TLS proxy;
  // on plain-HTTP loopback (development, the demo) the cookie must work without TLS.
  if (!req.peer_loopback || req.header("x-forwarded-proto") == "https") c += "; Secure";
  return c;
}

}  // namespace

Response ServerApp::sign_in(Request& req) {
  if (auto bad = check_origin(req)) return *bad;
  Response err;
  auto body = parse_body(req, err);
  if (!body) return err;
  auto str = [&](const char* k) -> std::optional<std::string> {
    auto it = body->find(k);
    if (it == body->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto id = str("manager");
  auto password = str("password");
  if (!id || id->empty() || id->size() > 200) return Response::error(400, "manager: expected an id", "manager", "bad_request");
  if (!password || password->size() > 1024) return Response::error(400, "password: expected a string", "password", "bad_request");

  // Guessing is slowed per address and id, per account and per address (sign_in_throttle.hpp).
  if (const int retry = sign_in_throttle_.admit(req.peer_ip, *id)) {
    storage_.audit(AuditEntry{0, "sign_in_throttled", *id, *id, "", req.peer_ip});
    return Response::error(429, "too many sign-in attempts; retry in " + std::to_string(retry) + " s", "",
                           "rate_limited")
        .header("Retry-After", std::to_string(retry));
  }
  auto account = storage_.account(*id);
  auto manager = account ? storage_.manager(*id) : std::nullopt;
  bool ok = false;
  if (account && manager)
    ok = verify_password(account->password_hash, *password);
  else
    burn_password_check(*password);  // same time as a wrong password: ids are not revealed
  if (!ok) {
    sign_in_throttle_.failed(req.peer_ip, *id);
    storage_.audit(AuditEntry{0, "sign_in_failed", *id, *id, "", req.peer_ip});
    return Response::error(401, "wrong manager id or password", "", "bad_credentials");
  }
  sign_in_throttle_.succeeded(*id);
  const std::string token = sessions_.create(*id);
  req.identity = *id;
  storage_.audit(AuditEntry{0, "sign_in", *id, *id, "", req.peer_ip});
  Response r = Response::json(200, nlohmann::json{{"manager", manager_json(*manager)},
                                                  {"token", token},
                                                  {"expires_at", format_time(now_utc() + kSessionLifetime)},
                                                  {"schema_version", sync::kSchemaVersion}});
  r.header("Set-Cookie", cookie(req, token, kSessionLifetime / 1000));
  return r;
}

Response ServerApp::sign_out(Request& req) {
  if (auto bad = check_origin(req)) return *bad;
  const std::string token = bearer(req);
  if (auto who = identify(req)) storage_.audit(AuditEntry{0, "sign_out", who->manager, who->manager, "", req.peer_ip});
  if (!token.empty()) sessions_.end(token);
  Response r = Response::json(200, nlohmann::json{{"ok", true}});
  r.header("Set-Cookie", cookie(req, "", 0));
  return r;
}

Response ServerApp::me(Request& req) {
  auto who = identify(req);
  if (!who) return Response::error(401, "sign in first", "", "sign_in_required");
  auto m = storage_.manager(who->manager);
  if (!m) return Response::error(401, "sign in first", "", "sign_in_required");
  return Response::json(200, nlohmann::json{{"manager", manager_json(*m)},
                                            {"schema_version", sync::kSchemaVersion},
                                            {"cursor", storage_.cursor()}});
}

}  // namespace cockpit::server
