// The mirror's tree for each screen (app/mirror.hpp), from the same view models the
// ImGui views draw: the header and navigation, then Today (the four areas as lists, the
// customers as a table), a customer (each item with its words and its buttons), the
// team, the sign-in form; an open dialog last. Keys name what a node shows ("row.c-1",
// "promise.p-3.kept"), so a node keeps its key while its record lives.
#include <string>

#include "app/app_controller.hpp"
#include "app/mirror.hpp"

namespace cockpit::mirror {
namespace {

constexpr int kItemsPerCard = 3;  // as many as a Today card shows (ui/today_view.cpp)

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += kDot;
    out += p;
  }
  return out;
}

int heading(Tree& t, int parent, const std::string& key, std::string name, int level) {
  const int h = t.add(parent, Role::heading, key, std::move(name));
  t.nodes[static_cast<std::size_t>(h)].level = level;
  return h;
}

void select_if(Tree& t, int node, bool selected) {
  if (selected) t.nodes[static_cast<std::size_t>(node)].flags |= kSelected;
}

// ------------------------------------------------------------ header
void add_header(Tree& t, AppController& data, const Screen& s) {
  const int banner = t.add(0, Role::banner, "banner", "Cockpit");
  if (data.signed_in()) {
    t.add(banner, Role::text, "banner.who",
          data.me().name + kDot + (data.me().role == cockpit::Role::lead ? "Team lead" : "Customer manager"));
    const int nav = t.add(banner, Role::navigation, "nav", "Views");
    const int today = t.add(nav, Role::button, "nav.today", "Today", OpenView{OpenView::To::today});
    if (s.view == Screen::View::today || s.view == Screen::View::customer) t.nodes[static_cast<std::size_t>(today)].flags |= kCurrent;
    if (data.me().role == cockpit::Role::lead) {
      const int lead = t.add(nav, Role::button, "nav.lead", "Team", OpenView{OpenView::To::lead});
      if (s.view == Screen::View::lead) t.nodes[static_cast<std::size_t>(lead)].flags |= kCurrent;
    }
  }
  if (!s.sync.empty()) t.add(banner, Role::status, "sync", "Sync: " + s.sync);
  if (!s.notices.empty()) t.add(banner, Role::button, "banner.notices", s.notices, UiControl{"notices.open"});
  if (!s.theme_next.empty()) t.add(banner, Role::button, "banner.theme", s.theme_next, UiControl{"theme"});
  t.add(banner, Role::button, "banner.help", "Keyboard shortcuts", UiControl{"help"});
  if (data.signed_in()) t.add(banner, Role::button, "banner.sign_out", "Sign out", UiControl{"sign_out"});
}

// ------------------------------------------------------------ forms (dialogs, sign-in)
void add_form(Tree& t, int parent, const std::string& key, const Form& f) {
  if (!f.context.empty()) t.add(parent, Role::text, key + ".context", f.context);
  for (std::size_t i = 0; i < f.lines.size(); ++i) t.add(parent, Role::text, key + ".line" + std::to_string(i), f.lines[i]);
  for (const Field& field : f.fields) {
    const int n = t.add(parent, field.role, key + ".field." + field.id, field.label, UiControl{field.id});
    if (field.role != Role::password) t.nodes[static_cast<std::size_t>(n)].value = field.value;
  }
  auto button = [&](const FormButton& b, const std::string& k) {
    const int n = t.add(parent, Role::button, k, b.label, UiControl{b.control});
    if (b.toggle) t.nodes[static_cast<std::size_t>(n)].flags |= kToggle | (b.pressed ? kPressed : 0);
  };
  for (const FormButton& b : f.choices) button(b, key + ".choice." + b.control);
  for (const FormButton& b : f.buttons) button(b, key + ".button." + b.control);
  if (!f.error.empty()) t.add(parent, Role::alert, key + ".error", f.error);
}

