// The contract document -> Book, with full validation. The writing side is
// document_write.cpp; what each field is and whether it is required is
// domain/fields.hpp, from which everything here is driven.
//
// [SECTION] Choices this file makes (where the contract leaves room)
//  - A field's FieldOptions (domain/fields.hpp) say whether a document may leave it
//    out, and what it then is; a kind's Rules add what no single field says (a
//    fulfilled case's fulfilled_at, a snooze's until, …).
//  - Ids and references must be non-empty strings. A reference may point to a record in
//    the same document or one the caller already has (KnownRecords). A promise's,
//    exception's, touchpoint's or scheduled message's case must belong to its customer.
//    A sender is "customer", "system:<name>", or a manager id.
//  - Unknown fields inside a record are ignored (other systems may add their own).
//    Unknown top-level keys are REFUSED: a misspelt list ("promise") would otherwise
//    vanish silently. A list given as null counts as absent; so does a field.
//  - Strings: at most ParseLimits::max_string bytes, no NUL character. Invalid UTF-8 is
//    already refused by the JSON parser.
//
// [SECTION] Index
//  - Messages: where/what formatting, quoting of hostile values
//  - RecordReader: one record's fields, each problem a message
//  - Cross-checks: unique ids and references
//  - Parsing: depth, lists, the document
//  - Streaming: the same reading, one record at a time (what parse_document runs)
#include "domain/document.hpp"

#include <algorithm>
#include <array>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <type_traits>
#include <unordered_map>

#include "domain/enums.hpp"
#include "domain/fields.hpp"
#include "domain/input_scan.hpp"

namespace cockpit {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- [SECTION] Messages

// A value as it appears in a message: JSON-quoted (so control characters and quotes
// are escaped) and shortened, so a 1 MB hostile string gives a one-line message.
std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 60;
  const bool cut = s.size() > kMax;
  std::string shown(s.substr(0, kMax));
  std::string q = json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
  if (cut) q += "…";
  return q;
}

std::string type_name(const json& v) { return v.is_number() ? "number" : std::string(v.type_name()); }

