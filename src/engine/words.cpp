#include "engine/words.hpp"

#include "domain/enums.hpp"

namespace cockpit {

namespace {

constexpr const char* kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

std::int64_t day_number(Time t) { return t >= 0 ? t / kDay : -((-t + kDay - 1) / kDay); }

std::string date_words(Time t, Time now, bool full) {
  const std::int64_t days = day_number(t);
  std::int64_t y, ny;
  unsigned m, d, nm, nd;
  civil_from_days(days, y, m, d);
  civil_from_days(day_number(now), ny, nm, nd);
  const int weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  std::string wd = kWeekdays[weekday], mo = kMonths[m - 1];
  if (!full) wd.resize(3), mo.resize(3);
  std::string s = wd + " " + std::to_string(d) + " " + mo;
  if (y != ny) s += " " + std::to_string(y);
  return s;
}

}  // namespace

std::string long_date(Time t, Time now) { return date_words(t, now, true); }
std::string short_date(Time t, Time now) { return date_words(t, now, false); }

std::string days_text(std::int64_t days) {
  if (days <= 0) return "less than a day";
  return days == 1 ? "1 day" : std::to_string(days) + " days";
}

std::string days_ago_text(std::int64_t days) {
  // Whole days elapsed, like every day count, not calendar days: "yesterday" for
  // something 18 hours ago across midnight would be true, "today" would not.
  if (days <= 0) return "less than a day ago";
  return days == 1 ? "1 day ago" : std::to_string(days) + " days ago";
}

std::string times_text(std::int64_t n) {
  if (n <= 0) return "";
  if (n == 1) return "once";
  if (n == 2) return "twice";
  return std::to_string(n) + " times";
}

std::string due_in_text(Time due_at, Time now) {
  const std::int64_t days = day_number(due_at) - day_number(now);  // calendar days, UTC
  if (days <= 0) return "today";
  if (days == 1) return "tomorrow";
  return "in " + std::to_string(days) + " days";
}

std::string first_name(std::string_view name) {
  const auto start = name.find_first_not_of(' ');
  if (start == std::string_view::npos) return "";
  const auto end = name.find(' ', start);
  return std::string(name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

std::string humanize(std::string_view word) {
  std::string s(word);
  for (char& c : s)
    if (c == '_') c = ' ';
  return s;
}

std::string kind_words(TouchKind k) {
  switch (k) {
    case TouchKind::marketing: return "marketing message";
    case TouchKind::other: return "message";
    default: return humanize(to_string(k));
  }
}
std::string kind_words(PromiseKind k) { return k == PromiseKind::other ? "commitment" : humanize(to_string(k)); }

std::string case_words(const Case* c) {
  if (c && !c->title.empty()) return c->title;
  if (!c) return "your order";
  switch (c->kind) {
    case CaseKind::order: return "your order";
    case CaseKind::quote: return "your quotation";
    case CaseKind::policy: return "your policy";
    case CaseKind::trade_in: return "your trade-in";
    case CaseKind::support: return "your request";
    case CaseKind::other: break;
  }
  return "your case";
}

}  // namespace cockpit
