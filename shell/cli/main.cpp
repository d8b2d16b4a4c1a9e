// cockpit-cli: the headless tool on the same database file as the desktop app.
//
//   cockpit-cli import FILE.json --db DB            apply a document (all or nothing)
//   cockpit-cli import-csv FILE.csv --kind customers|promises --db DB [--map FIELD=HEADER]…
//                    [--set FIELD=VALUE]… [--dates iso|dmy|mdy] [--delimiter C] [--dry-run]
//                                                   a spreadsheet's rows (src/domain/CSV.md)
//   cockpit-cli export --db DB [FILE]               write everything as a document
//   cockpit-cli report --db DB --manager ID [--as-of TIME] [--json]
//   cockpit-cli demo --db DB [--today TIME] [--file DEMO.json]  the built-in demo book, or DEMO.json
//   cockpit-cli generate --db DB --customers N --seed S [--today TIME]
//   cockpit-cli sync --db DB --server URL [--as ID --password-stdin] [--once | --watch]
//                    [--act N [--label TEXT]] [--timeout S]   (a device of a server: sync_command.cpp)
//
// Exit status 0 on success; otherwise 1 (or 2 for a usage error) with one line on
// stderr that says what went wrong. A thin shell: every rule lives in src/.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/report.hpp"
#include "domain/csv_import.hpp"
#include "domain/demo.hpp"
#include "domain/demo_book.hpp"
#include "domain/document.hpp"
#include "engine/lists.hpp"
#include "engine/templates.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"
#if COCKPIT_CLI_SYNC
#include "sync_command.hpp"
#endif

namespace fs = std::filesystem;
using namespace cockpit;

namespace {

constexpr const char* kUsage =
    "usage: cockpit-cli import FILE.json --db DB\n"
    "       cockpit-cli import-csv FILE.csv --kind customers|promises --db DB [--map FIELD=HEADER]...\n"
    "                              [--set FIELD=VALUE]... [--dates iso|dmy|mdy] [--delimiter ,|;|tab] [--dry-run]\n"
    "       cockpit-cli export --db DB [FILE]\n"
    "       cockpit-cli report --db DB --manager ID [--as-of TIME] [--json]\n"
    "       cockpit-cli demo --db DB [--today TIME] [--file DEMO.json]\n"
    "       cockpit-cli generate --db DB --customers N --seed S [--today TIME]\n"
    "       cockpit-cli sync --db DB --server URL [--as ID --password-stdin] [--once | --watch]\n"
    "                        [--act N [--label TEXT]] [--timeout S]\n"
    "\n"
    "demo writes the built-in demo book (the five seed stories, assets/demo/demo.json,\n"
    "compiled in) dated around --today (default: now); --file DEMO.json writes another\n"
    "document with relative times (\"@-5d 14:00\") instead.\n"
    "\n"
    "import-csv reads a spreadsheet's CSV of customers or promises (a header row, then one\n"
    "record a row): a field takes the column named like it (\"Due at\" feeds due_at) unless\n"
    "--map FIELD=HEADER names another (FIELD= for none), --set FIELD=VALUE gives every row\n"
    "one value, --dates says how the sheet writes dates (iso: 2026-04-03, dmy: 03/04/2026,\n"
    "mdy: 04/03/2026). Every row is checked like a contract document; one bad row refuses\n"
    "the file, naming each problem's row and column. --dry-run prints what would change.\n";

// A failure that ends the program with one line on stderr.
struct Failure {
  std::string message;
  int code = 1;
};

[[noreturn]] void fail(std::string message, int code = 1) { throw Failure{std::move(message), code}; }

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value
  std::map<std::string, bool> flags;           // --name
  std::map<std::string, std::vector<std::string>> lists;  // --name value, repeated

  std::optional<std::string> get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  std::string need(const std::string& name) const {
    auto v = get(name);
    if (!v) fail(command + ": missing --" + name, 2);
    return *v;
  }
};

