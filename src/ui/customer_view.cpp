// The customer view: everything about one customer on one screen. Left: what to act
// on (suggested messages, promises with their slip history, exceptions and who they
// wait on, scheduled messages with the guard's verdict). Right: the full timeline,
// automated messages marked, identical repeats folded as noise.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

using Kind = vm::ActionItem::Kind;

bool is_cursor(const DrawContext& ctx, const vm::CustomerModel& m, Kind kind, int index) {
  const int c = ctx.state.item_cursor;
  if (c < 0 || c >= static_cast<int>(m.items.size())) return false;
  const vm::ActionItem& it = m.items[static_cast<std::size_t>(c)];
  return it.kind == kind && it.index == index;
}

int item_of(const vm::CustomerModel& m, Kind kind, int index) {
  for (std::size_t i = 0; i < m.items.size(); ++i)
    if (m.items[i].kind == kind && m.items[i].index == index) return static_cast<int>(i);
  return -1;
}

// An item box: a group whose background shows the cursor; a click on it moves the cursor.
struct ItemBox {
  DrawContext& ctx;
  const vm::CustomerModel& m;
  Kind kind;
  int index;
  ImVec4 accent;
  ImVec2 start;
  ItemBox(DrawContext& c, const vm::CustomerModel& model, Kind k, int i, ImVec4 a)
      : ctx(c), m(model), kind(k), index(i), accent(a) {
    start = ImGui::GetCursorScreenPos();
    ImGui::PushID(static_cast<int>(k) * 1000 + i);
    ImGui::Indent(14);
    ImGui::Dummy(ImVec2(0, 2));
  }
  ~ItemBox() {
    ImGui::Dummy(ImVec2(0, 2));
    ImGui::Unindent(14);
    ImGui::PopID();
    const ImVec2 end(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x, ImGui::GetCursorScreenPos().y - 2);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool cur = is_cursor(ctx, m, kind, index);
    if (cur) dl->AddRectFilled(start, end, ImGui::GetColorU32(tint(ctx.colors.accent, 0.07f)), 6.0f);
    dl->AddRectFilled(start, ImVec2(start.x + 4, end.y), ImGui::GetColorU32(cur ? ctx.colors.accent : tint(accent, 0.7f)), 2.0f);
    if (ImGui::IsMouseHoveringRect(start, end) && ImGui::IsMouseClicked(0) && ImGui::IsWindowHovered())
      ctx.state.item_cursor = item_of(m, kind, index);
    ImGui::Spacing();
  }
};

bool small_action(DrawContext& ctx, const char* label, const std::string& probe) {
  const bool clicked = ImGui::SmallButton(label);
  record_control(ctx.probe, probe);
  ImGui::SameLine();
  return clicked;
}

// The item's dialog, as its one-key action would open it (-1: not that kind of item).
void open_item(DrawContext& ctx, const vm::CustomerModel& m, vm::KeyIntent::Kind k, int suggestion, int promise,
               int exception, int scheduled) {
  vm::KeyIntent in;
  in.kind = k;
  in.suggestion = suggestion;
  in.promise = promise;
  in.exception = exception;
  in.scheduled = scheduled;
  open_intent(ctx, m, in);
}

void draw_suggestions(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  using KI = vm::KeyIntent;
  section_title(ctx, "Suggested messages", static_cast<int>(m.suggestions.size()));
  if (m.suggestions.empty()) hint(ctx, "Nothing to say to them right now. Write anyway with \"Write a message\" (s).");
  for (std::size_t i = 0; i < m.suggestions.size(); ++i) {
    const vm::SuggestionView& s = m.suggestions[i];
    const int ii = static_cast<int>(i);
    ItemBox box(ctx, m, Kind::suggestion, ii, tone_color(p, s.tone));
    badge(s.kind_label, s.tone == vm::Tone::info ? p.accent : tone_color(p, s.tone));
    ImGui::SameLine();
    ImGui::TextColored(p.text_muted, "%s: %s", s.channel_label.c_str(), s.subject.c_str());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.reason.c_str());
    ImGui::PopTextWrapPos();
    const std::string id = "suggestion." + s.about;
    if (small_action(ctx, "Send\xE2\x80\xA6  s", id + ".send")) open_item(ctx, m, KI::Kind::compose, ii, -1, -1, -1);
    if (small_action(ctx, "Dismiss\xE2\x80\xA6  d", id + ".dismiss")) open_item(ctx, m, KI::Kind::dismiss, ii, -1, -1, -1);
    if (s.can_snooze && small_action(ctx, "Snooze\xE2\x80\xA6  z", id + ".snooze")) open_item(ctx, m, KI::Kind::snooze, ii, -1, -1, -1);
    ImGui::NewLine();
  }
}

