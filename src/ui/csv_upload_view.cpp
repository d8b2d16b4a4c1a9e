// The lead's upload of a spreadsheet (src/domain/CSV.md), in the team view: pick the
// file (a path on the desktop, the file picker in the browser), say what it holds and
// how it writes dates, see the mapping (each field's column, editable), every problem by
// row and column and what each row would change, then confirm. The preview is the
// AppController's (app/csv_upload.hpp); the confirmation is an ImportRecords action.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {

namespace {

void draw_kind_and_dates(DrawContext& ctx) {
  CsvUploadInput& in = ctx.state.csv;
  ImGui::TextColored(ctx.colors.text_muted, "The sheet holds");
  for (RecordKind k : {RecordKind::customer, RecordKind::promise}) {
    ImGui::SameLine();
    const std::string label(list_name(k));
    if (ImGui::RadioButton(label.c_str(), in.kind == k) && in.kind != k) {
      in.kind = k;
      in.mapping.clear();  // the other kind's fields
    }
    record_control(ctx.probe, "lead.csv.kind." + label);
  }
  ImGui::SameLine(0, 24);
  ImGui::TextColored(ctx.colors.text_muted, "dates written as");
  for (DateForm f : {DateForm::iso, DateForm::dmy, DateForm::mdy}) {
    ImGui::SameLine();
    const std::string label = std::string(date_pattern(f)) + "##" + std::string(to_string(f));
    if (ImGui::RadioButton(label.c_str(), in.dates == f)) in.dates = f;
    record_control(ctx.probe, "lead.csv.dates." + std::string(to_string(f)));
  }
}

// Desktop: a path and Open; browser: a button that opens the file picker.
void draw_file_picker(DrawContext& ctx, bool by_path) {
  UiState& st = ctx.state;
  if (by_path) {
    ImGui::SetNextItemWidth(420);
    ImGui::InputTextWithHint("##csvpath", "Path of a .csv file", &st.csv_path);
    record_control(ctx.probe, "lead.csv.path");
    ImGui::SameLine();
  }
  ImGui::BeginDisabled(by_path && st.csv_path.empty());
  if (ImGui::Button(by_path ? "Open" : "Choose a CSV file…")) ctx.out.pick_file = by_path ? st.csv_path : "";
  ImGui::EndDisabled();
  record_control(ctx.probe, "lead.csv.open");
  if (!st.csv.file_name.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ctx.colors.text_muted, "%s", st.csv.file_name.c_str());
  }
  if (!st.csv_error.empty()) {
    ImGui::TextColored(ctx.colors.overdue, "%s", st.csv_error.c_str());
    record_control(ctx.probe, "lead.csv.error", st.csv_error);
  }
}

// The person's choice for `field` ("" none), replacing any earlier one.
void choose_column(CsvUploadInput& in, const std::string& field, const std::string& header) {
  for (auto& [f, h] : in.mapping)
    if (f == field) {
      h = header;
      return;
    }
  in.mapping.emplace_back(field, header);
}

void draw_mapping_row(DrawContext& ctx, const vm::CsvPreview& p, const vm::CsvFieldRow& f) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(f.field.c_str());
  if (f.required) {
    ImGui::SameLine(0, 2);
    ImGui::TextColored(ctx.colors.overdue, "*");
  }
  ImGui::TableNextColumn();
  ImGui::SetNextItemWidth(-1);
  const std::string id = "##map." + f.field;
  if (ImGui::BeginCombo(id.c_str(), f.header.empty() ? "(none)" : f.header.c_str())) {
    if (ImGui::Selectable("(none)", f.header.empty())) choose_column(ctx.state.csv, f.field, "");
    for (const std::string& h : p.headers)
      if (!h.empty() && ImGui::Selectable(h.c_str(), h == f.header)) choose_column(ctx.state.csv, f.field, h);
    ImGui::EndCombo();
  }
  record_control(ctx.probe, "lead.csv.map." + f.field, f.header);
  ImGui::TableNextColumn();
  ImGui::TextColored(ctx.colors.text_muted, "%s", f.hint.c_str());
}

void draw_mapping(DrawContext& ctx, const vm::CsvPreview& p) {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("csvmap", 3, kFlags, ImVec2(560, 180))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Field", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Column of the sheet", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("Values", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableHeadersRow();
  for (const vm::CsvFieldRow& f : p.fields) draw_mapping_row(ctx, p, f);
  ImGui::EndTable();
}

// The problems by row and column, or what each row would change.
void draw_outcome_lines(DrawContext& ctx, const vm::CsvPreview& p) {
  const bool bad = !p.problems.empty();
  ImGui::BeginChild("csvlines", ImVec2(0, 180), true);
  const auto& lines = bad ? p.problems : p.lines;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (bad)
      ImGui::TextColored(ctx.colors.overdue, "%s", lines[i].c_str());
    else
      ImGui::TextUnformatted(lines[i].c_str());
    record_control(ctx.probe, std::string(bad ? "lead.csv.problem." : "lead.csv.line.") + std::to_string(i), lines[i]);
  }
  ImGui::EndChild();
}

// "12 customers: 10 new, …" and Import, or why not.
void draw_confirm(DrawContext& ctx, const vm::CsvPreview& p) {
  const std::string status =
      p.ok() ? p.summary
             : std::to_string(p.problems.size()) + (p.problems.size() == 1 ? " problem" : " problems") +
                   ": nothing will be imported until the sheet or the mapping is corrected";
  ImGui::BeginDisabled(!p.ok());
  if (ImGui::Button("Import")) {
    ctx.out.actions.push_back(ImportRecords{p.book, p.file_name});
    ctx.state.csv = CsvUploadInput{.kind = ctx.state.csv.kind, .dates = ctx.state.csv.dates};
  }
  ImGui::EndDisabled();
  record_control(ctx.probe, "lead.csv.import");
  ImGui::SameLine();
  ImGui::TextColored(p.ok() ? ctx.colors.text : ctx.colors.overdue, "%s", status.c_str());
  record_control(ctx.probe, "lead.csv.status", status);
}

}  // namespace

void draw_csv_upload(DrawContext& ctx) {
  UiState& st = ctx.state;
  section_title(ctx, "Import from a spreadsheet");
  ImGui::SameLine();
  if (ImGui::SmallButton(st.csv_open ? "Close" : "Open")) st.csv_open = !st.csv_open;
  record_control(ctx.probe, "lead.csv.toggle");
  if (!st.csv_open) return;
  hint(ctx, "Customers or promises from a CSV file: each row a record, checked like any other. One bad row "
            "imports nothing. The records then sync to the server as your changes.");
  draw_kind_and_dates(ctx);
  draw_file_picker(ctx, ctx.data.platform_picks_by_path());
  const vm::CsvPreview& p = ctx.data.csv_preview(st.csv);
  if (!p.loaded) return;
  draw_confirm(ctx, p);
  draw_mapping(ctx, p);
  ImGui::SameLine();
  ImGui::BeginGroup();
  draw_outcome_lines(ctx, p);
  ImGui::EndGroup();
}

}  // namespace cockpit::ui
