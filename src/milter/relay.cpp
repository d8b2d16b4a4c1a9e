#include "milter/relay.hpp"

#include "domain/time.hpp"
#include "milter/check_plan.hpp"
#include "milter/message_key.hpp"
#include "milter/queue_plan.hpp"

namespace cockpit::milter {

RelayResult Relay::on_message(MessageFacts facts, const std::string& queue_id) {
  RelayResult out;
  if (facts.message_id.empty()) {
    facts.message_id = made_up_message_id(facts);
    out.add_message_id = "<" + facts.message_id + ">";
  }
  const Plan plan = plan_checks(facts, record_key(facts, queue_id), config_, now_utc());
  if (plan.kind == Plan::Kind::pass) return out;
  if (plan.kind == Plan::Kind::refuse) {
    out.decision.action = Action::reject;
    out.decision.text = reply_text("cockpit guard: " + plan.why);
    log_(queue_id + " <" + facts.message_id + "> rejected: " + plan.why);
    return out;
  }
  std::vector<CheckAnswer> answers;
  for (const PlannedCheck& c : plan.checks) {
    const HttpResult r = http_.post_json("/api/guard/check", c.body.dump());
    answers.push_back(classify_answer(r.status, r.body, r.error));
  }
  out.decision = decide(plan, answers, facts.recipients, config_.on_no_answer, follower_.safe_kind(plan.touch_kind));
  Decision& d = out.decision;
  if (d.action == Action::quarantine) {
    // Remembered before Postfix is told: a hold the milter could not follow would stay
    // in the hold queue for ever, so without a queue id or a written entry the sending
    // system is asked to try again instead.
    HeldEntry e{0, queue_id, facts.message_id, 0, 0, d.records};
    if (!valid_queue_id(queue_id)) {
      d.action = Action::tempfail;
      d.text = "cockpit guard: no Postfix queue id for this mail (milter_end_of_data_macros must include i)";
    } else if (!state_.add(e, now_utc())) {
      d.action = Action::tempfail;
      d.text = "cockpit guard: the relay could not record the hold; try again later";
    } else {
      follower_.wake();
    }
  }
  if (d.action != Action::accept || !d.remove_recipients.empty())
    log_(queue_id + " <" + facts.message_id + "> " +
         (d.action == Action::quarantine ? "held" : d.action == Action::reject ? "rejected"
                                                   : d.action == Action::discard ? "discarded"
                                                   : d.action == Action::tempfail ? "tempfail" : "accepted") +
         ": " + d.text);
  return out;
}

}  // namespace cockpit::milter
