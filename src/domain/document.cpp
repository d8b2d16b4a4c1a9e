// The contract document <-> Book, with full validation.
//
// [SECTION] Choices this file makes (where the contract leaves room)
//  - Required fields, per list (everything else is optional):
//      managers     id, name, role                          (email may be absent/empty)
//      customers    id, name, owner, stage, preferred_channel, since
//                   (email, phone may be absent or empty; former_at absent or null)
//      cases        id, customer, kind, title, status, opened_at
//                   (fulfilled_at null/absent, but required when status is "fulfilled")
//      promises     id, customer, kind, text, made_at, due_at, status
//                   (case null/absent, kept_at null/absent, history absent = [])
//      exceptions   id, customer, kind, summary, raised_at, waiting_on, status
//                   (case, resolved_at null/absent)
//      touchpoints  id, customer, at, channel, direction, sender, kind, subject
//                   (case null/absent; Cockpit's body absent = "")
//      scheduled    id, customer, scheduled_at, channel, sender, kind, subject
//                   (direction absent = "out" and, when present, must be "out";
//                    Cockpit's status absent = "pending", decision_note absent = "")
//      suggestion_decisions (Cockpit's own list) id, suggestion_key, customer, kind, at, by
//                   (until required when kind is "snoozed"; reason absent = "")
//  - Ids and references must be non-empty strings. A reference may point to a record in
//    the same document or one the caller already has (KnownRecords). A promise's,
//    exception's, touchpoint's or scheduled message's case must belong to its customer.
//    A sender is "customer", "system:<name>", or a manager id.
//  - Unknown fields inside a record are ignored (other systems may add their own).
//    Unknown top-level keys are REFUSED: a misspelt list ("promise") would otherwise
//    vanish silently. A list given as null counts as absent.
//  - Strings: at most ParseLimits::max_string bytes, no NUL character. Invalid UTF-8 is
//    already refused by the JSON parser.
//  - Export writes every field, null where a value is absent, except former_at (omitted
//    when absent, as the contract says "optionally"). Times are written as
//    format_time() gives them (UTC, "Z"), which parse_time reads back to the same ms.
//
// [SECTION] Index
//  - Messages: where/what formatting, quoting of hostile values
//  - RecordReader: typed field access that records a message instead of failing
//  - read_*: one function per record kind
//  - Cross-checks: unique ids and references
//  - Writing: Book -> contract JSON
#include "domain/document.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "domain/enums.hpp"
#include "domain/input_scan.hpp"

