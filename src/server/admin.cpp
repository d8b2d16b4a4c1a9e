#include "server/admin.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <map>

#include "server/auth.hpp"
#include "server/comma_list.hpp"
#include "server/config.hpp"
#include "server/connect_sign.hpp"
#include "server/guard_plan.hpp"
#include "server/record_check.hpp"
#include "server/webhook_sign.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

namespace {

// --key value pairs; flags listed in `bare` take no value.
bool parse_args(const std::vector<std::string>& args, std::map<std::string, std::string>& out,
                const std::vector<std::string>& bare) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      std::fprintf(stderr, "unexpected argument \"%s\"\n", a.c_str());
      return false;
    }
    const std::string key(a.begin() + 2, a.end());
    if (key == "password") {
      std::fprintf(stderr, "passwords are never given on the command line: use --password-stdin\n");
      return false;
    }
    if (std::find(bare.begin(), bare.end(), key) != bare.end()) {
      out[key] = "1";
      continue;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "--%s needs a value\n", key.c_str());
      return false;
    }
    out[key] = args[++i];
  }
  return true;
}

bool need(const std::map<std::string, std::string>& a, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (!a.count(k) || a.at(k).empty()) {
      std::fprintf(stderr, "missing --%s\n", k);
      return false;
    }
  return true;
}

bool read_password(std::string& pw) {
  if (!std::getline(std::cin, pw)) {
    std::fprintf(stderr, "no password on stdin\n");
    return false;
  }
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (pw.size() < 8) {
    std::fprintf(stderr, "password too short: at least 8 characters\n");
    return false;
  }
  return true;
}


}  // namespace

int admin_add_manager(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {"password-stdin"}) || !need(a, {"db", "id", "name", "email", "role", "password-stdin"}))
    return 2;
  if (a["role"] != "manager" && a["role"] != "lead") {
    std::fprintf(stderr, "--role: manager or lead\n");
    return 2;
  }
  std::string pw;
  if (!read_password(pw) || !auth_init()) return 2;
  auto storage = open_storage(a["db"]);
  if (storage->account(a["id"])) {
    std::fprintf(stderr, "manager %s already has an account: use reset-password\n", a["id"].c_str());
    return 1;
  }
  {
    auto txn = storage->begin();
    sync::json body{{"id", a["id"]}, {"name", a["name"]}, {"email", a["email"]}, {"role", a["role"]}};
    auto checked = check_record(RecordKind::manager, body, *txn);
    if (!checked.body) {
      std::fprintf(stderr, "%s\n", checked.error.c_str());
      return 1;
    }
    auto existing = txn->record(RecordKind::manager, a["id"]);
    StoredRecord rec{RecordKind::manager, a["id"], "", {}};
    if (existing) rec.rec = existing->rec;
    auto changed = sync::diff_fields(existing ? existing->rec.body : sync::json::object(), *checked.body);
    rec.rec.body = *checked.body;
    if (!changed.empty()) txn->write_record(rec, changed, "admin", "");
    txn->audit(AuditEntry{0, "admin", "admin", "manager " + a["id"], "add-manager (" + a["role"] + ")", ""});
    txn->commit();
  }
  storage->put_account(Account{a["id"], hash_password(pw)});
  storage->close();
  std::printf("added %s %s (%s)\n", a["role"].c_str(), a["id"].c_str(), a["name"].c_str());
  return 0;
}

int admin_reset_password(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {"password-stdin"}) || !need(a, {"db", "id", "password-stdin"})) return 2;
  std::string pw;
  if (!read_password(pw) || !auth_init()) return 2;
  auto storage = open_storage(a["db"]);
  if (!storage->account(a["id"]) && !storage->manager(a["id"])) {
    std::fprintf(stderr, "no manager %s\n", a["id"].c_str());
    return 1;
  }
  storage->put_account(Account{a["id"], hash_password(pw)});
  storage->delete_sessions_of(a["id"]);  // every device signs in again
  storage->audit(AuditEntry{0, "admin", "admin", "manager " + a["id"], "reset-password, sessions ended", ""});
  storage->close();
  std::printf("password of %s reset; existing sessions ended\n", a["id"].c_str());
  return 0;
}

namespace {

// --source: the integration is a source's webhooks (src/server/CONNECT.md), checked by
// the signing secret the source gave (stdin, never the command line); it has no token.
int add_source_integration(std::map<std::string, std::string>& a) {
  const auto source = parse_source(a["source"]);
  if (!source) {
    std::fprintf(stderr, "--source: \"%s\" is not a source (stripe, shopify, zendesk)\n", a["source"].c_str());
    return 2;
  }
  if (a.count("scopes")) {
    std::fprintf(stderr, "--scopes: a source's integration has none (its webhooks are checked by signature)\n");
    return 2;
  }
  ConnectSource c{a["source"], a["name"], {}, split_list(a.count("mark") ? a["mark"] : ""), now_utc()};
  for (const auto& m : c.marked)
    if (m.rfind("type:", 0) != 0 && m.rfind("tag:", 0) != 0 && m.rfind("priority:", 0) != 0) {
      std::fprintf(stderr, "--mark: \"%s\" is not type:TYPE, tag:TAG or priority:PRIORITY\n", m.c_str());
      return 2;
    }
  if (!std::getline(std::cin, c.secret)) c.secret.clear();
  if (!c.secret.empty() && c.secret.back() == '\r') c.secret.pop_back();
  if (c.secret.size() < 8) {
    std::fprintf(stderr, "no signing secret on stdin (the one %s shows for the webhook endpoint)\n", c.source.c_str());
    return 2;
  }
  if (!auth_init()) return 2;
  auto storage = open_storage(a["db"]);
  storage->add_integration(Integration{a["name"], token_hash(new_token()), now_utc(), {"connect:" + c.source}});
  storage->put_connect_source(c);
  storage->audit(AuditEntry{0, "admin", "admin", "integration " + a["name"], "add-integration --source " + c.source, ""});
  storage->close();
  std::printf("integration \"%s\" receives %s webhooks at POST /api/connect/%s\n", a["name"].c_str(), c.source.c_str(),
              c.source.c_str());
  return 0;
}

}  // namespace

