// "My customers" on Today: search box, severity and stage filters, a sortable table.
// Only the visible rows are built (ImGuiListClipper): a 10,000-customer book costs the
// frame ~30 rows of labels.
#include <imgui.h>
#include <imgui_internal.h>  // TableSetColumnSortDirection
#include <imgui_stdlib.h>

#include <algorithm>
#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

void filter_chip(DrawContext& ctx, const char* label, int count, vm::SeverityFilter f, ImVec4 color, const char* probe) {
  vm::CustomerQuery& q = ctx.state.query;
  const bool on = q.severity == f;
  char text[64];
  std::snprintf(text, sizeof text, "%s  %d", label, count);
  ImGui::PushStyleColor(ImGuiCol_Button, on ? tint(color, 0.22f) : tint(color, 0.06f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, tint(color, 0.28f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, tint(color, 0.34f));
  ImGui::PushStyleColor(ImGuiCol_Text, on ? color : ctx.colors.text);
  if (ImGui::Button(text)) {
    q.severity = on ? vm::SeverityFilter::all : f;
    ctx.state.cursor = 0;
  }
  ImGui::PopStyleColor(4);
  record_control(ctx.probe, probe);
}

void draw_title(DrawContext& ctx, const vm::TodayModel& m, bool show_owner) {
  const Palette& p = ctx.colors;
  section_title(ctx, show_owner ? "Everyone's customers" : "My customers");
  ImGui::SameLine();
  if (static_cast<int>(m.rows.size()) == m.total_customers)
    ImGui::TextColored(p.text_muted, "%d", m.total_customers);
  else
    ImGui::TextColored(p.text_muted, "showing %zu of %d", m.rows.size(), m.total_customers);
}

void draw_search_box(DrawContext& ctx) {
  UiState& st = ctx.state;
  ImGui::SetNextItemWidth(340);
  if (st.focus_search) {
    ImGui::SetKeyboardFocusHere();
    st.focus_search = false;
  }
  if (ImGui::InputTextWithHint("##search", "Search a customer, case or promise by name or id  ( / )", &st.query.search))
    st.cursor = 0;
  record_control(ctx.probe, "today.search");
  if (ImGui::IsItemActive() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) st.query.search.clear();
}

void draw_severity_chips(DrawContext& ctx, const vm::TodayModel& m) {
  const Palette& p = ctx.colors;
  filter_chip(ctx, "All", m.counts_by_severity[0] + m.counts_by_severity[1] + m.counts_by_severity[2],
              vm::SeverityFilter::all, p.accent, "filter.all");
  ImGui::SameLine();
  filter_chip(ctx, "Overdue", m.counts_by_severity[2], vm::SeverityFilter::overdue, p.overdue, "filter.overdue");
  ImGui::SameLine();
  filter_chip(ctx, "At risk", m.counts_by_severity[1], vm::SeverityFilter::at_risk, p.at_risk, "filter.at_risk");
  ImGui::SameLine();
  filter_chip(ctx, "Fine", m.counts_by_severity[0], vm::SeverityFilter::fine, p.fine, "filter.fine");
}

void draw_stage_filter(DrawContext& ctx) {
  UiState& st = ctx.state;
  ImGui::SetNextItemWidth(150);
  const char* stage_names[] = {"Every stage", "Prospects", "Active", "Former"};
  int stage = st.query.stage ? static_cast<int>(*st.query.stage) + 1 : 0;
  if (ImGui::Combo("##stage", &stage, stage_names, 4)) {
    st.query.stage = stage == 0 ? std::nullopt : std::optional<Stage>(static_cast<Stage>(stage - 1));
    st.cursor = 0;
  }
  record_control(ctx.probe, "filter.stage");
}

// Toolbar: search, severity chips, stage.
void draw_toolbar(DrawContext& ctx, const vm::TodayModel& m) {
  draw_search_box(ctx);
  ImGui::SameLine(0, 18);
  draw_severity_chips(ctx, m);
  ImGui::SameLine(0, 18);
  draw_stage_filter(ctx);
}

// No row to show: say why, and offer to clear the search and filters (unless the book
// itself is empty).
void draw_no_rows(DrawContext& ctx, const vm::TodayModel& m) {
  const Palette& p = ctx.colors;
  UiState& st = ctx.state;
  ImGui::Spacing();
  if (m.total_customers == 0) return;
  if (!st.query.search.empty())
    ImGui::TextColored(p.text_muted, "No customer, case or promise matches \xE2\x80\x9C%s\xE2\x80\x9D.", st.query.search.c_str());
  else
    ImGui::TextColored(p.text_muted, "No customer in this filter.");
  ImGui::SameLine();
  if (ImGui::SmallButton("Clear search and filters")) {
    st.query.search.clear();
    st.query.severity = vm::SeverityFilter::all;
    st.query.stage.reset();
  }
  record_control(ctx.probe, "today.clear_filters");
}

// The columns (each column's user id is its sort key) and the header row.
void setup_columns(DrawContext& ctx, bool show_owner) {
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Customer", ImGuiTableColumnFlags_WidthStretch, 2.6f, static_cast<ImGuiID>(vm::SortKey::name));
  ImGui::TableSetupColumn("Stage", ImGuiTableColumnFlags_WidthFixed, 80.0f, static_cast<ImGuiID>(vm::SortKey::stage));
  ImGui::TableSetupColumn("Worst open issue", ImGuiTableColumnFlags_WidthStretch | ImGuiTableColumnFlags_DefaultSort,
                          3.0f, static_cast<ImGuiID>(vm::SortKey::urgency));
  ImGui::TableSetupColumn("Suggestions", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending,
                          110.0f, static_cast<ImGuiID>(vm::SortKey::suggestions));
  if (show_owner)
    ImGui::TableSetupColumn("Owner", ImGuiTableColumnFlags_WidthFixed, 130.0f, static_cast<ImGuiID>(vm::SortKey::owner));
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TableHeadersRow();
  ImGui::PopFont();
}

// A click on a header sorts the query by that column.
void apply_sort_specs(UiState& st) {
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      st.query.sort = static_cast<vm::SortKey>(specs->Specs[0].ColumnUserID);
      const bool desc = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      // Suggestions sort "most first" by nature: descending arrow = most first.
      st.query.descending = st.query.sort == vm::SortKey::suggestions ? !desc : desc;
    }
    specs->SpecsDirty = false;
  }
}

