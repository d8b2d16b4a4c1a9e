#include "server/auth.hpp"

#include <sodium.h>

#include <semaphore>
#include <stdexcept>

namespace cockpit::server {

namespace {
constexpr unsigned long long kOps = 2;
constexpr std::size_t kMem = 19u << 20;
std::counting_semaphore<2> g_hashing{2};

struct HashSlot {
  HashSlot() { g_hashing.acquire(); }
  ~HashSlot() { g_hashing.release(); }
};
}  // namespace

bool auth_init() { return sodium_init() >= 0; }

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (crypto_pwhash_str(out, password.data(), password.size(), kOps, kMem) != 0)
    throw std::runtime_error("crypto_pwhash_str: out of memory");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void burn_password_check(std::string_view password) {
  // A fixed hash of a random string, computed once.
  static const std::string dummy = hash_password(new_token());
  (void)verify_password(dummy, password);
}

std::string new_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_hash(std::string_view token) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string Sessions::create(const std::string& manager_id) {
  std::string token = new_token();
  const Time now = now_utc();
  storage_.add_session(Session{token_hash(token), manager_id, now, now + kSessionLifetime});
  return token;
}

std::optional<sync::Identity> Sessions::resolve(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  const std::string h = token_hash(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(h);
    if (it != cache_.end()) {
      // Kept briefly: an admin command (another process: reset-password, a role change)
      // ends sessions in the database, and must take effect within seconds here.
      if (now - it->second.cached < kSessionCacheFor && it->second.expires > now_utc()) return it->second.who;
      cache_.erase(it);
    }
  }
  auto s = storage_.session(h);
  if (!s || s->expires <= now_utc()) return std::nullopt;
  auto m = storage_.manager(s->manager_id);
  if (!m) return std::nullopt;  // the manager left the book
  sync::Identity who{m->id, m->role};
  std::lock_guard lock(mu_);
  if (cache_.size() > 100'000) cache_.clear();
  cache_[h] = Entry{who, s->expires, now};
  return who;
}

void Sessions::end(const std::string& token) {
  const std::string h = token_hash(token);
  {
    std::lock_guard lock(mu_);
    cache_.erase(h);
  }
  storage_.delete_session(h);
}

std::optional<Integration> IntegrationTokens::resolve(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  const std::string h = token_hash(token);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(h);
    if (it != cache_.end() && now - it->second.cached < kSessionCacheFor) return it->second.integration;
  }
  auto found = storage_.integration(h);
  std::lock_guard lock(mu_);
  // Made-up tokens are cached too (an attacker's guesses must not each reach the
  // database), so the map is bounded.
  if (cache_.size() > 10'000) cache_.clear();
  cache_[h] = Entry{found, now};
  return found;
}

}  // namespace cockpit::server