template <typename E>
std::string choices() {
  std::string out;
  for (const auto& [value, name] : enum_values<E>()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

class Messages {
 public:
  explicit Messages(std::size_t max) : max_(max) {}
  void add(std::string m, DocumentProblem where = {}) {
    if (list_.size() < max_) {
      list_.push_back(std::move(m));
      located_.push_back(std::move(where));
    } else {
      ++dropped_;
    }
  }
  bool empty() const { return list_.empty(); }
  std::size_t count() const { return list_.size() + dropped_; }  // including those not kept
  std::size_t dropped() const { return dropped_; }
  std::vector<DocumentProblem> take_located() { return std::move(located_); }
  // Another list's messages after these, as if they had been added here one by one.
  void append(Messages&& other) {
    for (std::size_t i = 0; i < other.list_.size(); ++i) add(std::move(other.list_[i]), std::move(other.located_[i]));
    dropped_ += other.dropped_;
  }
  std::vector<std::string> take() {
    if (dropped_) list_.push_back("… and " + std::to_string(dropped_) + " more");
    return std::move(list_);
  }

 private:
  std::size_t max_, dropped_ = 0;
  std::vector<std::string> list_;
  std::vector<DocumentProblem> located_;
};

std::string where_of(std::string_view list, std::size_t i, const std::string& id) {
  std::string w = std::string(list) + "[" + std::to_string(i) + "]";
  if (!id.empty()) w += " (id " + quote(id) + ")";
  return w;
}

// ---------------------------------------------------------------- [SECTION] RecordReader

// Reads the fields of one record object as its RecordInfo lists them. Every problem
// becomes a message naming the record (`promises[3] (id "p-9")`) and the field; the
// field then keeps its default.
class RecordReader {
 public:
  RecordReader(const json& obj, std::string where, Messages& msgs, const ParseLimits& lim,
               DocumentProblem at = {})
      : obj_(obj), where_(std::move(where)), msgs_(msgs), lim_(lim), at_(std::move(at)) {}

  template <class R>
  R read() {
    R rec{};
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      const std::size_t before = msgs_.count();
      read_field(f, rec.*f.member);
      if (msgs_.count() != before) return;  // a rule never adds to a field's own problem
      for (const auto& rule : RecordInfo<R>::rules)
        if (rule.field == f.name)
          if (auto problem = rule.problem(rec)) fail(f.name, *problem);
    });
    return rec;
  }

 private:
  bool fail(std::string_view field, const std::string& problem) {  // false, for `return fail(…)`
    DocumentProblem located = at_;
    located.field += field;
    located.problem = problem;
    msgs_.add(where_ + ": field \"" + std::string(field) + "\": " + problem, std::move(located));
    return false;
  }

  template <class R, class T>
  void read_field(const RecordField<R, T>& f, T& out) {
    auto it = obj_.find(f.name);
    if (it == obj_.end() || it->is_null()) {
      if (!may_be_absent(f)) fail(f.name, "is required");
      return;
    }
    read_value(f.name, *it, out, f.options.nonempty);
  }

  bool read_value(std::string_view field, const json& v, std::string& out, bool nonempty) {
    if (!v.is_string()) return fail(field, "must be a string, not " + type_name(v));
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > lim_.max_string)
      return fail(field, "a string of " + std::to_string(s.size()) + " bytes is longer than the limit of " +
                             std::to_string(lim_.max_string));
    if (s.find('\0') != std::string::npos) return fail(field, "contains a NUL character");
    if (nonempty && s.empty()) return fail(field, "must not be empty");
    out = s;
    return true;
  }

  // Time (milliseconds) is the only integer a record holds.
  bool read_value(std::string_view field, const json& v, Time& out, bool) {
    if (!v.is_string()) return fail(field, "must be a time string, not " + type_name(v));
    const auto& s = v.get_ref<const std::string&>();
    auto t = parse_time(s);
    if (!t) return fail(field, quote(s) + " is not a valid time");
    out = *t;
    return true;
  }

  bool read_value(std::string_view field, const json& v, bool& out, bool) {
    if (!v.is_boolean()) return fail(field, "must be true or false, not " + type_name(v));
    out = v.get<bool>();
    return true;
  }

  template <class E>
    requires std::is_enum_v<E>
  bool read_value(std::string_view field, const json& v, E& out, bool) {
    if (!v.is_string()) return fail(field, "must be a string, not " + type_name(v));
    const auto& s = v.get_ref<const std::string&>();
    auto e = parse_enum<E>(s);
    if (!e) return fail(field, quote(s) + " is not one of: " + choices<E>());
    out = *e;
    return true;
  }

  template <class T>
  bool read_value(std::string_view field, const json& v, std::optional<T>& out, bool nonempty) {
    T value{};
    if (!read_value(field, v, value, nonempty)) return false;
    out = std::move(value);
    return true;
  }

  // A list of entries described like records (a promise's history).
  template <class T>
  bool read_value(std::string_view field, const json& v, std::vector<T>& out, bool) {
    if (!v.is_array()) return fail(field, "must be a list, not " + type_name(v));
    if (v.size() > lim_.max_list)
      return fail(field, std::to_string(v.size()) + " entries exceed the limit of " + std::to_string(lim_.max_list));
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& e = v[i];
      const std::string at = std::string(field) + "[" + std::to_string(i) + "]";
      if (!e.is_object()) {
        fail(at, "must be an object, not " + type_name(e));
        continue;
      }
      DocumentProblem entry_at = at_;
      entry_at.field += at + ".";
      RecordReader entry(e, where_ + ": field \"" + at + "\"", msgs_, lim_, std::move(entry_at));
      out.push_back(entry.read<T>());
    }
    return true;
  }

  const json& obj_;
  std::string where_;
  Messages& msgs_;
  const ParseLimits& lim_;
  DocumentProblem at_;  // the list and index of the record, and the field's prefix in an entry
};

// ---------------------------------------------------------------- [SECTION] Cross-checks