namespace cockpit {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

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
  for (int i = 0;; ++i) {
    const std::string_view name = to_string(static_cast<E>(i));
    if (name == "?") break;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

class Messages {
 public:
  explicit Messages(std::size_t max) : max_(max) {}
  void add(std::string m) {
    if (list_.size() < max_)
      list_.push_back(std::move(m));
    else
      ++dropped_;
  }
  bool empty() const { return list_.empty(); }
  std::vector<std::string> take() {
    if (dropped_) list_.push_back("… and " + std::to_string(dropped_) + " more");
    return std::move(list_);
  }

 private:
  std::size_t max_, dropped_ = 0;
  std::vector<std::string> list_;
};

// ---------------------------------------------------------------- [SECTION] RecordReader

// Reads the fields of one record object. Every problem becomes a message naming the
// record (`promises[3] (id "p-9")`) and the field; the return value is then a default.
class RecordReader {
 public:
  RecordReader(const json& obj, std::string where, Messages& msgs, const ParseLimits& lim)
      : obj_(obj), where_(std::move(where)), msgs_(msgs), lim_(lim) {}

  const std::string& where() const { return where_; }
  void fail(std::string_view field, const std::string& problem) {
    msgs_.add(where_ + ": field \"" + std::string(field) + "\": " + problem);
  }

  // nullptr when absent or null.
  const json* find(std::string_view field) const {
    auto it = obj_.find(field);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::optional<std::string> opt_str(std::string_view field, bool nonempty = false) {
    const json* v = find(field);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(field, "must be a string, not " + type_name(*v));
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > lim_.max_string) {
      fail(field, "a string of " + std::to_string(s.size()) + " bytes is longer than the limit of " +
                      std::to_string(lim_.max_string));
      return std::nullopt;
    }
    if (s.find('\0') != std::string::npos) {
      fail(field, "contains a NUL character");
      return std::nullopt;
    }
    if (nonempty && s.empty()) {
      fail(field, "must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::string str(std::string_view field, bool nonempty = false) {
    if (!find(field)) {
      fail(field, "is required");
      return {};
    }
    return opt_str(field, nonempty).value_or(std::string());
  }

  std::optional<Time> opt_time(std::string_view field) {
    const json* v = find(field);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(field, "must be a time string, not " + type_name(*v));
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    auto t = parse_time(s);
    if (!t) fail(field, quote(s) + " is not a valid time");
    return t;
  }

  Time time(std::string_view field) {
    if (!find(field)) {
      fail(field, "is required");
      return 0;
    }
    return opt_time(field).value_or(0);
  }

  template <typename E>
  std::optional<E> opt_enum(std::string_view field, std::optional<E> (*parse)(std::string_view)) {
    const json* v = find(field);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(field, "must be a string, not " + type_name(*v));
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    auto e = parse(s);
    if (!e) fail(field, quote(s) + " is not one of: " + choices<E>());
    return e;
  }

  template <typename E>
  E enumv(std::string_view field, std::optional<E> (*parse)(std::string_view), E fallback) {
    if (!find(field)) {
      fail(field, "is required");
      return fallback;
    }
    return opt_enum(field, parse).value_or(fallback);
  }

  bool boolean(std::string_view field) {
    const json* v = find(field);
    if (!v) {
      fail(field, "is required");
      return false;
    }
    if (!v->is_boolean()) {
      fail(field, "must be true or false, not " + type_name(*v));
      return false;
    }
    return v->get<bool>();
  }

 private:
  const json& obj_;
  std::string where_;
  Messages& msgs_;
  const ParseLimits& lim_;
};

// ---------------------------------------------------------------- [SECTION] read_*

Manager read_manager(RecordReader& r) {
  Manager m;
  m.id = r.str("id", true);
  m.name = r.str("name");
  m.email = r.opt_str("email").value_or("");
  m.role = r.enumv("role", parse_Role, Role::manager);
  return m;
}

Customer read_customer(RecordReader& r) {
  Customer c;
  c.id = r.str("id", true);
  c.name = r.str("name");
  c.owner = r.str("owner", true);
  c.stage = r.enumv("stage", parse_Stage, Stage::active);
  c.email = r.opt_str("email").value_or("");
  c.phone = r.opt_str("phone").value_or("");
  c.preferred_channel = r.enumv("preferred_channel", parse_Channel, Channel::email);
  if (r.find("preferred_channel") && !is_preferred_channel(c.preferred_channel))
    r.fail("preferred_channel", quote(std::string(to_string(c.preferred_channel))) +
                                    " is not one of: email, phone, sms, letter");
  c.since = r.time("since");
  c.former_at = r.opt_time("former_at");
  return c;
}

Case read_case(RecordReader& r) {
  Case k;
  k.id = r.str("id", true);
  k.customer = r.str("customer", true);
  k.kind = r.enumv("kind", parse_CaseKind, CaseKind::other);
  k.title = r.str("title");
  k.status = r.enumv("status", parse_CaseStatus, CaseStatus::open);
  k.opened_at = r.time("opened_at");
  k.fulfilled_at = r.opt_time("fulfilled_at");
  if (k.status == CaseStatus::fulfilled && !k.fulfilled_at && !r.find("fulfilled_at"))
    r.fail("fulfilled_at", "is required when status is \"fulfilled\"");
  return k;
}

std::vector<DueChange> read_history(RecordReader& r, const ParseLimits& lim, Messages& msgs) {
  std::vector<DueChange> out;
  const json* h = r.find("history");
  if (!h) return out;
  if (!h->is_array()) {
    r.fail("history", "must be a list, not " + type_name(*h));
    return out;
  }
  if (h->size() > lim.max_list) {
    r.fail("history", std::to_string(h->size()) + " entries exceed the limit of " + std::to_string(lim.max_list));
    return out;
  }
  for (std::size_t i = 0; i < h->size(); ++i) {
    const json& e = (*h)[i];
    const std::string at = "history[" + std::to_string(i) + "]";
    if (!e.is_object()) {
      r.fail(at, "must be an object, not " + type_name(e));
      continue;
    }
    RecordReader er(e, r.where() + ": field \"" + at + "\"", msgs, lim);
    DueChange d;
    d.due_at = er.time("due_at");
    d.changed_at = er.time("changed_at");
    d.customer_told = er.boolean("customer_told");
    out.push_back(d);
  }
  return out;
}

Promise read_promise(RecordReader& r, const ParseLimits& lim, Messages& msgs) {
  Promise p;
  p.id = r.str("id", true);
  p.customer = r.str("customer", true);
  p.case_id = r.opt_str("case", true);
  p.kind = r.enumv("kind", parse_PromiseKind, PromiseKind::other);
  p.text = r.str("text");
  p.made_at = r.time("made_at");
  p.due_at = r.time("due_at");
  p.status = r.enumv("status", parse_PromiseStatus, PromiseStatus::open);
  p.kept_at = r.opt_time("kept_at");
  p.history = read_history(r, lim, msgs);
  return p;
}

Exception read_exception(RecordReader& r) {
  Exception x;
  x.id = r.str("id", true);
  x.customer = r.str("customer", true);
  x.case_id = r.opt_str("case", true);
  x.kind = r.str("kind");
  x.summary = r.str("summary");
  x.raised_at = r.time("raised_at");
  x.waiting_on = r.str("waiting_on");
  x.status = r.enumv("status", parse_ExceptionStatus, ExceptionStatus::open);
  x.resolved_at = r.opt_time("resolved_at");
  return x;
}

Touchpoint read_touchpoint(RecordReader& r) {
  Touchpoint t;
  t.id = r.str("id", true);
  t.customer = r.str("customer", true);
  t.case_id = r.opt_str("case", true);
  t.at = r.time("at");
  t.channel = r.enumv("channel", parse_Channel, Channel::email);
  t.direction = r.enumv("direction", parse_Direction, Direction::out);
  t.sender = r.str("sender", true);
  t.kind = r.enumv("kind", parse_TouchKind, TouchKind::other);
  t.subject = r.str("subject");
  t.body = r.opt_str("body").value_or("");
  return t;
}

Scheduled read_scheduled(RecordReader& r) {
  Scheduled s;
  s.id = r.str("id", true);
  s.customer = r.str("customer", true);
  s.case_id = r.opt_str("case", true);
  s.scheduled_at = r.time("scheduled_at");
  s.channel = r.enumv("channel", parse_Channel, Channel::email);
  auto dir = r.opt_enum("direction", parse_Direction);
  if (dir && *dir != Direction::out) r.fail("direction", "a scheduled message always goes \"out\"");
  s.direction = Direction::out;
  s.sender = r.str("sender", true);
  s.kind = r.enumv("kind", parse_TouchKind, TouchKind::other);
  s.subject = r.str("subject");
  s.status = r.opt_enum("status", parse_ScheduledStatus).value_or(ScheduledStatus::pending);
  s.decision_note = r.opt_str("decision_note").value_or("");
  return s;
}

SuggestionDecision read_decision(RecordReader& r) {
  SuggestionDecision d;
  d.id = r.str("id", true);
  d.suggestion_key = r.str("suggestion_key", true);
  d.customer = r.str("customer", true);
  d.kind = r.enumv("kind", parse_DecisionKind, DecisionKind::dismissed);
  d.at = r.time("at");
  d.until = r.opt_time("until");
  if (d.kind == DecisionKind::snoozed && !d.until && !r.find("until"))
    r.fail("until", "is required when kind is \"snoozed\"");
  d.reason = r.opt_str("reason").value_or("");
  d.by = r.str("by", true);
  return d;
}

// ---------------------------------------------------------------- [SECTION] Cross-checks

std::string where_of(std::string_view list, std::size_t i, const std::string& id) {
  std::string w = std::string(list) + "[" + std::to_string(i) + "]";
  if (!id.empty()) w += " (id " + quote(id) + ")";
  return w;
}

// Positions of ids in one list; reports duplicates.
template <typename R>
std::unordered_map<std::string, std::size_t> index_ids(const std::vector<R>& list, std::string_view name,
                                                       Messages& msgs) {
  std::unordered_map<std::string, std::size_t> pos;
  pos.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].id.empty()) continue;  // already reported
    auto [it, fresh] = pos.emplace(list[i].id, i);
    if (!fresh)
      msgs.add(where_of(name, i, list[i].id) + ": field \"id\": duplicate of " + std::string(name) + "[" +
               std::to_string(it->second) + "]");
  }
  return pos;
}

class References {
 public:
  References(const Book& b, const KnownRecords* known, Messages& msgs)
      : book_(b), known_(known), msgs_(msgs) {
    managers_ = index_ids(b.managers, "managers", msgs);
    customers_ = index_ids(b.customers, "customers", msgs);
    cases_ = index_ids(b.cases, "cases", msgs);
    index_ids(b.promises, "promises", msgs);
    index_ids(b.exceptions, "exceptions", msgs);
    index_ids(b.touchpoints, "touchpoints", msgs);
    index_ids(b.scheduled, "scheduled", msgs);
    index_ids(b.decisions, "suggestion_decisions", msgs);
  }

