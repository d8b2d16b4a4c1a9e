// The customer table shared by Today ("My customers") and Customers.
#include <imgui.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "ui/views.hpp"

namespace cockpit::ui {

void draw_customer_table(DrawContext& ctx, const char* id, std::string_view filter) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                     ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable(id, 6, kFlags, ImVec2(0, 0))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Customer", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("Company", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("Open promises", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Overdue", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Exceptions", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Last contact", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TableHeadersRow();
  ImGui::PopFont();

  auto count = [&](int n, ImVec4 color) {
    if (n > 0) {
      ImGui::TextColored(color, "%d", n);
    } else {
      ImGui::TextColored(ctx.colors.text_muted, "-");
    }
  };
  auto contains = [](const std::string& hay, std::string_view needle) {
    if (needle.empty()) return true;
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
      std::size_t k = 0;
      while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
      if (k == needle.size()) return true;
    }
    return false;
  };

  for (const PlaceholderCustomer& c : ctx.data.customers) {
    if (!contains(c.name, filter) && !contains(c.company, filter)) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool selected = ctx.state.selected_customer == c.id;
    if (ImGui::Selectable((c.name + "##" + id + c.id).c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
      ctx.state.selected_customer = c.id;
    }
    record_control(ctx.probe, std::string(id) + ".row." + c.id);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(c.company.c_str());
    ImGui::TableNextColumn();
    count(c.open_promises, ctx.colors.text);
    ImGui::TableNextColumn();
    count(c.overdue, ctx.colors.overdue);
    ImGui::TableNextColumn();
    count(c.exceptions, ctx.colors.exceptions);
    ImGui::TableNextColumn();
    ImGui::TextColored(ctx.colors.text_muted, "%s", c.last_contact.c_str());
  }
  ImGui::EndTable();
}

}  // namespace cockpit::ui
