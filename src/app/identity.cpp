#include "app/identity.hpp"

#include <algorithm>
#include <cstdio>

namespace cockpit {

std::vector<Person> LocalIdentity::people() {
  if (!people_.empty()) return people_;
  // export_all reads every list; managers alone would do, but the store has no such
  // call yet and this runs once per sign-in screen.
  auto book = store_.export_all();
  if (!book) return {};
  for (const Manager& m : book->managers) people_.push_back({m.id, m.name, m.email, m.role});
  std::sort(people_.begin(), people_.end(), [](const Person& a, const Person& b) {
    if (a.role != b.role) return a.role == Role::manager;  // managers first, then leads
    return a.name < b.name;
  });
  return people_;
}

std::optional<Person> LocalIdentity::find(const std::string& id) {
  auto m = store_.get_manager(id);
  if (!m || !m.value()) return std::nullopt;
  const Manager& x = *m.value();
  return Person{x.id, x.name, x.email, x.role};
}

std::optional<Actor> LocalIdentity::sign_in(const std::string& id, const std::string&, std::string& error) {
  auto p = find(id);
  if (!p) {
    error = "nobody with the id \"" + id + "\" on this device";
    return std::nullopt;
  }
  if (!path_.empty()) {
    if (std::FILE* f = std::fopen(path_.c_str(), "wb")) {
      std::fputs(id.c_str(), f);
      std::fclose(f);
    }
  }
  return Actor{p->id, p->role};
}

void LocalIdentity::sign_out() {
  if (!path_.empty()) std::remove(path_.c_str());
}

std::optional<Actor> LocalIdentity::remembered() {
  if (path_.empty()) return std::nullopt;
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (!f) return std::nullopt;
  char buf[256] = {0};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::string id(buf, n);
  auto p = find(id);
  if (!p) return std::nullopt;
  return Actor{p->id, p->role};
}

}  // namespace cockpit
