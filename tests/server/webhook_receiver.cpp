#include "webhook_receiver.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>

#include <chrono>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

namespace cockpit::test {

namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string header_of(MHD_Connection* c, const char* name) {
  const char* v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v ? v : "";
}

MHD_Result handle(void* cls, MHD_Connection* c, const char*, const char* method, const char*, const char* data,
                  size_t* size, void** state) {
  auto* body = static_cast<std::string*>(*state);
  if (!body) {
    *state = new std::string;
    return MHD_YES;
  }
  if (*size) {
    body->append(data, *size);
    *size = 0;
    return MHD_YES;
  }
  int status = 405;
  if (std::strcmp(method, "POST") == 0) {
    WebhookDelivery d;
    d.id = header_of(c, "webhook-id");
    d.timestamp = header_of(c, "webhook-timestamp");
    d.signature = header_of(c, "webhook-signature");
    d.body = *body;
    status = static_cast<WebhookReceiver*>(cls)->on_delivery(std::move(d));
  }
  MHD_Response* r = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  const MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(status), r);
  MHD_destroy_response(r);
  return ok;
}

void completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<std::string*>(*state);
  *state = nullptr;
}

std::string base64(const unsigned char* p, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

}  // namespace

bool standard_webhooks_valid(const std::string& secret, const std::string& id, const std::string& timestamp,
                             const std::string& body, const std::string& header) {
  if (sodium_init() < 0 || secret.rfind("whsec_", 0) != 0) return false;
  const std::string b64 = secret.substr(6);
  std::vector<unsigned char> key(b64.size());
  std::size_t key_len = 0;
  if (sodium_base642bin(key.data(), key.size(), b64.data(), b64.size(), nullptr, &key_len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  const std::string signed_text = id + "." + timestamp + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key_len);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  const std::string want = "v1," + base64(mac, sizeof mac);
  std::istringstream in(header);
  for (std::string one; in >> one;)
    if (one == want) return true;
  return false;
}

WebhookReceiver::WebhookReceiver(std::string secret, Script answer)
    : secret_(std::move(secret)), script_(std::move(answer)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, nullptr, nullptr,
                             &handle, this, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, &completed,
                             nullptr, MHD_OPTION_END);
  if (!daemon_) throw std::runtime_error("webhook receiver: libmicrohttpd did not start");
  port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
}

WebhookReceiver::~WebhookReceiver() {
  if (daemon_) MHD_stop_daemon(daemon_);
}

std::string WebhookReceiver::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/cockpit"; }

void WebhookReceiver::set_secret(const std::string& s) {
  std::lock_guard lock(mu_);
  secret_ = s;
}

void WebhookReceiver::set_script(Script s) {
  std::lock_guard lock(mu_);
  script_ = std::move(s);
}

int WebhookReceiver::on_delivery(WebhookDelivery d) {
  std::lock_guard lock(mu_);
  d.received_ms = steady_ms();
  d.signature_ok = standard_webhooks_valid(secret_, d.id, d.timestamp, d.body, d.signature);
  int before = 0;
  for (const auto& g : got_) before += g.id == d.id ? 1 : 0;
  d.answered = script_ ? script_(d, before) : 200;
  const int status = d.answered;
  got_.push_back(std::move(d));
  cv_.notify_all();
  return status;
}

std::vector<WebhookDelivery> WebhookReceiver::deliveries() const {
  std::lock_guard lock(mu_);
  return got_;
}

bool WebhookReceiver::wait_for(const std::function<bool(const std::vector<WebhookDelivery>&)>& done,
                               int timeout_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done(got_); });
}

}  // namespace cockpit::test
