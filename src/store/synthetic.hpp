#pragma once
// A deterministic synthetic book for benchmarks and load tests: the same spec gives the
// same Book on every platform (its own PRNG, no std distributions). Pure: no I/O.
// Lives beside the store because the store's tests and benchmarks are its users.
#include <cstdint>

#include "domain/records.hpp"

namespace cockpit {

struct SyntheticSpec {
  std::uint64_t seed = 1;
  int customers = 10'000;
  int managers = 20;                 // plus one lead, "m-lead"
  int cases_per_customer = 2;
  int promises_per_customer = 5;
  int touchpoints_per_customer = 20;
  int scheduled_per_customer = 1;
  int exceptions_per_100_customers = 30;
  Time now = 0;                      // dates spread around this instant
};

// Managers "m-001"…, customers "c-00001"…, every other id derived from its customer's.
// Customers are dealt to managers in turn; times fall within a year before `now` and a
// month after, so every list of the engine has members.
Book generate_book(const SyntheticSpec& spec);

}  // namespace cockpit