  bool manager(const std::string& id) const {
    return managers_.count(id) || (known_ && known_->has_manager(id));
  }
  bool customer(const std::string& id) const {
    return customers_.count(id) || (known_ && known_->has_customer(id));
  }
  std::optional<std::string> case_customer(const std::string& id) const {
    if (auto it = cases_.find(id); it != cases_.end()) return book_.cases[it->second].customer;
    if (known_) return known_->case_customer(id);
    return std::nullopt;
  }

  void need_manager(const std::string& where, std::string_view field, const std::string& id) {
    if (!id.empty() && !manager(id))
      msgs_.add(where + ": field \"" + std::string(field) + "\": no manager " + quote(id) +
                " in the document or the store");
  }
  void need_customer(const std::string& where, const std::string& id) {
    if (!id.empty() && !customer(id))
      msgs_.add(where + ": field \"customer\": no customer " + quote(id) + " in the document or the store");
  }
  void need_case(const std::string& where, const std::optional<std::string>& id, const std::string& customer) {
    if (!id || id->empty()) return;
    auto owner = case_customer(*id);
    if (!owner)
      msgs_.add(where + ": field \"case\": no case " + quote(*id) + " in the document or the store");
    else if (!customer.empty() && *owner != customer)
      msgs_.add(where + ": field \"case\": case " + quote(*id) + " belongs to customer " + quote(*owner) +
                ", not " + quote(customer));
  }
  void need_sender(const std::string& where, const std::string& sender) {
    if (sender.empty() || sender == "customer") return;
    if (sender.rfind("system:", 0) == 0) {
      if (sender.size() == 7) msgs_.add(where + ": field \"sender\": \"system:\" needs a name after the colon");
      return;
    }
    if (!manager(sender))
      msgs_.add(where + ": field \"sender\": " + quote(sender) +
                " is not a manager id, \"customer\" or \"system:<name>\"");
  }