// Where the keyboard goes when a form opens: its first field, else its first button.
std::string form_focus(const std::string& key, const Form& f) {
  if (!f.fields.empty()) return key + ".field." + f.fields.front().id;
  if (!f.buttons.empty()) return key + ".button." + f.buttons.front().control;
  return {};
}

// ------------------------------------------------------------ Today
void add_area(Tree& t, int parent, const char* id, const char* title, const vm::Area& area, const std::string& empty) {
  const std::string key = std::string("area.") + id;
  const int r = add_region(t, parent, key, title, area.count);
  if (area.count == 0) {
    t.add(r, Role::text, key + ".empty", empty);
    return;
  }
  const int list = t.add(r, Role::list, key + ".list", title);
  int shown = 0;
  for (const vm::CardItem& item : area.top) {
    if (shown++ == kItemsPerCard) break;
    const std::string ik = key + "." + item.about;
    const int li = t.add(list, Role::listitem, ik);
    t.add(li, Role::button, ik + ".open", "Open " + item.customer_name + ": " + item.title,
          OpenCustomer{item.customer_id, item.about});
    t.add(li, Role::text, ik + ".text", join({item.detail, item.when}));
  }
  if (area.count > shown) t.add(r, Role::text, key + ".more", std::to_string(area.count - shown) + " more below, in My customers");
}

void add_filters(Tree& t, int parent, const Screen& s, const vm::TodayModel& m) {
  const int* c = m.counts_by_severity;
  struct Chip {
    const char* id;
    const char* label;
    int count;
    vm::SeverityFilter f;
  };
  const Chip chips[] = {{"filter.all", "All", c[0] + c[1] + c[2], vm::SeverityFilter::all},
                        {"filter.overdue", "Overdue", c[2], vm::SeverityFilter::overdue},
                        {"filter.at_risk", "At risk", c[1], vm::SeverityFilter::at_risk},
                        {"filter.fine", "Fine", c[0], vm::SeverityFilter::fine}};
  for (const Chip& chip : chips) {
    const int b = t.add(parent, Role::button, std::string("customers.") + chip.id,
                        std::string(chip.label) + ": " + std::to_string(chip.count), UiControl{chip.id});
    t.nodes[static_cast<std::size_t>(b)].flags |= kToggle | (s.query.severity == chip.f ? kPressed : 0);
  }
  // The stage filter (the canvas's "Every stage" box), as toggles like the chips.
  const char* stages[] = {"Every stage", "Prospects", "Active", "Former"};
  for (int i = 0; i < 4; ++i) {
    const std::string id = i == 0 ? "all" : std::to_string(i - 1);
    const int b = t.add(parent, Role::button, "customers.stage." + id, std::string("Stage: ") + stages[i],
                        UiControl{"stage." + id});
    const bool on = i == 0 ? !s.query.stage : s.query.stage && static_cast<int>(*s.query.stage) == i - 1;
    t.nodes[static_cast<std::size_t>(b)].flags |= kToggle | (on ? kPressed : 0);
  }
}

// The header row: each column's header is a button that sorts by it (as a click on the
// canvas's header does), the sorted one says its direction (aria-sort).
void add_sort_headers(Tree& t, int table, const Screen& s, bool lead) {
  const int head = t.add(table, Role::row, "customers.head");
  const char* cols[] = {"Customer", "Stage", "Worst open issue", "Suggestions", "Owner"};
  const vm::SortKey keys[] = {vm::SortKey::name, vm::SortKey::stage, vm::SortKey::urgency, vm::SortKey::suggestions,
                              vm::SortKey::owner};
  const vm::SortKey shown = s.query.sort == vm::SortKey::worst ? vm::SortKey::urgency : s.query.sort;
  // Suggestions sort "most first" by nature: its arrow points down when not descending.
  const bool down = shown == vm::SortKey::suggestions ? !s.query.descending : s.query.descending;
  for (int c = 0; c < (lead ? 5 : 4); ++c) {
    const std::string k = "customers.head." + std::to_string(c);
    const int h = t.add(head, Role::colheader, k);
    if (keys[c] == shown) t.nodes[static_cast<std::size_t>(h)].flags |= down ? kSortDescending : kSortAscending;
    t.add(h, Role::button, k + ".sort", cols[c], UiControl{"sort." + std::to_string(static_cast<int>(keys[c]))});
  }
}

