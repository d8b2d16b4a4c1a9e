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

inline sync::RecordKind kind_of(const AnyRecord& r) {
  constexpr sync::RecordKind kinds[] = {sync::RecordKind::manager,   sync::RecordKind::customer,
                                        sync::RecordKind::case_,     sync::RecordKind::promise,
                                        sync::RecordKind::exception, sync::RecordKind::touchpoint,
                                        sync::RecordKind::scheduled, sync::RecordKind::decision};
  return kinds[r.index()];
}

// What a device holds, for the parsers' reference checks.
struct Known final : KnownRecords {
  std::set<std::string> managers{"m-anna", "m-ben", "m-lena"};
  std::set<std::string> customers{"c-1", "c-2"};
  std::map<std::string, std::string> cases{{"k-1", "c-1"}};
  bool has_manager(std::string_view id) const override { return managers.count(std::string(id)) > 0; }
  bool has_customer(std::string_view id) const override { return customers.count(std::string(id)) > 0; }
  std::optional<std::string> case_customer(std::string_view id) const override {
    auto it = cases.find(std::string(id));
    if (it == cases.end()) return std::nullopt;
    return it->second;
  }
};

// "a,b,c": vectors of ids compare with readable failures.
inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

}  // namespace cockpit::test