  void check_all() {
    const Book& b = book_;
    for (std::size_t i = 0; i < b.customers.size(); ++i)
      need_manager(where_of("customers", i, b.customers[i].id), "owner", b.customers[i].owner);
    for (std::size_t i = 0; i < b.cases.size(); ++i)
      need_customer(where_of("cases", i, b.cases[i].id), b.cases[i].customer);
    for (std::size_t i = 0; i < b.promises.size(); ++i) {
      const auto& r = b.promises[i];
      const auto w = where_of("promises", i, r.id);
      need_customer(w, r.customer);
      need_case(w, r.case_id, r.customer);
    }
    for (std::size_t i = 0; i < b.exceptions.size(); ++i) {
      const auto& r = b.exceptions[i];
      const auto w = where_of("exceptions", i, r.id);
      need_customer(w, r.customer);
      need_case(w, r.case_id, r.customer);
    }
    for (std::size_t i = 0; i < b.touchpoints.size(); ++i) {
      const auto& r = b.touchpoints[i];
      const auto w = where_of("touchpoints", i, r.id);
      need_customer(w, r.customer);
      need_case(w, r.case_id, r.customer);
      need_sender(w, r.sender);
    }
    for (std::size_t i = 0; i < b.scheduled.size(); ++i) {
      const auto& r = b.scheduled[i];
      const auto w = where_of("scheduled", i, r.id);
      need_customer(w, r.customer);
      need_case(w, r.case_id, r.customer);
      need_sender(w, r.sender);
    }
    for (std::size_t i = 0; i < b.decisions.size(); ++i) {
      const auto& r = b.decisions[i];
      const auto w = where_of("suggestion_decisions", i, r.id);
      need_customer(w, r.customer);
      need_manager(w, "by", r.by);
    }
  }

