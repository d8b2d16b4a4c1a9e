// Admin commands about the store itself, the same on SQLite and PostgreSQL:
//   migrate --db DB   brings the schema to this server's version (serve does it too;
//                     run it alone before starting several new processes at once)
//   export --db DB    the whole book as a contract document (src/domain/CONTRACT.md)
//                     on stdout: every record as stored, each list sorted by id
#include <algorithm>
#include <cstdio>
#include <map>

#include "server/admin.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

namespace {

// The value of `--db` (the only flag these commands take), or "" after a message.
std::string db_arg(const std::vector<std::string>& args, const char* command) {
  if (args.size() == 2 && args[0] == "--db" && !args[1].empty()) return args[1];
  std::fprintf(stderr, "usage: cockpit-server %s --db FILE|postgresql://...\n", command);
  return "";
}

}  // namespace

int admin_migrate(const std::vector<std::string>& args) {
  const std::string db = db_arg(args, "migrate");
  if (db.empty()) return 2;
  try {
    auto storage = open_storage(db, true, true);
    const auto [found, now] = storage->schema_versions();
    storage->close();
    if (found == now) std::printf("schema version %d: up to date\n", now);
    else std::printf("schema version %d -> %d: migrated\n", found, now);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cockpit-server migrate: %s\n", e.what());
    return 1;
  }
  return 0;
}

int admin_export(const std::vector<std::string>& args) {
  const std::string db = db_arg(args, "export");
  if (db.empty()) return 2;
  try {
    // Not migrated: an export reads what is there, and refuses a newer schema.
    auto storage = open_storage(db, true, false);
    PullData all = storage->read_since(Scope{"", true}, 0, 0);
    storage->close();
    std::map<RecordKind, std::vector<const RecordRow*>> lists;
    for (const auto& r : all.records) lists[r.kind].push_back(&r);
    std::printf("{");
    bool first_list = true;
    for (RecordKind k : all_record_kinds()) {
      auto& rows = lists[k];
      std::sort(rows.begin(), rows.end(), [](const RecordRow* a, const RecordRow* b) { return a->id < b->id; });
      std::printf("%s\n\"%.*s\": [", first_list ? "" : ",", static_cast<int>(list_name(k).size()), list_name(k).data());
      first_list = false;
      for (std::size_t i = 0; i < rows.size(); ++i) std::printf("%s\n  %s", i ? "," : "", rows[i]->body.c_str());
      std::printf("%s]", rows.empty() ? "" : "\n");
    }
    std::printf("\n}\n");
    std::fprintf(stderr, "exported %zu records (cursor %lld)\n", all.records.size(),
                 static_cast<long long>(all.cursor));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cockpit-server export: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace cockpit::server
