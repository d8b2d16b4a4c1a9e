#pragma once
// What to do with a held mail in Postfix's queue once Cockpit decides about it. Pure:
// the caller probes the queue (postcat) and runs postsuper; this says which and when.
// Postfix reuses queue ids, so a queue file counts only when its Message-ID is the one
// the milter saw.
#include <cstdint>
#include <string>
#include <string_view>

#include "milter/held.hpp"

namespace cockpit::milter {

// What Cockpit wants for the whole mail, from its records' verdicts.
enum class Want {
  wait,     // a record is held, or not answered yet
  release,  // every record may go
  remove,   // a record is cancelled: the mail must not go (to anyone: Postfix cannot
            // split a queue file, and cancel means never)
};
Want wanted(const HeldEntry& entry);

// The queue file as postcat shows it.
struct QueueProbe {
  bool found = false;
  std::string queue;       // "hold", "incoming", "active", "deferred", "maildrop"
  std::string message_id;  // normalized (message_key.hpp)
};

enum class Step {
  wait,         // not yet (Postfix is still writing it, or Cockpit still holds it)
  run_release,  // postsuper -H
  run_delete,   // postsuper -d
  done,         // as Cockpit wants it: forget the entry
  gone,         // the mail is no longer in the queue (or its id now names another mail)
};

// `young`: held so recently that Postfix may not have filed it yet.
Step next_step(Want want, const QueueProbe& probe, std::string_view message_id, bool young);

// Whether `id` can be a Postfix queue id (short or long form: letters and digits, 6
// to 32 of them). Anything else never reaches postsuper, whose "ALL" deletes the queue.
bool valid_queue_id(std::string_view id);

// The follower's next look at an entry after `attempts` failures in a row: doubling
// from `base_ms`, at most a minute.
std::int64_t retry_after_ms(int attempts, std::int64_t base_ms);

}  // namespace cockpit::milter
