#pragma once
// Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is
// "whsec_" + base64 of the key; each delivery carries
//   webhook-id: msg_…   webhook-timestamp: <seconds>   webhook-signature: v1,<base64>
// where the signature is HMAC-SHA256 with the key over "<id>.<timestamp>.<body>".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cockpit::server {

// A new secret: "whsec_" + base64 of 32 random bytes (libsodium; auth_init() first).
std::string new_webhook_secret();

// "v1,<base64 HMAC>", or nullopt when the secret is not "whsec_" + base64.
std::optional<std::string> webhook_signature(std::string_view secret, std::string_view msg_id,
                                             std::int64_t timestamp_s, std::string_view body);

// Whether `header` (one or more space-separated "v1,<sig>") holds the right signature.
bool verify_webhook_signature(std::string_view secret, std::string_view msg_id, std::int64_t timestamp_s,
                              std::string_view body, std::string_view header);

}  // namespace cockpit::server
