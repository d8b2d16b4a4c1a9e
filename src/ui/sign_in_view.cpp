// Sign in: who is working today. On a device of its own the local Identity lists the
// people in this device's store; a device of a server asks for a password instead
// (draw_password_sign_in in sync_view.cpp).
#include <imgui.h>

#include <algorithm>

#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {

void draw_sign_in(DrawContext& ctx) {
  const Palette& p = ctx.colors;
  const float w = 460;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (avail.x - w) * 0.5f));
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + std::max(0.0f, avail.y * 0.08f));
  ImGui::BeginChild("signin", ImVec2(w, 0), false, ImGuiWindowFlags_NoBackground);
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted(ctx.data.server_mode() ? "Sign in to Cockpit" : "Who is working today?");
  ImGui::PopFont();
  if (ctx.data.is_open() && ctx.data.server_mode()) {
    draw_password_sign_in(ctx, w);
    ImGui::EndChild();
    return;
  }
  if (!ctx.data.is_open()) {
    ImGui::Spacing();
    ImGui::TextColored(p.overdue, "The database could not be opened.");
    hint(ctx, ctx.data.error());
    ImGui::EndChild();
    return;
  }
  hint(ctx, "Pick yourself to open your cockpit. You see your own customers; a team lead sees everyone's.");
  ImGui::Spacing();

  const std::vector<Person> people = ctx.data.people();
  if (people.empty()) {
    hint(ctx, "Nobody is on this device yet. Import your team's records with cockpit-cli import, or sign in to "
              "your company's server once it is set up.");
  }
  const float row_h = 58;
  for (const Person& person : people) {
    ImGui::PushID(person.id.c_str());
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::PushStyleColor(ImGuiCol_Header, tint(p.accent, 0.10f));
    ImGui::PushStyleColor(ImGuiCol_HeaderHovered, tint(p.accent, 0.14f));
    ImGui::PushStyleColor(ImGuiCol_Button, p.surface);
    if (ImGui::Button("##person", ImVec2(w, row_h))) ctx.out.sign_in = person.id;
    ImGui::PopStyleColor(3);
    record_control(ctx.probe, "signin." + person.id);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRect(pos, ImVec2(pos.x + w, pos.y + row_h), ImGui::GetColorU32(p.border), 8.0f);
    // Initials in a circle, then name and role.
    const std::string initials = person.name.empty() ? "?" : person.name.substr(0, 1);
    const ImVec2 c(pos.x + 30, pos.y + row_h * 0.5f);
    dl->AddCircleFilled(c, 17, ImGui::GetColorU32(tint(person.role == Role::lead ? p.held : p.accent, 0.16f)));
    ImGui::PushFont(ctx.fonts.strong);
    const ImVec2 isz = ImGui::CalcTextSize(initials.c_str());
    dl->AddText(ImVec2(c.x - isz.x * 0.5f, c.y - isz.y * 0.5f), ImGui::GetColorU32(person.role == Role::lead ? p.held : p.accent),
                initials.c_str());
    dl->AddText(ImVec2(pos.x + 60, pos.y + 10), ImGui::GetColorU32(p.text), person.name.c_str());
    ImGui::PopFont();
    const std::string meta = std::string(person.role == Role::lead ? "Team lead" : "Customer manager") +
                             (person.email.empty() ? "" : "  \xC2\xB7  " + person.email);
    ImGui::PushFont(ctx.fonts.small);
    dl->AddText(ImVec2(pos.x + 60, pos.y + 32), ImGui::GetColorU32(p.text_muted), meta.c_str());
    ImGui::PopFont();
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0, 2));
  }
  if (!ctx.state.sign_in_error.empty()) ImGui::TextColored(p.overdue, "%s", ctx.state.sign_in_error.c_str());
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.small);
  hint(ctx, "Local sign-in: this device keeps who signed in last. Password sign-in arrives with your company's server.");
  ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace cockpit::ui
