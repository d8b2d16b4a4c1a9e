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
#include <ostream>
#include <tuple>

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

// The cursor this device reached (read after the controller closed the file).
std::string stored_cursor(const std::string& db) {
  auto s = Store::open(db, OpenOptions{"WAL", false});
  if (!s) return "?";
  std::string c = s.value().replica_value("cursor").value_or("");
  return c.empty() ? "0" : c;
}

}  // namespace

SyncOutcome run_sync(const SyncArgs& a, std::istream& in, std::ostream& out) {
  using Steady = std::chrono::steady_clock;
  std::string password;
  if (a.password_stdin) {
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  g_stop = 0;
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);

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
  if (a.as.empty() && holder.empty())
    return failure("this device holds nobody's records yet: sign in with --as MANAGER --password-stdin");
  const bool sign_in = !a.as.empty() && (holder != a.as || tokens.load().empty());
  if (!a.as.empty()) {
    if (sign_in && !a.password_stdin) return failure("signing in as " + a.as + " needs --password-stdin");
    // Another person's share is replaced on sign-in: never with their changes unsent.
    if (holder != a.as && !holder.empty() && app->unsent_changes() > 0)
      return failure("this device holds " + plural(app->unsent_changes(), "unsent change", "unsent changes") +
                     " of " + holder + "; sync them as " + holder + " before signing in as " + a.as);
  }
  if (sign_in) app->sign_in_with_password(a.as, password, now_utc());
  bool signed_in_again = false;

  const auto deadline = Steady::now() + std::chrono::seconds(a.timeout_s);
  int acted = 0;
  bool announced = false;
  std::tuple<client::Link, std::size_t, std::size_t, std::string> shown{client::Link::offline, 0, 0, "-"};
  for (;;) {
    app->tick(now_utc());
    const SignInFlow& flow = app->sign_in_flow();
    if (flow.step == SignInFlow::Step::failed) return failure(flow.manager + ": " + flow.error);
    const client::SyncStatus* s = app->sync_status();
    if (s && s->stop == client::Stop::sign_in_required) {
      // The session ended on the server; with a password at hand, sign in once more.
      if (!a.as.empty() && a.password_stdin && !signed_in_again) {
        signed_in_again = true;
        app->sign_in_with_password(a.as, password, now_utc());
        continue;
      }
      return failure("the session has ended: sign in again with --as MANAGER --password-stdin (" +
                     plural(app->unsent_changes(), "change waits", "changes wait") + " on this device)");
    }
    if (s && s->stop == client::Stop::reload_required)
      return failure("the server needs a newer cockpit-cli (" +
                     plural(app->unsent_changes(), "change waits", "changes wait") + " on this device)");

    if (app->signed_in()) {
      if (!announced) {
        announced = true;
        out << "signed in as " << app->me().id << " (" << app->me().name << ")" << std::endl;
      }
      if (acted < a.act) {
        std::vector<std::string> customers;
        for (const Customer& c : app->session()->slice().customers) customers.push_back(c.id);
        std::sort(customers.begin(), customers.end());
        if (customers.empty()) return failure(app->me().id + " has no customers to act on");
        for (; acted < a.act; ++acted) {
          LogContact note;
          note.customer = customers[static_cast<std::size_t>(acted) % customers.size()];
          note.channel = Channel::phone;
          note.subject = a.label + " " + std::to_string(acted + 1);
          const Outcome o = app->apply(note, now_utc());
          if (!o.ok) return failure("edit " + std::to_string(acted + 1) + " was refused: " + o.message);
          out << "committed " << (acted + 1) << "/" << a.act << ": " << note.subject << " on " << note.customer
              << std::endl;
        }
      }
    }

    if (s && a.watch) {
      std::tuple<client::Link, std::size_t, std::size_t, std::string> state{s->link, s->waiting, s->notices,
                                                                            s->error};
      if (state != shown) {
        shown = state;
        out << "sync: " << link_name(s->link) << ", waiting " << s->waiting << ", notices " << s->notices
            << (s->error.empty() ? "" : ", " + s->error) << std::endl;
      }
    }
    const bool in_step = app->signed_in() && s && s->have_share && s->last_sync != 0 && s->waiting == 0 &&
                         !s->busy && s->error.empty() && acted == a.act;
    if (!a.watch && in_step) break;
    if (g_stop) break;
    if (!a.watch && Steady::now() >= deadline) {
      std::string why = s && !s->error.empty() ? s->error : flow.step == SignInFlow::Step::signing_in
                                                               ? "no answer to the sign-in"
                                                               : "not in step yet";
      return failure("not in step with " + a.server + " after " + std::to_string(a.timeout_s) + " s: " + why +
                     " (" + plural(app->unsent_changes(), "change waits", "changes wait") + " on this device)");
    }
    http.wait(50);
  }

  const client::SyncStatus* s = app->sync_status();
  const std::size_t customers = app->signed_in() ? app->session()->slice().customers.size() : 0;
  const std::size_t waiting = s ? s->waiting : 0, notices = s ? s->notices : 0;
  const std::string who = app->me().id;
  app.reset();  // closes the database before it is read below
  out << "synced " << (who.empty() ? holder : who) << ": cursor " << stored_cursor(a.db) << ", customers "
      << customers << ", waiting " << waiting << ", notices " << notices << std::endl;
  return {};
}

}  // namespace cockpit::cli
