#pragma once
// Which scheduled record a mail is, as the check's message id: derived from the
// Message-ID (and the recipient, when the customer is found by address), so the same
// mail sent again is the same record, and one mail to two customers is two records.
// Pure: no I/O.
#include <string>
#include <string_view>

namespace cockpit::milter {

struct MessageFacts;

// A Message-ID header's value as compared everywhere: the part between the first '<'
// and the next '>' (or the whole value, trimmed), without blanks, valid UTF-8.
std::string normalize_message_id(std::string_view raw);

// For a mail without a Message-ID (the milter then adds this one): the same for the
// same From, Date, Subject and envelope, so a resend is still the same record.
std::string made_up_message_id(const MessageFacts& facts);

// What names the mail's scheduled records: its Message-ID, unless it has none or the
// one it has was made by Postfix for this very queue id ("20261120140203.4F2A91C03B@
// relay.example", new at every resend): then made_up_message_id.
std::string record_key(const MessageFacts& facts, std::string_view queue_id);

// The check's message.id: the Message-ID, then "/" and the recipient in lower case when
// given. Parts that are long or hold anything but visible ASCII become a hash ("h" and 32
// hex digits), so the id is always at most 800 bytes of visible ASCII.
std::string check_id(std::string_view message_id, std::string_view recipient);

// 128 bits of two FNV-1a 64 hashes as 32 hex digits: stable across builds and machines.
std::string fingerprint(std::string_view text);

}  // namespace cockpit::milter
