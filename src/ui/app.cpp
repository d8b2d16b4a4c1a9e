// The App frame: context, fonts at the device pixel ratio, theme, header, and the
// switch between views. The views themselves live in one file each.
#include "ui/app.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "ui/placeholder_data.hpp"
#include "ui/theme.hpp"
#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

constexpr float kBodySize = 15.0f;
constexpr float kTitleSize = 22.0f;

// Latin, Latin-1 (German umlauts, ß), general punctuation (– — … “ ”) and €.
constexpr ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x2010, 0x205E, 0x20AC, 0x20AC, 0};

bool file_exists(const std::string& path) {
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

}  // namespace

std::string TestProbe::to_json() const {
  std::string out = "{\"frames\":" + std::to_string(frames) + ",\"view\":" + json_string(view) +
                    ",\"theme\":" + json_string(theme) + ",\"controls\":{";
  char buf[128];
  for (std::size_t i = 0; i < controls.size(); ++i) {
    const ControlRect& c = controls[i];
    std::snprintf(buf, sizeof buf, "[%.1f,%.1f,%.1f,%.1f]", c.x, c.y, c.w, c.h);
    out += (i ? "," : "") + json_string(c.name) + ":" + buf;
  }
  return out + "}}";
}

void record_control(TestProbe& probe, std::string name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  probe.controls.push_back({std::move(name), a.x, a.y, b.x - a.x, b.y - a.y});
}

App::~App() { shutdown(); }

bool App::init(const AppConfig& config) {
  if (!config.platform) return false;
  config_ = config;
  context_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is code, not a file next to the binary
  io.LogFilename = nullptr;
  state_.theme = config.theme;
  applied_theme_ = config.theme;
  apply_theme(state_.theme, ImGui::GetStyle());
  dpr_ = config.device_pixel_ratio > 0 ? config.device_pixel_ratio : 1.0f;
  build_fonts();
  apply_fragment(config_.platform->url_fragment(), state_);
  return true;
}

bool App::set_device_pixel_ratio(float dpr) {
  if (!context_ || !(dpr > 0) || std::fabs(dpr - dpr_) < 0.01f) return false;
  ImGui::SetCurrentContext(context_);
  dpr_ = dpr;
  build_fonts();
  return true;
}

// Rasterises the fonts at size × dpr and scales them back by 1/dpr, so glyphs map
// 1:1 to device pixels. Inter is OpenType/CFF: ImGui 1.86's stb_truetype (1.20)
// reads CFF outlines. Fallbacks keep the app usable when a font file is missing.
void App::build_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  fonts_ = Fonts{};
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;

  struct Face {
    std::string regular, strong, name;
  };
  const std::string dir = config_.font_dir.empty() ? std::string(".") : config_.font_dir;
  const Face faces[] = {
      {dir + "/Inter-Regular.otf", dir + "/Inter-SemiBold.otf", "Inter"},
      {dir + "/DejaVuSans.ttf", dir + "/DejaVuSans-Bold.ttf", "DejaVu Sans"},
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
       "DejaVu Sans"},
  };
  for (const Face& f : faces) {
    if (!file_exists(f.regular) || !file_exists(f.strong)) continue;
    fonts_.body = io.Fonts->AddFontFromFileTTF(f.regular.c_str(), kBodySize * dpr_, &cfg, kGlyphRanges);
    fonts_.strong = io.Fonts->AddFontFromFileTTF(f.strong.c_str(), kBodySize * dpr_, &cfg, kGlyphRanges);
    fonts_.title = io.Fonts->AddFontFromFileTTF(f.strong.c_str(), kTitleSize * dpr_, &cfg, kGlyphRanges);
    if (fonts_.body && fonts_.strong && fonts_.title && io.Fonts->Build()) {
      fonts_.source = f.name;
      break;
    }
    io.Fonts->Clear();
    fonts_ = Fonts{};
  }
  if (!fonts_.body) {  // ImGui's built-in bitmap font: ugly but always there
    ImFontConfig def;
    def.SizePixels = std::round(13.0f * dpr_);
    fonts_.body = fonts_.strong = fonts_.title = io.Fonts->AddFontDefault(&def);
    io.Fonts->Build();
    fonts_.source = "ImGui default";
  }
  io.FontDefault = fonts_.body;
  io.FontGlobalScale = 1.0f / dpr_;
}

