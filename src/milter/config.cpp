#include "milter/config.hpp"

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "domain/enums.hpp"

namespace cockpit::milter {

namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool to_unsigned(std::string_view v, unsigned lo, unsigned hi, unsigned& out) {
  unsigned n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) return false;
  out = n;
  return true;
}

std::vector<std::string> words(std::string_view v) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < v.size() && v[j] != ' ' && v[j] != '\t') ++j;
    if (j > i) out.emplace_back(v.substr(i, j - i));
    i = j;
  }
  return out;
}

bool system_sender(std::string_view s) { return s.size() > 7 && s.substr(0, 7) == "system:"; }

// One quoted or bare value starting at v[i]; advances i. False on an unclosed quote.
bool read_value(std::string_view v, std::size_t& i, std::string& out) {
  out.clear();
  if (i < v.size() && v[i] == '"') {
    for (++i; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) {
        out += v[++i];
      } else if (v[i] == '"') {
        ++i;
        return true;
      } else {
        out += v[i];
      }
    }
    return false;
  }
  while (i < v.size() && v[i] != ' ' && v[i] != '\t') out += v[i++];
  return true;
}

using Setter = std::function<std::string(MilterConfig&, std::string_view)>;  // "" or what is wrong

std::string set_unsigned(unsigned& out, std::string_view v, unsigned lo, unsigned hi) {
  if (to_unsigned(v, lo, hi, out)) return "";
  return "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
}

const std::map<std::string, Setter, std::less<>>& setters() {
  static const std::map<std::string, Setter, std::less<>> kSetters = {
      {"server", [](MilterConfig& c, std::string_view v) -> std::string {
         if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return "must start with http:// or https://";
         const std::size_t host = v.find("://") + 3;
         while (v.size() > host && v.back() == '/') v.remove_suffix(1);
         // "https://" alone would lose its slashes below and reach the client as "https:".
         if (v.size() == host) return "must name the server's host after " + std::string(v);
         c.server = std::string(v);
         return "";
       }},
      {"token", [](MilterConfig& c, std::string_view v) { c.token = std::string(v); return std::string(); }},
      {"token_file", [](MilterConfig& c, std::string_view v) { c.token_file = std::string(v); return std::string(); }},
      {"listen", [](MilterConfig& c, std::string_view v) -> std::string {
         if (v.rfind("inet:", 0) != 0 && v.rfind("inet6:", 0) != 0 && v.rfind("unix:", 0) != 0 && v.rfind("local:", 0) != 0)
           return "must be inet:PORT@HOST, inet6:PORT@HOST or unix:PATH";
         c.listen = std::string(v);
         return "";
       }},
      {"on_no_answer", [](MilterConfig& c, std::string_view v) -> std::string {
         if (v == "hold") c.on_no_answer = NoAnswer::hold;
         else if (v == "tempfail") c.on_no_answer = NoAnswer::tempfail;
         else if (v == "accept") c.on_no_answer = NoAnswer::accept;
         else return "must be hold, tempfail or accept";
         return "";
       }},
      {"timeout_ms", [](MilterConfig& c, std::string_view v) { return set_unsigned(c.timeout_ms, v, 50, 60000); }},
      {"poll_ms", [](MilterConfig& c, std::string_view v) { return set_unsigned(c.poll_ms, v, 10, 600000); }},
      {"max_recipients", [](MilterConfig& c, std::string_view v) { return set_unsigned(c.max_recipients, v, 1, 10000); }},
      {"state_dir", [](MilterConfig& c, std::string_view v) { c.state_dir = std::string(v); return std::string(); }},
      {"postfix_config", [](MilterConfig& c, std::string_view v) { c.postfix_config = std::string(v); return std::string(); }},
      {"postsuper", [](MilterConfig& c, std::string_view v) { c.postsuper = words(v); return std::string(); }},
      {"postcat", [](MilterConfig& c, std::string_view v) { c.postcat = words(v); return std::string(); }},
      {"postqueue", [](MilterConfig& c, std::string_view v) { c.postqueue = words(v); return std::string(); }},
      {"sender", [](MilterConfig& c, std::string_view v) -> std::string {
         if (!system_sender(v)) return "must be system:NAME";
         c.sender = std::string(v);
         return "";
       }},
  };
  return kSetters;
}

}  // namespace

std::optional<Rule> parse_rule(std::string_view text, std::string& error) {
  Rule r;
  std::size_t i = 0;
  while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
  r.kind = std::string(text.substr(0, i));
  if (!parse_enum<TouchKind>(r.kind)) {
    error = "rule: \"" + r.kind + "\" is not a contract kind (order_confirmation, marketing, …)";
    return std::nullopt;
  }
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    const std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) {
      error = "rule: expected name=value at \"" + std::string(text.substr(i, 40)) + "\"";
      return std::nullopt;
    }
    const std::string name(text.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    if (!read_value(text, i, value)) {
      error = "rule: " + name + ": the closing \" is missing";
      return std::nullopt;
    }
    if (name == "from") r.from = value;
    else if (name == "subject") r.subject = value;
    else if (name == "sender" && system_sender(value)) r.sender = value;
    else if (name == "sender") error = "rule: sender must be system:NAME";
    else error = "rule: unknown part \"" + name + "\" (from, subject, sender)";
    if (!error.empty()) return std::nullopt;
  }
  return r;
}

ConfigParse parse_config(std::string_view text) {
  ConfigParse out;
  MilterConfig c;
  std::set<std::string, std::less<>> seen;
  std::size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    out.error = "line " + std::to_string(line_no) + ": " + why;
    return out;
  };
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected key = value");
    const std::string_view key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "rule") {
      std::string why;
      auto r = parse_rule(value, why);
      if (!r) return fail(why);
      c.rules.push_back(std::move(*r));
      continue;
    }
    auto it = setters().find(key);
    if (it == setters().end()) return fail("unknown setting \"" + std::string(key.substr(0, 80)) + "\"");
    if (!seen.insert(std::string(key)).second) return fail(std::string(key) + " is given twice");
    if (std::string why = it->second(c, value); !why.empty()) return fail(std::string(key) + " " + why);
  }
  std::string missing;
  if (c.server.empty()) missing = "server is required (the cockpit-server URL)";
  else if (c.token.empty() == c.token_file.empty()) missing = "give one of token and token_file";
  else if (c.state_dir.empty()) missing = "state_dir is required (where the queue map is kept)";
  else if (c.postsuper.empty() || c.postcat.empty() || c.postqueue.empty())
    missing = "postsuper, postcat and postqueue must name a program";
  if (!missing.empty()) {
    out.error = missing;
    return out;
  }
  out.config = std::move(c);
  return out;
}

}  // namespace cockpit::milter
