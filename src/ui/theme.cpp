#include "ui/theme.hpp"

namespace cockpit::ui {
namespace {

ImVec4 rgb(int r, int g, int b, float a = 1.0f) {
  return ImVec4(static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f, static_cast<float>(b) / 255.0f, a);
}

const Palette kLight{
    .background = rgb(246, 247, 249),
    .surface = rgb(255, 255, 255),
    .border = rgb(222, 226, 232),
    .text = rgb(28, 32, 38),
    .text_muted = rgb(104, 112, 124),
    .accent = rgb(37, 99, 235),
    .suggested = rgb(37, 99, 235),
    .overdue = rgb(200, 30, 30),
    .exceptions = rgb(196, 110, 0),
    .held = rgb(124, 58, 237),
    .at_risk = rgb(196, 110, 0),
    .fine = rgb(21, 128, 61),
};

const Palette kDark{
    .background = rgb(17, 19, 23),
    .surface = rgb(29, 32, 38),
    .border = rgb(52, 57, 66),
    .text = rgb(232, 235, 240),
    .text_muted = rgb(150, 158, 170),
    .accent = rgb(96, 150, 250),
    .suggested = rgb(96, 150, 250),
    .overdue = rgb(248, 113, 113),
    .exceptions = rgb(245, 165, 36),
    .held = rgb(167, 139, 250),
    .at_risk = rgb(245, 165, 36),
    .fine = rgb(74, 200, 120),
};

// Black on white; every colour at least 7:1 against white (WCAG AAA), so the tones stay
// apart without relying on hue alone (each also carries a word on screen).
const Palette kHighContrast{
    .background = rgb(255, 255, 255),
    .surface = rgb(255, 255, 255),
    .border = rgb(0, 0, 0),
    .text = rgb(0, 0, 0),
    .text_muted = rgb(45, 45, 45),
    .accent = rgb(0, 0, 160),
    .suggested = rgb(0, 0, 160),
    .overdue = rgb(160, 0, 0),
    .exceptions = rgb(110, 55, 0),
    .held = rgb(85, 0, 140),
    .at_risk = rgb(110, 55, 0),
    .fine = rgb(0, 95, 0),
};

ImVec4 mix(ImVec4 a, ImVec4 b, float t) {
  return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, a.w + (b.w - a.w) * t);
}

}  // namespace

const Palette& palette(Theme theme) {
  return theme == Theme::dark ? kDark : theme == Theme::high_contrast ? kHighContrast : kLight;
}

Theme next_theme(Theme t) {
  return t == Theme::light ? Theme::dark : t == Theme::dark ? Theme::high_contrast : Theme::light;
}

const char* theme_toggle_label(Theme current) {
  switch (next_theme(current)) {
    case Theme::dark: return "Dark theme";
    case Theme::high_contrast: return "High contrast";
    case Theme::light: return "Light theme";
  }
  return "Light theme";
}

const char* theme_name(Theme t) {
  return t == Theme::dark ? "dark" : t == Theme::high_contrast ? "high-contrast" : "light";
}

ImVec4 tone_color(const Palette& p, vm::Tone tone) {
  switch (tone) {
    case vm::Tone::overdue: return p.overdue;
    case vm::Tone::at_risk: return p.at_risk;
    case vm::Tone::fine: return p.fine;
    case vm::Tone::info: return p.accent;
    case vm::Tone::muted: return p.text_muted;
  }
  return p.text;
}

ImVec4 tint(ImVec4 c, float alpha) { return ImVec4(c.x, c.y, c.z, alpha); }

void apply_theme(Theme theme, ImGuiStyle& style) {
  const Palette& p = palette(theme);
  style = ImGuiStyle();
  if (theme == Theme::dark) {
    ImGui::StyleColorsDark(&style);
  } else {
    ImGui::StyleColorsLight(&style);
  }
  style.WindowRounding = 0.0f;
  style.ChildRounding = 8.0f;
  style.FrameRounding = 6.0f;
  style.TabRounding = 6.0f;
  style.GrabRounding = 6.0f;
  style.WindowBorderSize = 0.0f;
  style.ChildBorderSize = 1.0f;
  style.FrameBorderSize = theme == Theme::high_contrast ? 1.0f : 0.0f;  // outlined controls
  style.WindowPadding = ImVec2(20, 16);
  style.FramePadding = ImVec2(12, 6);
  style.ItemSpacing = ImVec2(10, 8);
  style.CellPadding = ImVec2(10, 6);

  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = p.background;
  c[ImGuiCol_ChildBg] = p.surface;
  c[ImGuiCol_PopupBg] = p.surface;
  c[ImGuiCol_Border] = p.border;
  c[ImGuiCol_Text] = p.text;
  c[ImGuiCol_TextDisabled] = p.text_muted;
  c[ImGuiCol_FrameBg] = mix(p.surface, p.border, 0.5f);
  c[ImGuiCol_FrameBgHovered] = p.border;
  c[ImGuiCol_FrameBgActive] = p.border;
  c[ImGuiCol_Button] = mix(p.surface, p.border, 0.6f);
  c[ImGuiCol_ButtonHovered] = mix(p.accent, p.surface, 0.75f);
  c[ImGuiCol_ButtonActive] = mix(p.accent, p.surface, 0.55f);
  c[ImGuiCol_Header] = mix(p.accent, p.surface, 0.82f);
  c[ImGuiCol_HeaderHovered] = mix(p.accent, p.surface, 0.75f);
  c[ImGuiCol_HeaderActive] = mix(p.accent, p.surface, 0.65f);
  c[ImGuiCol_TableHeaderBg] = mix(p.surface, p.border, 0.35f);
  c[ImGuiCol_TableBorderStrong] = p.border;
  c[ImGuiCol_TableBorderLight] = p.border;
  c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TableRowBgAlt] = mix(p.surface, p.background, 0.6f);
  c[ImGuiCol_Separator] = p.border;
  if (theme == Theme::high_contrast) {  // no faint fills: white controls, black outlines, a strong selection
    c[ImGuiCol_FrameBg] = c[ImGuiCol_Button] = p.surface;
    c[ImGuiCol_ButtonHovered] = c[ImGuiCol_Header] = mix(p.accent, p.surface, 0.7f);
    c[ImGuiCol_NavHighlight] = p.accent;
  }
}

}  // namespace cockpit::ui
