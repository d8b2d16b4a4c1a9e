#pragma once
// What a store knows, held in memory, for the document parsers' reference checks
// (KnownRecords): the tests fill in the managers, customers and cases they need.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "domain/document.hpp"

namespace cockpit::test {

struct MemoryKnownRecords : KnownRecords {
  std::set<std::string> managers, customers;
  std::map<std::string, std::string> cases;  // case id -> its customer
  bool has_manager(std::string_view id) const override { return managers.count(std::string(id)) > 0; }
  bool has_customer(std::string_view id) const override { return customers.count(std::string(id)) > 0; }
  std::optional<std::string> case_customer(std::string_view id) const override {
    auto it = cases.find(std::string(id));
    if (it == cases.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace cockpit::test
