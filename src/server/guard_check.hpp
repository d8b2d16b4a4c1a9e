#pragma once
// The body of POST /api/guard/check, decoded and checked before anything is looked up.
// Pure: no I/O. Every refusal names the field (src/server/GUARD.md):
//   {"scheduled": "ID"}                      a scheduled message Cockpit has already
//   {"message": {"id", "customer" | "email", "case"?, "kind", "channel", "sender",
//                "subject", "scheduled_at"}} the message itself, as the sender has it
//   "via": "check" (default) or "relay"      who asks: the sender, or the mail relay
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace cockpit::server {

struct CheckMessage {
  std::string id;        // the sender's own message id
  std::string customer;  // "" when given by email
  std::string email;
  nlohmann::json body;   // the scheduled record in contract form, without id and customer
};

struct CheckRequest {
  std::variant<std::string, CheckMessage> what;  // a scheduled id, or a message
  std::string via = "check";
};

struct CheckDecode {
  std::optional<CheckRequest> request;
  std::string error, field;  // when refused: what is wrong, and where
};

CheckDecode decode_check(const nlohmann::json& body);

// The GET form, for senders that can only fetch a URL (an Iterable data feed):
// ?scheduled=ID, or the message's fields as arguments (id, customer or email, case,
// kind, channel, sender, subject, scheduled_at), and via. Gives the body decode_check
// reads; arguments it does not know are left out (strict is the handler's).
nlohmann::json check_body_from_query(const std::map<std::string, std::string>& query);

// The id of the scheduled record a message of integration `integration` becomes: senders
// name their own messages, so two senders' ids never collide.
std::string scheduled_id_for(const std::string& integration, const std::string& message_id);

}  // namespace cockpit::server
