// Small drawing helpers shared by the views. No state: everything comes in.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {

void badge(std::string_view text, ImVec4 color) {
  const ImVec2 pad(7, 2);
  const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + size.x + pad.x * 2, pos.y + size.y + pad.y * 2);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, end, ImGui::GetColorU32(tint(color, 0.14f)), 5.0f);
  dl->AddText(ImVec2(pos.x + pad.x, pos.y + pad.y), ImGui::GetColorU32(color), text.data(), text.data() + text.size());
  ImGui::Dummy(ImVec2(end.x - pos.x, end.y - pos.y));
}

void section_title(DrawContext& ctx, std::string_view title, int count) {
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted(title.data(), title.data() + title.size());
  ImGui::PopFont();
  if (count >= 0) {
    ImGui::SameLine();
    ImGui::TextColored(ctx.colors.text_muted, "%d", count);
  }
}

void text_clipped(std::string_view text, float width, ImVec4 color, ImFont* font) {
  if (font) ImGui::PushFont(font);
  const char* b = text.data();
  const char* e = b + text.size();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), pos, ImVec2(pos.x + width, pos.y + h), pos.x + width,
                            pos.x + width, b, e, nullptr);
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(width, h));
  if (font) ImGui::PopFont();
}

void hint(DrawContext& ctx, std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.colors.text_muted);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void dot(ImVec4 color) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(pos.x + 5, pos.y + h * 0.5f + 1), 4.5f, ImGui::GetColorU32(color));
  ImGui::Dummy(ImVec2(12, h));
  ImGui::SameLine(0, 4);
}

void begin_overlay(const char* id, float width, float y_fraction) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * y_fraction), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(width, 0));
  ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(width, 400.0f), 0), ImVec2(width, io.DisplaySize.y * 0.85f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
  ImGui::Begin(id, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove);
}

void end_overlay() {
  ImGui::End();
  ImGui::PopStyleVar(3);
}

void open_customer(DrawContext& ctx, const std::string& id) {
  ctx.state.view = View::customer;
  ctx.state.customer = id;
  ctx.state.item_cursor = -1;
  ctx.state.show_noise = false;
}

}  // namespace cockpit::ui