 private:
  const Book& book_;
  const KnownRecords* known_;
  Messages& msgs_;
  std::unordered_map<std::string, std::size_t> managers_, customers_, cases_;
};

// ---------------------------------------------------------------- [SECTION] Parsing

constexpr const char* kLists[] = {"managers",    "customers", "cases",
                                  "promises",    "exceptions", "touchpoints",
                                  "scheduled",   "suggestion_decisions"};

template <typename R, typename ReadFn>
void read_list(const json& doc, const char* name, std::vector<R>& out, Messages& msgs, const ParseLimits& lim,
               ReadFn read) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return;
  if (!it->is_array()) {
    msgs.add(std::string("document: field \"") + name + "\": must be a list, not " + type_name(*it));
    return;
  }
  if (it->size() > lim.max_list) {
    msgs.add(std::string("document: field \"") + name + "\": " + std::to_string(it->size()) +
             " records exceed the limit of " + std::to_string(lim.max_list));
    return;
  }
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& rec = (*it)[i];
    if (!rec.is_object()) {
      msgs.add(std::string(name) + "[" + std::to_string(i) + "]: must be an object, not " + type_name(rec));
      out.emplace_back();
      continue;
    }
    std::string id;
    if (auto idv = rec.find("id"); idv != rec.end() && idv->is_string()) id = idv->get<std::string>();
    RecordReader r(rec, where_of(name, i, id), msgs, lim);
    out.push_back(read(r));
  }
}

ParsedDocument refuse(std::vector<std::string> errors) {
  ParsedDocument d;
  d.errors = std::move(errors);
  return d;
}

// ---------------------------------------------------------------- [SECTION] Writing

ordered_json opt_time_value(const std::optional<Time>& t) { return t ? ordered_json(format_time(*t)) : ordered_json(); }
ordered_json opt_str_value(const std::optional<std::string>& s) { return s ? ordered_json(*s) : ordered_json(); }

