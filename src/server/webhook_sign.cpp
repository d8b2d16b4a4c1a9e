#include "server/webhook_sign.hpp"

#include <sodium.h>

#include <vector>

namespace cockpit::server {

namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string base64(const unsigned char* p, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::vector<unsigned char>> key_of(std::string_view secret) {
  if (secret.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  secret.remove_prefix(kPrefix.size());
  if (secret.empty()) return std::nullopt;  // libsodium may not be handed an empty buffer (its null data)
  std::vector<unsigned char> key(secret.size());
  std::size_t len = 0;
  if (sodium_base642bin(key.data(), key.size(), secret.data(), secret.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len == 0)
    return std::nullopt;
  key.resize(len);
  return key;
}

}  // namespace

std::string new_webhook_secret() {
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  return std::string(kPrefix) + base64(key, sizeof key);
}

std::optional<std::string> webhook_signature(std::string_view secret, std::string_view msg_id,
                                             std::int64_t timestamp_s, std::string_view body) {
  auto key = key_of(secret);
  if (!key) return std::nullopt;
  const std::string signed_text = std::string(msg_id) + "." + std::to_string(timestamp_s) + "." + std::string(body);
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key->data(), key->size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return "v1," + base64(mac, sizeof mac);
}

bool verify_webhook_signature(std::string_view secret, std::string_view msg_id, std::int64_t timestamp_s,
                              std::string_view body, std::string_view header) {
  auto want = webhook_signature(secret, msg_id, timestamp_s, body);
  if (!want) return false;
  while (!header.empty()) {
    const auto space = header.find(' ');
    const std::string_view one = header.substr(0, space);
    if (one.size() == want->size() && sodium_memcmp(one.data(), want->data(), one.size()) == 0) return true;
    if (space == std::string_view::npos) break;
    header.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace cockpit::server
