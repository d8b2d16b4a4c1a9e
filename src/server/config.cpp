#include "server/config.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

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

bool set_key(ServerConfig& c, const std::string& key, const std::string& v, std::string& err) {
  try {
    if (key == "port") {
      unsigned long p = std::stoul(v);
      if (p > 65535) throw std::out_of_range("port");
      c.port = static_cast<std::uint16_t>(p);
    } else if (key == "bind") {
      c.bind = v;
    } else if (key == "db") {
      c.db = v;
    } else if (key == "app-dir" || key == "app_dir") {
      c.app_dir = v;
    } else if (key == "demo") {
      if (!to_bool(v, c.demo)) throw std::invalid_argument(v);
    } else if (key == "log") {
      if (!to_bool(v, c.log)) throw std::invalid_argument(v);
    } else if (key == "threads") {
      c.threads = static_cast<unsigned>(std::stoul(v));
    } else if (key == "max-body" || key == "max_body") {
      c.max_body = std::stoull(v);
    } else if (key == "rate") {
      c.rate = std::stod(v);
    } else if (key == "burst") {
      c.burst = std::stod(v);
    } else if (key == "sign-in-rate" || key == "sign_in_rate") {
      c.sign_in_rate = std::stod(v);
    } else if (key == "sign-in-burst" || key == "sign_in_burst") {
      c.sign_in_burst = std::stod(v);
    } else if (key == "heartbeat") {
      c.heartbeat_s = static_cast<unsigned>(std::stoul(v));
    } else if (key == "pull-page" || key == "pull_page") {
      c.pull_page = std::stoull(v);
      if (c.pull_page == 0) throw std::out_of_range("pull-page");
    } else if (key == "synchronous") {
      if (v == "full") c.synchronous_full = true;
      else if (v == "normal") c.synchronous_full = false;
      else throw std::invalid_argument(v);
    } else {
      err = "unknown setting \"" + key + "\"";
      return false;
    }
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
