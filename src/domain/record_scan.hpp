#pragma once
// One stored record's JSON text read into its struct in a single pass, without building
// a JSON tree. For the server's guard, which reads a customer's records again before
// every commit that touches the customer (server/guard_records.hpp): building the tree
// of each text with parse_document was most of that cost.
//
// Reads every field parse_document reads, as domain/fields.hpp lists them, with the same
// conversions (times by parse_time, enums by their spelling, `null` as absent, the last
// of repeated keys), except that the lists inside a record (a customer's external_ids, a
// promise's history) are skipped and left empty. It checks no rule, no reference and no
// required field: it is for texts the contract's reader accepted when they were written.
// nullopt when the text is not one JSON object, or a field has a value of the wrong type
// or an impossible spelling. Pure; never throws for any input.
#include <optional>
#include <string_view>

#include "domain/fields.hpp"

namespace cockpit {

std::optional<AnyRecord> scan_record(RecordKind kind, std::string_view text);

// The record with its lists emptied: what scan_record gives for its contract text.
AnyRecord without_lists(AnyRecord r);

}  // namespace cockpit
