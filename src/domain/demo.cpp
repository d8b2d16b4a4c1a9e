#include "domain/demo.hpp"

#include <nlohmann/json.hpp>

namespace cockpit {
namespace {

bool read_int(std::string_view s, std::size_t& p, std::int64_t& out, std::size_t max_digits) {
  const std::size_t start = p;
  std::int64_t v = 0;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9' && p - start < max_digits) v = v * 10 + (s[p++] - '0');
  out = v;
  return p > start;
}

void resolve(nlohmann::json& v, Time now) {
  if (v.is_string()) {
    if (auto t = parse_relative_time(v.get_ref<const std::string&>(), now)) v = format_time(*t);
  } else if (v.is_structured()) {
    for (auto& child : v) resolve(child, now);
  }
}

}  // namespace

std::optional<Time> parse_relative_time(std::string_view s, Time now) {
  if (s == "@now") return now;
  if (s.size() < 4 || s[0] != '@' || (s[1] != '+' && s[1] != '-')) return std::nullopt;
  std::size_t p = 2;
  std::int64_t n = 0;
  if (!read_int(s, p, n, 6) || p >= s.size()) return std::nullopt;
  const std::int64_t sign = s[1] == '-' ? -1 : 1;
  const char unit = s[p++];
  Time t = now;
  if (unit == 'd')
    t += sign * n * kDay;
  else if (unit == 'h')
    t += sign * n * kHour;
  else if (unit == 'm')
    t += sign * n * kMinute;
  else
    return std::nullopt;
  if (p == s.size()) return t;
  // " HH:MM": that day at a time of day, UTC.
  std::int64_t h = 0, mi = 0;
  if (s[p++] != ' ' || !read_int(s, p, h, 2) || p >= s.size() || s[p++] != ':' || !read_int(s, p, mi, 2) ||
      p != s.size() || h > 23 || mi > 59)
    return std::nullopt;
  const Time day = (t >= 0 ? t / kDay : -((-t + kDay - 1) / kDay)) * kDay;
  return day + h * kHour + mi * kMinute;
}

std::optional<std::string> resolve_relative_times(std::string_view text, Time now, std::string* error) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    if (error) *error = "the demo document is not valid JSON";
    return std::nullopt;
  }
  resolve(doc, now);
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cockpit
