#include "client/account.hpp"

#include <nlohmann/json.hpp>

#include "domain/enums.hpp"

namespace cockpit::client {

using nlohmann::json;

Account::~Account() {
  if (pending_) http_.cancel(*pending_);
}

void Account::sign_in(const std::string& manager_id, const std::string& password,
                      std::function<void(SignInResult)> done) {
  if (pending_) http_.cancel(*pending_);
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/session";
  r.body = json{{"manager", manager_id}, {"password", password}}.dump();
  pending_ = http_.send(std::move(r), [this, done = std::move(done)](HttpResponse resp) {
    pending_.reset();
    SignInResult out;
    json j = json::parse(resp.body, nullptr, false);
    if (resp.status == 0) {
      out.offline = true;
      out.error = "Cannot reach the server (" + (resp.error.empty() ? std::string("no answer") : resp.error) +
                  "). Check the connection and try again.";
    } else if (resp.status == 401) {
      out.error = "Wrong manager id or password.";
    } else if (resp.status == 429) {
      out.error = "Too many attempts: wait " + std::to_string(std::max(1, resp.retry_after_s)) + " s and try again.";
    } else if (!resp.ok() || !j.is_object() || !j.contains("manager") || !j["manager"].is_object()) {
      const std::string why = j.is_object() && j.contains("error") && j["error"].is_string()
                                  ? j["error"].get<std::string>()
                                  : "answer " + std::to_string(resp.status);
      out.error = "The server did not sign you in: " + why + ".";
    } else {
      const json& m = j["manager"];
      SignedIn s;
      s.manager.id = m.value("id", "");
      s.manager.name = m.value("name", "");
      s.manager.email = m.value("email", "");
      s.manager.role = parse_Role(m.value("role", "manager")).value_or(Role::manager);
      s.token = j.value("token", "");
      if (s.manager.id.empty())
        out.error = "The server's answer named nobody.";
      else
        out.signed_in = std::move(s);
    }
    done(std::move(out));
  });
}

void Account::sign_out(std::function<void(bool)> done) {
  if (pending_) http_.cancel(*pending_);
  HttpRequest r;
  r.method = "DELETE";
  r.path = "/api/session";
  r.timeout_ms = 5000;  // the device signs out whether or not the server hears it
  pending_ = http_.send(std::move(r), [this, done = std::move(done)](HttpResponse resp) {
    pending_.reset();
    done(resp.status != 0 && resp.status != 429 && resp.status < 500);
  });
}

}  // namespace cockpit::client
