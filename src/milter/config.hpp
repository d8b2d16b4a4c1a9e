#pragma once
// cockpit-milter's config file (its format is in src/milter/MILTER.md): `key = value`
// lines, `#` comment lines, `rule = …` as often as needed. Pure: parse_config reads
// text; reading the file and the token file is the shell's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "milter/rules.hpp"

namespace cockpit::milter {

// What the milter does with a message it could not get an answer for (timeout, no
// connection, 5xx, 429, an answer it cannot read, the relay's own token refused).
enum class NoAnswer {
  hold,      // quarantine: Postfix keeps it in the hold queue; asked again until answered
  tempfail,  // 451: the sending system keeps it and tries again later
  accept,    // send it unchecked (only for a relay that must never delay mail)
};

struct MilterConfig {
  std::string server;      // http(s)://host:port of cockpit-server, no trailing slash
  std::string token;       // an integration token with the scopes check and feed
  std::string token_file;  // or a file holding it (read by the shell)
  std::string listen = "inet:8899@127.0.0.1";  // libmilter's socket spec
  NoAnswer on_no_answer = NoAnswer::hold;
  unsigned timeout_ms = 2000;      // one check waits at most this long (GUARD.md's answer_within_ms)
  unsigned poll_ms = 500;          // the verdict feed is read this often
  unsigned max_recipients = 100;   // checked recipients of one message; more: refused
  std::string state_dir;           // the queue map and feed cursor (state.db), kept across restarts
  std::string postfix_config = "/etc/postfix";
  std::vector<std::string> postsuper{"/usr/sbin/postsuper"};  // a command: words (e.g. sudo -n …)
  std::vector<std::string> postcat{"/usr/sbin/postcat"};
  std::vector<std::string> postqueue{"/usr/sbin/postqueue"};  // -i: deliver a released mail now
  std::string sender = "system:relay";  // the check's sender when no rule names one
  std::vector<Rule> rules;
};

struct ConfigParse {
  std::optional<MilterConfig> config;
  std::string error;  // "line 7: …" when refused
};

ConfigParse parse_config(std::string_view text);

// The words of `rule = …` after the `=` ("KIND name=value …", values optionally in
// double quotes with \" and \\); nullopt + `error` when malformed.
std::optional<Rule> parse_rule(std::string_view text, std::string& error);

}  // namespace cockpit::milter