Args parse_args(int argc, char** argv) {
  static const char* kWithValue[] = {"db",   "manager", "as-of", "today", "customers", "seed", "file",
                                     "actor", "server", "as",   "act",   "label",     "timeout",
                                     "kind", "dates", "delimiter"};
  static const char* kFlags[] = {"json", "help", "password-stdin", "once", "watch", "dry-run"};
  static const char* kRepeated[] = {"map", "set"};
  Args a;
  if (argc < 2) fail("no command given", 2);
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      a.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    bool takes_value = false, is_flag = false, repeated = false;
    for (const char* v : kWithValue) takes_value = takes_value || name == v;
    for (const char* v : kRepeated) repeated = repeated || name == v;
    takes_value = takes_value || repeated;
    for (const char* f : kFlags) is_flag = is_flag || name == f;
    if (is_flag && !has_value) {
      a.flags[name] = true;
    } else if (takes_value) {
      if (!has_value) {
        if (i + 1 >= argc) fail(a.command + ": --" + name + " needs a value", 2);
        value = argv[++i];
      }
      if (repeated)
        a.lists[name].push_back(value);
      else
        a.options[name] = value;
    } else {
      fail(a.command + ": unknown option --" + name, 2);
    }
  }
  return a;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path + ": " + std::strerror(errno));
  // A file's size known: one read into a string of that size (a 61 MB book through a
  // string stream cost about a second and twice its size in copies).
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size >= 0) {
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0, std::ios::beg);
    if (in.read(text.data(), size) && in.gcount() == size) return text;
    fail("cannot read " + path);
  }
  in.clear();  // not seekable (a pipe): read it to its end
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) fail("cannot read " + path);
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail("cannot write " + path + ": " + std::strerror(errno));
  out << text;
  out.close();
  if (!out) fail("cannot write " + path);
}

Time parse_time_option(const Args& a, const std::string& name) {
  auto v = a.get(name);
  if (!v) return now_utc();
  auto t = parse_time(*v);
  if (!t) fail(a.command + ": bad time in --" + name + ": \"" + *v + "\" (use e.g. 2026-11-22 or 2026-11-22T09:00:00Z)", 2);
  return *t;
}

Store open_store(const Args& a, bool create) {
  const std::string db = a.need("db");
  if (!create && !fs::exists(db)) fail("no database at " + db + " (import a document or run demo first)");
  auto s = Store::open(db, OpenOptions{"WAL", create});
  if (!s) fail(s.error());
  return std::move(s).value();
}

Stamp stamp(const Args& a) { return {a.get("actor").value_or("cli"), now_utc()}; }

