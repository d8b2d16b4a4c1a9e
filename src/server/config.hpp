#pragma once
// cockpit-server's settings: defaults, then the config file (`--config FILE`: a JSON
// object or `key = value` lines, # comments), then the flags. Flags win.
// Keys are the flag names without dashes (`max-body` or `max_body`); the limits among
// them, their defaults and what a client sees are in src/server/LIMITS.md.
#include <cstdint>
#include <string>
#include <vector>
#include "server/comma_list.hpp"

namespace cockpit::server {

struct ServerConfig {
  std::uint16_t port = 8080;
  std::string bind = "127.0.0.1";
  std::string db = "cockpit-server.db";
  std::string app_dir;  // the browser build's files; empty: API only
  bool demo = false;
  // Request threads. Each serves many connections; one that waits on the database
  // (a pull reading its snapshot) holds only its own share of them.
  unsigned threads = 16;
  std::size_t max_body = 8u << 20;           // a request's body with credentials
  std::size_t max_body_unauthenticated = 4096;  // without (sign-in): checked before reading it
  // A source webhook's body (Stripe, Shopify, Zendesk: src/server/CONNECT.md): read whole
  // before its signature can be checked, so held to this (checked on Content-Length first).
  std::size_t max_connect_body = 1u << 20;
  unsigned max_connections = 4000;
  unsigned max_connections_per_address = 128;   // 0: no cap
  unsigned idle_timeout_s = 30;                 // a silent connection is closed (parked polls excepted)
  unsigned live_per_session = 4;                // live polls one session may have parked
  double rate = 100, burst = 200;               // requests/s per identity, or per address before sign-in
  // Requests/s per integration token: a sender asks before every message it sends.
  double integration_rate = 20000, integration_burst = 40000;
  // The guard (src/server/GUARD.md): a fixed clock for tests and demos (--as-of TIME;
  // empty: the wall clock), the kinds a sender may send without an answer, webhook
  // delivery (first retry after webhook-retry-ms, doubling, with jitter, for at most
  // webhook-give-up-hours; each attempt waits at most webhook-timeout-ms).
  std::string as_of;
  std::string guard_safe_kinds;  // comma-separated TouchKind spellings
  unsigned webhook_retry_ms = 5000;
  unsigned webhook_give_up_hours = 72;
  unsigned webhook_timeout_ms = 10000;
  double sign_in_rate = 0.2, sign_in_burst = 10;  // sign-in attempts per address and manager id
  double sign_in_address_rate = 0.5, sign_in_address_burst = 50;  // failed sign-ins per address, any id
  unsigned sign_in_free_failures = 5;  // failures of one account before its exponential delay starts
  unsigned sign_in_max_delay_s = 60;   // the delay's ceiling (an attacker cannot lock anyone out longer)
  bool synchronous_full = true;
  unsigned heartbeat_s = 25;
  // Records per pull of a lead (whose share is the whole book): a new device of a lead
  // takes the book in pages instead of one answer the size of the database.
  std::size_t pull_page = 20000;
  bool log = true;
};

// Parses `args` (argv without the program name and subcommand). False: `error` says why.
bool load_config(const std::vector<std::string>& args, ServerConfig& cfg, std::string& error);

}  // namespace cockpit::server
