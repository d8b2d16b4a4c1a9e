#pragma once
// Signing in to the server and out again (PROTOCOL.md, "Authentication"), over the
// device's HttpClient. The answer says who signed in; the desktop keeps the token (its
// TokenStore), the browser keeps nothing: the server's HttpOnly cookie is the session.
#include <functional>
#include <optional>
#include <string>

#include "client/http.hpp"
#include "domain/records.hpp"

namespace cockpit::client {

struct SignedIn {
  Manager manager;     // who: id, name, email, role
  std::string token;   // the bearer token (empty when the server sent none)
};

struct SignInResult {
  std::optional<SignedIn> signed_in;
  std::string error;   // for the manager: "Wrong manager id or password.", "Cannot reach the server: …"
  bool offline = false;  // no answer at all (not a refusal)
};

// One request at a time; each callback runs from the HttpClient's poll().
class Account {
 public:
  explicit Account(HttpClient& http) : http_(http) {}
  ~Account();
  void sign_in(const std::string& manager_id, const std::string& password, std::function<void(SignInResult)> done);
  // Ends the session on the server. `done(answered)`: true once the server answered for
  // good (it ended the session and cleared the cookie, or refused in a way a retry would
  // not change); false when it could not be reached or asked for a retry (429, 5xx).
  // The device forgets its token and data either way; AppController retries a false.
  void sign_out(std::function<void(bool)> done);
  bool busy() const { return pending_.has_value(); }

 private:
  HttpClient& http_;
  std::optional<RequestId> pending_;
};

}  // namespace cockpit::client
