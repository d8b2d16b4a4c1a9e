#pragma once
// Drives the real cockpit-server: starts it on 127.0.0.1 port 0 against a database
// file, waits for its "listening on" line (no sleeps), speaks HTTP with libcurl, runs
// the admin commands, and stops it with a signal, waiting for the exit with a timeout.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cockpit::test {

using json = nlohmann::json;

std::string temp_dir();                          // the test tmp folder
// A fresh path in the test tmp folder (old file removed; a ".db" path's PostgreSQL
// database dropped when the suite runs on PostgreSQL, test_store.hpp).
std::string temp_path(const std::string& name);

struct HttpReply {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string header(const std::string& name) const;
  json as_json() const;
};

struct Call {
  std::string method = "GET", path, body;
  std::string content_type = "application/json";
  std::string bearer, cookie;
  std::vector<std::string> headers;  // "Name: value"
  long timeout_ms = 10000;
  std::string source;  // the local address to call from (another of 127.0.0.0/8), "" for the default
};

// One HTTP call to `base_url` + c.path (base_url like "http://127.0.0.1:PORT"), for
// calls that must not go to a Server's own port (e.g. through tests/server/fault_proxy).
// status 0 and body "curl: …" when no response arrived.
HttpReply call_url(const std::string& base_url, const Call& c);

class Server {
 public:
  // Starts `cockpit-server serve --port 0 --db DB args…` (DB: a SQLite path, which
  // becomes a PostgreSQL database when the suite runs there, test_store.hpp); start() again after stop()
  // restarts it on the same database (a new port); while it runs, start() does nothing.
  explicit Server(std::string db, std::vector<std::string> args = {});
  ~Server();
  void start();
  // Sends `sig` and waits for the exit; returns the exit code (128+n when killed by n).
  int stop(int sig = 15, int timeout_ms = 15000);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;
  const std::string& stdout_text() const { return out_; }
  const std::string& db() const { return db_; }

  HttpReply call(const Call& c) const;
  HttpReply get(const std::string& path, const std::string& bearer = "") const;
  HttpReply post(const std::string& path, const json& body, const std::string& bearer = "") const;
  // Signs in and returns the bearer token (fails the test when sign-in fails).
  std::string sign_in(const std::string& manager, const std::string& password) const;

 private:
  std::string db_, log_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string out_;
};

// The cockpit-server program the tests run: $COCKPIT_SERVER_BIN when set (to run a test
// against another build, e.g. to show a regression test fails without its fix), else
// the one built with the tests.
std::string server_bin();

// A process's resident memory (VmRSS from /proc/PID/status), in MiB; -1 when unknown.
double rss_mib(pid_t pid);

// Runs `cockpit-server args…` with `input` on stdin; returns exit code, fills `out`.
int run_admin(const std::vector<std::string>& args, const std::string& input, std::string* out = nullptr);

// A new integration token (`cockpit-server add-integration`; fails the test otherwise).
std::string integration_token(const Server& s, const std::string& name);
// The document's managers as accounts (`cockpit-server add-manager`, all with `password`):
// ingest never creates managers, only the admin commands do.
void add_managers(const Server& s, const json& document, const std::string& password);
// POST /api/ingest of a contract document (its JSON text) with an integration token.
HttpReply ingest(const Server& s, const std::string& token, const std::string& document,
                 long timeout_ms = 600000);

// A small sync client: a client id, its mutation counter, push helper.
struct Device {
  const Server* server;
  std::string token, client_id;
  std::int64_t next_mutation = 1;
  std::int64_t cursor = 0;

  // One upsert mutation (not sent).
  json upsert(const std::string& kind, const std::string& id, json fields, std::int64_t base_seq);
  json reassign(const std::string& customer, const std::string& new_owner, std::int64_t base_seq = 0);
  HttpReply push(const std::vector<json>& mutations) const;
  HttpReply pull(std::int64_t since) const;
};

}  // namespace cockpit::test
