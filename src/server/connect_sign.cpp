#include "server/connect_sign.hpp"

#include <sodium.h>

#include <charconv>
#include <optional>
#include <vector>

namespace cockpit::server {

namespace {

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac hmac(std::string_view key, std::string_view a, std::string_view b = {}) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(a.data()), a.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(b.data()), b.size());
  Mac mac;
  crypto_auth_hmacsha256_final(&st, mac.data());
  return mac;
}

std::string hex(const Mac& m) {
  std::string out(m.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), m.data(), m.size());
  out.pop_back();
  return out;
}

std::string base64(const Mac& m) {
  std::string out(sodium_base64_encoded_len(m.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), m.data(), m.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string header(const std::map<std::string, std::string>& h, const std::string& name) {
  auto it = h.find(name);
  return it == h.end() ? std::string() : it->second;
}

SignatureCheck fail(std::string why) { return {false, std::move(why)}; }

std::string too_far(Time signed_at, Time now) {
  const Time off = (now - signed_at) / kSecond;
  return "signed " + std::to_string(off < 0 ? -off : off) + " s " + (off < 0 ? "ahead of" : "before") +
         " the server's clock (tolerance " + std::to_string(kSignatureTolerance / kSecond) + " s)";
}

// Stripe-Signature: comma-separated key=value pairs; t once, v1 one or more times.
SignatureCheck verify_stripe(std::string_view secret, const std::string& h, std::string_view body, Time now,
                             Time tolerance) {
  if (h.empty()) return fail("missing Stripe-Signature header");
  std::optional<std::int64_t> t;
  std::string t_text;
  std::vector<std::string_view> v1;
  std::string_view rest = h;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "t") {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || value.size() > 12) continue;
      t = n;
      t_text = std::string(value);
    } else if (key == "v1") {
      v1.push_back(value);
    }
  }
  if (!t) return fail("Stripe-Signature: no timestamp t=<seconds>");
  if (v1.empty()) return fail("Stripe-Signature: no v1 signature");
  const std::string want = hex(hmac(secret, t_text + ".", body));
  bool match = false;
  for (auto s : v1) match = same(s, want) || match;
  if (!match) return fail("Stripe-Signature: no v1 signature matches the body");
  const Time at = *t * kSecond;
  if (at < now - tolerance || at > now + tolerance) return fail("Stripe-Signature: " + too_far(at, now));
  return {true, {}};
}

SignatureCheck verify_shopify(std::string_view secret, const std::string& h, std::string_view body) {
  if (h.empty()) return fail("missing X-Shopify-Hmac-Sha256 header");
  if (!same(h, base64(hmac(secret, body)))) return fail("X-Shopify-Hmac-Sha256 does not match the body");
  return {true, {}};
}

SignatureCheck verify_zendesk(std::string_view secret, const std::map<std::string, std::string>& headers,
                              std::string_view body, Time now, Time tolerance) {
  const std::string sig = header(headers, "x-zendesk-webhook-signature");
  const std::string ts = header(headers, "x-zendesk-webhook-signature-timestamp");
  if (sig.empty()) return fail("missing X-Zendesk-Webhook-Signature header");
  if (ts.empty()) return fail("missing X-Zendesk-Webhook-Signature-Timestamp header");
  if (!same(sig, base64(hmac(secret, ts, body))))
    return fail("X-Zendesk-Webhook-Signature does not match the timestamp and body");
  const auto at = parse_time(ts);
  if (!at) return fail("X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 time");
  if (*at < now - tolerance || *at > now + tolerance)
    return fail("X-Zendesk-Webhook-Signature-Timestamp: " + too_far(*at, now));
  return {true, {}};
}

}  // namespace

std::string_view to_string(Source s) {
  switch (s) {
    case Source::stripe: return "stripe";
    case Source::shopify: return "shopify";
    case Source::zendesk: return "zendesk";
  }
  return "stripe";
}

std::optional<Source> parse_source(std::string_view s) {
  for (Source x : {Source::stripe, Source::shopify, Source::zendesk})
    if (to_string(x) == s) return x;
  return std::nullopt;
}

SignatureCheck verify_signature(Source source, std::string_view secret, const std::map<std::string, std::string>& headers,
                                std::string_view body, Time now, Time tolerance) {
  if (secret.empty()) return fail("no signing secret is registered for this source");
  switch (source) {
    case Source::stripe: return verify_stripe(secret, header(headers, "stripe-signature"), body, now, tolerance);
    case Source::shopify: return verify_shopify(secret, header(headers, "x-shopify-hmac-sha256"), body);
    case Source::zendesk: return verify_zendesk(secret, headers, body, now, tolerance);
  }
  return fail("unknown source");
}

std::string stripe_signature_header(std::string_view secret, std::int64_t t_seconds, std::string_view body) {
  const std::string t = std::to_string(t_seconds);
  return "t=" + t + ",v1=" + hex(hmac(secret, t + ".", body));
}

std::string shopify_signature(std::string_view secret, std::string_view body) { return base64(hmac(secret, body)); }

std::string zendesk_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return base64(hmac(secret, timestamp, body));
}

}  // namespace cockpit::server
