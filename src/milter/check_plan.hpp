#pragma once
// Which checks one mail needs (src/milter/MILTER.md): its kind from X-Cockpit-Kind or
// the rules, its customer from X-Cockpit-Customer or else each recipient's address, and
// the bodies of POST /api/guard/check ("via": "relay"). Pure: no I/O.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/time.hpp"
#include "milter/config.hpp"
#include "milter/headers.hpp"

namespace cockpit::milter {

struct PlannedCheck {
  std::string recipient;  // the address asked about; "" when X-Cockpit-Customer names the customer
  nlohmann::json body;    // the check's request body
};

struct Plan {
  enum class Kind {
    pass,    // not the guard's: no Cockpit header and no rule matches
    refuse,  // the Cockpit headers are wrong: answer the sender with `why`
    check,   // ask the server `checks`
  } kind = Kind::pass;
  std::string why;
  std::string touch_kind;  // the contract kind the mail is
  std::vector<PlannedCheck> checks;
};

// `key`: what names the mail's records (record_key in message_key.hpp).
Plan plan_checks(const MessageFacts& facts, const std::string& key, const MilterConfig& config, Time now);

}  // namespace cockpit::milter
