#pragma once
// Light and dark themes: ImGui's style colours plus the few colours Cockpit's own
// drawing needs (card backgrounds, the accent of each area).
#include <imgui.h>

#include "ui/ui_state.hpp"

namespace cockpit::ui {

struct Palette {
  ImVec4 background, surface, border, text, text_muted, accent;
  ImVec4 suggested, overdue, exceptions, held;  // one accent per cockpit area
};

const Palette& palette(Theme theme);

// Sets ImGui's style (colours, rounding, spacing) for `theme`. Sizes are in logical
// pixels; the atlas already carries the device pixel ratio.
void apply_theme(Theme theme, ImGuiStyle& style);

}  // namespace cockpit::ui