void draw_open_promises(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  using KI = vm::KeyIntent;
  int open_promises = 0;
  for (const auto& pr : m.promises) open_promises += pr.open;
  section_title(ctx, "Open promises", open_promises);
  if (open_promises == 0) hint(ctx, "No open promise. Dates you give the customer appear here with their history.");
  for (std::size_t i = 0; i < m.promises.size(); ++i) {
    const vm::PromiseView& pv = m.promises[i];
    if (!pv.open) continue;
    const int ii = static_cast<int>(i);
    ItemBox box(ctx, m, Kind::promise, ii, tone_color(p, pv.tone));
    ImGui::PushFont(ctx.fonts.strong);
    ImGui::TextUnformatted(pv.text.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    badge(pv.status, tone_color(p, pv.tone));
    ImGui::TextColored(p.text_muted, "%s%s%s \xC2\xB7 %s", pv.kind_label.c_str(), pv.case_title.empty() ? "" : " \xC2\xB7 ",
                       pv.case_title.c_str(), pv.due.c_str());
    if (!pv.slips.empty()) {
      ImGui::PushFont(ctx.fonts.small);
      ImGui::TextColored(p.text_muted, "Moved %zu time%s:", pv.slips.size(), pv.slips.size() == 1 ? "" : "s");
      for (const vm::SlipView& sl : pv.slips)
        ImGui::TextColored(sl.told ? p.text_muted : p.overdue, "   \xE2\x86\xB3 %s", sl.text.c_str());
      ImGui::PopFont();
    }
    const std::string id = "promise." + pv.id;
    if (small_action(ctx, "New date\xE2\x80\xA6  n", id + ".new_date")) open_item(ctx, m, KI::Kind::new_date, -1, ii, -1, -1);
    if (small_action(ctx, "Kept  k", id + ".kept")) open_item(ctx, m, KI::Kind::kept, -1, ii, -1, -1);
    ImGui::NewLine();
  }
}

void draw_open_exceptions(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  using KI = vm::KeyIntent;
  int open_x = 0;
  for (const auto& x : m.exceptions) open_x += x.open;
  section_title(ctx, "Pending exceptions", open_x);
  if (open_x == 0) hint(ctx, "No exception: their cases follow the standard procedure.");
  for (std::size_t i = 0; i < m.exceptions.size(); ++i) {
    const vm::ExceptionView& x = m.exceptions[i];
    if (!x.open) continue;
    const int ii = static_cast<int>(i);
    ItemBox box(ctx, m, Kind::exception, ii, p.exceptions);
    ImGui::PushFont(ctx.fonts.strong);
    ImGui::TextUnformatted(x.summary.c_str());
    ImGui::PopFont();
    badge("Waiting on " + x.waiting_on, p.at_risk);
    ImGui::SameLine();
    ImGui::TextColored(p.text_muted, "%s \xC2\xB7 %s \xC2\xB7 %s", x.kind_label.c_str(), x.age.c_str(), x.raised.c_str());
    const std::string id = "exception." + x.id;
    if (small_action(ctx, "Resolve\xE2\x80\xA6  x", id + ".resolve")) open_item(ctx, m, KI::Kind::resolve, -1, -1, ii, -1);
    if (small_action(ctx, "Re-route\xE2\x80\xA6  w", id + ".reroute")) open_item(ctx, m, KI::Kind::reroute, -1, -1, ii, -1);
    ImGui::NewLine();
  }
}

void draw_scheduled(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  using KI = vm::KeyIntent;
  section_title(ctx, "Scheduled automated messages", static_cast<int>(m.scheduled.size()));
  if (m.scheduled.empty()) hint(ctx, "No automated message is about to go to them.");
  for (std::size_t i = 0; i < m.scheduled.size(); ++i) {
    const vm::ScheduledView& s = m.scheduled[i];
    const int ii = static_cast<int>(i);
    ItemBox box(ctx, m, Kind::held, ii, s.held ? p.held : tone_color(p, s.tone));
    ImGui::PushFont(ctx.fonts.strong);
    ImGui::TextUnformatted(s.subject.c_str());
    ImGui::PopFont();
    badge(s.verdict, s.held ? p.held : tone_color(p, s.tone));
    ImGui::SameLine();
    ImGui::TextColored(p.text_muted, "%s \xC2\xB7 %s \xC2\xB7 %s", s.kind_label.c_str(), s.sender.c_str(), s.when.c_str());
    if (!s.asked.empty())
      ImGui::TextColored(s.held && !s.sender_asked ? p.at_risk : p.text_muted, "%s", s.asked.c_str());
    if (!s.note.empty()) ImGui::TextColored(p.text_muted, "Note: %s", s.note.c_str());
    if (s.held) {
      const std::string id = "held." + s.id;
      if (small_action(ctx, "Release\xE2\x80\xA6  r", id + ".release")) open_item(ctx, m, KI::Kind::release, -1, -1, -1, ii);
      if (small_action(ctx, "Cancel it\xE2\x80\xA6  c", id + ".cancel")) open_item(ctx, m, KI::Kind::cancel_held, -1, -1, -1, ii);
      ImGui::NewLine();
    }
  }
}

void draw_done(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  // Kept and cancelled promises, resolved exceptions: history, compact.
  bool any_closed = false;
  for (const auto& pv : m.promises) any_closed |= !pv.open;
  for (const auto& x : m.exceptions) any_closed |= !x.open;
  if (any_closed) {
    ImGui::Spacing();
    section_title(ctx, "Done");
    ImGui::PushFont(ctx.fonts.small);
    for (const auto& pv : m.promises)
      if (!pv.open) ImGui::TextColored(p.text_muted, "\xE2\x9C\x93 %s \xC2\xB7 %s", pv.text.c_str(), pv.status.c_str());
    for (const auto& x : m.exceptions)
      if (!x.open) ImGui::TextColored(p.text_muted, "\xE2\x9C\x93 %s \xC2\xB7 %s", x.summary.c_str(), x.age.c_str());
    ImGui::PopFont();
  }
}

// Left column: what to act on, section by section, then what is done.
void draw_actions_column(DrawContext& ctx, const vm::CustomerModel& m) {
  draw_suggestions(ctx, m);
  ImGui::Spacing();
  draw_open_promises(ctx, m);
  ImGui::Spacing();
  draw_open_exceptions(ctx, m);
  ImGui::Spacing();
  draw_scheduled(ctx, m);
  draw_done(ctx, m);
}

void draw_timeline(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  section_title(ctx, "Timeline", static_cast<int>(m.timeline.size()));
  if (m.noise > 0) {
    ImGui::SameLine(0, 16);
    char label[96];
    std::snprintf(label, sizeof label, "Show %d repeated automated message%s", m.noise, m.noise == 1 ? "" : "s");
    ImGui::Checkbox(label, &ctx.state.show_noise);
    record_control(ctx.probe, "timeline.show_noise");
  }
  if (m.timeline.empty()) hint(ctx, "No contact yet. Calls and messages you log, and everything sent to them, appear here.");
  const float w = ImGui::GetContentRegionAvail().x;
  for (const vm::TimelineView& t : m.timeline) {
    if (t.noise && !t.group_head && !ctx.state.show_noise) continue;
    ImGui::PushID(t.id.c_str());
    const ImVec4 who_color = t.incoming ? p.accent : t.automated ? p.text_muted : p.fine;
    ImGui::PushFont(ctx.fonts.small);
    dot(who_color);
    ImGui::TextColored(p.text_muted, "%s", t.when.c_str());
    if (t.automated && !t.scheduled) {
      ImGui::SameLine();
      badge("Automated", p.text_muted);
    }
    if (!t.badge.empty()) {
      ImGui::SameLine();
      badge(t.badge, t.noise ? p.overdue : (t.tone == vm::Tone::at_risk ? p.held : tone_color(p, t.tone)));
    }
    ImGui::PopFont();
    ImGui::Indent(16);
    std::string line = t.who + " \xC2\xB7 " + t.channel + " \xC2\xB7 " + t.kind + (t.incoming ? " \xC2\xB7 from the customer" : "");
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(t.automated ? p.text_muted : p.text, "%s", line.c_str());
    ImGui::PopFont();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 30);
    if (t.automated) ImGui::TextColored(p.text_muted, "%s", t.subject.c_str());
    else {
      ImGui::PushFont(ctx.fonts.strong);
      ImGui::TextUnformatted(t.subject.c_str());
      ImGui::PopFont();
    }
    if (!t.body.empty()) {
      ImGui::PushFont(ctx.fonts.small);
      ImGui::TextColored(p.text_muted, "%s", t.body.c_str());
      ImGui::PopFont();
    }
    ImGui::PopTextWrapPos();
    ImGui::Unindent(16);
    ImGui::Spacing();
    ImGui::PopID();
  }
}