// The header's arrow follows the query when something other than a header click sorted
// it (the mirror's header buttons): ImGui keeps its own sort state per table.
void show_sort_in_header(DrawContext& ctx) {
  static constexpr vm::SortKey kColumns[] = {vm::SortKey::name, vm::SortKey::stage, vm::SortKey::urgency,
                                             vm::SortKey::suggestions, vm::SortKey::owner};
  const vm::CustomerQuery& q = ctx.state.query;
  const vm::SortKey key = q.sort == vm::SortKey::worst ? vm::SortKey::urgency : q.sort;
  // Suggestions sort "most first" by nature: descending arrow = most first.
  const bool down = key == vm::SortKey::suggestions ? !q.descending : q.descending;
  const ImGuiSortDirection dir = down ? ImGuiSortDirection_Descending : ImGuiSortDirection_Ascending;
  const ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
  if (!specs) return;
  const bool shown = specs->SpecsCount > 0 && specs->Specs[0].ColumnUserID == static_cast<ImGuiID>(key) &&
                     specs->Specs[0].SortDirection == dir;
  if (!shown)
    for (int c = 0; c < ImGui::TableGetColumnCount(); ++c)
      if (kColumns[c] == key) ImGui::TableSetColumnSortDirection(c, dir, false);
  if (specs->SpecsCount > 0) {  // for tests: the arrow as drawn (a change shows from the next frame)
    static constexpr const char* kNames[] = {"urgency", "name", "stage", "worst", "owner", "suggestions"};
    const auto& spec = specs->Specs[0];
    record_control(ctx.probe, "today.sort.arrow",
                   std::string(kNames[spec.ColumnUserID % 6]) +
                       (spec.SortDirection == ImGuiSortDirection_Descending ? " down" : " up"));
  }
}

