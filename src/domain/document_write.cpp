// Book and records -> the contract document, driven by the field lists of
// domain/fields.hpp: every field in its list's order, null where a value is absent
// (a field with omit_when_absent is left out instead). Times are written as
// format_time() gives them (UTC, "Z"), which parse_time reads back to the same ms.
//
// [SECTION] Index
//  - DOM writer: the JSON library's values (the reference, and a Book's export)
//  - Fast record writer: one record straight into a string, byte for byte the same
//  - Entry points
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "domain/document.hpp"
#include "domain/enums.hpp"
#include "domain/fields.hpp"

namespace cockpit {
namespace {

using nlohmann::ordered_json;

// ---------------------------------------------------------------- [SECTION] DOM writer

template <class R>
ordered_json record_value(const R& r);

ordered_json dom(const std::string& v) { return v; }
ordered_json dom(Time t) { return format_time(t); }  // Time is the only integer a record holds
ordered_json dom(bool b) { return b; }
template <class E>
  requires std::is_enum_v<E>
ordered_json dom(E e) {
  return to_string(e);
}
template <class T>
ordered_json dom(const std::optional<T>& v) {
  return v ? dom(*v) : ordered_json();
}
template <class T>
ordered_json dom(const std::vector<T>& list) {
  ordered_json a = ordered_json::array();
  for (const auto& entry : list) a.push_back(record_value(entry));
  return a;
}

template <class R>
ordered_json record_value(const R& r) {
  ordered_json o = ordered_json::object();
  for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
    const auto& v = r.*f.member;
    if constexpr (is_optional<std::decay_t<decltype(v)>>::value)
      if (f.options.omit_when_absent && !v) return;
    o[std::string(f.name)] = dom(v);
  });
  return o;
}

ordered_json book_value(const Book& b) {
  ordered_json o = ordered_json::object();
  for_each_kind([&]<class R>(std::type_identity<R>) {
    ordered_json list = ordered_json::array();
    for (const auto& r : b.*RecordInfo<R>::book) list.push_back(record_value(r));
    o[std::string(RecordInfo<R>::list)] = std::move(list);
  });
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

  template <class R>
  void record(const R& r) {
    out_ += '{';
    bool first = true;
    for_each_field(RecordInfo<R>::fields, [&](const auto& f) {
      const auto& v = r.*f.member;
      if constexpr (is_optional<std::decay_t<decltype(v)>>::value)
        if (f.options.omit_when_absent && !v) return;
      if (!first) out_ += ',';
      first = false;
      out_ += '"';
      out_ += f.name;
      out_ += "\":";
      value(v);
    });
    out_ += '}';
  }

 private:
  void value(const std::string& v) { string(v); }
  void value(Time t) { string(format_time(t)); }
  void value(bool b) { out_ += b ? "true" : "false"; }
  template <class E>
    requires std::is_enum_v<E>
  void value(E e) {
    string(to_string(e));
  }
  template <class T>
  void value(const std::optional<T>& v) {
    if (v)
      value(*v);
    else
      out_ += "null";
  }
  template <class T>
  void value(const std::vector<T>& list) {
    out_ += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) out_ += ',';
      record(list[i]);
    }
    out_ += ']';
  }

  // Runs that need no escaping (nearly all text) are appended whole.
  void string(std::string_view v) {
    if (!valid_utf8(v)) ok_ = false;
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto c = static_cast<unsigned char>(v[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(v.data() + run, i - run);
      run = i + 1;
      escape(c);
    }
    out_.append(v.data() + run, v.size() - run);
    out_ += '"';
  }

  void escape(unsigned char c) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 15];
      }
    }
  }

  std::string out_;
  bool ok_ = true;
};

template <typename R>
std::string record_json(const R& r) {
  FastWriter w;
  w.record(r);
  if (w.ok()) return w.take();
  return dump(record_value(r));
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] Entry points

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

std::string to_json_slow(const Manager& r) { return dump(record_value(r)); }
std::string to_json_slow(const Customer& r) { return dump(record_value(r)); }
std::string to_json_slow(const Case& r) { return dump(record_value(r)); }
std::string to_json_slow(const Promise& r) { return dump(record_value(r)); }
std::string to_json_slow(const Exception& r) { return dump(record_value(r)); }
std::string to_json_slow(const Touchpoint& r) { return dump(record_value(r)); }
std::string to_json_slow(const Scheduled& r) { return dump(record_value(r)); }
std::string to_json_slow(const SuggestionDecision& r) { return dump(record_value(r)); }

template <class T>
std::string entries_to_json(const std::vector<T>& list) {
  return dump(dom(list));
}

// entries_to_json for every type of EntryTypes, instantiated here (as parse_entries in
// document.cpp).
template <class Types>
struct WriteEntries;
template <class... T>
struct WriteEntries<std::tuple<T...>> {
  static const std::tuple<std::string (*)(const std::vector<T>&)...> all;
};
template <class... T>
const std::tuple<std::string (*)(const std::vector<T>&)...> WriteEntries<std::tuple<T...>>::all{&entries_to_json<T>...};
template struct WriteEntries<EntryTypes>;

std::string history_to_json(const std::vector<DueChange>& history) { return entries_to_json(history); }

}  // namespace cockpit