ordered_json value(const Manager& r) {
  return {{"id", r.id}, {"name", r.name}, {"email", r.email}, {"role", to_string(r.role)}};
}
ordered_json value(const Customer& r) {
  ordered_json o = {{"id", r.id},       {"name", r.name},   {"owner", r.owner},
                    {"stage", to_string(r.stage)}, {"email", r.email}, {"phone", r.phone},
                    {"preferred_channel", to_string(r.preferred_channel)}, {"since", format_time(r.since)}};
  if (r.former_at) o["former_at"] = format_time(*r.former_at);
  return o;
}
ordered_json value(const Case& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"kind", to_string(r.kind)},
          {"title", r.title},
          {"status", to_string(r.status)},
          {"opened_at", format_time(r.opened_at)},
          {"fulfilled_at", opt_time_value(r.fulfilled_at)}};
}
ordered_json value(const DueChange& d) {
  return {{"due_at", format_time(d.due_at)}, {"changed_at", format_time(d.changed_at)}, {"customer_told", d.customer_told}};
}
ordered_json value(const std::vector<DueChange>& h) {
  ordered_json a = ordered_json::array();
  for (const auto& d : h) a.push_back(value(d));
  return a;
}
ordered_json value(const Promise& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"case", opt_str_value(r.case_id)},
          {"kind", to_string(r.kind)},
          {"text", r.text},
          {"made_at", format_time(r.made_at)},
          {"due_at", format_time(r.due_at)},
          {"status", to_string(r.status)},
          {"kept_at", opt_time_value(r.kept_at)},
          {"history", value(r.history)}};
}
ordered_json value(const Exception& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"case", opt_str_value(r.case_id)},
          {"kind", r.kind},
          {"summary", r.summary},
          {"raised_at", format_time(r.raised_at)},
          {"waiting_on", r.waiting_on},
          {"status", to_string(r.status)},
          {"resolved_at", opt_time_value(r.resolved_at)}};
}
ordered_json value(const Touchpoint& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"case", opt_str_value(r.case_id)},
          {"at", format_time(r.at)},
          {"channel", to_string(r.channel)},
          {"direction", to_string(r.direction)},
          {"sender", r.sender},
          {"kind", to_string(r.kind)},
          {"subject", r.subject},
          {"body", r.body}};
}
ordered_json value(const Scheduled& r) {
  return {{"id", r.id},
          {"customer", r.customer},
          {"case", opt_str_value(r.case_id)},
          {"scheduled_at", format_time(r.scheduled_at)},
          {"channel", to_string(r.channel)},
          {"direction", to_string(r.direction)},
          {"sender", r.sender},
          {"kind", to_string(r.kind)},
          {"subject", r.subject},
          {"status", to_string(r.status)},
          {"decision_note", r.decision_note}};
}
ordered_json value(const SuggestionDecision& r) {
  return {{"id", r.id},
          {"suggestion_key", r.suggestion_key},
          {"customer", r.customer},
          {"kind", to_string(r.kind)},
          {"at", format_time(r.at)},
          {"until", opt_time_value(r.until)},
          {"reason", r.reason},
          {"by", r.by}};
}

template <typename R>
ordered_json list_value(const std::vector<R>& list) {
  ordered_json a = ordered_json::array();
  for (const auto& r : list) a.push_back(value(r));
  return a;
}

ordered_json book_value(const Book& b) {
  ordered_json o = ordered_json::object();
  o["managers"] = list_value(b.managers);
  o["customers"] = list_value(b.customers);
  o["cases"] = list_value(b.cases);
  o["promises"] = list_value(b.promises);
  o["exceptions"] = list_value(b.exceptions);
  o["touchpoints"] = list_value(b.touchpoints);
  o["scheduled"] = list_value(b.scheduled);
  o["suggestion_decisions"] = list_value(b.decisions);
  return o;
}

// Never throws: a string that is not valid UTF-8 (possible only in a Book built in
// code) is written with U+FFFD in place of the bad bytes.
std::string dump(const ordered_json& v, int indent = -1) {
  return v.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

// ---------------------------------------------------------------- [SECTION] Fast record writer
// The change log stores every changed record as JSON, so an import of 300,000 records
// writes 300,000 of them: building a DOM per record (above) costs about a third of the
// import. This writer appends straight to one string and gives byte-for-byte what the
// DOM's compact dump gives (a unit test holds the two together). A string that is not
// valid UTF-8 sends the record through the DOM path, whose replace handler copes.

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

class FastWriter {
 public:
  FastWriter() { out_.reserve(256); }
  bool ok() const { return ok_; }
  std::string take() { return std::move(out_); }

  void open() {
    out_ += '{';
    first_ = true;
  }
  void close() { out_ += '}'; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void time(std::string_view k, Time t) { str(k, format_time(t)); }
  void opt_time(std::string_view k, const std::optional<Time>& t) {
    if (t)
      time(k, *t);
    else
      null(k);
  }
  void opt_str(std::string_view k, const std::optional<std::string>& v) {
    if (v)
      str(k, *v);
    else
      null(k);
  }
  void null(std::string_view k) {
    key(k);
    out_ += "null";
  }
  void history(std::string_view k, const std::vector<DueChange>& h) {
    key(k);
    out_ += '[';
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (i) out_ += ',';
      open();
      time("due_at", h[i].due_at);
      time("changed_at", h[i].changed_at);
      key("customer_told");
      out_ += h[i].customer_told ? "true" : "false";
      close();
    }
    out_ += ']';
    first_ = false;
  }

 private:
  void string(std::string_view v) {
    if (!valid_utf8(v)) ok_ = false;
    out_ += '"';
    for (char ch : v) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 15];
          } else {
            out_ += ch;
          }
      }
    }
    out_ += '"';
  }

  std::string out_;
  bool first_ = true, ok_ = true;
};