// Positions of ids in one list; reports duplicates.
template <typename R>
std::unordered_map<std::string, std::size_t> index_ids(const std::vector<R>& list, Messages& msgs) {
  constexpr std::string_view name = RecordInfo<R>::list;
  std::unordered_map<std::string, std::size_t> pos;
  pos.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].id.empty()) continue;  // already reported
    auto [it, fresh] = pos.emplace(list[i].id, i);
    if (!fresh)
      msgs.add(where_of(name, i, list[i].id) + ": field \"id\": duplicate of " + std::string(name) + "[" +
                   std::to_string(it->second) + "]",
               {std::string(name), i, "id", "duplicate of " + std::string(name) + "[" + std::to_string(it->second) + "]",
                it->second});
  }
  return pos;
}

// Every reference of every record (FieldOptions::refers), against the document and the
// records the caller already has.
class References {
 public:
  References(const Book& b, const KnownRecords* known, Messages& msgs) : book_(b), known_(known), msgs_(msgs) {
    for_each_kind([&]<class R>(std::type_identity<R>) {
      ids_[static_cast<std::size_t>(RecordInfo<R>::kind)] = index_ids(b.*RecordInfo<R>::book, msgs);
    });
  }

  void check_all() {
    for_each_kind([&]<class R>(std::type_identity<R>) {
      const auto& list = book_.*RecordInfo<R>::book;
      for (std::size_t i = 0; i < list.size(); ++i) check(list[i], i);
    });
  }

 private:
  const std::unordered_map<std::string, std::size_t>& ids(RecordKind k) const {
    return ids_[static_cast<std::size_t>(k)];
  }
  bool manager(const std::string& id) const {
    return ids(RecordKind::manager).count(id) || (known_ && known_->has_manager(id));
  }
  bool customer(const std::string& id) const {
    return ids(RecordKind::customer).count(id) || (known_ && known_->has_customer(id));
  }
  std::optional<std::string> case_customer(const std::string& id) const {
    const auto& cases = ids(RecordKind::case_);
    if (auto it = cases.find(id); it != cases.end()) return book_.cases[it->second].customer;
    if (known_) return known_->case_customer(id);
    return std::nullopt;
  }

  template <class R>
  void check(const R& r, std::size_t i) {
    std::string where;  // built on the first problem only: most records have none
    auto at = [&]() -> const std::string& {
      if (where.empty()) where = where_of(RecordInfo<R>::list, i, r.id);
      return where;
    };
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      if (f.options.refers == Ref::none) return;
      const std::string* id = text_of(r.*f.member);
      if (!id || id->empty()) return;  // absent, or already reported as empty
      std::string_view of_customer;  // the record's own customer, whose case it must be
      if constexpr (requires { r.customer; }) of_customer = r.customer;
      if (auto problem = reference_problem(f.options.refers, *id, of_customer))
        msgs_.add(at() + ": field \"" + std::string(f.name) + "\": " + *problem,
                  {std::string(RecordInfo<R>::list), i, std::string(f.name), *problem});
    });
  }

  static const std::string* text_of(const std::string& s) { return &s; }
  static const std::string* text_of(const std::optional<std::string>& s) { return s ? &*s : nullptr; }
  template <class T>
  static const std::string* text_of(const T&) {
    return nullptr;  // fields.hpp allows references only on text
  }

  std::optional<std::string> reference_problem(Ref ref, const std::string& id, std::string_view of_customer) const {
    switch (ref) {
      case Ref::manager:
        if (!manager(id)) return "no manager " + quote(id) + " in the document or the store";
        break;
      case Ref::customer:
        if (!customer(id)) return "no customer " + quote(id) + " in the document or the store";
        break;
      case Ref::case_: {
        auto owner = case_customer(id);
        if (!owner) return "no case " + quote(id) + " in the document or the store";
        if (!of_customer.empty() && *owner != of_customer)
          return "case " + quote(id) + " belongs to customer " + quote(*owner) + ", not " + quote(of_customer);
        break;
      }
      case Ref::sender: return sender_problem(id);
      case Ref::none: break;
    }
    return std::nullopt;
  }

  std::optional<std::string> sender_problem(const std::string& sender) const {
    if (sender == "customer") return std::nullopt;
    if (sender.rfind("system:", 0) == 0) {
      if (sender.size() == 7) return std::string("\"system:\" needs a name after the colon");
      return std::nullopt;
    }
    if (!manager(sender)) return quote(sender) + " is not a manager id, \"customer\" or \"system:<name>\"";
    return std::nullopt;
  }

  const Book& book_;
  const KnownRecords* known_;
  Messages& msgs_;
  std::array<std::unordered_map<std::string, std::size_t>, kRecordKindCount> ids_;
};

