// POST /api/ingest: upstream systems post contract documents with an integration token.
#include "server/app.hpp"
#include "server/ingest.hpp"

namespace cockpit::server {

Response ServerApp::ingest(Request& req) {
  // admit() resolved the token and checked its scope on the headers.
  const std::string actor = req.identity;
  if (req.header("content-type").rfind("application/json", 0) != 0)
    return Response::error(415, "expected Content-Type: application/json", "", "unsupported_media_type");
  IngestOutcome out = ingest_document(storage_, req.body, actor, req.peer_ip);
  if (!out.ok) {
    nlohmann::json j{{"error", out.errors.empty() ? "invalid document" : out.errors.front()},
                     {"errors", out.errors},
                     {"code", out.code}};
    if (out.code == "managers_read_only") j["field"] = "managers";
    return Response::json(out.status, j);
  }
  live_.notify(out.cursor, out.affected);
  return Response::json(200, nlohmann::json{{"ok", true},
                                            {"records", out.records},
                                            {"changed", out.changed},
                                            {"cursor", out.cursor}});
}

}  // namespace cockpit::server
