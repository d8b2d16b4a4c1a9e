#include "domain/record_scan.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "domain/enums.hpp"
#include "domain/time.hpp"

namespace cockpit {

namespace {

using json = nlohmann::json;

// A JSON value that is not an object or a list: a string, true/false, or (neither) a
// number, which no field of a record holds.
struct Scalar {
  const std::string* text = nullptr;
  std::optional<bool> flag;
};

// One value into one field, converted as RecordReader (document.cpp) converts it; false
// when it does not fit the field's type.
bool put(std::string& out, const Scalar& v) {
  if (!v.text) return false;
  out = *v.text;
  return true;
}
bool put(Time& out, const Scalar& v) {
  if (!v.text) return false;
  const auto t = parse_time(*v.text);
  if (!t) return false;
  out = *t;
  return true;
}
[[maybe_unused]] bool put(bool& out, const Scalar& v) {  // no record has one yet (an entry does)
  if (!v.flag) return false;
  out = *v.flag;
  return true;
}
template <class E>
  requires std::is_enum_v<E>
bool put(E& out, const Scalar& v) {
  if (!v.text) return false;
  const auto e = parse_enum<E>(*v.text);
  if (!e) return false;
  out = *e;
  return true;
}
template <class T>
bool put(std::optional<T>& out, const Scalar& v) {
  T value{};
  if (!put(value, v)) return false;
  out = std::move(value);
  return true;
}
template <class T>
bool put(std::vector<T>&, const Scalar&) {
  return false;  // a list field given a single value
}

// Fills `record` from the events of nlohmann's SAX parser. Depth 1 is the record's own
// object; anything deeper is inside a list field (or a field the record does not have)
// and is skipped.
template <class R>
class Scanner final : public nlohmann::json_sax<json> {
 public:
  R record{};

  bool null() override { return depth_ == 1 ? clear() : depth_ > 1; }  // at 0: the text is not an object
  bool boolean(bool b) override { return scalar({nullptr, b}); }
  bool number_integer(number_integer_t) override { return scalar({}); }
  bool number_unsigned(number_unsigned_t) override { return scalar({}); }
  bool number_float(number_float_t, const string_t&) override { return scalar({}); }
  bool string(string_t& s) override { return scalar({&s, std::nullopt}); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
  // Every field's last value fitted it.
  bool all_fit() const { return misfits_.empty(); }

 private:
  // Calls fn(field) for the field named by the current key, if the record has one.
  template <class Fn>
  void with_field(Fn&& fn) {
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      if (f.name == key_) fn(f);
    });
  }
  bool scalar(const Scalar& v) {
    if (depth_ == 0) return false;  // the text is not an object
    if (depth_ > 1) return true;    // inside a skipped list
    bool ok = true;
    with_field([&](const auto& f) { ok = put(record.*f.member, v); });
    fits(ok);
    return true;
  }
  // `null` is an absent field: its default, as a record built without it has.
  bool clear() {
    with_field([&](const auto& f) { record.*f.member = R{}.*f.member; });
    fits(true);
    return true;
  }
  bool open(bool object) {
    if (depth_ == 0 && !object) return false;
    if (depth_ == 1) {  // a field's value: only a list field holds one, and it is a list
      bool ok = true;
      with_field([&](const auto& f) { ok = !object && is_list<typename std::decay_t<decltype(f)>::Type>::value; });
      fits(ok);  // a value that does not fit is skipped like a list's items
    }
    ++depth_;
    return true;
  }
  // The last of repeated keys counts, as in the contract's reader (a JSON tree keeps the
  // last): a value that does not fit its field is remembered by key, and forgotten when
  // the key comes again with one that fits. (Found by fuzz_record_scan: an impossible
  // date followed by a valid one was refused here and accepted by the contract.)
  void fits(bool ok) {
    if (ok) misfits_.erase(key_);
    else misfits_.insert(key_);
  }
  bool close() {
    --depth_;
    return true;
  }

  std::size_t depth_ = 0;
  std::string key_;
  std::set<std::string> misfits_;  // keys whose last value did not fit the field
};

}  // namespace

std::optional<AnyRecord> scan_record(RecordKind kind, std::string_view text) {
  return visit_kind(kind, [&]<class R>(std::type_identity<R>) -> std::optional<AnyRecord> {
    Scanner<R> scanner;
    try {
      if (!json::sax_parse(text.begin(), text.end(), &scanner) || !scanner.all_fit()) return std::nullopt;
    } catch (const std::exception&) {  // std::bad_alloc, or nlohmann's own on odd input
      return std::nullopt;
    }
    return AnyRecord(std::move(scanner.record));
  });
}

AnyRecord without_lists(AnyRecord r) {
  std::visit(
      [](auto& rec) {
        using R = std::decay_t<decltype(rec)>;
        for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
          if constexpr (is_list<typename std::decay_t<decltype(f)>::Type>::value) (rec.*f.member).clear();
        });
      },
      r);
  return r;
}

}  // namespace cockpit