// ---------------------------------------------------------------- [SECTION] Parsing

template <typename R>
void read_list(const json& doc, std::vector<R>& out, Messages& msgs, const ParseLimits& lim) {
  const std::string name(RecordInfo<R>::list);
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return;
  if (!it->is_array()) {
    msgs.add("document: field \"" + name + "\": must be a list, not " + type_name(*it));
    return;
  }
  if (it->size() > lim.max_list) {
    msgs.add("document: field \"" + name + "\": " + std::to_string(it->size()) + " records exceed the limit of " +
             std::to_string(lim.max_list));
    return;
  }
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& rec = (*it)[i];
    if (!rec.is_object()) {
      msgs.add(name + "[" + std::to_string(i) + "]: must be an object, not " + type_name(rec),
               {name, i, "", "must be an object, not " + type_name(rec)});
      out.emplace_back();
      continue;
    }
    std::string id;
    if (auto idv = rec.find("id"); idv != rec.end() && idv->is_string()) id = idv->get<std::string>();
    RecordReader r(rec, where_of(name, i, id), msgs, lim, {name, i});
    out.push_back(r.read<R>());
  }
}

// Top-level keys that are not a list of the contract.
void check_lists(const json& doc, Messages& msgs) {
  std::string known;
  for (RecordKind k : all_record_kinds()) known += (known.empty() ? "" : ", ") + std::string(list_name(k));
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const auto kinds = all_record_kinds();
    if (std::none_of(kinds.begin(), kinds.end(), [&](RecordKind k) { return it.key() == list_name(k); }))
      msgs.add("document: unknown list " + quote(it.key()) + " (known: " + known + ")");
  }
}

ParsedDocument refuse(std::vector<std::string> errors) {
  ParsedDocument d;
  d.errors = std::move(errors);
  return d;
}

// ---------------------------------------------------------------- [SECTION] Streaming

// Builds one record's JSON object from the parser's events, as the library's own DOM
// parser would (a repeated key keeps its last value), so RecordReader sees the same
// object it would see in a whole-document tree.
class RecordDom {
 public:
  bool building() const { return !stack_.empty(); }
  json take() { return std::move(root_); }
  template <class V>
  void value(V&& v) {
    *slot() = json(std::forward<V>(v));
  }
  void start(json container) {
    json* made = slot();
    *made = std::move(container);
    stack_.push_back(made);
  }
  void key(const std::string& k) { key_slot_ = &(*stack_.back())[k]; }
  void end() { stack_.pop_back(); }

 private:
  // Where the next value goes: the root, the end of the open array, or the last key's.
  json* slot() {
    if (stack_.empty()) return &root_;
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return &top.back();
    }
    return key_slot_;
  }
  json root_;
  std::vector<json*> stack_;
  json* key_slot_ = nullptr;
};

// One list of the document as it streams by: its records so far and their messages,
// kept apart from the other lists' so that the messages come out in the order the
// whole-document reader gives them (unknown lists, then list by list in kind order).
struct ListState {
  explicit ListState(std::size_t max_messages) : msgs(max_messages) {}
  Messages msgs;
  std::size_t count = 0;  // entries seen in the list
};

using OwnNamed = std::array<std::vector<std::uint32_t>, kRecordKindCount>;

// Bit i set when `rec` names own_fields(kind)[i] (null counts as named).
std::uint32_t own_named_in(RecordKind kind, const json& rec) {
  std::uint32_t bits = 0;
  const auto& own = own_fields(kind);
  for (std::size_t i = 0; i < own.size() && i < 32; ++i)
    if (rec.contains(own[i])) bits = bits | (std::uint32_t{1} << i);
  return bits;
}