void write(FastWriter& w, const Manager& r) {
  w.str("id", r.id);
  w.str("name", r.name);
  w.str("email", r.email);
  w.str("role", to_string(r.role));
}
void write(FastWriter& w, const Customer& r) {
  w.str("id", r.id);
  w.str("name", r.name);
  w.str("owner", r.owner);
  w.str("stage", to_string(r.stage));
  w.str("email", r.email);
  w.str("phone", r.phone);
  w.str("preferred_channel", to_string(r.preferred_channel));
  w.time("since", r.since);
  if (r.former_at) w.time("former_at", *r.former_at);
}
void write(FastWriter& w, const Case& r) {
  w.str("id", r.id);
  w.str("customer", r.customer);
  w.str("kind", to_string(r.kind));
  w.str("title", r.title);
  w.str("status", to_string(r.status));
  w.time("opened_at", r.opened_at);
  w.opt_time("fulfilled_at", r.fulfilled_at);
}
void write(FastWriter& w, const Promise& r) {
  w.str("id", r.id);
  w.str("customer", r.customer);
  w.opt_str("case", r.case_id);
  w.str("kind", to_string(r.kind));
  w.str("text", r.text);
  w.time("made_at", r.made_at);
  w.time("due_at", r.due_at);
  w.str("status", to_string(r.status));
  w.opt_time("kept_at", r.kept_at);
  w.history("history", r.history);
}
void write(FastWriter& w, const Exception& r) {
  w.str("id", r.id);
  w.str("customer", r.customer);
  w.opt_str("case", r.case_id);
  w.str("kind", r.kind);
  w.str("summary", r.summary);
  w.time("raised_at", r.raised_at);
  w.str("waiting_on", r.waiting_on);
  w.str("status", to_string(r.status));
  w.opt_time("resolved_at", r.resolved_at);
}
void write(FastWriter& w, const Touchpoint& r) {
  w.str("id", r.id);
  w.str("customer", r.customer);
  w.opt_str("case", r.case_id);
  w.time("at", r.at);
  w.str("channel", to_string(r.channel));
  w.str("direction", to_string(r.direction));
  w.str("sender", r.sender);
  w.str("kind", to_string(r.kind));
  w.str("subject", r.subject);
  w.str("body", r.body);
}
void write(FastWriter& w, const Scheduled& r) {
  w.str("id", r.id);
  w.str("customer", r.customer);
  w.opt_str("case", r.case_id);
  w.time("scheduled_at", r.scheduled_at);
  w.str("channel", to_string(r.channel));
  w.str("direction", to_string(r.direction));
  w.str("sender", r.sender);
  w.str("kind", to_string(r.kind));
  w.str("subject", r.subject);
  w.str("status", to_string(r.status));
  w.str("decision_note", r.decision_note);
}
void write(FastWriter& w, const SuggestionDecision& r) {
  w.str("id", r.id);
  w.str("suggestion_key", r.suggestion_key);
  w.str("customer", r.customer);
  w.str("kind", to_string(r.kind));
  w.time("at", r.at);
  w.opt_time("until", r.until);
  w.str("reason", r.reason);
  w.str("by", r.by);
}

template <typename R>
std::string record_json(const R& r) {
  FastWriter w;
  w.open();
  write(w, r);
  w.close();
  if (w.ok()) return w.take();
  return dump(value(r));
}

}  // namespace

