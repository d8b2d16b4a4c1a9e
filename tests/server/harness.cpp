#include "harness.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include <doctest/doctest.h>

#include "test_store.hpp"

namespace cockpit::test {

std::string temp_dir() {
  namespace fs = std::filesystem;
  // The PostgreSQL copy of a suite runs beside its SQLite copy (ctest -j2): its files
  // (logs, device databases, admin output) must not be the other's.
  fs::path dir = fs::path(COCKPIT_TEST_TMP) / (testing_postgres() ? "server-pg" : "server");
  fs::create_directories(dir);
  return dir.string();
}

std::string temp_path(const std::string& name) {
  namespace fs = std::filesystem;
  fs::path dir = temp_dir();
  fs::path p = dir / name;
  fs::remove_all(p);
  for (const char* suffix : {"-wal", "-shm", ".log"}) fs::remove(p.string() + suffix);
  if (p.extension() == ".db") forget_store(p.string());  // on PostgreSQL: its database, afresh
  return p.string();
}

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

json HttpReply::as_json() const {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded()) FAIL("not JSON (status " << status << "): " << body.substr(0, 300));
  return j;
}

std::string server_bin() {
  const char* env = std::getenv("COCKPIT_SERVER_BIN");
  return env && *env ? env : COCKPIT_SERVER_BIN;
}

double rss_mib(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (!f) return -1;
  char line[256];
  double kib = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %lf kB", &kib) == 1) break;
  std::fclose(f);
  return kib < 0 ? -1 : kib / 1024;
}

Server::Server(std::string db, std::vector<std::string> args) : db_(store_for(db)), args_(std::move(args)) {
  // The log beside the SQLite file the test named (a database's name on PostgreSQL).
  log_ = db_.rfind("postgresql://", 0) == 0 ? temp_dir() + "/" + db_.substr(db_.rfind('/') + 1) + ".log" : db_ + ".log";
  start();
}

Server::~Server() {
  if (pid_ > 0) stop(SIGKILL);
}

void Server::start() {
  if (pid_ > 0) return;  // running already (the constructor starts it): a second one would be orphaned
  int out[2];
  REQUIRE(pipe2(out, O_CLOEXEC) == 0);
  std::vector<std::string> argv{server_bin(), "serve", "--port", "0", "--db", db_};
  argv.insert(argv.end(), args_.begin(), args_.end());
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    dup2(out[1], 1);
    int err = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, 2);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
  close(out[1]);
  // Read stdout until the "listening on" line (or the process ends, or 20 s pass).
  out_.clear();
  static const std::regex listening(R"(listening on http://[^:]+:(\d+)/)");
  std::smatch m;
  pollfd p{out[0], POLLIN, 0};
  while (!std::regex_search(out_, m, listening)) {
    int n = poll(&p, 1, 20000);
    REQUIRE_MESSAGE(n > 0, "cockpit-server did not report its port within 20 s");
    char buf[4096];
    ssize_t got = read(out[0], buf, sizeof buf);
    REQUIRE_MESSAGE(got > 0, "cockpit-server exited before listening; see " << log_);
    out_.append(buf, static_cast<std::size_t>(got));
  }
  port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  // Keep reading the rest of the banner (demo logins) without blocking.
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  char buf[4096];
  ssize_t got;
  while ((got = read(out[0], buf, sizeof buf)) > 0) out_.append(buf, static_cast<std::size_t>(got));
  close(out[0]);
}

int Server::stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  kill(pid_, sig);
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    int n = poll(&p, 1, timeout_ms);
    close(pidfd);
    if (n <= 0) {
      kill(pid_, SIGKILL);
      FAIL_CHECK("cockpit-server did not exit within " << timeout_ms << " ms of signal " << sig);
    }
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

namespace {
size_t on_body(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}
size_t on_header(char* p, size_t size, size_t n, void* ud) {
  auto* h = static_cast<std::multimap<std::string, std::string>*>(ud);
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string k = line.substr(0, colon), v = line.substr(colon + 1);
    for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    v.erase(0, v.find_first_not_of(' '));
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
    h->emplace(k, v);
  }
  return size * n;
}
}  // namespace

HttpReply Server::call(const Call& c) const { return call_url(url(""), c); }