// A screen opened for one item (from a card on Today) puts the cursor on it.
void focus_item(UiState& st, const vm::CustomerModel& m) {
  if (!st.focus_about.empty()) {
    for (std::size_t i = 0; i < m.items.size(); ++i) {
      const vm::ActionItem& it = m.items[i];
      const std::string* about = nullptr;
      switch (it.kind) {
        case Kind::suggestion: about = &m.suggestions[static_cast<std::size_t>(it.index)].about; break;
        case Kind::promise: about = &m.promises[static_cast<std::size_t>(it.index)].id; break;
        case Kind::exception: about = &m.exceptions[static_cast<std::size_t>(it.index)].id; break;
        case Kind::held: about = &m.scheduled[static_cast<std::size_t>(it.index)].id; break;
      }
      if (*about == st.focus_about) {
        st.item_cursor = static_cast<int>(i);
        break;
      }
    }
    st.focus_about.clear();
  }
  if (st.item_cursor >= static_cast<int>(m.items.size())) st.item_cursor = static_cast<int>(m.items.size()) - 1;
}

void draw_title(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  ImGui::SameLine(0, 16);
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted(m.name.c_str());
  ImGui::PopFont();
  record_control(ctx.probe, "customer.name");
  ImGui::SameLine(0, 12);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
  badge(m.stage, m.stage_value == Stage::former ? p.text_muted : m.stage_value == Stage::prospect ? p.accent : p.fine);
  if (!m.worst.empty()) {
    ImGui::SameLine();
    badge(m.worst, tone_color(p, m.tone));
  }
}

