#pragma once
// What the guard tests compare: the records a lead's device holds (pulled from the real
// server, turned back into a Book) and the standings the server keeps for every
// scheduled message (its verdict feed, folded). The device side decides with the
// engine's guard_all, as every device does.
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "domain/records.hpp"
#include "harness.hpp"

namespace cockpit::test {

// A lead's replica of the server: every record with its seq, kept by pulls.
struct LeadReplica {
  std::map<std::pair<std::string, std::string>, json> records;  // (kind, id) → record
  std::map<std::pair<std::string, std::string>, std::int64_t> seqs;
  std::int64_t cursor = 0;
  void pull(const Server& s, const std::string& lead_token);  // every page after the cursor
  Book book() const;                                          // REQUIREs a valid document
};

// The server's standing of each scheduled message: the last entry of the verdict feed
// per message (REQUIRE-s every page answers 200).
std::map<std::string, json> server_standings(const Server& s, const std::string& feed_token);

// Every scheduled message of `book` has the standing the engine gives it as of `now`,
// and the server has no standing for a message the book lacks. Returns the number compared.
std::size_t require_agreement(const Book& book, const std::map<std::string, json>& standings, Time now);

// `n` random changes that move verdicts, as a lead's push mutations (base seqs from the
// replica): case fulfilled or cancelled, customer former, exception resolved, a new
// outgoing touchpoint, a message released / cancelled / moved, a customer reassigned;
// and changes the server's narrowed re-decision must get right (GUARD.md): a first
// message for a customer without one, an incoming touchpoint or a promise (no rule reads
// them), a touchpoint dated after now, a new open exception, a customer's external ids.
std::vector<json> random_changes(std::mt19937& rng, const LeadReplica& r, Device& lead, Time now, int n);

// A new integration token with `scopes` ("check,feed"), via `cockpit-server add-integration`.
std::string token_with(const Server& s, const std::string& name, const std::string& scopes);

// Pushes mutations in pages; REQUIRE-s every one applied.
void push_all(const Device& d, const std::vector<json>& mutations);

}  // namespace cockpit::test