// The parser's event handler (nlohmann's SAX interface): the document read one record
// at a time, each record's object handed to RecordReader and then dropped, so the
// document is never held as a tree. Every message is the whole-document reader's.
class StreamReader {
 public:
  StreamReader(Book& book, OwnNamed& own_named, const ParseLimits& lim)
      : book_(book), own_named_(own_named), lim_(lim) {
    for (std::size_t k = 0; k < kRecordKindCount; ++k) lists_.emplace_back(lim.max_messages);
  }

  bool null() { return scalar("null", nullptr); }
  bool boolean(bool v) { return scalar("boolean", v); }
  bool number_integer(json::number_integer_t v) { return scalar("number", v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar("number", v); }
  bool number_float(json::number_float_t v, const std::string&) { return scalar("number", v); }
  bool string(std::string& v) { return scalar("string", std::move(v)); }
  bool binary(json::binary_t&) { return true; }  // not produced by the JSON text reader
  bool start_object(std::size_t) { return start(json::object(), "object"); }
  bool start_array(std::size_t) { return start(json::array(), "array"); }
  bool end_object() { return end(); }
  bool end_array() { return end(); }
  bool key(std::string& k);
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = std::string("document: not valid JSON: ") + e.what();
    return false;
  }

  // After the parse: the outcome's messages so far, in the whole-document order.
  std::optional<std::string> refusal() const;
  Messages messages();

 private:
  enum class At { top, document, value_of_list, list, skipping };

  template <class V>
  bool scalar(const char* type, V&& v);
  bool start(json container, const char* type);
  bool end();
  void item_not_object(const char* type);
  void record_done();
  void list_done();
  ListState& list() { return lists_[static_cast<std::size_t>(kind_)]; }

  Book& book_;
  OwnNamed& own_named_;
  const ParseLimits& lim_;
  std::vector<ListState> lists_;
  std::set<std::string> unknown_;  // top-level keys that are no list, in the tree's order
  std::string top_type_;           // "object", or what the document is instead
  std::string error_;              // the parser's, when the text is not JSON
  At at_ = At::top;
  At after_skip_ = At::top;  // where a skipped value ends
  std::size_t skip_depth_ = 0;
  RecordKind kind_ = RecordKind::manager;  // the list being read (at value_of_list, list)
  RecordDom record_;
};

bool StreamReader::key(std::string& k) {
  if (record_.building()) {
    record_.key(k);
  } else if (at_ == At::document) {
    const auto kinds = all_record_kinds();
    const auto* found = std::find_if(kinds.begin(), kinds.end(), [&](RecordKind c) { return list_name(c) == k; });
    if (found == kinds.end()) {
      unknown_.insert(k);
      at_ = At::skipping;  // its value, whatever it is
      skip_depth_ = 0;
      after_skip_ = At::document;
      return true;
    }
    kind_ = *found;  // a list named twice counts as its last, as in the tree
    list() = ListState(lim_.max_messages);
    visit_kind(kind_, [&]<class R>(std::type_identity<R>) { (book_.*RecordInfo<R>::book).clear(); });
    own_named_[static_cast<std::size_t>(kind_)].clear();
    at_ = At::value_of_list;
  }
  return true;
}

template <class V>
bool StreamReader::scalar(const char* type, V&& v) {
  if (record_.building()) {
    record_.value(std::forward<V>(v));
    return true;
  }
  switch (at_) {
    case At::top: top_type_ = type; break;
    case At::value_of_list:
      if (std::string_view(type) != "null")  // a list given as null counts as absent
        list().msgs.add("document: field \"" + std::string(list_name(kind_)) + "\": must be a list, not " + type);
      at_ = At::document;
      break;
    case At::list: item_not_object(type); break;
    case At::skipping:
      if (skip_depth_ == 0) at_ = after_skip_;
      break;
    case At::document: break;  // the parser gives a key first
  }
  return true;
}

