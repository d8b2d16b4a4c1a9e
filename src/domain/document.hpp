#pragma once
// The contract's JSON document (src/domain/CONTRACT.md) to and from a Book. Pure: no I/O.
//
// parse_document() validates the WHOLE document before it hands back anything: types,
// required fields, enum spellings, unique ids per list, times, and every reference
// (to a record in the same document, or to one the caller already has: see
// KnownRecords). A bad document yields no Book, only a list of messages such as
//   promises[3] (id "p-9"): field "due_at": "2027-02-29" is not a valid time
// Hostile input (deep nesting, huge documents, lists or strings) is refused with a
// message; nothing here throws to the caller or aborts.
//
// to_json() writes a Book back in contract form, Cockpit's own fields included, so
// parse_document(to_json(b)) gives b back exactly. Both directions follow the field
// lists of domain/fields.hpp (document.cpp reads, document_write.cpp writes).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/record_kind.hpp"
#include "domain/records.hpp"

namespace cockpit {

// What already exists outside the document (the local store), so a document may refer
// to a manager, customer or case it does not itself contain. Records in the document
// take precedence over stored ones with the same id.
class KnownRecords {
 public:
  virtual ~KnownRecords() = default;
  virtual bool has_manager(std::string_view id) const = 0;
  virtual bool has_customer(std::string_view id) const = 0;
  // The customer a stored case belongs to; nullopt when no such case is stored.
  virtual std::optional<std::string> case_customer(std::string_view id) const = 0;
};

// Caps that keep a hostile document from exhausting memory or the stack.
struct ParseLimits {
  std::size_t max_bytes = 256u << 20;    // whole document
  std::size_t max_depth = 16;            // nesting of arrays/objects (the contract needs 4)
  std::size_t max_list = 2'000'000;      // records in one list, entries in one history
  std::size_t max_string = 100'000;      // bytes in one string value
  std::size_t max_messages = 100;        // messages reported before "… and N more"
};

// Where one of the messages points, for callers that show it their own way (the CSV
// import names a spreadsheet's row and column instead of `customers[3]`).
struct DocumentProblem {
  std::string list;                        // "customers"; "" for the document as a whole
  std::optional<std::size_t> index;        // the record's position in that list
  std::string field;                       // "due_at", "history[2].due_at"; "" for the record
  std::string problem;                     // what is wrong, without the where: "is required"
  std::optional<std::size_t> other_index;  // a duplicate id: the first record with that id
};

struct ParsedDocument {
  Book book;                          // empty unless ok()
  std::vector<std::string> errors;    // why the document was refused
  // The same problems, located: one per message of `errors`, in the same order, except
  // the closing "… and N more" when messages were left out (`left_out` counts them).
  std::vector<DocumentProblem> problems;
  std::size_t left_out = 0;
  // Which of Cockpit's own fields (own_fields in fields.hpp) each record's object names,
  // by kind and position in its list (bit i: own_fields(kind)[i]; kinds without own
  // fields stay empty): an ingest keeps the stored value of one the document leaves
  // out. Filled by parse_document (not by parse_document_dom).
  std::array<std::vector<std::uint32_t>, kRecordKindCount> own_named;
  bool ok() const { return errors.empty(); }
};

// Parses and validates a contract document. `known` may be null (the document must then
// be self-contained). The text is read as a stream of parser events, one record's JSON
// object at a time: the document is never held as a tree (a 61 MB book's tree is
// several hundred MB), only the Book being built.
ParsedDocument parse_document(std::string_view text, const KnownRecords* known = nullptr,
                              const ParseLimits& limits = {});
// The same through the JSON library's whole-document tree: the reference the streaming
// reader must equal message for message (tests, the fuzz target document_stream).
ParsedDocument parse_document_dom(std::string_view text, const KnownRecords* known = nullptr,
                                  const ParseLimits& limits = {});

// Validates an already-built Book with the same rules as parse_document (for records
// built in code: the demo, the generator, tests). Returns the messages; empty = valid.
std::vector<std::string> validate_book(const Book& book, const KnownRecords* known = nullptr,
                                       const ParseLimits& limits = {});

// The contract form of a Book. `indent` < 0: compact, one line.
std::string to_json(const Book& book, int indent = -1);

// One record in contract form (compact), as stored in the change log.
std::string to_json(const Manager& r);
std::string to_json(const Customer& r);
std::string to_json(const Case& r);
std::string to_json(const Promise& r);
std::string to_json(const Exception& r);
std::string to_json(const Touchpoint& r);
std::string to_json(const Scheduled& r);
std::string to_json(const SuggestionDecision& r);

// The same through the JSON library's DOM: what to_json(record) must equal byte for
// byte (to_json uses a faster direct writer; tests compare the two).
std::string to_json_slow(const Manager& r);
std::string to_json_slow(const Customer& r);
std::string to_json_slow(const Case& r);
std::string to_json_slow(const Promise& r);
std::string to_json_slow(const Exception& r);
std::string to_json_slow(const Touchpoint& r);
std::string to_json_slow(const Scheduled& r);
std::string to_json_slow(const SuggestionDecision& r);

// A promise's due-date history in contract form (a JSON array) and back; the store
// keeps it as one column. parse_history returns nullopt for anything malformed.
std::string history_to_json(const std::vector<DueChange>& history);
std::optional<std::vector<DueChange>> parse_history(std::string_view text);
// The same for any list of entries (EntryTypes in domain/fields.hpp).
template <class T>
std::string entries_to_json(const std::vector<T>& list);
template <class T>
std::optional<std::vector<T>> parse_entries(std::string_view text);

}  // namespace cockpit