int admin_add_integration(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {"secret-stdin"}) || !need(a, {"db", "name"})) return 2;
  // The name prefixes the ids of the messages it gives the check ("shop:ord-1"), so it
  // may not hold a ':' (two integrations could then make the same id) or anything odd.
  const std::string& name = a["name"];
  const bool plain = !name.empty() && name.size() <= 64 &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                     });
  if (!plain) {
    std::fprintf(stderr, "--name: \"%s\" must be 1 to 64 letters, digits, '-', '_' or '.'\n", name.c_str());
    return 2;
  }
  if (a.count("source")) return add_source_integration(a);
  if (a.count("secret-stdin") || a.count("mark")) {
    std::fprintf(stderr, "--secret-stdin and --mark are for a source's integration (--source)\n");
    return 2;
  }
  const auto scopes = split_list(a.count("scopes") ? a["scopes"] : "ingest");
  for (const auto& s : scopes)
    if (s != "ingest" && s != "check" && s != "feed") {
      std::fprintf(stderr, "--scopes: \"%s\" is not a scope (ingest, check, feed)\n", s.c_str());
      return 2;
    }
  if (scopes.empty()) {
    std::fprintf(stderr, "--scopes: name at least one of ingest, check, feed\n");
    return 2;
  }
  if (!auth_init()) return 2;
  auto storage = open_storage(a["db"]);
  const std::string token = new_token();
  storage->add_integration(Integration{a["name"], token_hash(token), now_utc(), scopes});
  storage->audit(AuditEntry{0, "admin", "admin", "integration " + a["name"], "add-integration (" + join_list(scopes) + ")", ""});
  storage->close();
  // Shown once: only its hash is stored.
  std::printf("%s\n", token.c_str());
  std::fprintf(stderr, "integration \"%s\" added; the token above is shown only once\n", a["name"].c_str());
  return 0;
}

int admin_add_webhook(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {}) || !need(a, {"db", "url"})) return 2;
  if (a["url"].rfind("http://", 0) != 0 && a["url"].rfind("https://", 0) != 0) {
    std::fprintf(stderr, "--url: an http:// or https:// address\n");
    return 2;
  }
  WebhookEndpoint w;
  w.url = a["url"];
  w.events = a.count("events") ? split_list(a["events"]) : guard_event_types();
  for (const auto& e : w.events)
    if (std::find(guard_event_types().begin(), guard_event_types().end(), e) == guard_event_types().end()) {
      std::fprintf(stderr, "--events: \"%s\" is not an event (%s)\n", e.c_str(), join_list(guard_event_types()).c_str());
      return 2;
    }
  if (!auth_init()) return 2;
  w.id = "wh_" + new_token().substr(0, 12);
  w.secret = new_webhook_secret();
  w.created = now_utc();
  auto storage = open_storage(a["db"]);
  storage->add_webhook(w);
  storage->audit(AuditEntry{0, "admin", "admin", "webhook " + w.id, "add-webhook " + w.url, ""});
  storage->close();
  // The secret is shown once, like a token; the endpoint checks signatures with it.
  std::printf("%s %s\n", w.id.c_str(), w.secret.c_str());
  std::fprintf(stderr, "webhook %s added for %s (events %s); its signing secret above is shown only once\n",
               w.id.c_str(), w.url.c_str(), join_list(w.events).c_str());
  return 0;
}

int admin_webhooks(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {}) || !need(a, {"db"})) return 2;
  auto storage = open_storage(a["db"]);
  std::printf("endpoints:\n");
  for (const auto& w : storage->webhooks())
    std::printf("  %s %s events=%s %s\n", w.id.c_str(), w.url.c_str(), join_list(w.events).c_str(),
                w.disabled_at ? ("DISABLED " + w.disabled_reason).c_str() : "active");
  std::printf("recent deliveries (newest first):\n");
  for (const auto& d : storage->recent_deliveries(50))
    std::printf("  %s %s %s %s attempts=%d last_status=%d%s%s\n", format_time(d.created).c_str(), d.webhook.c_str(),
                d.msg_id.c_str(), d.event.c_str(), d.attempts, d.last_status, d.state == "pending" ? " next=" : " ",
                d.state == "pending" ? format_time(d.next_at).c_str() : d.state.c_str());
  storage->close();
  return 0;
}

int admin_remove_webhook(const std::vector<std::string>& args) {
  std::map<std::string, std::string> a;
  if (!parse_args(args, a, {}) || !need(a, {"db", "id"})) return 2;
  auto storage = open_storage(a["db"]);
  const bool removed = storage->remove_webhook(a["id"]);
  if (removed) storage->audit(AuditEntry{0, "admin", "admin", "webhook " + a["id"], "remove-webhook", ""});
  storage->close();
  if (!removed) {
    std::fprintf(stderr, "no webhook %s\n", a["id"].c_str());
    return 1;
  }
  std::printf("webhook %s removed; its pending deliveries are dropped\n", a["id"].c_str());
  return 0;
}

}  // namespace cockpit::server
