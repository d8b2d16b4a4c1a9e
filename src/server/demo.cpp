#include "server/demo.hpp"

#include "domain/demo_book.hpp"
#include "domain/enums.hpp"
#include "domain/document.hpp"
#include "server/auth.hpp"
#include "server/ingest.hpp"

namespace cockpit::server {

const std::vector<DemoLogin>& demo_logins() {
  static const std::vector<DemoLogin> logins = [] {
    std::vector<DemoLogin> out;
    // Who is in the book does not depend on the date it is resolved against.
    for (const Manager& m : demo_book_at(now_utc()).managers) {
      const std::string name = m.id.rfind("m-", 0) == 0 ? m.id.substr(2) : m.id;
      out.push_back({m.id, std::string(to_string(m.role)), "demo-" + name});
    }
    return out;
  }();
  return logins;
}

bool install_demo(ServerStorage& storage, std::string& error) {
  const Book b = demo_book_at(now_utc());
  if (b.managers.empty()) {
    error = "the built-in demo book does not parse";
    return false;
  }
  auto out = ingest_document(storage, to_json(b), "demo", "", ManagerRecords::writable);
  if (!out.ok) {
    error = out.errors.empty() ? "demo book refused" : out.errors.front();
    return false;
  }
  for (const auto& l : demo_logins()) storage.put_account(Account{l.id, hash_password(l.password)});
  storage.audit(AuditEntry{0, "admin", "demo", "database", "demo book and accounts created", ""});
  return true;
}

}  // namespace cockpit::server
