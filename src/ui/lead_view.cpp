// Team (for a team lead): each manager's load (customers, overdue promises, pending
// exceptions and how long the oldest has waited), the source events with no customer
// (unmatched_view.cpp), importing a spreadsheet (csv_upload_view.cpp) and reassigning a
// customer.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <string>
#include <vector>

#include "ui/views.hpp"

namespace cockpit::ui {

namespace {

// The automated senders that send without asking the guard: their held messages go out
// anyway, so the lead knows whom to wire up (src/server/GUARD.md).
void draw_unasking_senders(DrawContext& ctx) {
  const Palette& p = ctx.colors;
  const std::vector<vm::SenderUse>& senders = ctx.data.unasking_senders();
  section_title(ctx, "Senders that never ask the guard", static_cast<int>(senders.size()));
  if (senders.empty()) {
    hint(ctx, "Every automated sender asks before it sends: a held message stays held.");
    return;
  }
  hint(ctx, "They send without asking, so a hold does not stop them. Wire them to the guard's check.");
  for (const vm::SenderUse& u : senders) {
    dot(tone_color(p, u.tone));
    ImGui::PushFont(ctx.fonts.strong);
    ImGui::TextUnformatted(u.sender.c_str());
    ImGui::PopFont();
    record_control(ctx.probe, "lead.sender." + u.sender);
    ImGui::SameLine();
    ImGui::TextColored(u.held_unasked ? p.at_risk : p.text_muted, "%s", u.line.c_str());
  }
}

void draw_team_heading(DrawContext& ctx) {
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Team");
  ImGui::PopFont();
  hint(ctx, "Who carries what today. Busiest first: overdue promises, then pending exceptions.");
  ImGui::Spacing();
}

// The load table's columns; the due-soon one says the settings' window.
void setup_load_columns(DrawContext& ctx) {
  ImGui::TableSetupColumn("Manager", ImGuiTableColumnFlags_WidthStretch, 2.2f);
  ImGui::TableSetupColumn("Customers", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Overdue promises", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  const std::string due_heading =
      ctx.data.session() ? "Due in " + vm::window_text(ctx.data.session()->lists().due_soon_window) : "Due soon";
  ImGui::TableSetupColumn(due_heading.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Pending exceptions", ImGuiTableColumnFlags_WidthStretch, 1.9f);
  ImGui::TableSetupColumn("Held messages", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Suggestions", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TableHeadersRow();
  ImGui::PopFont();
}

// A count in its colour, or a muted "-" for none.
void draw_count(const Palette& p, int n, ImVec4 color) {
  if (n) ImGui::TextColored(color, "%d", n);
  else ImGui::TextColored(p.text_muted, "-");
}

void draw_load_row(DrawContext& ctx, const vm::ManagerLoad& l) {
  const Palette& p = ctx.colors;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  dot(tone_color(p, l.tone));
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted(l.name.c_str());
  ImGui::PopFont();
  record_control(ctx.probe, "lead.row." + l.id);
  ImGui::SameLine();
  ImGui::PushFont(ctx.fonts.small);
  ImGui::TextColored(p.text_muted, "%s", l.role.c_str());
  ImGui::PopFont();
  ImGui::TableNextColumn();
  ImGui::Text("%d", l.customers);
  ImGui::TableNextColumn();
  draw_count(p, l.overdue, p.overdue);
  ImGui::TableNextColumn();
  draw_count(p, l.due_soon, p.at_risk);
  ImGui::TableNextColumn();
  if (l.exceptions) {
    ImGui::TextColored(p.at_risk, "%d", l.exceptions);
    ImGui::SameLine();
    ImGui::TextColored(p.text_muted, "(%s)", l.oldest.c_str());
  } else {
    ImGui::TextColored(p.text_muted, "-");
  }
  ImGui::TableNextColumn();
  draw_count(p, l.held, p.held);
  ImGui::TableNextColumn();
  draw_count(p, l.suggestions, p.accent);
}

void draw_loads(DrawContext& ctx, const std::vector<vm::ManagerLoad>& loads) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                     ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("loads", 7, kFlags)) return;
  setup_load_columns(ctx);
  for (const vm::ManagerLoad& l : loads) draw_load_row(ctx, l);
  ImGui::EndTable();
}

void draw_reassign_heading(DrawContext& ctx) {
  section_title(ctx, "Reassign a customer");
  hint(ctx, "Pick the customer, then the manager who takes them over. Their promises, exceptions and history move "
            "with them; undo with u.");
  ImGui::Spacing();
}

// Step 1: search the book, pick the customer.
void draw_customer_picker(DrawContext& ctx) {
  UiState& st = ctx.state;
  ImGui::BeginGroup();
  ImGui::TextColored(ctx.colors.text_muted, "1. Customer");
  ImGui::SetNextItemWidth(360);
  ImGui::InputTextWithHint("##who", "Type a name or id", &st.reassign_search);
  record_control(ctx.probe, "lead.reassign.search");
  ImGui::BeginChild("matches", ImVec2(360, 190), true);
  const auto& hits = ctx.data.find_customers(st.reassign_search, 40);
  for (const auto& [id, label] : hits) {
    if (ImGui::Selectable((label + "##" + id).c_str(), st.reassign_customer == id)) st.reassign_customer = id;
    record_control(ctx.probe, "lead.reassign.customer." + id);
  }
  if (hits.empty()) ImGui::TextColored(ctx.colors.text_muted, "No customer matches.");
  ImGui::EndChild();
  ImGui::EndGroup();
}

// Step 2: the manager who takes them over.
void draw_owner_picker(DrawContext& ctx, const Session& session) {
  UiState& st = ctx.state;
  ImGui::BeginGroup();
  ImGui::TextColored(ctx.colors.text_muted, "2. New owner");
  ImGui::BeginChild("owners", ImVec2(300, 190 + ImGui::GetFrameHeightWithSpacing()), true);
  for (const Manager& mg : session.slice().managers) {
    if (ImGui::Selectable((mg.name + "##" + mg.id).c_str(), st.reassign_to == mg.id)) st.reassign_to = mg.id;
    record_control(ctx.probe, "lead.reassign.to." + mg.id);
  }
  ImGui::EndChild();
  ImGui::EndGroup();
}

// Step 3: "Move X from A to B?" and the button, disabled until both are picked.
void draw_reassign_confirm(DrawContext& ctx, const Session& session) {
  UiState& st = ctx.state;
  ImGui::BeginGroup();
  ImGui::TextColored(ctx.colors.text_muted, "3. Confirm");
  const bool ready = !st.reassign_customer.empty() && !st.reassign_to.empty();
  if (ready) {
    const Customer* c = nullptr;
    for (const Customer& x : session.slice().customers)
      if (x.id == st.reassign_customer) c = &x;
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 260);
    ImGui::Text("Move %s from %s to %s?", c ? c->name.c_str() : st.reassign_customer.c_str(),
                c ? vm::manager_name(session.slice(), c->owner).c_str() : "?",
                vm::manager_name(session.slice(), st.reassign_to).c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::BeginDisabled(!ready);
  if (ImGui::Button("Reassign")) {
    ctx.out.actions.push_back(ReassignCustomer{st.reassign_customer, st.reassign_to});
    st.reassign_customer.clear();
  }
  ImGui::EndDisabled();
  record_control(ctx.probe, "lead.reassign.confirm");
  ImGui::EndGroup();
}

void draw_reassign(DrawContext& ctx) {
  draw_reassign_heading(ctx);
  const Session* session = ctx.data.session();
  if (!session) return;
  draw_customer_picker(ctx);
  ImGui::SameLine(0, 24);
  draw_owner_picker(ctx, *session);
  ImGui::SameLine(0, 24);
  draw_reassign_confirm(ctx, *session);
}

}  // namespace

void draw_lead(DrawContext& ctx) {
  const std::vector<vm::ManagerLoad>& loads = ctx.data.lead(ctx.now);
  draw_team_heading(ctx);
  draw_loads(ctx, loads);

  ImGui::Spacing();
  draw_unmatched(ctx);

  ImGui::Spacing();
  draw_csv_upload(ctx);

  ImGui::Spacing();
  draw_unasking_senders(ctx);

  ImGui::Spacing();
  ImGui::Spacing();
  draw_reassign(ctx);
}

}  // namespace cockpit::ui
