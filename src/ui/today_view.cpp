// Today: the four areas a customer manager works through, then their customers.
#include <imgui.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

constexpr int kItemsPerCard = 2;

void draw_card(DrawContext& ctx, const char* id, const char* label, ImVec4 color,
               const std::vector<PlaceholderItem>& items, ImVec2 size) {
  ImGui::BeginChild(id, size, true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 pos = ImGui::GetWindowPos();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + 4), ImGui::GetColorU32(color), 8.0f,
                    ImDrawFlags_RoundCornersTop);

  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextColored(color, "%d", static_cast<int>(items.size()));
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted(label);
  ImGui::PopFont();
  ImGui::Spacing();

  ImGui::PushTextWrapPos(0.0f);
  int shown = 0;
  for (const PlaceholderItem& item : items) {
    if (shown++ == kItemsPerCard) {
      ImGui::TextColored(ctx.colors.text_muted, "+ %d more", static_cast<int>(items.size()) - kItemsPerCard);
      break;
    }
    ImGui::PushFont(ctx.fonts.strong);
    ImGui::TextUnformatted(item.customer.c_str());
    ImGui::PopFont();
    ImGui::TextUnformatted(item.text.c_str());
    ImGui::TextColored(ctx.colors.text_muted, "%s", item.when.c_str());
    ImGui::Spacing();
  }
  if (items.empty()) ImGui::TextColored(ctx.colors.text_muted, "Nothing here. Well done.");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  record_control(ctx.probe, std::string("card.") + id);
}

}  // namespace

void draw_today(DrawContext& ctx) {
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Today");
  ImGui::PopFont();
  ImGui::TextColored(ctx.colors.text_muted, "What needs you now, across your %d customers.",
                     static_cast<int>(ctx.data.customers.size()));
  ImGui::Spacing();

  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = (avail - 3 * spacing) / 4;
  const ImVec2 card(w > 120 ? w : 120, 250);
  draw_card(ctx, "suggested", "Suggested messages", ctx.colors.suggested, ctx.data.suggested, card);
  ImGui::SameLine();
  draw_card(ctx, "overdue", "Overdue promises", ctx.colors.overdue, ctx.data.overdue, card);
  ImGui::SameLine();
  draw_card(ctx, "exceptions", "Pending exceptions", ctx.colors.exceptions, ctx.data.exceptions, card);
  ImGui::SameLine();
  draw_card(ctx, "held", "Held automated messages", ctx.colors.held, ctx.data.held, card);

  ImGui::Spacing();
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted("My customers");
  ImGui::PopFont();
  draw_customer_table(ctx, "today_customers", {});
}

}  // namespace cockpit::ui
