#pragma once
// One column of many rows as a single statement parameter: a PostgreSQL array literal
// ('{"a","b",NULL}') read back with unnest($n::text[]) (or ::bigint[]). The batched
// writes (pg_write_batch.hpp) and the bulk look-ups (pg_prefetch.hpp) send thousands of
// rows this way in one round trip instead of one statement per row.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cockpit::server {

class PgArray {
 public:
  // Every element is quoted, so no text needs more care than escaping `"` and `\`
  // (commas, braces, spaces and the word NULL stay plain text inside quotes).
  void add(std::string_view v) {
    sep();
    s_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') s_ += '\\';
      s_ += c;
    }
    s_ += '"';
  }
  void add(std::int64_t v) {
    sep();
    s_ += std::to_string(v);
  }
  template <class T>
  void add(const std::optional<T>& v) {
    if (v) return add(*v);
    sep();
    s_ += "NULL";
  }
  std::size_t size() const { return n_; }
  // The literal; the array is empty again afterwards.
  std::string take() {
    std::string out = std::move(s_);
    out += '}';
    s_ = "{";
    n_ = 0;
    return out;
  }

 private:
  void sep() {
    if (n_++) s_ += ',';
  }
  std::string s_ = "{";
  std::size_t n_ = 0;
};

}  // namespace cockpit::server
