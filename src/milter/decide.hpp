#pragma once
// From the server's answers to what the milter tells Postfix. Pure: no I/O.
//   200 send      accept
//   200 hold      quarantine (Postfix's hold queue), remembered for release or cancel
//   200 cancel    the recipient is removed; a mail left with no recipient is discarded
//   404 unknown_customer for an e-mail address: not a customer, that recipient passes
//   any other 4xx: the mail's Cockpit headers are wrong: rejected with the server's words
//   no answer (timeout, no connection, 5xx, 429, 401, 403, an unreadable 200): the
//     config's on_no_answer (hold by default), unless the kind is one of the server's
//     safe kinds
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "milter/check_plan.hpp"
#include "milter/config.hpp"
#include "milter/held.hpp"

namespace cockpit::milter {

struct CheckAnswer {
  enum class Kind { verdict, not_customer, refused, no_answer } kind = Kind::no_answer;
  std::string verdict;    // kind verdict: "send", "hold" or "cancel"
  std::string scheduled;  // kind verdict: the record's id
  std::int64_t cursor = 0;
  std::string detail;     // the hold reasons, or what went wrong
};

// One HTTP answer (status 0: none arrived; `error` then says why) as a CheckAnswer.
CheckAnswer classify_answer(long status, std::string_view body, std::string_view error = "");

enum class Action { accept, quarantine, reject, discard, tempfail };

struct Decision {
  Action action = Action::accept;
  std::string text;                            // the reply (reject, tempfail) or the quarantine reason
  std::vector<std::string> remove_recipients;  // cancelled for their customer
  std::vector<HeldRecord> records;             // quarantine: what to follow
};

// `answers[i]` answers `plan.checks[i]`; `recipients` are all of the mail's recipients.
Decision decide(const Plan& plan, const std::vector<CheckAnswer>& answers, const std::vector<std::string>& recipients,
                NoAnswer on_no_answer, bool safe_kind);

// Reply text as SMTP can carry it: visible ASCII and spaces, no '%', at most 400 bytes.
std::string reply_text(std::string_view text);

}  // namespace cockpit::milter
