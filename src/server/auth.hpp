#pragma once
// Passwords, tokens and sessions.
//
// Passwords: libsodium's crypto_pwhash_str (Argon2id) with OWASP's minimum for
// Argon2id (19 MiB, 2 passes): about 30–60 ms here. At most two hashes run at once so a
// burst of sign-ins cannot take all the memory or every HTTP thread.
// Tokens: 32 random bytes, base64url. Only their SHA-256 is stored: a copy of the
// database does not let anyone sign in.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/storage.hpp"
#include "sync/plan.hpp"

namespace cockpit::server {

// Call once before anything else here (idempotent). False: libsodium cannot start.
bool auth_init();

std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// Costs the same as a verify, for unknown ids (no timing oracle for valid ids).
void burn_password_check(std::string_view password);

std::string new_token();
std::string token_hash(std::string_view token);  // hex SHA-256

constexpr Time kSessionLifetime = 30 * kDay;

// Sessions, cached in memory for a few seconds so that the API does not touch the
// database for every request. Sign-out and password resets through this object take
// effect at once; ones done by another process (the admin command) within
// kSessionCacheFor: how long a resolved session is trusted without reading the
// database again.
inline constexpr std::chrono::seconds kSessionCacheFor{5};

class Sessions {
 public:
  explicit Sessions(ServerStorage& storage) : storage_(storage) {}
  // Creates a session for a manager; returns the token (shown once).
  std::string create(const std::string& manager_id);
  std::optional<sync::Identity> resolve(const std::string& token);
  void end(const std::string& token);

 private:
  struct Entry {
    sync::Identity who;
    Time expires;
    std::chrono::steady_clock::time_point cached;
  };
  ServerStorage& storage_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

// Integration tokens, cached like sessions: a pre-send check comes thousands of times a
// second and must not touch the database for its token. A token added or changed by
// the admin command (another process) is seen within kSessionCacheFor.
class IntegrationTokens {
 public:
  explicit IntegrationTokens(ServerStorage& storage) : storage_(storage) {}
  std::optional<Integration> resolve(const std::string& token);

 private:
  struct Entry {
    std::optional<Integration> integration;  // nullopt: no such token (cached too, briefly)
    std::chrono::steady_clock::time_point cached;
  };
  ServerStorage& storage_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace cockpit::server
