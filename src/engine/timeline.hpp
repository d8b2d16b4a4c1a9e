#pragma once
// One customer's history and what is about to go out, newest first, for the customer
// view: every touchpoint that has happened (dated <= now) and every scheduled message
// with its status and, when pending, the guard's verdict.
#include <optional>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "engine/guard.hpp"
#include "engine/settings.hpp"

namespace cockpit {

struct TimelineEntry {
  enum class Source { touchpoint, scheduled };
  Source source = Source::touchpoint;
  std::string id;  // the touchpoint's or scheduled message's id
  std::optional<std::string> case_id;
  Time at = 0;     // touchpoint: at; scheduled: scheduled_at
  Channel channel = Channel::email;
  Direction direction = Direction::out;
  std::string sender;
  TouchKind kind = TouchKind::other;
  std::string subject, body;
  bool automated = false;  // from a system:* sender, or any scheduled message
  // Noise: an automated entry whose kind and subject exactly equal an earlier automated
  // entry's (the 2nd to 10th of ten order confirmations). The first of a run is not a
  // repeat; `repeats` is the size of its group (1 when unique) on every member.
  bool repeat = false;
  int repeats = 1;
  std::optional<ScheduledStatus> status;  // scheduled only
  std::optional<Verdict> verdict;         // pending scheduled only
};

// Newest first (ties: scheduled before touchpoints, then id descending). Empty when
// the customer is not in the slice.
std::vector<TimelineEntry> timeline(const Book& slice, const std::string& customer_id, Time now,
                                    const Settings& settings = {});

}  // namespace cockpit
