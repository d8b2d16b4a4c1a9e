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

void PgConn::send_simple(const char* sql) {
  collect();
  if (!PQsendQuery(c_, sql)) fail(nullptr, sql);
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

void PgConn::send_in_pipeline(const PgStatement& st) {
  const auto values = values_of(st.params);
  const int n = static_cast<int>(values.size());
  const int sent = st.control ? PQsendQueryParams(c_, st.sql, n, nullptr, values.data(), nullptr, nullptr, 0)
                              : PQsendQueryPrepared(c_, prepared_.at(st.sql).c_str(), n, values.data(), nullptr, nullptr, 0);
  if (!sent) fail(nullptr, st.sql);
}

// Each statement's answer ends with a null from PQgetResult; the sync's answer ends the
// pipeline. A statement skipped after an earlier error answers PGRES_PIPELINE_ABORTED.
std::vector<PgResult> PgConn::read_pipeline(const std::vector<PgStatement>& statements) {
  std::vector<PgResult> out;
  PGresult* bad = nullptr;
  const char* bad_sql = nullptr;
  for (const auto& st : statements) {
    PGresult* kept = nullptr;
    while (PGresult* r = PQgetResult(c_)) {
      const auto status = PQresultStatus(r);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (kept) PQclear(kept);
        kept = r;
      } else if (!bad && status != PGRES_PIPELINE_ABORTED) {
        bad = r;
        bad_sql = st.sql;
      } else {
        PQclear(r);
      }
    }
    out.emplace_back(kept);
  }
  while (PGresult* r = PQgetResult(c_)) {  // the sync
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  if (!PQexitPipelineMode(c_) && !bad) fail(nullptr, "leaving pipeline mode");
  if (bad) {
    if (PQtransactionStatus(c_) == PQTRANS_INERROR || PQtransactionStatus(c_) == PQTRANS_INTRANS) {
      PGresult* r = PQexec(c_, "ROLLBACK");
      if (r) PQclear(r);
    }
    fail(bad, bad_sql);
  }
  return out;
}

std::vector<PgResult> PgConn::pipeline(const std::vector<PgStatement>& statements) {
  collect();
  for (const auto& st : statements)
    if (!st.control) prepared(st.sql);  // prepared before: PQprepare waits, which a pipeline may not
  if (!PQenterPipelineMode(c_)) fail(nullptr, "entering pipeline mode");
  try {
    for (const auto& st : statements) send_in_pipeline(st);
    if (!PQpipelineSync(c_)) fail(nullptr, "pipeline sync");
  } catch (...) {
    PQexitPipelineMode(c_);  // refused while results are pending: the connection is then broken anyway
    throw;
  }
  return read_pipeline(statements);
}

}  // namespace cockpit::server