void App::set_view(View v) {
  if (state_.view == v) return;
  state_.view = v;
  config_.platform->set_url_fragment(to_fragment(state_));
}

void App::frame() {
  if (!context_) return;
  ImGui::SetCurrentContext(context_);
  if (state_.theme != applied_theme_) {
    apply_theme(state_.theme, ImGui::GetStyle());
    applied_theme_ = state_.theme;
  }
  ImGuiIO& io = ImGui::GetIO();
  io.FontGlobalScale = 1.0f / dpr_;
  ImGui::NewFrame();
  probe_.controls.clear();

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("Cockpit", nullptr, kFlags);
  draw_header();

  // The view drawn is the one chosen before its content starts, so a click in the
  // header shows its effect (and the probe reports it) from the next frame on.
  const View shown = state_.view;
  DrawContext ctx{state_, probe_, fonts_, palette(applied_theme_), placeholder_cockpit()};
  switch (shown) {
    case View::today: draw_today(ctx); break;
    case View::customers: draw_customers(ctx); break;
  }
  ImGui::End();
  ImGui::Render();

  probe_.frames++;
  probe_.view = std::string(view_name(shown));
  probe_.theme = applied_theme_ == Theme::dark ? "dark" : "light";
}

// Title, the view switch, and on the right the signed-in manager and the theme toggle.
void App::draw_header() {
  const Palette& p = palette(applied_theme_);
  const PlaceholderCockpit& data = placeholder_cockpit();

  ImGui::PushFont(fonts_.title);
  ImGui::TextColored(p.accent, "Cockpit");
  ImGui::PopFont();
  ImGui::SameLine(0, 28);

  auto nav = [&](const char* label, View v, const char* probe_name) {
    const bool active = state_.view == v;
    ImGui::PushFont(fonts_.strong);
    if (active) {
      ImGui::PushStyleColor(ImGuiCol_Button, p.accent);
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.accent);
      ImGui::PushStyleColor(ImGuiCol_Text, p.surface);
    }
    if (ImGui::Button(label)) set_view(v);
    if (active) ImGui::PopStyleColor(3);
    ImGui::PopFont();
    record_control(probe_, probe_name);
  };
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 2);
  nav("Today", View::today, "nav.today");
  ImGui::SameLine();
  nav("Customers", View::customers, "nav.customers");

  // Right-aligned: "Anna Keller · Customer manager   [Dark theme]"
  const char* toggle = state_.theme == Theme::dark ? "Light theme" : "Dark theme";
  const std::string who = data.manager + "  \xC2\xB7  " + data.role;
  ImGuiStyle& style = ImGui::GetStyle();
  const float toggle_w = ImGui::CalcTextSize(toggle).x + style.FramePadding.x * 2;
  const float who_w = ImGui::CalcTextSize(who.c_str()).x;
  const float right = ImGui::GetWindowContentRegionMax().x;
  ImGui::SameLine(right - toggle_w - who_w - 24);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(p.text_muted, "%s", who.c_str());
  record_control(probe_, "header.manager");
  ImGui::SameLine(right - toggle_w);
  if (ImGui::Button(toggle)) state_.theme = state_.theme == Theme::dark ? Theme::light : Theme::dark;
  record_control(probe_, "theme.toggle");

  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Spacing();
}

void App::shutdown() {
  if (!context_) return;
  ImGui::DestroyContext(context_);
  context_ = nullptr;
}

}  // namespace cockpit::ui
