#include "server/pg_conn.hpp"

#include <poll.h>

#include <cstring>

namespace cockpit::server {

std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::stoll(n) : 0;
}

bool is_postgres_url(std::string_view db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

PgConn::PgConn(const std::string& url) {
  // A server that does not answer is "unavailable" after 3 s, not after the kernel's
  // TCP timeout: the caller answers 503 and a load balancer tries another process.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), "3", "cockpit-server", nullptr};
  c_ = PQconnectdbParams(keys, values, 1);
  if (!c_ || PQstatus(c_) != CONNECTION_OK) {
    std::string msg = c_ ? PQerrorMessage(c_) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (c_) PQfinish(c_);
    c_ = nullptr;
    throw StorageUnavailable("cannot connect to PostgreSQL: " + msg);
  }
  // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr);
}

bool PgConn::still_there() {
  if (!healthy()) return false;
  pollfd p{PQsocket(c_), POLLIN, 0};
  // Nothing waiting: an idle, live connection. Something that came unasked on one that
  // LISTENs for nothing is, in practice, the server's goodbye ("terminating connection")
  // and EOF; libpq may read the message and still say CONNECTION_OK, so it is not asked:
  // such a connection is replaced (a connect costs a few ms, and this is rare).
  return ::poll(&p, 1, 0) == 0;
}

PgConn::~PgConn() {
  if (c_) PQfinish(c_);
}

void PgConn::fail(PGresult* r, const char* sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_);
  if (r) PQclear(r);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  const std::string where = std::string(sql).substr(0, 80);
  // Class 08: connection exceptions; 57P01-03: the server is shutting down or starting.
  const bool gone = PQstatus(c_) != CONNECTION_OK || (state && std::strncmp(state, "08", 2) == 0) ||
                    (state && std::strncmp(state, "57P0", 4) == 0);
  if (gone) throw StorageUnavailable("PostgreSQL is unreachable: " + msg);
  throw PgError("postgresql: " + msg + " in: " + where);
}

void PgConn::exec(const char* sql) {
  collect();
  PGresult* r = PQexec(c_, sql);
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  PQclear(r);
}

PgResult PgConn::simple(const std::string& sql) {
  collect();
  PGresult* r = PQexec(c_, sql.c_str());
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql.c_str());
  return PgResult(r);
}

const std::string& PgConn::prepared(const char* sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    PGresult* r = PQprepare(c_, name.c_str(), sql, 0, nullptr);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, sql);
    PQclear(r);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return it->second;
}

namespace {
std::vector<const char*> values_of(const PgParams& params) {
  std::vector<const char*> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) values[i] = params[i] ? params[i]->c_str() : nullptr;
  return values;
}
}  // namespace

PgResult PgConn::q(const char* sql, const PgParams& params) {
  collect();
  const std::string& name = prepared(sql);
  const auto values = values_of(params);
  PGresult* r = PQexecPrepared(c_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  return PgResult(r);
}

void PgConn::send(const char* sql, const PgParams& params) {
  collect();
  const std::string& name = prepared(sql);
  const auto values = values_of(params);
  if (!PQsendQueryPrepared(c_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0))
    fail(nullptr, sql);
  sent_ = sql;
}

void PgConn::collect() {
  if (!sent_) return;
  const char* sql = sent_;
  sent_ = nullptr;
  // Every result of the statement is read (libpq ends them with a null), the first
  // error kept to report.
  PGresult* bad = nullptr;
  bool any = false;
  while (PGresult* r = PQgetResult(c_)) {
    any = true;
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !bad)
      bad = r;
    else
      PQclear(r);
  }
  if (bad || !any) fail(bad, sql);
}

}  // namespace cockpit::server
