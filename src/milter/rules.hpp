#pragma once
// The relay's rules (src/milter/MILTER.md): which automated mail is which contract kind
// when the sender put no X-Cockpit-Kind header in it. Pure: no I/O.
//   rule = order_confirmation from=noreply@shop.example subject="Your order*" sender=system:shop
// The first rule whose patterns all match wins; a rule without patterns matches all mail.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cockpit::milter {

struct Rule {
  std::string kind;     // a contract kind (TouchKind spelling), checked when the config is read
  std::string from;     // glob on the envelope sender's address; "" matches any
  std::string subject;  // glob on the decoded Subject; "" matches any
  std::string sender;   // the check's `sender` ("system:NAME"); "" takes the config's default
};

// `*` any run of characters, `?` one byte; everything else literal, ASCII letters
// without regard to case (addresses and subjects are compared by people that way).
bool glob_match(std::string_view pattern, std::string_view text);

// The first rule matching the envelope sender and the subject, or nullptr.
const Rule* match_rule(const std::vector<Rule>& rules, std::string_view envelope_from, std::string_view subject);

}  // namespace cockpit::milter
