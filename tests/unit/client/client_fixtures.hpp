#pragma once
// Records and a small share for the client layer's tests (translate, sync client).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/document.hpp"
#include "domain/record_write.hpp"
#include "domain/records.hpp"
#include "sync/protocol.hpp"
#include "../known_records.hpp"
#include "../record_builders.hpp"

namespace cockpit::test {

using sync::json;

// What the server shares with Anna: three managers, two customers of hers, a case, a
// promise and two messages.
inline std::vector<AnyRecord> share_records() {
  return {Manager{"m-anna", "Anna", "anna@example.com", Role::manager},
          Manager{"m-ben", "Ben", "ben@example.com", Role::manager},
          Manager{"m-lena", "Lena", "lena@example.com", Role::lead},
          customer("c-1", "m-anna"),
          customer("c-2", "m-anna"),
          a_case("k-1", "c-1"),
          promise("p-1", "c-1", "k-1"),
          touchpoint("t-1", "c-1"),
          touchpoint("t-2", "c-2")};
}

inline json contract(const AnyRecord& r) {
  return json::parse(std::visit([](const auto& x) { return to_json(x); }, r));
}

// What a device holds, for the parsers' reference checks.
struct Known final : MemoryKnownRecords {
  Known() {
    managers = {"m-anna", "m-ben", "m-lena"};
    customers = {"c-1", "c-2"};
    cases = {{"k-1", "c-1"}};
  }
};

// "a,b,c": vectors of ids compare with readable failures.
inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

}  // namespace cockpit::test
