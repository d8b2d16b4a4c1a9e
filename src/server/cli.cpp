// cockpit-server [serve] [flags] | add-manager | reset-password | add-integration
//
// Serving: settings (config.hpp), storage, demo, HTTP, then wait for SIGTERM/SIGINT.
// Shutdown order matters: parked live requests are answered first, then the HTTP
// layer stops accepting and lets requests in progress finish (each push commits or
// rolls back as a whole), then the database is checkpointed and closed.
#include "server/cli.hpp"

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "domain/enums.hpp"
#include "server/admin.hpp"
#include "server/app.hpp"
#include "server/ask_recorder.hpp"
#include "server/demo.hpp"
#include "server/guard_apply.hpp"
#include "server/webhook_sender.hpp"

namespace cockpit::server {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  cockpit-server [serve] [--config FILE] [--port N] [--bind ADDR] [--db FILE] [--app-dir DIR] [--demo]\n"
    "                 [--threads N] [--max-body BYTES] [--rate R] [--burst B] [--synchronous full|normal]\n"
    "                 [--heartbeat SECONDS] [--pull-page RECORDS] [--no-log]\n"
    "                 [--max-body-unauthenticated BYTES] [--max-connect-body BYTES] [--max-connections N] [--max-connections-per-address N]\n"
    "                 [--idle-timeout SECONDS] [--live-per-session N] [--sign-in-rate R] [--sign-in-burst B]\n"
    "                 [--sign-in-address-rate R] [--sign-in-address-burst B] [--sign-in-free-failures N]\n"
    "                 [--sign-in-max-delay SECONDS]   (the limits: src/server/LIMITS.md)\n"
    "                 [--as-of TIME] [--guard-safe-kinds KIND,...] [--integration-rate R] [--integration-burst B]\n"
    "                 [--webhook-retry-ms MS] [--webhook-give-up-hours H] [--webhook-timeout-ms MS]\n"
    "                 (the guard: src/server/GUARD.md)\n"
    "  cockpit-server add-manager --db FILE --id ID --name NAME --email EMAIL --role manager|lead --password-stdin\n"
    "  cockpit-server reset-password --db FILE --id ID --password-stdin   (ends the manager's sessions within 5 s)\n"
    "  cockpit-server add-integration --db FILE --name NAME [--scopes ingest,check,feed]   (prints the token once)\n"
    "  cockpit-server add-integration --db FILE --name NAME --source stripe|shopify|zendesk --secret-stdin\n"
    "                 [--mark type:problem,tag:refund]   (binds /api/connect/SOURCE: src/server/CONNECT.md)\n"
    "  cockpit-server add-webhook --db FILE --url URL [--events message.held,...]   (prints id and secret once)\n"
    "  cockpit-server webhooks --db FILE          (endpoints and recent deliveries)\n"
    "  cockpit-server remove-webhook --db FILE --id ID\n"
    "  cockpit-server migrate --db FILE|postgresql://...   (brings the schema to this version)\n"
    "  cockpit-server export --db FILE|postgresql://...    (the book as a contract document, on stdout)\n"
    "  --db: a SQLite file, or postgresql://USER@HOST:PORT/DB for several processes (src/server/STORAGE.md)\n";

GuardSettings guard_settings(const ServerConfig& cfg) {
  GuardSettings g;
  if (!cfg.as_of.empty()) g.as_of = parse_time(cfg.as_of);
  g.safe_kinds = split_list(cfg.guard_safe_kinds);
  return g;
}

// Blocks the stop signals in every thread (the HTTP threads inherit this mask) so that
// only sigwait in wait_for_stop receives them.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

// What outlives the HTTP layer: the database and the webhook sender that reads it.
// (Members are destroyed in reverse: the sender before the storage.)
struct Backend {
  std::unique_ptr<ServerStorage> storage;
  std::unique_ptr<WebhookSender> webhooks;
};

// Opens the database, starts the webhook sender and the guard, installs the demo when
// asked and the database is empty, and lets the guard decide once. False: the reason is
// on stderr.
bool open_backend(const ServerConfig& cfg, const GuardSettings& guard, Backend& backend) {
  try {
    backend.storage = open_storage(cfg.db, cfg.synchronous_full);
    ServerStorage& storage = *backend.storage;
    backend.webhooks = std::make_unique<WebhookSender>(
        storage, RetryPolicy{cfg.webhook_retry_ms, 6 * kHour, Time{cfg.webhook_give_up_hours} * kHour},
        Time{cfg.webhook_timeout_ms});
    install_guard(storage, guard, [w = backend.webhooks.get()] { w->wake(); });
    std::string error;
    if (cfg.demo && !storage.has_records() && !install_demo(storage, error)) {
      std::fprintf(stderr, "cockpit-server: demo: %s\n", error.c_str());
      return false;
    }
    decide_everything_once(storage, guard);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cockpit-server: %s\n", e.what());
    return false;
  }
  return true;
}

HttpOptions http_options(const ServerConfig& cfg) {
  HttpOptions opts;
  opts.bind = cfg.bind;
  opts.port = cfg.port;
  opts.threads = cfg.threads;
  opts.max_body = cfg.max_body;
  opts.connection_limit = cfg.max_connections;
  opts.per_address_limit = cfg.max_connections_per_address;
  opts.idle_timeout_s = cfg.idle_timeout_s;
  opts.log_requests = cfg.log;
  return opts;
}

// The first line is for people and for tests: they wait for it and read the port.
void announce_listening(const ServerConfig& cfg, const HttpServer& http, ServerStorage& storage,
                        const GuardSettings& guard) {
  const std::string host = cfg.bind.find(':') != std::string::npos ? "[" + cfg.bind + "]" : cfg.bind;
  std::printf("cockpit-server listening on http://%s:%u/ (database %s)\n", host.c_str(), http.port(), cfg.db.c_str());
  if (cfg.demo) {
    std::printf("demo logins (demo only, never for real data):\n");
    for (const auto& l : demo_logins())
      if (storage.account(l.id)) std::printf("  %s %s %s\n", l.id.c_str(), l.role.c_str(), l.password.c_str());
  }
  if (guard.as_of) std::printf("the guard decides as of %s (--as-of), not the clock\n", format_time(*guard.as_of).c_str());
  std::fflush(stdout);
}

void wait_for_stop(const sigset_t& stop_signals) {
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "cockpit-server: %s received, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

// In the order the file's head explains: live requests, queued writes, HTTP, then storage.
void shut_down(ServerApp& app, WriteQueue& writes, WorkerThreads& reads, HttpServer& http, AskRecorder& asks,
               Backend& backend) {
  app.live().stop();
  writes.stop();  // queued writes done and answered; later ones run on the request threads
  reads.stop();   // the same for pulls
  http.stop(10000);
  asks.stop();
  backend.webhooks->stop();
  backend.storage->close();
  std::fprintf(stderr, "cockpit-server: stopped cleanly\n");
}

int serve(const std::vector<std::string>& args) {
  ServerConfig cfg;
  std::string error;
  if (!load_config(args, cfg, error)) {
    std::fprintf(stderr, "cockpit-server: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  if (!auth_init()) {
    std::fprintf(stderr, "cockpit-server: libsodium failed to start\n");
    return 1;
  }
  const sigset_t stop_signals = block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread: webhooks use libcurl

  const GuardSettings guard = guard_settings(cfg);
  Backend backend;
  if (!open_backend(cfg, guard, backend)) return 1;
  ServerStorage& storage = *backend.storage;

  std::unique_ptr<ServerApp> app_ptr;
  AskRecorder asks(storage, [&app_ptr](std::int64_t cursor, const Affected& who) {
    if (app_ptr) app_ptr->live().notify(cursor, who);
  });
  WriteQueue writes(storage);
  // As many pull threads as the SQLite store has reader connections: none waits for one.
  WorkerThreads reads(4, kSyncWorkNicer);
  app_ptr = std::make_unique<ServerApp>(cfg, storage, guard, &asks, &writes, &reads);
  ServerApp& app = *app_ptr;
  HttpServer http(
      http_options(cfg), [&app](Request& r) { return app.handle(r); }, [&app](Request& r) { return app.admit(r); },
      [&app](const Request& req, Response& r) { app.decorate(req, r); });
  if (!http.start(error)) {
    std::fprintf(stderr, "cockpit-server: %s\n", error.c_str());
    return 1;
  }
  announce_listening(cfg, http, storage, guard);
  wait_for_stop(stop_signals);
  shut_down(app, writes, reads, http, asks, backend);
  return 0;
}

}  // namespace

int server_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string cmd = args.empty() || (args[0].rfind("--", 0) == 0 && args[0] != "--help") ? "serve" : args[0];
  if (!args.empty() && args[0] == cmd) args.erase(args.begin());
  if (cmd == "serve") return serve(args);
  if (cmd == "add-manager") return admin_add_manager(args);
  if (cmd == "reset-password") return admin_reset_password(args);
  if (cmd == "add-integration") return admin_add_integration(args);
  if (cmd == "add-webhook") return admin_add_webhook(args);
  if (cmd == "webhooks") return admin_webhooks(args);
  if (cmd == "remove-webhook") return admin_remove_webhook(args);
  if (cmd == "migrate") return admin_migrate(args);
  if (cmd == "export") return admin_export(args);
  if (cmd == "help" || cmd == "-h" || cmd == "--help") {
    std::printf("%s", kUsage);
    return 0;
  }
  std::fprintf(stderr, "cockpit-server: unknown command \"%s\"\n%s", cmd.c_str(), kUsage);
  return 2;
}

}  // namespace cockpit::server
