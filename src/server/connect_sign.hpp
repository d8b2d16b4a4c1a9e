#pragma once
// The source webhooks' signatures (src/server/CONNECT.md), each exactly as its source
// documents it. In all three the HMAC key is the signing secret's text as given by the
// source (Stripe's "whsec_…" is used as is, not decoded):
//   Stripe   Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=…][,v0=…]
//            refused when t is more than the tolerance (300 s) from the server's clock;
//            several v1 entries may come (a secret being rolled): one match is enough.
//   Shopify  X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>
//   Zendesk  X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256 of "<timestamp><body>">
//            X-Zendesk-Webhook-Signature-Timestamp: <timestamp> (ISO 8601, as sent)
//            Zendesk names no tolerance; Cockpit holds it to the same 300 s as Stripe
//            (a captured delivery cannot be replayed later; its event id stops it sooner).
// Comparisons run in constant time (sodium_memcmp). Pure but for libsodium.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace cockpit::server {

enum class Source { stripe, shopify, zendesk };
std::string_view to_string(Source s);
std::optional<Source> parse_source(std::string_view s);

inline constexpr Time kSignatureTolerance = 300 * kSecond;

struct SignatureCheck {
  bool ok = false;
  std::string reason;  // why not: names the header and what is wrong with it
};

// `headers`: names lower-case (http.hpp's Request::headers). `now`: the server's clock.
SignatureCheck verify_signature(Source source, std::string_view secret, const std::map<std::string, std::string>& headers,
                                std::string_view body, Time now, Time tolerance = kSignatureTolerance);

// The signing side, for tests and benchmarks that play the source.
std::string stripe_signature_header(std::string_view secret, std::int64_t t_seconds, std::string_view body);
std::string shopify_signature(std::string_view secret, std::string_view body);
std::string zendesk_signature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace cockpit::server
