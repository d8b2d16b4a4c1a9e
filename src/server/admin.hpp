#pragma once
// Admin commands, run on the server machine against the database (a SQLite file or a
// postgresql:// URL; they may run while servers run: the store serializes the writes). Passwords come from stdin
// only, never from the command line (visible in ps and shell history).
#include <string>
#include <vector>

namespace cockpit::server {

// `args`: everything after the subcommand. Returns the process exit code.
int admin_add_manager(const std::vector<std::string>& args);
int admin_reset_password(const std::vector<std::string>& args);
int admin_add_integration(const std::vector<std::string>& args);  // --scopes ingest,check,feed
// Webhooks of the guard (src/server/GUARD.md): add prints the id and signing secret once.
int admin_add_webhook(const std::vector<std::string>& args);
int admin_webhooks(const std::vector<std::string>& args);
int admin_remove_webhook(const std::vector<std::string>& args);
// The store (admin_store.cpp): schema migrations, and the book as a contract document.
int admin_migrate(const std::vector<std::string>& args);
int admin_export(const std::vector<std::string>& args);

}  // namespace cockpit::server
