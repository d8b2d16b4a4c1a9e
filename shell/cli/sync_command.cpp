// `cockpit-cli sync` (see sync_command.hpp): the loop of a device without a window.
// It turns AppController::tick the way a desktop frame does, waiting on the HTTP client
// in between (an answer wakes it at once; timers — retries, periodic pulls — get a turn
// every 50 ms), and stops when the sync is in step (--once) or on SIGTERM/SIGINT (--watch).
#include "sync_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <tuple>
#include <vector>

#include "app/app_controller.hpp"
#include "native/curl_http.hpp"
#include "native/token_file.hpp"

namespace cockpit::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

const char* link_name(client::Link l) {
  switch (l) {
    case client::Link::offline: return "offline";
    case client::Link::online: return "online";
    case client::Link::live: return "live";
  }
  return "?";
}

SyncOutcome failure(std::string why) { return SyncOutcome{1, "sync: " + std::move(why)}; }

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "(3 changes wait on this device)": what a failed run leaves behind.
std::string waiting_note(AppController& app) {
  return " (" + plural(app.unsent_changes(), "change waits", "changes wait") + " on this device)";
}

// The cursor this device reached (read after the controller closed the file).
std::string stored_cursor(const std::string& db) {
  auto s = Store::open(db, OpenOptions{"WAL", false});
  if (!s) return "?";
  std::string c = s.value().replica_value("cursor").value_or("");
  return c.empty() ? "0" : c;
}

