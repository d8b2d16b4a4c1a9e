#include <imgui.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "ui/views.hpp"

namespace cockpit::ui {

// Customers: every customer of the signed-in manager, with a search box.
void draw_customers(DrawContext& ctx) {
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Customers");
  ImGui::PopFont();
  ImGui::TextColored(ctx.colors.text_muted, "All customers you manage. Select one to see its history.");
  ImGui::Spacing();
  ImGui::SetNextItemWidth(320);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s", ctx.state.customer_filter.c_str());
  if (ImGui::InputTextWithHint("##filter", "Search by name or company", buf, sizeof buf)) {
    ctx.state.customer_filter = buf;
  }
  record_control(ctx.probe, "customers.filter");
  ImGui::Spacing();
  draw_customer_table(ctx, "customers", ctx.state.customer_filter);
}

}  // namespace cockpit::ui