// Contact and ownership, and what a manager can do for the customer as a whole.
void draw_contact_bar(DrawContext& ctx, const vm::CustomerModel& m) {
  const Palette& p = ctx.colors;
  std::string contact = m.email;
  if (!m.phone.empty()) contact += (contact.empty() ? "" : "  \xC2\xB7  ") + m.phone;
  contact += "  \xC2\xB7  " + m.preferred + "  \xC2\xB7  " + m.since;
  ImGui::TextColored(p.text_muted, "%s", contact.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::Text("Owner: %s", m.owner.c_str());
  if (ctx.data.me().role == Role::lead && ctx.data.session()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200);
    if (ImGui::BeginCombo("##reassign", "Reassign to\xE2\x80\xA6")) {
      for (const Manager& mg : ctx.data.session()->slice().managers) {
        if (mg.id == m.owner_id) continue;
        if (ImGui::Selectable(mg.name.c_str())) ctx.out.actions.push_back(ReassignCustomer{m.id, mg.id});
      }
      ImGui::EndCombo();
    }
    record_control(ctx.probe, "customer.reassign");
  }
  ImGui::SameLine(0, 24);
  if (ImGui::Button("Write a message  s")) open_intent(ctx, m, vm::KeyIntent{vm::KeyIntent::Kind::compose});
  record_control(ctx.probe, "customer.write");
  ImGui::SameLine();
  if (ImGui::Button("Log a call  l")) open_intent(ctx, m, vm::KeyIntent{vm::KeyIntent::Kind::log_call});
  record_control(ctx.probe, "customer.log_call");
  if (ctx.data.session() && ctx.data.session()->can_undo()) {
    ImGui::SameLine();
    if (ImGui::Button("Undo  u")) ctx.out.actions.push_back(Undo{});
    record_control(ctx.probe, "customer.undo");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Undo: %s", ctx.data.session()->undo_label().c_str());
  }
  ImGui::Spacing();
}

}  // namespace

void draw_customer(DrawContext& ctx) {
  UiState& st = ctx.state;
  const vm::CustomerModel& m = ctx.data.customer(st.customer, ctx.now);

  if (ImGui::Button("\xE2\x86\x90 Today")) st.view = View::today;
  record_control(ctx.probe, "customer.back");
  if (!m.found) {
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.title);
    ImGui::TextUnformatted("This customer is not in your book");
    ImGui::PopFont();
    hint(ctx, "It may have been reassigned to a colleague, or the link is old. Go back to Today (Esc) and search "
              "for them by name.");
    return;
  }
  focus_item(st, m);
  draw_title(ctx, m);
  draw_contact_bar(ctx, m);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float left_w = std::floor(avail * 0.56f);
  ImGui::BeginChild("actions", ImVec2(left_w, 0), true);
  draw_actions_column(ctx, m);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("timeline", ImVec2(0, 0), true);
  draw_timeline(ctx, m);
  ImGui::EndChild();
}

}  // namespace cockpit::ui
