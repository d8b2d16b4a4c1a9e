#pragma once
// cockpit-server's settings: defaults, then the config file (`--config FILE`: a JSON
// object or `key = value` lines, # comments), then the flags. Flags win.
// Keys are the flag names without dashes: port, bind, db, app-dir, demo, threads,
// max-body, rate, burst, sign-in-rate, sign-in-burst, synchronous, heartbeat, pull-page, log.
#include <cstdint>
#include <string>
#include <vector>

namespace cockpit::server {

struct ServerConfig {
  std::uint16_t port = 8080;
  std::string bind = "127.0.0.1";
  std::string db = "cockpit-server.db";
  std::string app_dir;  // the browser build's files; empty: API only
  bool demo = false;
  unsigned threads = 4;
  std::size_t max_body = 8u << 20;
  double rate = 100, burst = 200;                 // requests/s per identity or IP
  double sign_in_rate = 0.2, sign_in_burst = 10;  // sign-in attempts per IP and manager id
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