// The audit row's detail for an import.
std::string summary_json(const ImportSummary& s, const std::string& file) {
  nlohmann::json d = {{"file", file}, {"changed", s.changed}, {"unchanged", s.unchanged}};
  return d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Refusal messages come one per line; the CLI reports them on one line.
std::string one_line(std::string s) {
  for (std::size_t p = 0; (p = s.find('\n', p)) != std::string::npos;) s.replace(p, 1, "; ");
  return s;
}

int cmd_import(const Args& a) {
  if (a.positional.size() != 1) fail("import: give exactly one FILE.json", 2);
  const std::string& file = a.positional[0];
  const std::string text = read_file(file);
  Store store = open_store(a, true);
  const Stamp who = stamp(a);
  auto parsed = parse_document(text, &store.known());
  if (!parsed.ok()) {
    std::string msg;
    for (const auto& m : parsed.errors) msg += (msg.empty() ? "" : "\n") + m;
    fail("import: " + file + " refused (" + std::to_string(parsed.errors.size()) + " problem" +
         (parsed.errors.size() == 1 ? "" : "s") + "; nothing applied): " + one_line(msg));
  }
  ImportSummary sum;
  Status st = store.transaction([&]() -> Status {
    auto r = store.import_document(parsed.book, who);
    if (!r) return Error{r.error()};
    sum = *r;
    return store.append_audit(who, "import", summary_json(sum, file));
  });
  if (!st) fail("import: " + file + " refused (nothing applied): " + one_line(st.error()));
  std::cout << "imported " << file << ": " << sum.changed << " records changed, " << sum.unchanged << " unchanged\n";
  return 0;
}

// ---------------------------------------------------------------- import-csv

RecordKind csv_kind(const Args& a) {
  const std::string k = a.need("kind");
  if (k == "customers" || k == "customer") return RecordKind::customer;
  if (k == "promises" || k == "promise") return RecordKind::promise;
  fail("import-csv: --kind is customers or promises, not \"" + k + "\"", 2);
}

CsvMapping csv_mapping(const Args& a) {
  CsvMapping m;
  const std::string dates = a.get("dates").value_or("iso");
  auto form = parse_DateForm(dates);
  if (!form) fail("import-csv: --dates is iso, dmy or mdy, not \"" + dates + "\"", 2);
  m.dates = *form;
  for (const char* option : {"map", "set"}) {
    auto it = a.lists.find(option);
    if (it == a.lists.end()) continue;
    for (const auto& arg : it->second)
      if (auto bad = add_mapping_argument(m, arg, std::string(option) == "set"))
        fail("import-csv: --" + std::string(option) + " " + *bad, 2);
  }
  return m;
}

char csv_delimiter(const Args& a) {
  const std::string d = a.get("delimiter").value_or("");
  if (d.empty()) return 0;  // from the header line
  if (d == "tab" || d == "\t") return '\t';
  if (d == "," || d == ";" || d == "|") return d[0];
  fail("import-csv: --delimiter is one of , ; | tab, not \"" + d + "\"", 2);
}

// The file's text, refused before it is read when it is larger than the reader takes.
std::string read_csv_file(const std::string& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (!ec && size > CsvLimits{}.max_bytes)
    fail("import-csv: " + file + " refused (nothing applied): " + std::to_string(size) +
         " bytes, more than the limit of " + std::to_string(CsvLimits{}.max_bytes));
  return read_file(file);
}

// The stored records with the ids of the import (to keep unfed fields, to tell changes).
Book stored_records(Store& store, const Book& records) {
  Book out;
  for (const Customer& c : records.customers)
    if (auto r = store.get_customer(c.id); r && *r) out.customers.push_back(**r);
  for (const Promise& p : records.promises)
    if (auto r = store.get_promise(p.id); r && *r) out.promises.push_back(**r);
  return out;
}

void print_changes(const std::vector<CsvChange>& changes, RecordKind kind) {
  std::size_t changed = 0;
  for (const CsvChange& c : changes) {
    std::cout << "row " << c.row << ": " << to_string(kind) << " " << c.id << ": ";
    if (c.is_new) {
      std::cout << "new\n";
    } else if (c.fields.empty()) {
      std::cout << "unchanged\n";
      continue;
    } else {
      std::string fields;
      for (const auto& f : c.fields) fields += (fields.empty() ? "" : ", ") + f;
      std::cout << "changes " << fields << "\n";
    }
    ++changed;
  }
  std::cout << "dry run: " << changed << " records would change, " << changes.size() - changed
            << " unchanged; nothing written\n";
}

int cmd_import_csv(const Args& a) {
  if (a.positional.size() != 1) fail("import-csv: give exactly one FILE.csv", 2);
  const std::string& file = a.positional[0];
  const RecordKind kind = csv_kind(a);
  const CsvMapping mapping = csv_mapping(a);
  const char delimiter = csv_delimiter(a);
  const std::string text = read_csv_file(file);
  Store store = open_store(a, false);
  CsvImport csv;
  Book stored;
  store.reading([&] {
    CsvRead read = read_csv(text, delimiter);
    csv = read.ok() ? import_csv(read.table, kind, mapping, &store.known()) : csv_read_problem(read, kind);
    if (csv.ok()) stored = stored_records(store, csv.book);
  });
  if (!csv.ok()) {
    const auto msgs = csv.messages();
    std::string msg;
    for (const auto& m : msgs) msg += (msg.empty() ? "" : "; ") + m;
    const std::size_t n = csv.problems.size() + csv.left_out;
    fail("import-csv: " + file + " refused (" + std::to_string(n) + " problem" + (n == 1 ? "" : "s") +
         "; nothing applied): " + one_line(msg));
  }
  keep_unfed_fields(csv, stored);
  if (a.flags.count("dry-run")) {
    print_changes(csv_changes(csv, stored), kind);
    return 0;
  }
  const Stamp who = stamp(a);
  ImportSummary sum;
  Status st = store.transaction([&]() -> Status {
    auto r = store.import_document(csv.book, who);
    if (!r) return Error{r.error()};
    sum = *r;
    return store.append_audit(who, "import_csv", summary_json(sum, file));
  });
  if (!st) fail("import-csv: " + file + " refused (nothing applied): " + one_line(st.error()));
  std::cout << "imported " << file << ": " << csv.records() << " " << list_name(kind) << " from "
            << csv.records() + csv.blank_rows << " rows, " << sum.changed << " records changed, " << sum.unchanged
            << " unchanged\n";
  return 0;
}

int cmd_export(const Args& a) {
  if (a.positional.size() > 1) fail("export: at most one FILE", 2);
  Store store = open_store(a, false);
  auto book = store.export_all();
  if (!book) fail("export: " + book.error());
  const std::string text = to_json(*book, 1) + "\n";
  if (a.positional.empty())
    std::cout << text;
  else
    write_file(a.positional[0], text);
  return 0;
}

int cmd_report(const Args& a) {
  if (!a.positional.empty()) fail("report: unexpected argument " + a.positional[0], 2);
  const std::string manager = a.need("manager");
  const Time as_of = parse_time_option(a, "as-of");
  Store store = open_store(a, false);
  auto slice = store.load_slice(manager);
  if (!slice) fail("report: " + slice.error());
  const Lists lists = compute_lists(*slice, manager, as_of, Settings{}, builtin_templates());
  std::cout << (a.flags.count("json") ? report_json(lists) : report_text(lists));
  return 0;
}

// The demo book: the one built in (assets/demo/demo.json, compiled in), or another
// document with relative times given with --file.
int cmd_demo(const Args& a) {
  if (!a.positional.empty()) fail("demo: unexpected argument " + a.positional[0] + " (a document goes with --file)", 2);
  const Time today = parse_time_option(a, "today");
  const auto file = a.get("file");
  const std::string source = file ? *file : std::string("the built-in demo book");
  const std::string raw = file ? read_file(*file) : std::string(demo_document_text());
  std::string err;
  auto text = resolve_relative_times(raw, today, &err);
  if (!text) fail("demo: " + source + ": " + err);
  Store store = open_store(a, true);
  const Stamp who{a.get("actor").value_or("system:demo"), now_utc()};
  auto parsed = parse_document(*text, &store.known());
  if (!parsed.ok()) fail("demo: " + source + " is not a valid document: " + one_line(parsed.errors.front()));
  ImportSummary sum;
  Status st = store.transaction([&]() -> Status {
    auto r = store.import_document(parsed.book, who);
    if (!r) return Error{r.error()};
    sum = *r;
    return store.append_audit(who, "demo", summary_json(sum, source));
  });
  if (!st) fail("demo: " + one_line(st.error()));
  std::cout << "demo book written to " << a.need("db") << " (today " << format_time(today) << "): "
            << parsed.book.customers.size() << " customers, " << sum.changed << " records changed\n";
  return 0;
}

long parse_count(const Args& a, const std::string& name, long lo, long hi) {
  const std::string v = a.need(name);
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < lo || n > hi)
    fail(a.command + ": --" + name + " must be a whole number from " + std::to_string(lo) + " to " +
             std::to_string(hi) + ", not \"" + v + "\"",
         2);
  return n;
}

