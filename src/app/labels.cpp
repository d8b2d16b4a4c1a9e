#include "app/labels.hpp"

#include <cstdio>

#include "domain/enums.hpp"

namespace cockpit::vm {
namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t day_of(Time t) { return t >= 0 ? t / kDay : (t - kDay + 1) / kDay; }

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string folded(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = fold(c);
  return out;
}

Tone tone_of(Severity s) {
  switch (s) {
    case Severity::overdue: return Tone::overdue;
    case Severity::at_risk: return Tone::at_risk;
    case Severity::fine: return Tone::fine;
  }
  return Tone::fine;
}

std::string_view tone_word(Tone t) {
  switch (t) {
    case Tone::overdue: return "Overdue";
    case Tone::at_risk: return "At risk";
    case Tone::fine: return "Fine";
    default: return "";
  }
}

std::string day_label(Time t, Time now) {
  std::int64_t y, ny;
  unsigned m, d, nm, nd;
  const std::int64_t days = day_of(t);
  civil_from_days(days, y, m, d);
  civil_from_days(day_of(now), ny, nm, nd);
  const int wd = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  char buf[48];
  if (y == ny)
    std::snprintf(buf, sizeof buf, "%s %u %s", kWeekdays[wd], d, kMonths[m - 1]);
  else
    std::snprintf(buf, sizeof buf, "%s %u %s %lld", kWeekdays[wd], d, kMonths[m - 1], static_cast<long long>(y));
  return buf;
}

std::string clock_label(Time t) {
  const Time in_day = t - day_of(t) * kDay;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(in_day / kHour), static_cast<int>(in_day % kHour / kMinute));
  return buf;
}

std::string day_time_label(Time t, Time now) { return day_label(t, now) + ", " + clock_label(t); }

std::string relative_label(Time t, Time now) {
  const Time diff = t - now;
  const Time mag = diff < 0 ? -diff : diff;
  const bool past = diff < 0;
  auto say = [&](std::string amount) { return past ? amount + " ago" : "in " + amount; };
  if (mag < kMinute) return "just now";
  if (mag < kHour) return say(plural(mag / kMinute, "minute", "minutes"));
  const std::int64_t days = day_of(t) - day_of(now);
  if (days == 0) return say(plural(mag / kHour, "hour", "hours"));
  if (days == -1) return "yesterday";
  if (days == 1) return "tomorrow";
  const std::int64_t n = days < 0 ? -days : days;
  if (n < 60) return say(plural(n, "day", "days"));
  if (n < 730) return say(plural(n / 30, "month", "months"));
  return say(plural(n / 365, "year", "years"));
}

std::string when_label(Time t, Time now) { return relative_label(t, now) + " \xC2\xB7 " + day_label(t, now); }

std::string days_text(std::int64_t n) { return plural(n, "day", "days"); }

std::string window_text(Time window) {
  if (window % kDay == 0) return days_text(window / kDay);
  if (window % kHour == 0) return plural(window / kHour, "hour", "hours");
  return plural(window / kMinute, "minute", "minutes");
}

std::string_view stage_label(Stage s) {
  switch (s) {
    case Stage::prospect: return "Prospect";
    case Stage::active: return "Active";
    case Stage::former: return "Former";
  }
  return "";
}

std::string_view channel_label(Channel c) {
  switch (c) {
    case Channel::email: return "Email";
    case Channel::phone: return "Phone";
    case Channel::sms: return "SMS";
    case Channel::chat: return "Chat";
    case Channel::letter: return "Letter";
    case Channel::portal: return "Portal";
    case Channel::in_person: return "In person";
  }
  return "";
}

std::string_view promise_kind_label(PromiseKind k) {
  switch (k) {
    case PromiseKind::delivery: return "Delivery";
    case PromiseKind::payment: return "Payment";
    case PromiseKind::callback: return "Call back";
    case PromiseKind::refund: return "Refund";
    case PromiseKind::document: return "Document";
    case PromiseKind::other: return "Promise";
  }
  return "";
}

std::string_view touch_kind_label(TouchKind k) {
  switch (k) {
    case TouchKind::order_confirmation: return "Order confirmation";
    case TouchKind::status_update: return "Status update";
    case TouchKind::review_request: return "Review request";
    case TouchKind::renewal_notice: return "Renewal notice";
    case TouchKind::marketing: return "Marketing";
    case TouchKind::welcome: return "Welcome";
    case TouchKind::cancellation_confirmation: return "Cancellation confirmation";
    case TouchKind::legal_notice: return "Legal notice";
    case TouchKind::payment_request: return "Payment request";
    case TouchKind::apology: return "Apology";
    case TouchKind::question: return "Question";
    case TouchKind::complaint: return "Complaint";
    case TouchKind::other: return "Message";
  }
  return "";
}

std::string_view suggestion_kind_label(SuggestionKind k) {
  switch (k) {
    case SuggestionKind::promise_overdue: return "Overdue promise";
    case SuggestionKind::promise_due_soon: return "Due soon";
    case SuggestionKind::exception_update: return "Exception update";
    case SuggestionKind::fulfilment_followup: return "Follow-up";
    case SuggestionKind::closing_message: return "Closing message";
    case SuggestionKind::held_message_replacement: return "Instead of a held message";
  }
  return "";
}

std::string_view hold_reason_label(HoldReason r) {
  switch (r) {
    case HoldReason::before_fulfilment: return "before fulfilment";
    case HoldReason::former_customer: return "former customer";
    case HoldReason::duplicate: return "duplicate";
    case HoldReason::open_exception: return "open exception";
    case HoldReason::frequency_cap: return "too many in 24 h";
  }
  return "";
}

std::string hold_reasons_label(const std::vector<HoldReason>& reasons) {
  std::string out;
  for (HoldReason r : reasons) {
    if (!out.empty()) out += ", ";
    out += hold_reason_label(r);
  }
  return out;
}

std::string humanize(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '_' || c == '-') c = ' ';
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

bool contains_folded(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && fold(hay[i + k]) == fold(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace cockpit::vm