ParsedDocument parse_document(std::string_view text, const KnownRecords* known, const ParseLimits& lim) {
  if (text.size() > lim.max_bytes)
    return refuse({"document: " + std::to_string(text.size()) + " bytes is larger than the limit of " +
                   std::to_string(lim.max_bytes) + " bytes"});
  // A linear pre-scan (domain/input_scan.hpp): a hostile document never builds a deep tree.
  if (json_nesting_exceeds(text, lim.max_depth))
    return refuse({"document: nested deeper than " + std::to_string(lim.max_depth) + " levels"});
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
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known_key = false;
    for (const char* k : kLists) known_key = known_key || it.key() == k;
    if (!known_key)
      msgs.add("document: unknown list " + quote(it.key()) +
               " (known: managers, customers, cases, promises, exceptions, touchpoints, scheduled, "
               "suggestion_decisions)");
  }

  Book b;
  try {
    read_list(doc, "managers", b.managers, msgs, lim, read_manager);
    read_list(doc, "customers", b.customers, msgs, lim, read_customer);
    read_list(doc, "cases", b.cases, msgs, lim, read_case);
    read_list(doc, "promises", b.promises, msgs, lim, [&](RecordReader& r) { return read_promise(r, lim, msgs); });
    read_list(doc, "exceptions", b.exceptions, msgs, lim, read_exception);
    read_list(doc, "touchpoints", b.touchpoints, msgs, lim, read_touchpoint);
    read_list(doc, "scheduled", b.scheduled, msgs, lim, read_scheduled);
    read_list(doc, "suggestion_decisions", b.decisions, msgs, lim, read_decision);
    References refs(b, known, msgs);
    refs.check_all();
  } catch (const std::exception& e) {  // memory exhaustion; nothing else throws here
    msgs.add(std::string("document: could not be read: ") + e.what());
  }
  if (!msgs.empty()) return refuse(msgs.take());
  ParsedDocument out;
  out.book = std::move(b);
  return out;
}

std::vector<std::string> validate_book(const Book& book, const KnownRecords* known, const ParseLimits& lim) {
  std::string text;
  try {
    // Strict here (unlike to_json): a Book built in code may hold invalid UTF-8.
    text = book_value(book).dump(-1, ' ', false, ordered_json::error_handler_t::strict);
  } catch (const std::exception& e) {
    return {std::string("book: a string is not valid UTF-8: ") + e.what()};
  }
  ParseLimits big = lim;
  big.max_bytes = std::max(big.max_bytes, text.size());  // the size cap is for untrusted text
  return parse_document(text, known, big).errors;
}

std::string to_json(const Book& book, int indent) { return dump(book_value(book), indent); }
std::string to_json(const Manager& r) { return record_json(r); }
std::string to_json(const Customer& r) { return record_json(r); }
std::string to_json(const Case& r) { return record_json(r); }
std::string to_json(const Promise& r) { return record_json(r); }
std::string to_json(const Exception& r) { return record_json(r); }
std::string to_json(const Touchpoint& r) { return record_json(r); }
std::string to_json(const Scheduled& r) { return record_json(r); }
std::string to_json(const SuggestionDecision& r) { return record_json(r); }

std::string to_json_slow(const Manager& r) { return dump(value(r)); }
std::string to_json_slow(const Customer& r) { return dump(value(r)); }
std::string to_json_slow(const Case& r) { return dump(value(r)); }
std::string to_json_slow(const Promise& r) { return dump(value(r)); }
std::string to_json_slow(const Exception& r) { return dump(value(r)); }
std::string to_json_slow(const Touchpoint& r) { return dump(value(r)); }
std::string to_json_slow(const Scheduled& r) { return dump(value(r)); }
std::string to_json_slow(const SuggestionDecision& r) { return dump(value(r)); }

std::string history_to_json(const std::vector<DueChange>& history) { return dump(value(history)); }

std::optional<std::vector<DueChange>> parse_history(std::string_view text) {
  json h = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (h.is_discarded() || !h.is_array()) return std::nullopt;
  std::vector<DueChange> out;
  out.reserve(h.size());
  for (const auto& e : h) {
    if (!e.is_object()) return std::nullopt;
    auto due = e.find("due_at"), changed = e.find("changed_at"), told = e.find("customer_told");
    if (due == e.end() || changed == e.end() || told == e.end() || !due->is_string() || !changed->is_string() ||
        !told->is_boolean())
      return std::nullopt;
    auto d = parse_time(due->get_ref<const std::string&>()), c = parse_time(changed->get_ref<const std::string&>());
    if (!d || !c) return std::nullopt;
    out.push_back({*d, *c, told->get<bool>()});
  }
  return out;
}

}  // namespace cockpit
