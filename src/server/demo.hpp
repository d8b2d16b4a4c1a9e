#pragma once
// The demo: the app's demo book (domain/demo_book.hpp, dated around the server's now)
// and one account per manager in it. The passwords are fixed and printed: DEMO ONLY,
// never for real data.
#include <string>
#include <vector>

#include "server/storage.hpp"

namespace cockpit::server {

struct DemoLogin {
  std::string id, role, password;
};

// One per manager of the demo book, in its order: "demo-" and the id without its
// "m-" (the first name: m-anna signs in with "demo-anna").
const std::vector<DemoLogin>& demo_logins();

// Loads the demo into an empty database. False (and `error`) if it fails.
bool install_demo(ServerStorage& storage, std::string& error);

}  // namespace cockpit::server
