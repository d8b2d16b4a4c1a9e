// The lead's panel of source events with no customer (src/server/CONNECT.md, "The
// unmatched list"), in the team view: each event's source, type, whom it names, when it
// came and what it would do, with "Match to customer…", which opens a customer picker
// under the list and sends a MatchUnmatched. The list is the server's; the panel model
// (app/unmatched.hpp) says where it stands: loading, offline, a refused match and why.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {

namespace {

using State = vm::UnmatchedPanel::State;

void draw_status(DrawContext& ctx, const vm::UnmatchedPanel& p) {
  const Palette& c = ctx.colors;
  const bool bad = p.state == State::offline || p.state == State::failed;
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(bad ? c.at_risk : c.text_muted, "%s", p.status.c_str());
  ImGui::PopTextWrapPos();
  record_control(ctx.probe, "lead.unmatched.status", p.status);
  if (!p.match_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(c.overdue, "%s", p.match_error.c_str());
    ImGui::PopTextWrapPos();
    record_control(ctx.probe, "lead.unmatched.error", p.match_error);
  }
  if (!p.match_done.empty()) {
    ImGui::TextColored(c.fine, "%s", p.match_done.c_str());
    record_control(ctx.probe, "lead.unmatched.done", p.match_done);
  }
}

void draw_row(DrawContext& ctx, const vm::UnmatchedPanel& p, const vm::UnmatchedRow& r) {
  UiState& st = ctx.state;
  const std::string id = std::to_string(r.id);
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(r.source.c_str());
  record_control(ctx.probe, "lead.unmatched.row." + id, r.summary);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(r.type.c_str());
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(r.names.c_str());
  ImGui::TableNextColumn();
  ImGui::TextColored(ctx.colors.text_muted, "%s", r.arrived.c_str());
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(r.summary.c_str());
  if (!r.reason.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.reason.c_str());
  ImGui::TableNextColumn();
  ImGui::BeginDisabled(p.matching != 0);
  if (ImGui::SmallButton(("Match to customer…##" + id).c_str())) {
    st.unmatched_pick = r.id;
    st.unmatched_customer.clear();
  }
  ImGui::EndDisabled();
  record_control(ctx.probe, "lead.unmatched.match." + id);
}

void draw_rows(DrawContext& ctx, const vm::UnmatchedPanel& p) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                     ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY;
  const float rows = static_cast<float>(std::min<std::size_t>(p.rows.size(), 8) + 1);
  if (!ImGui::BeginTable("unmatched", 6, kFlags, ImVec2(0, rows * ImGui::GetFrameHeightWithSpacing() + 8))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Source", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn("Event", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("Names", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("Arrived", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("What it would do", ImGuiTableColumnFlags_WidthStretch, 2.4f);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TableHeadersRow();
  ImGui::PopFont();
  for (const vm::UnmatchedRow& r : p.rows) draw_row(ctx, p, r);
  ImGui::EndTable();
}

// Under the list: the event being matched, a customer search, the choice and Match.
void draw_picker(DrawContext& ctx, const vm::UnmatchedPanel& p) {
  UiState& st = ctx.state;
  const vm::UnmatchedRow* row = nullptr;
  for (const vm::UnmatchedRow& r : p.rows)
    if (r.id == st.unmatched_pick) row = &r;
  if (!row) {
    st.unmatched_pick = 0;  // matched meanwhile, or gone from the list
    return;
  }
  ImGui::Text("Match %s %s (%s) to:", row->source.c_str(), row->type.c_str(), row->names.c_str());
  ImGui::SetNextItemWidth(360);
  ImGui::InputTextWithHint("##unmatchedwho", "Type a name or id", &st.unmatched_search);
  record_control(ctx.probe, "lead.unmatched.search");
  ImGui::BeginChild("unmatchedhits", ImVec2(360, 150), true);
  const auto& hits = ctx.data.find_customers(st.unmatched_search, 30);
  for (const auto& [id, label] : hits) {
    if (ImGui::Selectable((label + "##um" + id).c_str(), st.unmatched_customer == id)) st.unmatched_customer = id;
    record_control(ctx.probe, "lead.unmatched.customer." + id);
  }
  if (hits.empty()) ImGui::TextColored(ctx.colors.text_muted, "No customer matches.");
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::BeginDisabled(st.unmatched_customer.empty() || p.matching != 0);
  if (ImGui::Button("Match")) ctx.out.unmatched.emplace_back(std::in_place_type<MatchUnmatched>, MatchUnmatched{row->id, st.unmatched_customer});
  ImGui::EndDisabled();
  record_control(ctx.probe, "lead.unmatched.confirm");
  if (ImGui::Button("Cancel")) st.unmatched_pick = 0;
  record_control(ctx.probe, "lead.unmatched.cancel");
  if (p.matching) ImGui::TextColored(ctx.colors.text_muted, "Matching…");
  ImGui::EndGroup();
}

}  // namespace

void draw_unmatched(DrawContext& ctx) {
  const vm::UnmatchedPanel& p = ctx.data.unmatched_panel();
  // Each time the team view opens, its first frame asks the server for the list.
  if (!ctx.state.unmatched_asked && ctx.data.server_mode() && p.state != State::loading) {
    ctx.out.unmatched.emplace_back(std::in_place_type<RefreshUnmatched>);
    ctx.state.unmatched_asked = true;
  }
  section_title(ctx, "Source events with no customer", static_cast<int>(p.rows.size()));
  if (ctx.data.server_mode()) {
    ImGui::SameLine();
    ImGui::BeginDisabled(p.state == State::loading);
    if (ImGui::SmallButton("Refresh##unmatched")) ctx.out.unmatched.emplace_back(std::in_place_type<RefreshUnmatched>);
    ImGui::EndDisabled();
    record_control(ctx.probe, "lead.unmatched.refresh");
  }
  hint(ctx, "Stripe, Shopify and Zendesk events whose customer Cockpit could not find. Match one to a customer: it is "
            "applied for them, and the source's later events find them by themselves.");
  draw_status(ctx, p);
  if (p.rows.empty()) return;
  draw_rows(ctx, p);
  if (ctx.state.unmatched_pick) draw_picker(ctx, p);
}

}  // namespace cockpit::ui
