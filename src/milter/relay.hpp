#pragma once
// One mail through the guard, as the milter's end-of-data step runs it: plan the
// checks, ask the server, decide, and remember a held mail before Postfix is told to
// quarantine it. The shell (shell/milter/main.cpp) turns the Decision into smfi_* calls.
#include <string>

#include "milter/config.hpp"
#include "milter/decide.hpp"
#include "milter/follower.hpp"
#include "milter/headers.hpp"
#include "milter/http_client.hpp"
#include "milter/state.hpp"

namespace cockpit::milter {

struct RelayResult {
  Decision decision;
  std::string add_message_id;  // non-empty: the mail had none; add this one (with <>)
};

class Relay {
 public:
  Relay(const MilterConfig& config, HttpClient& http, State& state, Follower& follower, Log log)
      : config_(config), http_(http), state_(state), follower_(follower), log_(std::move(log)) {}

  // `facts` complete (envelope and headers); `queue_id` Postfix's id for the mail.
  RelayResult on_message(MessageFacts facts, const std::string& queue_id);

 private:
  const MilterConfig& config_;
  HttpClient& http_;
  State& state_;
  Follower& follower_;
  Log log_;
};

}  // namespace cockpit::milter