int cmd_generate(const Args& a) {
  SyntheticSpec spec;
  spec.customers = static_cast<int>(parse_count(a, "customers", 1, 1'000'000));
  spec.seed = static_cast<std::uint64_t>(parse_count(a, "seed", 0, 2'000'000'000));
  spec.now = parse_time_option(a, "today");
  const Book book = generate_book(spec);
  Store store = open_store(a, true);
  const Stamp who{a.get("actor").value_or("system:generate"), now_utc()};
  ImportSummary sum;
  Status st = store.transaction([&]() -> Status {
    auto r = store.import_document(book, who);
    if (!r) return Error{r.error()};
    sum = *r;
    return store.append_audit(who, "generate",
                              "{\"customers\":" + std::to_string(spec.customers) + ",\"seed\":" +
                                  std::to_string(spec.seed) + "}");
  });
  if (!st) fail("generate: " + one_line(st.error()));
  std::cout << "generated " << book.customers.size() << " customers, " << book.promises.size() << " promises, "
            << book.touchpoints.size() << " touchpoints: " << sum.changed << " records changed\n";
  return 0;
}

// A device of a server: sign in, sync (once, or until SIGTERM), optionally after N
// numbered edits (for the fault tests). The loop itself is in sync_command.cpp.
int cmd_sync(const Args& a) {
  if (!a.positional.empty()) fail("sync: unexpected argument " + a.positional[0], 2);
#if COCKPIT_CLI_SYNC
  cli::SyncArgs s;
  s.db = a.need("db");
  s.server = a.need("server");
  if (s.server.rfind("http://", 0) != 0 && s.server.rfind("https://", 0) != 0)
    fail("sync: --server wants a URL such as http://127.0.0.1:8080", 2);
  while (!s.server.empty() && s.server.back() == '/') s.server.pop_back();
  s.as = a.get("as").value_or("");
  s.password_stdin = a.flags.count("password-stdin") > 0;
  if (s.password_stdin && s.as.empty()) fail("sync: --password-stdin goes with --as MANAGER", 2);
  if (a.flags.count("once") && a.flags.count("watch")) fail("sync: give --once or --watch, not both", 2);
  s.watch = a.flags.count("watch") > 0;
  if (a.get("act")) s.act = static_cast<int>(parse_count(a, "act", 0, 100000));
  s.label = a.get("label").value_or(s.label);
  if (a.get("timeout")) s.timeout_s = static_cast<int>(parse_count(a, "timeout", 1, 86400));
  const cli::SyncOutcome out = cli::run_sync(s, std::cin, std::cout);
  if (out.code != 0) fail(out.error, out.code);
  return 0;
#else
  fail("sync: this build of cockpit-cli has no HTTP client");
#endif
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    if (a.command == "--help" || a.command == "help" || a.flags.count("help")) {
      std::cout << kUsage;
      return 0;
    }
    if (a.command == "import") return cmd_import(a);
    if (a.command == "import-csv") return cmd_import_csv(a);
    if (a.command == "export") return cmd_export(a);
    if (a.command == "report") return cmd_report(a);
    if (a.command == "demo") return cmd_demo(a);
    if (a.command == "generate") return cmd_generate(a);
    if (a.command == "sync") return cmd_sync(a);
    fail("unknown command \"" + a.command + "\"", 2);
  } catch (const Failure& f) {
    std::cerr << "cockpit-cli: " << f.message << (f.code == 2 ? " (see cockpit-cli --help)" : "") << "\n";
    return f.code;
  } catch (const std::exception& e) {
    std::cerr << "cockpit-cli: " << e.what() << "\n";
    return 1;
  }
}
