#pragma once
// The glue between the screen and the data: opens the local store (creating it with the
// demo book when empty), signs a person in through an Identity, builds their Session,
// applies the actions the UI hands it, and keeps the view models of what is on screen
// (rebuilt only when the data, the clock's minute or the query change). No ImGui.
//
//   AppController c;
//   c.open({"cockpit.db", "WAL", …}, now);   // or open_store(std::move(store), …) in tests
//   c.sign_in("m-anna", now);
//   const vm::TodayModel& t = c.today(query, now);
//   c.apply(SendMessage{…}, now);            // one transaction; lists follow at once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/actions.hpp"
#include "app/identity.hpp"
#include "app/platform.hpp"
#include "app/session.hpp"
#include "app/view_models.hpp"
#include "engine/templates.hpp"
#include "store/store.hpp"

namespace cockpit {

struct ControllerConfig {
  std::string db_path;              // empty: nothing opened (tests hand a store instead)
  std::string journal_mode = "WAL"; // the browser passes "DELETE"
  std::string templates_path;       // assets/templates/messages.json if present; else the built-ins
  Platform* platform = nullptr;     // persist_after_commit after every commit; may be null in tests
};

class AppController {
 public:
  AppController() = default;
  AppController(const AppController&) = delete;
  AppController& operator=(const AppController&) = delete;
  ~AppController();

  // Opens (or creates) the store; an empty one gets the demo book. False + error().
  bool open(const ControllerConfig& config, Time now);
  // Uses an already open store (tests, benchmarks).
  bool open_store(Store store, const ControllerConfig& config, Time now);
  bool is_open() const { return store_ != nullptr; }
  const std::string& error() const { return error_; }
  // The store holds the demo book (shown as a "Demo data" badge).
  bool demo() const { return demo_; }
  // Where the templates came from: the file's path or "built-in".
  const std::string& templates_source() const { return templates_source_; }
  // A templates file was found but refused: the reason (the built-ins are used).
  const std::string& templates_error() const { return templates_error_; }

  Identity* identity() { return identity_.get(); }
  std::vector<Person> people();
  // Signs in and loads the person's slice. False + error().
  bool sign_in(const std::string& manager_id, Time now);
  // Signs in whoever was signed in last on this device, if anyone.
  bool sign_in_remembered(Time now);
  void sign_out();
  bool signed_in() const { return session_ != nullptr; }
  Session* session() { return session_.get(); }
  const Session* session() const { return session_.get(); }
  const Person& me() const { return me_; }

  // Applies one action (one transaction). Never throws.
  Outcome apply(const Action& action, Time now);
  // Recomputes the lists when the minute changed (overdue-ness moves with the clock).
  void tick(Time now);
  // Bumped whenever what the screen shows may have changed.
  std::uint64_t revision() const { return revision_; }

  // View models, cached by (revision, inputs).
  const vm::TodayModel& today(const vm::CustomerQuery& query, Time now);
  vm::CustomerListRow today_row(int list_index, const std::string& search) const;
  const vm::CustomerModel& customer(const std::string& id, Time now);
  const std::vector<vm::ManagerLoad>& lead(Time now);
  // Customers by part of a name or id (the lead's reassign picker), cached per search.
  const std::vector<std::pair<std::string, std::string>>& find_customers(const std::string& search, std::size_t limit);
  const vm::SearchIndex& search_index();

 private:
  bool finish_open(const ControllerConfig& config, Time now);
  void load_templates(const std::string& path);

  ControllerConfig config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Identity> identity_;
  std::unique_ptr<Session> session_;
  Templates templates_;
  std::string templates_source_, templates_error_, error_;
  bool demo_ = false;
  Person me_;
  std::uint64_t revision_ = 1;
  Time lists_minute_ = 0;

  // caches
  vm::SearchIndex index_;
  std::uint64_t index_rev_ = 0;
  vm::TodayModel today_;
  std::uint64_t today_rev_ = 0;
  vm::CustomerQuery today_query_;
  vm::CustomerModel customer_;
  std::uint64_t customer_rev_ = 0;
  std::string customer_id_;
  std::vector<vm::ManagerLoad> lead_;
  std::uint64_t lead_rev_ = 0;
  std::vector<std::pair<std::string, std::string>> found_;
  std::uint64_t found_rev_ = 0;
  std::string found_search_;
};

}  // namespace cockpit