// The first line of stdin, without a Windows line end (empty without --password-stdin).
std::string read_password(const SyncArgs& a, std::istream& in) {
  std::string password;
  if (a.password_stdin) {
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  return password;
}

void stop_on_signals() {
  g_stop = 0;
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}

// Signs in as --as when the device holds someone else's share or has no session for
// them; refuses (a failure) when that cannot or must not be done.
std::optional<SyncOutcome> sign_in_if_needed(const SyncArgs& a, AppController& app, native::TokenFile& tokens,
                                             const std::string& holder, const std::string& password) {
  if (a.as.empty() && holder.empty())
    return failure("this device holds nobody's records yet: sign in with --as MANAGER --password-stdin");
  const bool sign_in = !a.as.empty() && (holder != a.as || tokens.load().empty());
  if (!a.as.empty()) {
    if (sign_in && !a.password_stdin) return failure("signing in as " + a.as + " needs --password-stdin");
    // Another person's share is replaced on sign-in: never with their changes unsent.
    if (holder != a.as && !holder.empty() && app.unsent_changes() > 0)
      return failure("this device holds " + plural(app.unsent_changes(), "unsent change", "unsent changes") +
                     " of " + holder + "; sync them as " + holder + " before signing in as " + a.as);
  }
  if (sign_in) app.sign_in_with_password(a.as, password, now_utc());
  return std::nullopt;
}

// What --watch prints: the sync's link, waiting changes, notices and error.
using ShownStatus = std::tuple<client::Link, std::size_t, std::size_t, std::string>;

// Where one turn of the loop leaves the run.
enum class Turn { wait, again_now, done, failed };

// The loop's state across turns.
struct SyncRun {
  using Steady = std::chrono::steady_clock;
  const SyncArgs& a;
  AppController& app;
  std::ostream& out;
  const std::string& password;
  Steady::time_point deadline = Steady::now() + std::chrono::seconds(a.timeout_s);
  bool signed_in_again = false;
  int acted = 0;  // edits committed so far (of --act)
  bool announced = false;
  ShownStatus shown{client::Link::offline, 0, 0, "-"};
  SyncOutcome outcome;  // why the run failed (Turn::failed)

  Turn fail(std::string why) {
    outcome = failure(std::move(why));
    return Turn::failed;
  }
};

// The session ended on the server; with a password at hand, sign in once more.
Turn after_session_ended(SyncRun& run) {
  if (!run.a.as.empty() && run.a.password_stdin && !run.signed_in_again) {
    run.signed_in_again = true;
    run.app.sign_in_with_password(run.a.as, run.password, now_utc());
    return Turn::again_now;
  }
  return run.fail("the session has ended: sign in again with --as MANAGER --password-stdin" + waiting_note(run.app));
}

// Commits the edits --act asks for, one noted phone call each over the customers in id
// order (nullopt when they are all committed, otherwise why not).
std::optional<std::string> commit_edits(SyncRun& run) {
  if (run.acted >= run.a.act) return std::nullopt;
  std::vector<std::string> customers;
  for (const Customer& c : run.app.session()->slice().customers) customers.push_back(c.id);
  std::sort(customers.begin(), customers.end());
  if (customers.empty()) return run.app.me().id + " has no customers to act on";
  for (; run.acted < run.a.act; ++run.acted) {
    LogContact note;
    note.customer = customers[static_cast<std::size_t>(run.acted) % customers.size()];
    note.channel = Channel::phone;
    note.subject = run.a.label + " " + std::to_string(run.acted + 1);
    const Outcome o = run.app.apply(note, now_utc());
    if (!o.ok) return "edit " + std::to_string(run.acted + 1) + " was refused: " + o.message;
    run.out << "committed " << (run.acted + 1) << "/" << run.a.act << ": " << note.subject << " on "
            << note.customer << std::endl;
  }
  return std::nullopt;
}

void announce_once(SyncRun& run) {
  if (run.announced) return;
  run.announced = true;
  run.out << "signed in as " << run.app.me().id << " (" << run.app.me().name << ")" << std::endl;
}

// --watch: one line whenever the link, the waiting changes, the notices or the error change.
void show_status_change(SyncRun& run, const client::SyncStatus& s) {
  ShownStatus state{s.link, s.waiting, s.notices, s.error};
  if (state == run.shown) return;
  run.shown = state;
  run.out << "sync: " << link_name(s.link) << ", waiting " << s.waiting << ", notices " << s.notices
          << (s.error.empty() ? "" : ", " + s.error) << std::endl;
}

// Signed in, the share pulled, nothing waiting or in flight, no error, every edit made.
bool in_step(const SyncRun& run, const client::SyncStatus* s) {
  return run.app.signed_in() && s && s->have_share && s->last_sync != 0 && s->waiting == 0 && !s->busy &&
         s->error.empty() && run.acted == run.a.act;
}

std::string timeout_message(const SyncRun& run, const client::SyncStatus* s, const SignInFlow& flow) {
  std::string why = s && !s->error.empty() ? s->error : flow.step == SignInFlow::Step::signing_in
                                                           ? "no answer to the sign-in"
                                                           : "not in step yet";
  return "not in step with " + run.a.server + " after " + std::to_string(run.a.timeout_s) + " s: " + why +
         waiting_note(run.app);
}

// One tick of the controller and what follows from it.
Turn take_turn(SyncRun& run) {
  run.app.tick(now_utc());
  const SignInFlow& flow = run.app.sign_in_flow();
  if (flow.step == SignInFlow::Step::failed) return run.fail(flow.manager + ": " + flow.error);
  const client::SyncStatus* s = run.app.sync_status();
  if (s && s->stop == client::Stop::sign_in_required) return after_session_ended(run);
  if (s && s->stop == client::Stop::reload_required)
    return run.fail("the server needs a newer cockpit-cli" + waiting_note(run.app));
  if (run.app.signed_in()) {
    announce_once(run);
    if (auto refused = commit_edits(run)) return run.fail(*refused);
  }
  if (s && run.a.watch) show_status_change(run, *s);
  if (!run.a.watch && in_step(run, s)) return Turn::done;
  if (g_stop) return Turn::done;
  if (!run.a.watch && SyncRun::Steady::now() >= run.deadline) return run.fail(timeout_message(run, s, flow));
  return Turn::wait;
}

// Turns the controller until the run is done (nullopt) or fails.
std::optional<SyncOutcome> sync_until_done(SyncRun& run, native::CurlHttp& http) {
  for (;;) {
    switch (take_turn(run)) {
      case Turn::failed: return run.outcome;
      case Turn::done: return std::nullopt;
      case Turn::again_now: continue;
      case Turn::wait: http.wait(50); break;
    }
  }
}

// The summary line, read once the controller has closed the database.
void report_synced(const SyncArgs& a, std::unique_ptr<AppController>& app, const std::string& holder,
                   std::ostream& out) {
  const client::SyncStatus* s = app->sync_status();
  const std::size_t customers = app->signed_in() ? app->session()->slice().customers.size() : 0;
  const std::size_t waiting = s ? s->waiting : 0, notices = s ? s->notices : 0;
  const std::string who = app->me().id;
  app.reset();  // closes the database before it is read below
  out << "synced " << (who.empty() ? holder : who) << ": cursor " << stored_cursor(a.db) << ", customers "
      << customers << ", waiting " << waiting << ", notices " << notices << std::endl;
}

}  // namespace

SyncOutcome run_sync(const SyncArgs& a, std::istream& in, std::ostream& out) {
  const std::string password = read_password(a, in);
  stop_on_signals();

  // The HTTP client outlives the controller, which syncs through it.
  native::CurlHttp http(a.server);
  native::TokenFile tokens(a.db + ".session");
  ControllerConfig config;
  config.db_path = a.db;
  config.http = &http;
  config.tokens = &tokens;
  auto app = std::make_unique<AppController>();
  if (!app->open(config, now_utc())) return failure(app->error());

  const std::string holder = app->device_manager();
  if (auto refused = sign_in_if_needed(a, *app, tokens, holder, password)) return *refused;
  SyncRun run{a, *app, out, password};
  if (auto failed = sync_until_done(run, http)) return *failed;
  report_synced(a, app, holder, out);
  return {};
}

}  // namespace cockpit::cli
