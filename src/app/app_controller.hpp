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
#include "app/csv_upload.hpp"
#include "app/platform.hpp"
#include "app/session.hpp"
#include "app/unmatched.hpp"
#include "app/view_models.hpp"
#include "client/account.hpp"
#include "client/http.hpp"
#include "client/sync_client.hpp"
#include "engine/templates.hpp"
#include "store/store.hpp"

namespace cockpit {

struct ControllerConfig {
  std::string db_path;              // empty: nothing opened (tests hand a store instead)
  std::string journal_mode = "WAL"; // the browser passes "DELETE"
  std::string templates_path;       // assets/templates/messages.json if present; else the built-ins
  Platform* platform = nullptr;     // persist_after_commit after every commit; may be null in tests
  // Server mode: the people and their records come from cockpit-server (password sign-in,
  // sync). Null: a device on its own (the local identity, the demo book when empty).
  client::HttpClient* http = nullptr;
  client::TokenStore* tokens = nullptr;  // the desktop's token file; null in the browser (cookie)
  client::SyncOptions sync;
};

// Where a password sign-in stands (server mode).
struct SignInFlow {
  enum class Step { idle, signing_in, loading, failed };
  Step step = Step::idle;
  std::string manager;  // who is signing in
  std::string error;    // failed: why, for the manager
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
  // Server mode: also ends the server session and removes this device's copy of the
  // person's records (a shared computer keeps nothing of them). Ask first when
  // unsent_changes() > 0: they are lost.
  void sign_out();
  bool signed_in() const { return session_ != nullptr; }
  Session* session() { return session_.get(); }
  const Session* session() const { return session_.get(); }
  const Person& me() const { return me_; }

  // ---- server mode (ControllerConfig::http set)
  bool server_mode() const { return config_.http != nullptr; }
  // Starts a password sign-in; tick() carries it through (the answer, then the first
  // share of records). A different person than the one whose data this device holds
  // replaces that data.
  void sign_in_with_password(const std::string& manager_id, const std::string& password, Time now);
  const SignInFlow& sign_in_flow() const { return flow_; }
  // Whose share this device holds ("" when none): the sign-in form's default.
  std::string device_manager();
  const client::SyncStatus* sync_status() const { return sync_ ? &sync_->status() : nullptr; }
  // Changes made here that the server has not answered yet (0 on a device on its own).
  std::size_t unsent_changes() const { return sync_ ? sync_->status().waiting : 0; }
  std::vector<SyncNotice> notices(std::size_t limit = 50);
  void dismiss_notice(std::int64_t seq);  // 0: all
  void sync_now();
  // 1 right after a change from elsewhere reached this customer, fading to 0 (4 s).
  float recently_changed(const std::string& customer, Time now) const;
  // How many times changes from elsewhere reached this person's customers, and the
  // customers of the last time (the mirror's live region announces them).
  std::uint64_t remote_changes() const { return remote_changes_; }
  const std::vector<std::string>& last_remote_customers() const { return last_remote_; }

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
  // The automated senders that never ask the guard before sending (lead's team view).
  const std::vector<vm::SenderUse>& unasking_senders();
  // Customers by part of a name or id (the lead's reassign picker), cached per search.
  const std::vector<std::pair<std::string, std::string>>& find_customers(const std::string& search, std::size_t limit);
  const vm::SearchIndex& search_index();
  // The lead's upload of a spreadsheet: its preview (mapping, problems by row and
  // column, what would change, the records), cached by (revision, input).
  const vm::CsvPreview& csv_preview(const CsvUploadInput& input);
  // The lead's panel of source events with no customer (app/unmatched.hpp), and its
  // actions: they go to the server (not the store), the answer shows in a later frame.
  // A device on its own, or someone not a lead, gets a panel that says why it is empty.
  const vm::UnmatchedPanel& unmatched_panel() const;
  void request(const UnmatchedAction& action, Time now);
  // Whether a file to import is named by a path (desktop) or picked (browser).
  bool platform_picks_by_path() const { return !config_.platform || config_.platform->picks_by_path(); }

 private:
  bool finish_open(const ControllerConfig& config, Time now);
  void load_templates(const std::string& path);
  bool open_session(const std::string& manager_id, Time now);
  // server mode (app_controller_sync.cpp)
  void resume_device(Time now);
  void start_sync(Time now);
  void tick_sync(Time now);
  void finish_password_sign_in(client::SignInResult result, Time now);
  bool wipe_device(Time now);
  // A sign-out the server has not heard of (offline): the browser's HttpOnly cookie,
  // which only the server can clear, would still open the session. Kept in the fresh
  // store (replica value "sign_out_pending") and retried until the server answers.
  void remember_sign_out(bool pending);

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

  // server mode
  std::unique_ptr<client::Account> account_;
  std::unique_ptr<client::SyncClient> sync_;
  std::optional<client::SignInResult> sign_in_answer_;  // set by the HTTP callback, handled in tick
  SignInFlow flow_;
  std::vector<std::pair<std::string, Time>> recent_;  // customers changed from elsewhere, when
  std::uint64_t remote_changes_ = 0;
  std::vector<std::string> last_remote_;
  std::unique_ptr<UnmatchedList> unmatched_;  // a lead's, in server mode (made on first use)
  bool sign_out_pending_ = false;          // see remember_sign_out
  std::optional<bool> sign_out_answer_;    // set by the HTTP callback, handled in tick
  Time sign_out_retry_at_ = 0;

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
  std::vector<vm::SenderUse> senders_;
  std::uint64_t senders_rev_ = 0;
  vm::CsvPreview csv_preview_;
  std::uint64_t csv_rev_ = 0;
  CsvUploadInput csv_input_;
  std::vector<std::pair<std::string, std::string>> found_;
  std::uint64_t found_rev_ = 0;
  std::string found_search_;
};

}  // namespace cockpit
