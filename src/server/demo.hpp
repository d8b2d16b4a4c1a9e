#pragma once
// The demo: a small book (a lead, two managers, customers with promises, exceptions,
// touchpoints and scheduled messages, dated around today) and one account per manager.
// The passwords are fixed and printed: DEMO ONLY, never for real data.
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

struct DemoLogin {
  std::string id, role, password;
};

Book demo_book(Time now);
const std::vector<DemoLogin>& demo_logins();

// Loads the demo into an empty database. False (and `error`) if it fails.
bool install_demo(ServerStorage& storage, std::string& error);

}  // namespace cockpit::server
