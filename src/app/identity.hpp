#pragma once
// Who is signed in, behind one small interface so the local sign-in (pick yourself from
// the people in this device's store) can be replaced by the server's password sign-in
// without touching the views: the SignIn view lists `people()` and calls `sign_in`.
#include <optional>
#include <string>
#include <vector>

#include "app/plan_action.hpp"
#include "store/store.hpp"

namespace cockpit {

struct Person {
  std::string id, name, email;
  Role role = Role::manager;
};

class Identity {
 public:
  virtual ~Identity() = default;
  // Who may sign in here, by name.
  virtual std::vector<Person> people() = 0;
  // Signs `id` in; `secret` is ignored by the local identity. nullopt + `error` when refused.
  virtual std::optional<Actor> sign_in(const std::string& id, const std::string& secret, std::string& error) = 0;
  virtual void sign_out() = 0;
  // The person signed in last on this device (kept across reloads), if still valid.
  virtual std::optional<Actor> remembered() = 0;
  // Whether a secret is asked for (the local identity: no).
  virtual bool needs_secret() const = 0;
};

// The local identity: the managers in this device's store; who signed in last is kept
// in a small file next to the database (`<db>.identity`), so a reload reopens the
// same person's cockpit. Not security: anyone at this device may pick anyone.
class LocalIdentity final : public Identity {
 public:
  LocalIdentity(Store& store, std::string remember_path) : store_(store), path_(std::move(remember_path)) {}
  std::vector<Person> people() override;
  std::optional<Actor> sign_in(const std::string& id, const std::string& secret, std::string& error) override;
  void sign_out() override;
  std::optional<Actor> remembered() override;
  bool needs_secret() const override { return false; }

 private:
  std::optional<Person> find(const std::string& id);
  Store& store_;
  std::string path_;
  std::vector<Person> people_;  // cached after the first people()
};

}  // namespace cockpit
