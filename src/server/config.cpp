#include "server/config.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "domain/enums.hpp"
#include "domain/time.hpp"

namespace cockpit::server {

namespace {

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

bool to_bool(const std::string& v, bool& out) {
  if (v == "1" || v == "true" || v == "yes" || v == "on" || v.empty()) {
    out = true;
  } else if (v == "0" || v == "false" || v == "no" || v == "off") {
    out = false;
  } else {
    return false;
  }
  return true;
}

template <typename T>
void set_unsigned(T& out, const std::string& v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument(v);
  const unsigned long long n = std::stoull(v);
  if (n > std::numeric_limits<T>::max()) throw std::out_of_range(v);
  out = static_cast<T>(n);
}

void set_number(double& out, const std::string& v) {
  std::size_t used = 0;
  out = std::stod(v, &used);
  if (used != v.size() || out < 0) throw std::invalid_argument(v);
}

void set_flag(bool& out, const std::string& v) {
  if (!to_bool(v, out)) throw std::invalid_argument(v);
}

using Setter = std::function<void(ServerConfig&, const std::string&)>;

// Every setting by its flag name; `_` in a key reads as `-`.
const std::map<std::string, Setter>& settings() {
  static const std::map<std::string, Setter> kSettings = {
      {"port", [](ServerConfig& c, const std::string& v) { set_unsigned(c.port, v); }},
      {"bind", [](ServerConfig& c, const std::string& v) { c.bind = v; }},
      {"db", [](ServerConfig& c, const std::string& v) { c.db = v; }},
      {"app-dir", [](ServerConfig& c, const std::string& v) { c.app_dir = v; }},
      {"demo", [](ServerConfig& c, const std::string& v) { set_flag(c.demo, v); }},
      {"log", [](ServerConfig& c, const std::string& v) { set_flag(c.log, v); }},
      {"threads", [](ServerConfig& c, const std::string& v) { set_unsigned(c.threads, v); }},
      {"max-body", [](ServerConfig& c, const std::string& v) { set_unsigned(c.max_body, v); }},
      {"max-body-unauthenticated",
       [](ServerConfig& c, const std::string& v) { set_unsigned(c.max_body_unauthenticated, v); }},
      {"max-connect-body", [](ServerConfig& c, const std::string& v) { set_unsigned(c.max_connect_body, v); }},
      {"max-connections", [](ServerConfig& c, const std::string& v) { set_unsigned(c.max_connections, v); }},
      {"max-connections-per-address",
       [](ServerConfig& c, const std::string& v) { set_unsigned(c.max_connections_per_address, v); }},
      {"idle-timeout", [](ServerConfig& c, const std::string& v) { set_unsigned(c.idle_timeout_s, v); }},
      {"live-per-session", [](ServerConfig& c, const std::string& v) { set_unsigned(c.live_per_session, v); }},
      {"rate", [](ServerConfig& c, const std::string& v) { set_number(c.rate, v); }},
      {"burst", [](ServerConfig& c, const std::string& v) { set_number(c.burst, v); }},
      {"sign-in-rate", [](ServerConfig& c, const std::string& v) { set_number(c.sign_in_rate, v); }},
      {"sign-in-burst", [](ServerConfig& c, const std::string& v) { set_number(c.sign_in_burst, v); }},
      {"sign-in-address-rate",
       [](ServerConfig& c, const std::string& v) { set_number(c.sign_in_address_rate, v); }},
      {"sign-in-address-burst",
       [](ServerConfig& c, const std::string& v) { set_number(c.sign_in_address_burst, v); }},
      {"sign-in-free-failures",
       [](ServerConfig& c, const std::string& v) { set_unsigned(c.sign_in_free_failures, v); }},
      {"sign-in-max-delay", [](ServerConfig& c, const std::string& v) { set_unsigned(c.sign_in_max_delay_s, v); }},
      {"heartbeat", [](ServerConfig& c, const std::string& v) { set_unsigned(c.heartbeat_s, v); }},
      {"pull-page",
       [](ServerConfig& c, const std::string& v) {
         set_unsigned(c.pull_page, v);
         if (c.pull_page == 0) throw std::out_of_range("pull-page");
       }},
      {"integration-rate", [](ServerConfig& c, const std::string& v) { set_number(c.integration_rate, v); }},
      {"integration-burst", [](ServerConfig& c, const std::string& v) { set_number(c.integration_burst, v); }},
      {"as-of",
       [](ServerConfig& c, const std::string& v) {
         if (!parse_time(v)) throw std::invalid_argument(v);
         c.as_of = v;
       }},
      {"guard-safe-kinds",
       [](ServerConfig& c, const std::string& v) {
         for (const auto& k : split_list(v))
           if (!parse_TouchKind(k)) throw std::invalid_argument(k);
         c.guard_safe_kinds = v;
       }},
      {"webhook-retry-ms", [](ServerConfig& c, const std::string& v) { set_unsigned(c.webhook_retry_ms, v); }},
      {"webhook-give-up-hours",
       [](ServerConfig& c, const std::string& v) { set_unsigned(c.webhook_give_up_hours, v); }},
      {"webhook-timeout-ms", [](ServerConfig& c, const std::string& v) { set_unsigned(c.webhook_timeout_ms, v); }},
      {"synchronous",
       [](ServerConfig& c, const std::string& v) {
         if (v != "full" && v != "normal") throw std::invalid_argument(v);
         c.synchronous_full = v == "full";
       }},
  };
  return kSettings;
}

bool set_key(ServerConfig& c, std::string key, const std::string& v, std::string& err) {
  std::replace(key.begin(), key.end(), '_', '-');
  auto it = settings().find(key);
  if (it == settings().end()) {
    err = "unknown setting \"" + key + "\"";
    return false;
  }
  try {
    it->second(c, v);
  } catch (const std::exception&) {
    err = "bad value for " + key + ": \"" + v + "\"";
    return false;
  }
  return true;
}

bool load_file(const std::string& path, ServerConfig& c, std::string& err) {
  std::ifstream in(path);
  if (!in) {
    err = "cannot read config file " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (trim(text).rfind('{', 0) == 0) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) {
      err = path + ": not a JSON object";
      return false;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      std::string v = it->is_string() ? it->get<std::string>() : it->dump();
      if (!set_key(c, it.key(), v, err)) {
        err = path + ": " + err;
        return false;
      }
    }
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      err = path + ":" + std::to_string(n) + ": expected key = value";
      return false;
    }
    if (!set_key(c, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), err)) {
      err = path + ":" + std::to_string(n) + ": " + err;
      return false;
    }
  }
  return true;
}

}  // namespace

bool load_config(const std::vector<std::string>& args, ServerConfig& cfg, std::string& error) {
  // Pass 1: the config file, so the flags (pass 2) override it wherever they appear.
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--config" && i + 1 < args.size()) {
      if (!load_file(args[i + 1], cfg, error)) return false;
    } else if (a.rfind("--config=", 0) == 0) {
      if (!load_file(a.substr(9), cfg, error)) return false;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--", 0) != 0) {
      error = "unexpected argument \"" + a + "\"";
      return false;
    }
    std::string key = a.substr(2), value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else if (key == "demo" || key == "log") {
      value = "true";
    } else if (key == "no-log") {
      key = "log";
      value = "false";
    } else {
      if (i + 1 >= args.size()) {
        error = "--" + key + " needs a value";
        return false;
      }
      value = args[++i];
    }
    if (key == "config") continue;
    if (!set_key(cfg, key, value, error)) return false;
  }
  return true;
}

}  // namespace cockpit::server
