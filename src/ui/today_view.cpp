// Today: the four areas a customer manager works through, counts always visible, then
// their customers (search, filter, sort; drawn by customer_table.cpp).
#include <imgui.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

constexpr int kItemsPerCard = 3;

struct CardSpec {
  const char* id;
  const char* label;
  ImVec4 color;
  const vm::Area& area;
  std::string empty;
};

void draw_card(DrawContext& ctx, const CardSpec& spec, ImVec2 size) {
  const Palette& p = ctx.colors;
  ImGui::BeginChild(spec.id, size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 pos = ImGui::GetWindowPos();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + 4), ImGui::GetColorU32(spec.color), 8.0f,
                    ImDrawFlags_RoundCornersTop);

  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextColored(spec.area.count ? spec.color : p.text_muted, "%d", spec.area.count);
  ImGui::PopFont();
  record_control(ctx.probe, std::string("count.") + spec.id);
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 5);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted(spec.label);
  ImGui::PopFont();

  const float w = ImGui::GetContentRegionAvail().x;
  int shown = 0;
  for (const vm::CardItem& item : spec.area.top) {
    if (shown == kItemsPerCard) break;
    ImGui::PushID(shown++);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float line = ImGui::GetTextLineHeight();
    const float h = line * 3 + 6;
    if (ImGui::Selectable("##item", false, 0, ImVec2(w, h))) {
      open_customer(ctx, item.customer_id);
      ctx.state.focus_about = item.about;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s\n%s", item.title.c_str(), item.detail.c_str(), item.when.c_str());
    record_control(ctx.probe, std::string("card.") + spec.id + ".item." + item.about);
    ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + 2));
    dot(vm::Tone::info == item.tone ? p.accent : tone_color(p, item.tone));
    text_clipped(item.customer_name + "  \xC2\xB7  " + item.title, w - 16, p.text, ctx.fonts.strong);
    ImGui::SetCursorScreenPos(ImVec2(at.x + 16, at.y + 2 + line + 1));
    text_clipped(item.detail, w - 16, p.text, nullptr);
    ImGui::SetCursorScreenPos(ImVec2(at.x + 16, at.y + 2 + 2 * line + 2));
    text_clipped(item.when, w - 16, p.text_muted, ctx.fonts.small);
    ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + h + 4));
    ImGui::PopID();
  }
  if (spec.area.count > shown && shown > 0) {
    ImGui::TextColored(p.text_muted, "+ %d more below, in My customers", spec.area.count - shown);
  }
  if (spec.area.count == 0) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(p.text_muted, "%s", spec.empty.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();
  record_control(ctx.probe, std::string("card.") + spec.id);
}

}  // namespace

void draw_today(DrawContext& ctx) {
  const Palette& p = ctx.colors;
  const vm::TodayModel& m = ctx.data.today(ctx.state.query, ctx.now);

  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Today");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 6);
  ImGui::TextColored(p.text_muted, "%s", vm::day_label(ctx.now, ctx.now).c_str());
  const bool lead = ctx.data.me().role == Role::lead;
  if (m.total_customers == 0) {
    hint(ctx, lead ? "Nobody in the team has customers yet. Import records with cockpit-cli import."
                   : "You have no customers yet. Your team lead assigns customers to you; they appear here at once.");
  } else {
    ImGui::Text("%s %d customers: ", lead ? "The team has" : "You have", m.total_customers);
    ImGui::SameLine(0, 0);
    ImGui::TextColored(m.counts_by_severity[2] ? p.overdue : p.text_muted, "%d overdue", m.counts_by_severity[2]);
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(", ");
    ImGui::SameLine(0, 0);
    ImGui::TextColored(m.counts_by_severity[1] ? p.at_risk : p.text_muted, "%d at risk", m.counts_by_severity[1]);
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(", ");
    ImGui::SameLine(0, 0);
    ImGui::TextColored(p.fine, "%d fine", m.counts_by_severity[0]);
    if (m.hidden_suggestions > 0) {
      ImGui::SameLine(0, 16);
      ImGui::TextColored(p.text_muted, "(%d suggestion%s answered, dismissed or snoozed)", m.hidden_suggestions,
                         m.hidden_suggestions == 1 ? "" : "s");
    }
  }
  ImGui::Spacing();

  // Four cards side by side; two or one per line when the window is narrow (browser zoom
  // at 200% halves the CSS width), so nothing is cut off.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float avail = ImGui::GetContentRegionAvail().x;
  constexpr float kMinCard = 180.0f;
  const int cols = avail >= 4 * kMinCard + 3 * spacing ? 4 : avail >= 2 * kMinCard + spacing ? 2 : 1;
  const ImVec2 card((avail - static_cast<float>(cols - 1) * spacing) / static_cast<float>(cols), 262);
  const std::string due_soon = m.due_soon ? "No promise is overdue. " + std::to_string(m.due_soon) +
                                                " fall" + (m.due_soon == 1 ? "s" : "") + " due in the next " +
                                                m.due_soon_window + "."
                                          : "No promise is overdue, and none falls due in the next " + m.due_soon_window + ".";
  const CardSpec cards[] = {
      {"suggested", "Suggested messages", p.suggested, m.suggested,
       "Nothing to say right now. Suggestions appear when a date slips, an exception waits or an "
       "automated message is held."},
      {"overdue", "Overdue promises", p.overdue, m.overdue, due_soon},
      {"exceptions", "Pending exceptions", p.exceptions, m.exceptions,
       "No exception is waiting on anyone. When a case leaves the standard procedure it shows here."},
      {"held", "Held automated messages", p.held, m.held,
       "No automated message needs holding: nothing badly timed is about to go out."},
  };
  for (int i = 0; i < 4; ++i) {
    if (i % cols != 0) ImGui::SameLine();
    draw_card(ctx, cards[i], card);
  }

  ImGui::Spacing();
  draw_customer_table(ctx, m, lead);
}

}  // namespace cockpit::ui