HttpReply call_url(const std::string& base_url, const Call& c) {
  HttpReply r;
  CURL* h = curl_easy_init();
  REQUIRE(h);
  curl_slist* hdrs = nullptr;
  const std::string u = base_url + c.path;
  curl_easy_setopt(h, CURLOPT_URL, u.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c.method.c_str());
  if (c.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (!c.body.empty() || c.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, c.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(c.body.size()));
    hdrs = curl_slist_append(hdrs, ("Content-Type: " + c.content_type).c_str());
  }
  if (!c.bearer.empty()) hdrs = curl_slist_append(hdrs, ("Authorization: Bearer " + c.bearer).c_str());
  if (!c.cookie.empty()) curl_easy_setopt(h, CURLOPT_COOKIE, c.cookie.c_str());
  hdrs = curl_slist_append(hdrs, "Expect:");  // no 100-continue round trip
  for (const auto& x : c.headers) hdrs = curl_slist_append(hdrs, x.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c.timeout_ms);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const std::string source = "host!" + c.source;
  if (!c.source.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, source.c_str());
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  else r.body = std::string("curl: ") + curl_easy_strerror(rc);
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(h);
  return r;
}

HttpReply Server::get(const std::string& path, const std::string& bearer) const {
  Call c;
  c.path = path;
  c.bearer = bearer;
  return call(c);
}

HttpReply Server::post(const std::string& path, const json& body, const std::string& bearer) const {
  Call c;
  c.method = "POST";
  c.path = path;
  c.body = body.dump();
  c.bearer = bearer;
  return call(c);
}

std::string Server::sign_in(const std::string& manager, const std::string& password) const {
  auto r = post("/api/session", json{{"manager", manager}, {"password", password}});
  REQUIRE_MESSAGE(r.status == 200, "sign-in of " << manager << " failed: " << r.body);
  return r.as_json()["token"].get<std::string>();
}

int run_admin(const std::vector<std::string>& args, const std::string& input, std::string* out) {
  std::string cmd = server_bin();
  // A test names its SQLite path; on PostgreSQL the admin command goes to that path's database.
  for (std::size_t i = 0; i < args.size(); ++i)
    cmd += " '" + (i > 0 && args[i - 1] == "--db" ? store_for(args[i]) : args[i]) + "'";
  // One file per test process: ctest -j2 runs two suites at once, and a shared file let
  // one read the other's token or webhook secret.
  std::string outfile = temp_path("admin-" + std::to_string(getpid()) + ".out");
  cmd += " > '" + outfile + "'";
  FILE* f = popen(cmd.c_str(), "w");
  REQUIRE(f);
  fwrite(input.data(), 1, input.size(), f);
  int status = pclose(f);
  if (out) {
    FILE* o = fopen(outfile.c_str(), "r");
    out->clear();
    char buf[4096];
    size_t n;
    while (o && (n = fread(buf, 1, sizeof buf, o)) > 0) out->append(buf, n);
    if (o) fclose(o);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string integration_token(const Server& s, const std::string& name) {
  std::string token;
  REQUIRE(run_admin({"add-integration", "--db", s.db(), "--name", name}, "", &token) == 0);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  REQUIRE(token.size() > 20);
  return token;
}

void add_managers(const Server& s, const json& document, const std::string& password) {
  for (const auto& m : document.value("managers", json::array()))
    REQUIRE(run_admin({"add-manager", "--db", s.db(), "--id", m["id"], "--name", m["name"], "--email", m["email"],
                       "--role", m["role"], "--password-stdin"},
                      password + "\n") == 0);
}

HttpReply ingest(const Server& s, const std::string& token, const std::string& document, long timeout_ms) {
  return s.call({.method = "POST", .path = "/api/ingest", .body = document, .bearer = token, .timeout_ms = timeout_ms});
}

json Device::upsert(const std::string& kind, const std::string& id, json fields, std::int64_t base_seq) {
  return json{{"mutation_id", next_mutation++}, {"kind", "upsert"}, {"record_kind", kind},
              {"record_id", id}, {"fields", std::move(fields)}, {"base_seq", base_seq}};
}

json Device::reassign(const std::string& customer, const std::string& new_owner, std::int64_t base_seq) {
  return json{{"mutation_id", next_mutation++}, {"kind", "reassign"}, {"record_kind", "customer"},
              {"record_id", customer}, {"new_owner", new_owner}, {"base_seq", base_seq}};
}

HttpReply Device::push(const std::vector<json>& mutations) const {
  json body{{"client_id", client_id}, {"schema_version", 1}, {"mutations", mutations}};
  return server->post("/api/push", body, token);
}

HttpReply Device::pull(std::int64_t since) const {
  return server->get("/api/pull?since=" + std::to_string(since), token);
}

}  // namespace cockpit::test
