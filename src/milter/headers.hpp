#pragma once
// What the milter learns of one message from the SMTP envelope and its headers, and
// the cleaning of that outside text before it goes into a check. Pure: no I/O.
// Only the headers the milter uses are kept (Message-ID, Subject, From, Date,
// X-Cockpit-Kind, X-Cockpit-Customer, X-Cockpit-Case); the body is never read, so a
// broken MIME structure cannot matter.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cockpit::milter {

inline constexpr std::size_t kMaxField = 1000;  // the check's limit per field (GUARD.md)

struct MessageFacts {
  std::string envelope_from;            // MAIL FROM without <>; "" for the null sender
  std::vector<std::string> recipients;  // RCPT TO without <>, in order
  std::string message_id;               // the Message-ID, normalized (message_key.hpp); "" if none
  std::string subject;                  // decoded, on one line, valid UTF-8, at most kMaxField bytes
  std::string from_header, date_header; // on one line, at most kMaxField bytes (for a made-up id)
  std::optional<std::string> kind, customer, case_id;  // X-Cockpit-* (trimmed)
  std::string problem;  // the first thing wrong with the X-Cockpit-* headers; "" when none
};

// Takes one header as the MTA hands it (value possibly folded over lines).
void add_header(MessageFacts& facts, std::string_view name, std::string_view value);

// An SMTP envelope argument ("<a@b.example>", "a@b.example", "<>") as a bare address.
std::string envelope_address(std::string_view arg);

// Folded lines joined (CR and LF dropped), other control characters as spaces, leading
// and trailing blanks trimmed.
std::string one_line(std::string_view value);

// RFC 2047 encoded words (=?utf-8?B?…?=, =?iso-8859-1?Q?…?=) decoded; words in other
// charsets, and anything malformed, left as written.
std::string decode_words(std::string_view value);

// `s` as valid UTF-8 (each invalid byte becomes U+FFFD), cut to at most `max` bytes on a
// character boundary: what JSON can carry.
std::string clean_utf8(std::string_view s, std::size_t max = kMaxField);

// ASCII letters in lower case, the rest as is: addresses compare without case when the
// relay counts a message's recipients once each.
std::string lower_ascii(std::string s);

}  // namespace cockpit::milter
