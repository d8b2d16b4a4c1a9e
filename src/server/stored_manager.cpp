#include "server/storage.hpp"
#include "sync/protocol.hpp"

namespace cockpit::server {

Manager manager_from_body(const std::string& id, std::string_view body) {
  auto j = sync::json::parse(body, nullptr, false);
  Manager m;
  m.id = id;
  if (j.is_object()) {
    m.name = j.value("name", "");
    m.email = j.value("email", "");
    m.role = j.value("role", "") == "lead" ? Role::lead : Role::manager;
  }
  return m;
}

}  // namespace cockpit::server
