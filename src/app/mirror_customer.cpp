// The mirror of one customer and of the team (app/mirror.hpp): every suggestion,
// promise, exception and scheduled message with its words, and its actions as buttons
// carrying the intent the canvas's button opens (ui/customer_view.cpp).
#include <string>

#include "app/app_controller.hpp"
#include "app/mirror.hpp"

namespace cockpit::mirror {
namespace {

using KI = vm::KeyIntent;
using Kind = vm::ActionItem::Kind;

ItemIntent intent(const std::string& customer, KI::Kind kind, int s, int p, int x, int h) {
  KI in;
  in.kind = kind;
  in.suggestion = s;
  in.promise = p;
  in.exception = x;
  in.scheduled = h;
  return ItemIntent{customer, in};
}

// The item the app's cursor stands on, as (kind, index); {-1} when none.
struct Cursor {
  Kind kind = Kind::suggestion;
  int index = -1;
  bool on(Kind k, int i) const { return index >= 0 && kind == k && index == i; }
};
Cursor cursor_of(const vm::CustomerModel& m, int item_cursor) {
  if (item_cursor < 0 || item_cursor >= static_cast<int>(m.items.size())) return {};
  const vm::ActionItem& it = m.items[static_cast<std::size_t>(item_cursor)];
  return {it.kind, it.index};
}

// A list item; when the cursor is on it, it is marked selected and its first button
// (added next) takes the focus.
int item(Tree& t, int list, const std::string& key, bool selected, std::string& focus, const std::string& first_button) {
  const int li = t.add(list, Role::listitem, key);
  if (selected) {
    t.nodes[static_cast<std::size_t>(li)].flags |= kSelected;
    focus = first_button;
  }
  return li;
}

void add_suggestions(Tree& t, int main, const vm::CustomerModel& m, Cursor cur, std::string& focus) {
  const int r = add_region(t, main, "c.suggestions", "Suggested messages", static_cast<int>(m.suggestions.size()));
  if (m.suggestions.empty()) return;
  const int list = t.add(r, Role::list, "c.suggestions.list", "Suggested messages");
  for (std::size_t i = 0; i < m.suggestions.size(); ++i) {
    const vm::SuggestionView& s = m.suggestions[i];
    const int ii = static_cast<int>(i);
    const std::string k = "suggestion." + s.about;
    const int li = item(t, list, k, cur.on(Kind::suggestion, ii), focus, k + ".send");
    t.add(li, Role::text, k + ".what", s.kind_label + ": " + s.channel_label + ", " + s.subject);
    t.add(li, Role::text, k + ".why", s.reason);
    t.add(li, Role::button, k + ".send", "Send: " + s.subject, intent(m.id, KI::Kind::compose, ii, -1, -1, -1));
    t.add(li, Role::button, k + ".dismiss", "Dismiss: " + s.subject, intent(m.id, KI::Kind::dismiss, ii, -1, -1, -1));
    if (s.can_snooze)
      t.add(li, Role::button, k + ".snooze", "Snooze: " + s.subject, intent(m.id, KI::Kind::snooze, ii, -1, -1, -1));
  }
}

void add_promises(Tree& t, int main, const vm::CustomerModel& m, Cursor cur, std::string& focus) {
  int open = 0;
  for (const vm::PromiseView& p : m.promises) open += p.open;
  const int r = add_region(t, main, "c.promises", "Open promises", open);
  if (open == 0) return;
  const int list = t.add(r, Role::list, "c.promises.list", "Open promises");
  for (std::size_t i = 0; i < m.promises.size(); ++i) {
    const vm::PromiseView& p = m.promises[i];
    if (!p.open) continue;
    const int ii = static_cast<int>(i);
    const std::string k = "promise." + p.id;
    const int li = item(t, list, k, cur.on(Kind::promise, ii), focus, k + ".new_date");
    t.add(li, Role::text, k + ".what", p.text + kDot + p.status);
    t.add(li, Role::text, k + ".when", p.kind_label + (p.case_title.empty() ? "" : kDot + p.case_title) + kDot + p.due);
    for (std::size_t s = 0; s < p.slips.size(); ++s)
      t.add(li, Role::text, k + ".slip" + std::to_string(s),
            std::string(p.slips[s].told ? "Moved, customer told: " : "Moved, customer not told: ") + p.slips[s].text);
    t.add(li, Role::button, k + ".new_date", "New date: " + p.text, intent(m.id, KI::Kind::new_date, -1, ii, -1, -1));
    t.add(li, Role::button, k + ".kept", "Kept: " + p.text, intent(m.id, KI::Kind::kept, -1, ii, -1, -1));
  }
}

void add_exceptions(Tree& t, int main, const vm::CustomerModel& m, Cursor cur, std::string& focus) {
  int open = 0;
  for (const vm::ExceptionView& x : m.exceptions) open += x.open;
  const int r = add_region(t, main, "c.exceptions", "Pending exceptions", open);
  if (open == 0) return;
  const int list = t.add(r, Role::list, "c.exceptions.list", "Pending exceptions");
  for (std::size_t i = 0; i < m.exceptions.size(); ++i) {
    const vm::ExceptionView& x = m.exceptions[i];
    if (!x.open) continue;
    const int ii = static_cast<int>(i);
    const std::string k = "exception." + x.id;
    const int li = item(t, list, k, cur.on(Kind::exception, ii), focus, k + ".resolve");
    t.add(li, Role::text, k + ".what", x.summary + kDot + "Waiting on " + x.waiting_on);
    t.add(li, Role::text, k + ".when", x.kind_label + kDot + x.age + kDot + x.raised);
    t.add(li, Role::button, k + ".resolve", "Resolve: " + x.summary, intent(m.id, KI::Kind::resolve, -1, -1, ii, -1));
    t.add(li, Role::button, k + ".reroute", "Re-route: " + x.summary, intent(m.id, KI::Kind::reroute, -1, -1, ii, -1));
  }
}

void add_scheduled(Tree& t, int main, const vm::CustomerModel& m, Cursor cur, std::string& focus) {
  const int r = add_region(t, main, "c.scheduled", "Scheduled automated messages", static_cast<int>(m.scheduled.size()));
  if (m.scheduled.empty()) return;
  const int list = t.add(r, Role::list, "c.scheduled.list", "Scheduled automated messages");
  for (std::size_t i = 0; i < m.scheduled.size(); ++i) {
    const vm::ScheduledView& s = m.scheduled[i];
    const int ii = static_cast<int>(i);
    const std::string k = "held." + s.id;
    const int li = item(t, list, k, cur.on(Kind::held, ii), focus, s.held ? k + ".release" : std::string());
    t.add(li, Role::text, k + ".what", s.subject + kDot + s.verdict);
    t.add(li, Role::text, k + ".when", s.kind_label + kDot + s.sender + kDot + s.when);
    if (!s.asked.empty()) t.add(li, Role::text, k + ".asked", s.asked);
    if (!s.note.empty()) t.add(li, Role::text, k + ".note", "Note: " + s.note);
    if (!s.held) continue;
    t.add(li, Role::button, k + ".release", "Release: " + s.subject, intent(m.id, KI::Kind::release, -1, -1, -1, ii));
    t.add(li, Role::button, k + ".cancel", "Cancel: " + s.subject, intent(m.id, KI::Kind::cancel_held, -1, -1, -1, ii));
  }
}

void add_done(Tree& t, int main, const vm::CustomerModel& m) {
  int done = 0;
  for (const vm::PromiseView& p : m.promises) done += !p.open;
  for (const vm::ExceptionView& x : m.exceptions) done += !x.open;
  if (done == 0) return;
  const int r = add_region(t, main, "c.done", "Done", done);
  const int list = t.add(r, Role::list, "c.done.list", "Done");
  for (const vm::PromiseView& p : m.promises)
    if (!p.open) t.add(list, Role::listitem, "done." + p.id, "Done: " + p.text + kDot + p.status);
  for (const vm::ExceptionView& x : m.exceptions)
    if (!x.open) t.add(list, Role::listitem, "done." + x.id, "Done: " + x.summary + kDot + x.age);
}

// "3 days ago · Anna Berger · Email · Status update · from the customer · Automated: subject. body"
std::string join_words(const vm::TimelineView& e) {
  std::string w = e.when + kDot + e.who + kDot + e.channel + kDot + e.kind;
  if (e.incoming) w += kDot + std::string("from the customer");
  if (e.automated && !e.scheduled) w += kDot + std::string("Automated");
  if (!e.badge.empty()) w += kDot + e.badge;
  w += ": " + e.subject;
  if (!e.body.empty()) w += ". " + e.body;
  return w;
}

void add_timeline(Tree& t, int main, const vm::CustomerModel& m, bool show_noise) {
  const int r = add_region(t, main, "c.timeline", "Timeline", static_cast<int>(m.timeline.size()));
  if (m.noise > 0) {
    const int b = t.add(r, Role::button, "c.timeline.noise",
                        "Show " + std::to_string(m.noise) + " repeated automated messages", UiControl{"noise"});
    t.nodes[static_cast<std::size_t>(b)].flags |= kToggle | (show_noise ? kPressed : 0);
  }
  if (m.timeline.empty()) return;
  const int list = t.add(r, Role::list, "c.timeline.list", "Timeline");
  for (const vm::TimelineView& e : m.timeline) {
    if (e.noise && !e.group_head && !show_noise) continue;
    std::string words = join_words(e);
    t.add(list, Role::listitem, "timeline." + e.id, std::move(words));
  }
}

}  // namespace

void add_customer(Tree& t, int main, AppController& data, const Screen& s, Time now, std::string& focus) {
  const vm::CustomerModel& m = data.customer(s.customer, now);
  t.add(main, Role::button, "c.back", "Back to Today", OpenView{OpenView::To::today});
  if (!m.found) {
    const int h = t.add(main, Role::heading, "c.h", "This customer is not in your book");
    t.nodes[static_cast<std::size_t>(h)].level = 1;
    return;
  }
  const int h = t.add(main, Role::heading, "c.h", m.name);
  t.nodes[static_cast<std::size_t>(h)].level = 1;
  t.add(main, Role::text, "c.facts", m.stage + (m.worst.empty() ? "" : kDot + m.worst));
  std::string contact = m.email;
  if (!m.phone.empty()) contact += (contact.empty() ? "" : kDot) + m.phone;
  t.add(main, Role::text, "c.contact", contact + kDot + m.preferred + kDot + m.since);
  t.add(main, Role::text, "c.owner", "Owner: " + m.owner);
  t.add(main, Role::button, "c.write", "Write a message", intent(m.id, KI::Kind::compose, -1, -1, -1, -1));
  t.add(main, Role::button, "c.log_call", "Log a call", intent(m.id, KI::Kind::log_call, -1, -1, -1, -1));
  if (data.session() && data.session()->can_undo())
    t.add(main, Role::button, "c.undo", "Undo: " + data.session()->undo_label(), Action{Undo{}});
  const Cursor cur = cursor_of(m, s.item_cursor);
  add_suggestions(t, main, m, cur, focus);
  add_promises(t, main, m, cur, focus);
  add_exceptions(t, main, m, cur, focus);
  add_scheduled(t, main, m, cur, focus);
  add_done(t, main, m);
  add_timeline(t, main, m, s.show_noise);
}

// The source events with no customer (the lead's panel, ui/unmatched_view.cpp): where the
// list stands, then one item per event; matching is done in the drawn panel.
static void add_unmatched(Tree& t, int main, AppController& data) {
  const vm::UnmatchedPanel& p = data.unmatched_panel();
  const int r = add_region(t, main, "lead.unmatched", "Source events with no customer", static_cast<int>(p.rows.size()));
  t.add(r, Role::text, "lead.unmatched.status", p.status);
  if (!p.match_error.empty()) t.add(r, Role::text, "lead.unmatched.error", p.match_error);
  if (!p.match_done.empty()) t.add(r, Role::text, "lead.unmatched.done", p.match_done);
  if (p.rows.empty()) return;
  const int list = t.add(r, Role::list, "lead.unmatched.list", "Source events with no customer");
  for (const vm::UnmatchedRow& u : p.rows)
    t.add(list, Role::listitem, "lead.unmatched.row." + std::to_string(u.id),
          u.source + " " + u.type + kDot + u.names + kDot + u.arrived + kDot + u.summary);
}

void add_lead(Tree& t, int main, AppController& data, Time now) {
  const int h = t.add(main, Role::heading, "lead.h", "Team");
  t.nodes[static_cast<std::size_t>(h)].level = 1;
  const std::vector<vm::ManagerLoad>& loads = data.lead(now);
  const int table = t.add(main, Role::table, "lead.table", "Each manager's load, busiest first");
  const int head = t.add(table, Role::row, "lead.head");
  const char* cols[] = {"Manager", "Customers", "Overdue promises", "Due soon", "Pending exceptions", "Held messages",
                        "Suggestions"};
  for (int c = 0; c < 7; ++c) t.add(head, Role::colheader, "lead.head." + std::to_string(c), cols[c]);
  for (const vm::ManagerLoad& l : loads) {
    const std::string k = "lead.row." + l.id;
    const int row = t.add(table, Role::row, k);
    t.add(row, Role::cell, k + ".c0", l.name + kDot + l.role);
    const int values[] = {l.customers, l.overdue, l.due_soon, l.exceptions, l.held, l.suggestions};
    for (int c = 0; c < 6; ++c) {
      std::string v = std::to_string(values[c]);
      if (c == 3 && l.exceptions) v += " (" + l.oldest + ")";
      t.add(row, Role::cell, k + ".c" + std::to_string(c + 1), std::move(v));
    }
  }
  add_unmatched(t, main, data);
  const std::vector<vm::SenderUse>& senders = data.unasking_senders();
  const int r = add_region(t, main, "lead.senders", "Senders that never ask the guard", static_cast<int>(senders.size()));
  if (senders.empty()) return;
  const int list = t.add(r, Role::list, "lead.senders.list", "Senders that never ask the guard");
  for (const vm::SenderUse& u : senders) t.add(list, Role::listitem, "lead.sender." + u.sender, u.sender + ": " + u.line);
}

}  // namespace cockpit::mirror
