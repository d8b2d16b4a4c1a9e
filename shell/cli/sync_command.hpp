#pragma once
// `cockpit-cli sync`: a headless device of a cockpit-server in its own process — the
// same AppController (server mode), SyncClient and libcurl client as the desktop app,
// on a local database file, with the session token in DB.session (as the desktop keeps
// it). For scripts and for the fault tests that kill a client (tests/server).
//
//   cockpit-cli sync --db DEV.db --server http://127.0.0.1:8080 --as m-anna --password-stdin
//   cockpit-cli sync --db DEV.db --server URL --watch        # keep syncing until SIGTERM
//   cockpit-cli sync --db DEV.db --server URL --act 12       # 12 numbered notes, then sync
#include <iosfwd>
#include <string>

namespace cockpit::cli {

struct SyncArgs {
  std::string db, server;      // the device's database; the server's base URL
  std::string as;              // sign in as this manager (with a password on stdin)
  bool password_stdin = false;
  bool watch = false;          // false: --once (sync until nothing waits, then exit)
  int act = 0;                 // this many deterministic edits (tests), then sync
  std::string label = "act";   // their subjects: "<label> 1", "<label> 2", …
  int timeout_s = 30;          // --once: give up when not in step after this long
};

struct SyncOutcome {
  int code = 0;        // 0, or 1 with `error`
  std::string error;   // one line for stderr
};

// Runs the command; progress and the summary go to `out` (line by line, flushed).
SyncOutcome run_sync(const SyncArgs& args, std::istream& in, std::ostream& out);

}  // namespace cockpit::cli