// What a customer's row is built from, hashed: its words (TodayModel::row_words), the
// search (its match hint; while searching, any data change may change the hint), the
// selection and the owner column. Equal: the row's nodes are the last frame's.
std::uint64_t row_sig(std::uint64_t words, const Screen& s, std::uint64_t revision, bool selected, bool owner) {
  std::uint64_t h = mix(words, static_cast<std::uint64_t>(selected) | static_cast<std::uint64_t>(owner) << 1);
  if (!s.query.search.empty()) h = mix(mix(h, s.query.search), revision);
  return h;
}

void add_customer_row(Tree& t, int table, const vm::CustomerListRow& r, bool owner, bool selected) {
  const std::string k = "row." + r.id;
  const int row = t.add(table, Role::row, k);
  const int name = t.add(row, Role::cell, k + ".c0");
  t.add(name, Role::button, k + ".open", r.match.empty() ? r.name : r.name + kDot + r.match, OpenCustomer{r.id, {}});
  t.add(row, Role::cell, k + ".c1", r.stage);
  t.add(row, Role::cell, k + ".c2", r.worst.empty() ? std::string(vm::tone_word(r.tone)) : r.worst);
  t.add(row, Role::cell, k + ".c3", r.suggestions.empty() ? "none" : r.suggestions);
  if (owner) t.add(row, Role::cell, k + ".c4", r.owner);
  select_if(t, row, selected);
}

// One block per row: only rows whose inputs changed are built (and diffed) again.
void add_customer_rows(Tree& t, int table, AppController& data, const Screen& s, const vm::TodayModel& m, bool owner,
                       std::string& focus) {
  const std::vector<CustomerRow>& customers = data.session()->lists().customers;
  for (std::size_t i = 0; i < m.rows.size(); ++i) {
    const CustomerRow& c = customers[static_cast<std::size_t>(m.rows[i])];
    const bool selected = static_cast<int>(i) == s.cursor;
    if (selected) focus = "row." + c.id + ".open";
    if (t.reuse(table, "row." + c.id, row_sig(m.row_words[i], s, data.revision(), selected, owner))) continue;
    add_customer_row(t, table, data.today_row(m.rows[i], s.query.search), owner, selected);
  }
}

void add_customers(Tree& t, int parent, AppController& data, const Screen& s, const vm::TodayModel& m, bool lead,
                   std::string& focus) {
  const char* title = lead ? "Everyone's customers" : "My customers";
  const int r = add_region(t, parent, "customers", title, m.total_customers);
  const int search = t.add(r, Role::textbox, "customers.search", "Search a customer, case or promise", UiControl{"search"});
  t.nodes[static_cast<std::size_t>(search)].value = s.query.search;
  t.nodes[static_cast<std::size_t>(search)].level = 1;
  add_filters(t, r, s, m);
  if (m.rows.empty()) {
    if (m.total_customers > 0) {
      t.add(r, Role::text, "customers.none", "No customer matches the search and filters.");
      t.add(r, Role::button, "customers.clear", "Clear search and filters", UiControl{"clear_filters"});
    }
    return;
  }
  const std::string caption = std::string(title) + ", showing " + std::to_string(m.rows.size()) + " of " +
                              std::to_string(m.total_customers);
  const int table = t.add(r, Role::table, "customers.table", caption);
  add_sort_headers(t, table, s, lead);
  add_customer_rows(t, table, data, s, m, lead, focus);
}

