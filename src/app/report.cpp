#include "app/report.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "domain/enums.hpp"

namespace cockpit {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json opt(const std::optional<std::string>& s) { return s ? ordered_json(*s) : ordered_json(); }

ordered_json reasons_of(const std::vector<HoldReason>& reasons) {
  ordered_json a = ordered_json::array();
  for (auto r : reasons) a.push_back(to_string(r));
  return a;
}

}  // namespace

std::string report_json(const Lists& l, int indent) {
  ordered_json o;
  o["manager"] = l.manager;
  o["as_of"] = format_time(l.as_of);

  ordered_json customers = ordered_json::array();
  for (const auto& c : l.customers)
    customers.push_back({{"id", c.id},
                         {"name", c.name},
                         {"stage", to_string(c.stage)},
                         {"owner", c.owner},
                         {"worst", to_string(c.worst)},
                         {"worst_label", c.worst_label}});
  o["customers"] = std::move(customers);

  ordered_json exceptions = ordered_json::array();
  for (const auto& x : l.pending_exceptions)
    exceptions.push_back({{"id", x.id},
                          {"customer", x.customer},
                          {"age_days", x.age_days},
                          {"waiting_on", x.waiting_on},
                          {"case", opt(x.case_id)},
                          {"kind", x.kind},
                          {"summary", x.summary},
                          {"raised_at", format_time(x.raised_at)}});
  o["pending_exceptions"] = std::move(exceptions);

  ordered_json overdue = ordered_json::array();
  for (const auto& p : l.overdue_promises)
    overdue.push_back({{"id", p.id},
                       {"customer", p.customer},
                       {"days_overdue", p.days_overdue},
                       {"case", opt(p.case_id)},
                       {"kind", to_string(p.kind)},
                       {"text", p.text},
                       {"due_at", format_time(p.due_at)},
                       {"customer_told", p.customer_told}});
  o["overdue_promises"] = std::move(overdue);

  ordered_json suggestions = ordered_json::array();
  for (const auto& s : l.suggestions)
    suggestions.push_back({{"customer", s.customer},
                           {"kind", to_string(s.kind)},
                           {"about", s.about},
                           {"reason", s.reason},
                           {"subject", s.subject},
                           {"body", s.body},
                           {"channel", to_string(s.channel)},
                           {"priority", s.priority},
                           {"key", s.key}});
  o["suggestions"] = std::move(suggestions);

  ordered_json held = ordered_json::array();
  for (const auto& h : l.held_messages)
    held.push_back({{"scheduled", h.scheduled},
                    {"customer", h.customer},
                    {"reasons", reasons_of(h.reasons)},
                    {"case", opt(h.case_id)},
                    {"kind", to_string(h.kind)},
                    {"subject", h.subject},
                    {"scheduled_at", format_time(h.scheduled_at)}});
  o["held_messages"] = std::move(held);
  return o.dump(indent, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

std::string report_text(const Lists& l) {
  std::ostringstream out;
  out << "Report for " << l.manager << " as of " << format_time(l.as_of) << "\n";
  out << "\nCustomers (" << l.customers.size() << ")\n";
  for (const auto& c : l.customers)
    out << "  " << c.id << "  " << c.name << " [" << to_string(c.stage) << "]  " << c.worst_label << "\n";
  out << "\nPending exceptions (" << l.pending_exceptions.size() << ")\n";
  for (const auto& x : l.pending_exceptions)
    out << "  " << x.id << "  " << x.customer << "  " << x.kind << ", " << x.age_days << " days, waiting on "
        << x.waiting_on << "\n";
  out << "\nOverdue promises (" << l.overdue_promises.size() << ")\n";
  for (const auto& p : l.overdue_promises)
    out << "  " << p.id << "  " << p.customer << "  " << to_string(p.kind) << ", " << p.days_overdue
        << " days overdue: " << p.text << "\n";
  out << "\nSuggestions (" << l.suggestions.size() << ")\n";
  for (const auto& s : l.suggestions)
    out << "  " << s.customer << "  " << to_string(s.kind) << " about " << s.about << ": " << s.reason << "\n";
  out << "\nHeld messages (" << l.held_messages.size() << ")\n";
  for (const auto& h : l.held_messages) {
    out << "  " << h.scheduled << "  " << h.customer << "  ";
    for (std::size_t i = 0; i < h.reasons.size(); ++i) out << (i ? ", " : "") << to_string(h.reasons[i]);
    out << "\n";
  }
  return out.str();
}

}  // namespace cockpit