bool StreamReader::start(json container, const char* type) {
  const bool object = container.is_object();
  if (record_.building()) {
    record_.start(std::move(container));
    return true;
  }
  if (at_ == At::skipping) {
    ++skip_depth_;
    return true;
  }
  after_skip_ = at_;  // for a value skipped here
  skip_depth_ = 1;
  if (at_ == At::top) {
    top_type_ = type;
    if (object) {
      at_ = At::document;
      return true;
    }
  } else if (at_ == At::value_of_list) {
    if (!object) {
      at_ = At::list;
      return true;
    }
    list().msgs.add("document: field \"" + std::string(list_name(kind_)) + "\": must be a list, not object");
    after_skip_ = At::document;
  } else if (at_ == At::list) {
    if (object && list().count < lim_.max_list) {
      ++list().count;
      record_.start(std::move(container));
      return true;
    }
    item_not_object(object ? "object" : type);  // past the limit, only counted
  }
  at_ = At::skipping;
  return true;
}

bool StreamReader::end() {
  if (record_.building()) {
    record_.end();
    if (!record_.building()) record_done();
  } else if (at_ == At::skipping) {
    if (--skip_depth_ == 0) at_ = after_skip_;
  } else if (at_ == At::list) {
    list_done();
    at_ = At::document;
  } else if (at_ == At::document) {
    at_ = At::top;  // the document's end
  }
  return true;
}

// An entry of a list that is not an object (or one past the limit: then only counted).
void StreamReader::item_not_object(const char* type) {
  const std::size_t i = list().count++;
  if (list().count > lim_.max_list) return;  // the whole list is refused at its end
  const std::string name(list_name(kind_));
  const std::string problem = std::string("must be an object, not ") + type;
  list().msgs.add(name + "[" + std::to_string(i) + "]: " + problem, {name, i, "", problem});
  visit_kind(kind_, [&]<class R>(std::type_identity<R>) { (book_.*RecordInfo<R>::book).emplace_back(); });
  if (!own_fields(kind_).empty()) own_named_[static_cast<std::size_t>(kind_)].push_back(0);
}

void StreamReader::record_done() {
  const json rec = record_.take();
  const std::size_t i = list().count - 1;
  const std::string name(list_name(kind_));
  std::string id;
  if (auto idv = rec.find("id"); idv != rec.end() && idv->is_string()) id = idv->get<std::string>();
  RecordReader r(rec, where_of(name, i, id), list().msgs, lim_, {name, i});
  visit_kind(kind_, [&]<class R>(std::type_identity<R>) { (book_.*RecordInfo<R>::book).push_back(r.read<R>()); });
  if (!own_fields(kind_).empty()) own_named_[static_cast<std::size_t>(kind_)].push_back(own_named_in(kind_, rec));
}

// A list longer than the limit is refused whole: its records and messages dropped.
void StreamReader::list_done() {
  if (list().count <= lim_.max_list) return;
  const std::size_t n = list().count;
  list() = ListState(lim_.max_messages);
  list().msgs.add("document: field \"" + std::string(list_name(kind_)) + "\": " + std::to_string(n) +
                  " records exceed the limit of " + std::to_string(lim_.max_list));
  visit_kind(kind_, [&]<class R>(std::type_identity<R>) { (book_.*RecordInfo<R>::book).clear(); });
  own_named_[static_cast<std::size_t>(kind_)].clear();
}

std::optional<std::string> StreamReader::refusal() const {
  if (!error_.empty()) return error_;
  if (top_type_ != "object") return "document: the top level must be an object, not " + top_type_;
  return std::nullopt;
}

Messages StreamReader::messages() {
  Messages out(lim_.max_messages);
  std::string known;
  for (RecordKind k : all_record_kinds()) known += (known.empty() ? "" : ", ") + std::string(list_name(k));
  for (const std::string& k : unknown_) out.add("document: unknown list " + quote(k) + " (known: " + known + ")");
  for (ListState& l : lists_) out.append(std::move(l.msgs));
  return out;
}

// The whole-document checks once every record is read (unique ids, references), and the
// outcome: the Book, or the messages.
ParsedDocument finish(Book&& b, Messages& msgs, const KnownRecords* known) {
  try {
    References refs(b, known, msgs);
    refs.check_all();
  } catch (const std::bad_alloc& e) {  // memory exhaustion: the document is too much
    msgs.add(std::string("document: could not be read: ") + e.what());
  }
  // Anything else comes from `known` (the server's store unreachable, say): not the
  // document's fault, so it goes to the caller rather than becoming a refusal of it.
  if (!msgs.empty()) {
    ParsedDocument refused;
    refused.left_out = msgs.dropped();
    refused.problems = msgs.take_located();
    refused.errors = msgs.take();
    return refused;
  }
  ParsedDocument out;
  out.book = std::move(b);
  return out;
}