void add_today(Tree& t, int main, AppController& data, const Screen& s, Time now, std::string& focus) {
  const vm::TodayModel& m = data.today(s.query, now);
  const bool lead = data.me().role == cockpit::Role::lead;
  heading(t, main, "today.h", "Today, " + vm::day_label(now, now), 1);
  if (m.total_customers > 0) {
    const int* c = m.counts_by_severity;
    t.add(main, Role::text, "today.summary",
          std::string(lead ? "The team has " : "You have ") + std::to_string(m.total_customers) + " customers: " +
              std::to_string(c[2]) + " overdue, " + std::to_string(c[1]) + " at risk, " + std::to_string(c[0]) + " fine");
  }
  const std::string due_soon =
      "No promise is overdue. " + std::to_string(m.due_soon) + " due in the next " + m.due_soon_window + ".";
  add_area(t, main, "suggested", "Suggested messages", m.suggested, "Nothing to say right now.");
  add_area(t, main, "overdue", "Overdue promises", m.overdue, due_soon);
  add_area(t, main, "exceptions", "Pending exceptions", m.exceptions, "No exception is waiting on anyone.");
  add_area(t, main, "held", "Held automated messages", m.held, "No automated message is held.");
  add_customers(t, main, data, s, m, lead, focus);
}

}  // namespace

// ------------------------------------------------------------ the customer (mirror_customer.cpp)
void add_customer(Tree& t, int main, AppController& data, const Screen& s, Time now, std::string& focus);
// ------------------------------------------------------------ the team (mirror_customer.cpp)
void add_lead(Tree& t, int main, AppController& data, Time now);
// ------------------------------------------------------------ the lead's reassignment (mirror_team.cpp)
void add_reassign(Tree& t, int main, AppController& data, const Screen& s);

Tree build(AppController& data, const Screen& s, Time now, std::string& focus, Tree* previous) {
  Tree t;
  t.previous = previous;
  if (previous) t.nodes = std::move(previous->recycled);
  // Room for as many nodes as last time, once (a growing vector moves them all).
  t.nodes.reserve(previous && !previous->nodes.empty() ? previous->nodes.size() + 64 : 512);
  focus.clear();
  t.add(-1, Role::root, "root", "Cockpit");
  add_header(t, data, s);
  const int main = t.add(0, Role::main, "main", "Cockpit");
  if (s.view == Screen::View::sign_in || !data.signed_in()) {
    const std::string title = data.server_mode() ? "Sign in to Cockpit" : "Who is working today?";
    heading(t, main, "signin.h", title, 1);
    if (s.sign_in) {
      add_form(t, main, "signin", *s.sign_in);
      focus = form_focus("signin", *s.sign_in);
    }
  } else if (s.view == Screen::View::today) {
    add_today(t, main, data, s, now, focus);
    if (focus.empty()) focus = "today.h";
  } else if (s.view == Screen::View::customer) {
    add_customer(t, main, data, s, now, focus);
    if (focus.empty()) focus = "c.h";  // a view opened with no item selected: its heading
  } else {
    add_lead(t, main, data, now);
    add_reassign(t, main, data, s);
    focus = "lead.h";
  }
  if (!s.toast.empty()) {
    const int toast = t.add(0, Role::region, "toast", "Last action");
    t.add(toast, Role::text, "toast.text", s.toast);
    if (s.toast_undo) t.add(toast, Role::button, "toast.undo", "Undo", Action{Undo{}});
  }
  if (!s.status.empty()) t.add(0, Role::text, "statusline", s.status);
  if (s.dialog) {
    const int d = t.add(0, Role::dialog, "dialog", s.dialog->title);
    heading(t, d, "dialog.h", s.dialog->title, 2);
    add_form(t, d, "dialog", *s.dialog);
    focus = form_focus("dialog", *s.dialog);
  }
  t.finish();
  return t;
}

}  // namespace cockpit::mirror
