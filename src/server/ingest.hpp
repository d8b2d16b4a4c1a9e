#pragma once
// POST /api/ingest: a contract document from an upstream system, applied all or
// nothing in one transaction. Idempotent: a record whose canonical form equals the
// stored one is not written again, so the same document twice makes no new change.
//
// Upsert replaces a record's contract fields. Cockpit's own fields that upstream
// systems do not know (FieldOptions::own in domain/fields.hpp: a scheduled message's
// `status` and `decision_note`, a touchpoint's `body`) keep their stored value when the
// document does not name them: re-sending the shop's schedule must not undo a
// manager's "release".
//
// Managers are accounts: only the admin commands create or change them (add-manager,
// reset-password). A document may carry manager records equal to the stored ones (an
// export sent back unchanged); one that would create a manager or change any field of
// one is refused whole with 403 managers_read_only, naming the record and the field.
#include <string>
#include <string_view>
#include <vector>

#include "server/live.hpp"
#include "server/storage.hpp"

namespace cockpit::server {

struct IngestOutcome {
  bool ok = false;
  int status = 422;  // when !ok: 422 invalid_document, or 403 managers_read_only
  std::string code = "invalid_document";
  std::vector<std::string> errors;  // the contract's messages (record and field named)
  std::size_t records = 0, changed = 0;
  std::int64_t cursor = 0;
  Affected affected;
};

// Who may write manager records: the API's ingest never (read_only); the server's own
// admin paths (the demo book) may.
enum class ManagerRecords { read_only, writable };

IngestOutcome ingest_document(ServerStorage& storage, std::string_view text, const std::string& actor,
                              const std::string& ip, ManagerRecords managers = ManagerRecords::read_only);

// The same inside a transaction the caller holds (the source webhooks apply an event's
// records and its bookkeeping in one): when !ok the caller must roll back (or undo its
// savepoint), since a refusal may come after some records were written.
IngestOutcome ingest_in(StorageTxn& txn, std::string_view text, const std::string& actor, const std::string& ip,
                        ManagerRecords managers = ManagerRecords::read_only);

}  // namespace cockpit::server