// What both readers refuse before reading: a document too big or nested too deep.
std::optional<ParsedDocument> refuse_early(std::string_view text, const ParseLimits& lim) {
  if (text.size() > lim.max_bytes)
    return refuse({"document: " + std::to_string(text.size()) + " bytes is larger than the limit of " +
                   std::to_string(lim.max_bytes) + " bytes"});
  // A linear pre-scan (domain/input_scan.hpp): a hostile document never builds a deep tree.
  if (json_nesting_exceeds(text, lim.max_depth))
    return refuse({"document: nested deeper than " + std::to_string(lim.max_depth) + " levels"});
  return std::nullopt;
}

}  // namespace

ParsedDocument parse_document_dom(std::string_view text, const KnownRecords* known, const ParseLimits& lim) {
  if (auto early = refuse_early(text, lim)) return std::move(*early);
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::exception& e) {
    return refuse({std::string("document: not valid JSON: ") + e.what()});
  } catch (const std::exception& e) {  // e.g. std::bad_alloc on an absurd document
    return refuse({std::string("document: could not be read: ") + e.what()});
  }
  if (!doc.is_object()) return refuse({"document: the top level must be an object, not " + type_name(doc)});

  Messages msgs(lim.max_messages);
  check_lists(doc, msgs);
  Book b;
  try {
    for_each_kind([&]<class R>(std::type_identity<R>) { read_list(doc, b.*RecordInfo<R>::book, msgs, lim); });
  } catch (const std::bad_alloc& e) {  // memory exhaustion: the document is too much
    msgs.add(std::string("document: could not be read: ") + e.what());
    return finish(Book{}, msgs, nullptr);
  }
  return finish(std::move(b), msgs, known);
}

ParsedDocument parse_document(std::string_view text, const KnownRecords* known, const ParseLimits& lim) {
  if (auto early = refuse_early(text, lim)) return std::move(*early);
  Book b;
  OwnNamed own_named;
  StreamReader reader(b, own_named, lim);
  try {
    json::sax_parse(text.begin(), text.end(), &reader, json::input_format_t::json, /*strict=*/true,
                    /*ignore_comments=*/false);
  } catch (const std::exception& e) {  // e.g. std::bad_alloc on an absurd document
    return refuse({std::string("document: could not be read: ") + e.what()});
  }
  if (auto refused = reader.refusal()) return refuse({*refused});
  Messages msgs = reader.messages();
  ParsedDocument out = finish(std::move(b), msgs, known);
  if (out.ok()) out.own_named = std::move(own_named);
  return out;
}

template <class T>
std::optional<std::vector<T>> parse_entries(std::string_view text) {
  json h = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (h.is_discarded() || !h.is_array()) return std::nullopt;
  std::vector<T> out;
  out.reserve(h.size());
  Messages msgs(1);
  const ParseLimits lim;
  for (const auto& e : h) {
    if (!e.is_object()) return std::nullopt;
    out.push_back(RecordReader(e, std::string(), msgs, lim).read<T>());
    if (!msgs.empty()) return std::nullopt;
  }
  return out;
}

// parse_entries for every type of EntryTypes (fields.hpp), instantiated here: the
// explicit instantiation of this table emits its pointers, so the functions they point
// at are emitted too (their callers see only the declaration in document.hpp).
template <class Types>
struct ParseEntries;
template <class... T>
struct ParseEntries<std::tuple<T...>> {
  static const std::tuple<std::optional<std::vector<T>> (*)(std::string_view)...> all;
};
template <class... T>
const std::tuple<std::optional<std::vector<T>> (*)(std::string_view)...> ParseEntries<std::tuple<T...>>::all{
    &parse_entries<T>...};
template struct ParseEntries<EntryTypes>;

std::optional<std::vector<DueChange>> parse_history(std::string_view text) { return parse_entries<DueChange>(text); }

}  // namespace cockpit
