#pragma once
// Light, dark and high-contrast themes: ImGui's style colours plus the few colours Cockpit's own
// drawing needs (card backgrounds, the accent of each area).
#include <imgui.h>

#include "app/view_models.hpp"
#include "ui/ui_state.hpp"

namespace cockpit::ui {

struct Palette {
  ImVec4 background, surface, border, text, text_muted, accent;
  ImVec4 suggested, overdue, exceptions, held;  // one accent per cockpit area
  // What a colour means, everywhere (vm::Tone): overdue = red, at risk = amber,
  // fine = green; held automated messages are violet.
  ImVec4 at_risk, fine;
};

const Palette& palette(Theme theme);
// The theme the header's toggle goes to next (light -> dark -> high contrast -> light)
// and the toggle's words for it.
Theme next_theme(Theme t);
const char* theme_toggle_label(Theme current);
const char* theme_name(Theme t);  // "light", "dark", "high-contrast" (the probe's words)

// The colour of a tone (overdue, at risk, fine, info, muted).
ImVec4 tone_color(const Palette& p, vm::Tone tone);
// The same colour, faint, for a badge's or a row's background.
ImVec4 tint(ImVec4 c, float alpha);

// Sets ImGui's style (colours, rounding, spacing) for `theme`. Sizes are in logical
// pixels; the atlas already carries the device pixel ratio.
void apply_theme(Theme theme, ImGuiStyle& style);

}  // namespace cockpit::ui