// The first cell: a row-wide selectable that opens the customer, their name, and what
// the search matched.
void draw_name_cell(DrawContext& ctx, const vm::CustomerListRow& row, int i) {
  const Palette& p = ctx.colors;
  UiState& st = ctx.state;
  const bool selected = st.cursor == i;
  if (ImGui::Selectable("##row", selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
    st.cursor = i;
    open_customer(ctx, row.id);
  }
  record_control(ctx.probe, "row." + row.id);
  if (ctx.data.recently_changed(row.id, ctx.now) > 0) record_control(ctx.probe, "changed." + row.id);
  if (selected && st.scroll_to_cursor) {
    ImGui::SetScrollHereY(0.5f);
    st.scroll_to_cursor = false;
  }
  ImGui::SameLine(0, 0);
  ImGui::PushFont(ctx.fonts.strong);
  ImGui::TextUnformatted(row.name.c_str());
  ImGui::PopFont();
  if (ctx.data.recently_changed(row.id, ctx.now) > 0) {  // in words too: the tint is colour only
    ImGui::SameLine();
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(p.accent, "changed elsewhere");
    ImGui::PopFont();
  }
  if (!row.match.empty()) {
    ImGui::SameLine();
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(p.accent, "%s", row.match.c_str());
    ImGui::PopFont();
  }
}

// Stage, worst open issue, suggestions and (for the lead) owner.
void draw_other_cells(DrawContext& ctx, const vm::CustomerListRow& row, bool show_owner) {
  const Palette& p = ctx.colors;
  ImGui::TableNextColumn();
  ImGui::TextColored(row.stage_value == Stage::former ? p.text_muted : p.text, "%s", row.stage.c_str());
  ImGui::TableNextColumn();
  dot(tone_color(p, row.tone));
  ImGui::TextColored(row.tone == vm::Tone::fine ? p.text_muted : (row.tone == vm::Tone::overdue ? p.overdue : p.text),
                     "%s", row.worst.c_str());
  ImGui::TableNextColumn();
  if (row.suggestions.empty())
    ImGui::TextColored(p.text_muted, "-");
  else
    ImGui::TextColored(p.accent, "%s", row.suggestions.c_str());
  if (show_owner) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.owner.c_str());
  }
}

void draw_row(DrawContext& ctx, const vm::TodayModel& m, int i, bool show_owner) {
  const vm::CustomerListRow row = ctx.data.today_row(m.rows[static_cast<std::size_t>(i)], ctx.state.query.search);
  ImGui::TableNextRow();
  // A change that came from elsewhere (another device, the lead, an upstream
  // system) glows for a few seconds, so the manager sees what just moved.
  // With reduced motion it does not fade: it stays tinted until the change is old.
  if (const float glow = ctx.data.recently_changed(row.id, ctx.now); glow > 0) {
    const float strength = ctx.state.reduce_motion ? 1.0f : glow;
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(tint(ctx.colors.accent, 0.22f * strength)));
  }
  ImGui::TableNextColumn();
  ImGui::PushID(i);
  draw_name_cell(ctx, row, i);
  draw_other_cells(ctx, row, show_owner);
  ImGui::PopID();
}

// Only the rows in view (plus the cursor's, when it must be scrolled to).
void draw_visible_rows(DrawContext& ctx, const vm::TodayModel& m, bool show_owner) {
  UiState& st = ctx.state;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(m.rows.size()));
  if (st.scroll_to_cursor) clipper.ForceDisplayRangeByIndices(st.cursor, st.cursor + 1);
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) draw_row(ctx, m, i, show_owner);
}

}  // namespace

void draw_customer_table(DrawContext& ctx, const vm::TodayModel& m, bool show_owner) {
  UiState& st = ctx.state;
  draw_title(ctx, m, show_owner);
  draw_toolbar(ctx, m);

  if (m.rows.empty()) {
    draw_no_rows(ctx, m);
    return;
  }
  if (st.cursor >= static_cast<int>(m.rows.size())) st.cursor = static_cast<int>(m.rows.size()) - 1;

  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                     ImGuiTableFlags_ScrollY | ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp;
  const int cols = show_owner ? 5 : 4;
  // The rest of the view, but never less than a few rows (a narrow or zoomed window
  // scrolls the view to them instead).
  const float height = std::max(ImGui::GetContentRegionAvail().y, 8 * ImGui::GetFrameHeightWithSpacing());
  if (!ImGui::BeginTable("customers", cols, kFlags, ImVec2(0, height))) return;
  setup_columns(ctx, show_owner);
  apply_sort_specs(st);
  show_sort_in_header(ctx);

  const vm::SearchIndex& index = ctx.data.search_index();
  (void)index;
  draw_visible_rows(ctx, m, show_owner);
  ImGui::EndTable();
}

}  // namespace cockpit::ui
