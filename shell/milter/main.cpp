// cockpit-milter: the guard at the mail relay (src/milter/MILTER.md). A thin shell:
// libmilter's callbacks collect the envelope and the headers a mail has, and at its end
// hand them to milter::Relay, whose Decision becomes smfi_* calls. The follower thread
// (milter::Follower) makes later releases and cancels reach Postfix's queue.
//   cockpit-milter --config /etc/cockpit/milter.conf [--check-config]
#include <libmilter/mfapi.h>

#include <curl/curl.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include "milter/config.hpp"
#include "milter/follower.hpp"
#include "milter/headers.hpp"
#include "milter/http_client.hpp"
#include "milter/postfix_queue.hpp"
#include "milter/relay.hpp"
#include "milter/state.hpp"

using namespace cockpit::milter;

namespace {

// libmilter's callbacks carry no pointer of ours: the program's parts sit in one
// global, set once before smfi_main starts any thread.
Relay* g_relay = nullptr;

std::mutex g_log_mu;
void log_line(const std::string& line) {
  std::lock_guard lock(g_log_mu);
  std::cerr << "cockpit-milter: " << line << std::endl;
}

// Set once before smfi_main: the milter listens on a unix socket (unix:, local:).
bool g_local_socket = false;

// One SMTP connection's state: the mail being received (a connection may carry several),
// and the steps Postfix does not wait for an answer to.
struct Conn {
  MessageFacts facts;
  unsigned long no_reply = 0;  // SMFIP_NR_* agreed at negotiation
};

Conn* conn(SMFICTX* ctx) {
  auto* c = static_cast<Conn*>(smfi_getpriv(ctx));
  if (!c) {
    c = new Conn;
    smfi_setpriv(ctx, c);
  }
  return c;
}

sfsistat go_on(const Conn* c, unsigned long no_reply_bit) {
  return (c->no_reply & no_reply_bit) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

// Only the envelope and the headers are needed: no connect, HELO, DATA, end of headers
// or body steps. Each step Postfix sends is a round trip through libmilter's worker pool
// and through Postfix (smtpd or cleanup), so the fewer the better: a mail costs MAIL,
// RCPT, each header, and the end of message, whose answer is the decision.
// On a unix socket MAIL, RCPT and the headers are not answered either (SMFIP_NR_*):
// their answer is always "continue". Over TCP every step is answered and DATA and end of
// headers are kept: Postfix writes its milter socket without TCP_NODELAY, so a step
// that is not answered (or a macro packet sent for a skipped step) leaves Postfix's next
// small packet waiting for the milter's delayed ACK, ~40 ms per mail (bench_milter: +50 ms
// at the median with SMFIP_NR_* or SMFIP_NODATA over TCP, see MILTER.md).
sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps, unsigned long, unsigned long,
                      unsigned long* want_actions, unsigned long* want_steps, unsigned long* f2, unsigned long* f3) {
  const unsigned long need = SMFIF_QUARANTINE | SMFIF_ADDHDRS | SMFIF_DELRCPT;
  if ((actions & need) != need) {
    log_line("the MTA does not offer quarantine, adding headers and removing recipients: not filtering");
    return SMFIS_REJECT;
  }
  *want_actions = need;
  unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOBODY | SMFIP_NOUNKNOWN;
  const unsigned long no_reply = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
  if (g_local_socket) skip |= SMFIP_NODATA | SMFIP_NOEOH | no_reply;
  *want_steps = skip & steps;
  *f2 = *f3 = 0;
  conn(ctx)->no_reply = *want_steps & no_reply;
  return SMFIS_CONTINUE;
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
  Conn* c = conn(ctx);
  c->facts = MessageFacts{};
  c->facts.envelope_from = envelope_address(argv && argv[0] ? argv[0] : "");
  return go_on(c, SMFIP_NR_MAIL);
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
  Conn* c = conn(ctx);
  // Past 10,000 the mail is refused anyway (max_recipients is at most that).
  if (argv && argv[0] && c->facts.recipients.size() <= 10000) c->facts.recipients.push_back(envelope_address(argv[0]));
  return go_on(c, SMFIP_NR_RCPT);
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
  Conn* c = conn(ctx);
  add_header(c->facts, name ? name : "", value ? value : "");
  return go_on(c, SMFIP_NR_HDR);
}

sfsistat with_reply(SMFICTX* ctx, const char* code, const char* status, const std::string& text, sfsistat result) {
  std::string t = text;
  smfi_setreply(ctx, const_cast<char*>(code), const_cast<char*>(status), t.data());
  return result;
}

sfsistat apply(SMFICTX* ctx, const RelayResult& r) {
  const Decision& d = r.decision;
  if (!r.add_message_id.empty() && (d.action == Action::accept || d.action == Action::quarantine)) {
    std::string v = r.add_message_id;
    smfi_addheader(ctx, const_cast<char*>("Message-ID"), v.data());
  }
  for (const std::string& rcpt : d.remove_recipients) {
    std::string a = "<" + rcpt + ">";
    smfi_delrcpt(ctx, a.data());
  }
  switch (d.action) {
    case Action::accept: return SMFIS_CONTINUE;
    case Action::quarantine: {
      std::string reason = d.text;
      if (smfi_quarantine(ctx, reason.data()) == MI_SUCCESS) return SMFIS_CONTINUE;
      return with_reply(ctx, "451", "4.3.0", "cockpit guard: could not hold the mail; try again later", SMFIS_TEMPFAIL);
    }
    case Action::reject: return with_reply(ctx, "550", "5.7.1", d.text, SMFIS_REJECT);
    case Action::discard: return SMFIS_DISCARD;
    case Action::tempfail: return with_reply(ctx, "451", "4.3.0", d.text, SMFIS_TEMPFAIL);
  }
  return SMFIS_TEMPFAIL;
}

sfsistat on_eom(SMFICTX* ctx) {
  Conn* c = conn(ctx);
  const char* qid = smfi_getsymval(ctx, const_cast<char*>("i"));
  sfsistat result = SMFIS_TEMPFAIL;
  try {
    result = apply(ctx, g_relay->on_message(std::move(c->facts), qid ? qid : ""));
  } catch (const std::exception& e) {  // an answer every time: the sender tries again
    log_line(std::string("tempfail after an error: ") + e.what());
    result = with_reply(ctx, "451", "4.3.0", "cockpit guard: internal error; try again later", SMFIS_TEMPFAIL);
  }
  c->facts = MessageFacts{};
  return result;
}

sfsistat on_abort(SMFICTX* ctx) {
  conn(ctx)->facts = MessageFacts{};
  return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) {
  delete static_cast<Conn*>(smfi_getpriv(ctx));
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

// libmilter writes a reply as several small packets (a quarantine, then continue) and
// Postfix answers none of them, so with Nagle's algorithm the second waits for Postfix's
// delayed ACK: ~40 ms per held mail. libmilter keeps its listening socket to itself;
// it is the process's only listening TCP socket, and Linux hands TCP_NODELAY on to the
// connections accepted from it.
void no_delay_on_listener() {
  for (int fd = 3; fd < 1024; ++fd) {
    int listening = 0, domain = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || (domain != AF_INET && domain != AF_INET6)) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream s;
  s << f.rdbuf();
  out = s.str();
  return true;
}

// The config (and the token file it names), or a message and exit code 2.
bool load(const std::string& path, MilterConfig& cfg) {
  std::string text;
  if (!read_file(path, text)) {
    log_line("cannot read the config file " + path);
    return false;
  }
  ConfigParse p = parse_config(text);
  if (!p.config) {
    log_line(path + ": " + p.error);
    return false;
  }
  cfg = std::move(*p.config);
  if (!cfg.token_file.empty()) {
    if (!read_file(cfg.token_file, cfg.token)) {
      log_line("cannot read the token file " + cfg.token_file);
      return false;
    }
    while (!cfg.token.empty() && std::strchr(" \t\r\n", cfg.token.back())) cfg.token.pop_back();
    if (cfg.token.empty()) {
      log_line("the token file " + cfg.token_file + " is empty");
      return false;
    }
  }
  return true;
}

int usage() {
  std::cerr << "usage: cockpit-milter --config FILE [--check-config]\n"
               "  the config's format, Postfix's main.cf lines and the headers a sender can add:\n"
               "  src/milter/MILTER.md\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) config_path = argv[++i];
    else if (a == "--check-config") check_only = true;
    else return usage();
  }
  if (config_path.empty()) return usage();
  MilterConfig cfg;
  if (!load(config_path, cfg)) return 2;
  if (check_only) {
    std::cout << "cockpit-milter: " << config_path << " is fine (" << cfg.rules.size() << " rules)" << std::endl;
    return 0;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread
  std::string error;
  std::unique_ptr<State> state = State::open(cfg.state_dir, error);
  if (!state) {
    log_line("state: " + error);
    return 1;
  }
  HttpClient http(cfg.server, cfg.token, cfg.timeout_ms);
  PostfixQueue queue(cfg);
  Follower follower(cfg, http, *state, queue, log_line);
  Relay relay(cfg, http, *state, follower, log_line);
  g_relay = &relay;

  smfiDesc desc{};
  desc.xxfi_name = const_cast<char*>("cockpit-milter");
  desc.xxfi_version = SMFI_VERSION;
  desc.xxfi_flags = SMFIF_QUARANTINE | SMFIF_ADDHDRS | SMFIF_DELRCPT;
  desc.xxfi_envfrom = on_envfrom;
  desc.xxfi_envrcpt = on_envrcpt;
  desc.xxfi_header = on_header;
  desc.xxfi_eom = on_eom;
  desc.xxfi_abort = on_abort;
  desc.xxfi_close = on_close;
  desc.xxfi_negotiate = on_negotiate;
  if (smfi_setconn(cfg.listen.data()) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
      smfi_opensocket(true) != MI_SUCCESS) {
    log_line("cannot listen on " + cfg.listen);
    return 1;
  }
  g_local_socket = cfg.listen.rfind("unix:", 0) == 0 || cfg.listen.rfind("local:", 0) == 0;
  if (!g_local_socket) no_delay_on_listener();
  std::cout << "cockpit-milter: listening on " << cfg.listen << ", asking " << cfg.server << std::endl;
  // libmilter takes SIGTERM, SIGINT and SIGHUP on a thread of its own (sigwait); they
  // are blocked here so the follower thread inherits the mask and never gets one.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&stop_signals, s);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  follower.start();
  const int rc = smfi_main();  // until SIGTERM, SIGINT or SIGHUP
  follower.stop();
  log_line("stopped");
  return rc == MI_SUCCESS ? 0 : 1;
}
