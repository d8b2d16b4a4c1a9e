#pragma once
// Reads what `postcat -e -h -q QUEUEID` prints about a queue file: which queue it is in
// and its Message-ID (the envelope's sender and recipients too). Pure: no I/O.
//   *** ENVELOPE RECORDS hold/4F2A91C03B ***
//   sender: noreply@shop.example
//   recipient: sofie.janssen@example.com
//   *** MESSAGE CONTENTS hold/4F2A91C03B ***
//   Message-ID: <ord-88213@shop.example>
//   *** HEADER EXTRACTED hold/4F2A91C03B ***
#include <string>
#include <string_view>
#include <vector>

#include "milter/queue_plan.hpp"

namespace cockpit::milter {

struct QueueFile {
  QueueProbe probe;  // found: a section line named the queue
  std::string queue_id, sender;
  std::vector<std::string> recipients;
};

QueueFile parse_postcat(std::string_view text);

}  // namespace cockpit::milter
