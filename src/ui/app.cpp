// The App frame: context, fonts at the device pixel ratio, theme, header, and the
// switch between views. The views themselves live in one file each.
#include "ui/app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.hpp"
#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

constexpr float kBodySize = 15.0f;
constexpr float kTitleSize = 22.0f;
constexpr float kSmallSize = 13.0f;

// Latin, Latin Extended-A (č, ő, ł: customers' names), general punctuation (– — … “ ”),
// €, arrows (← ↑ ↓ ↳) and the check mark.
constexpr ImWchar kGlyphRanges[] = {0x0020, 0x017F, 0x2010, 0x205E, 0x20AC, 0x20AC, 0x2190, 0x21FF, 0x2713, 0x2713, 0};

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
  std::string out = "{\"frames\":" + std::to_string(frames) + ",\"revision\":" + std::to_string(revision) +
                    ",\"view\":" + json_string(view) +
                    ",\"theme\":" + json_string(theme) + ",\"controls\":{";
  char buf[128];
  for (std::size_t i = 0; i < controls.size(); ++i) {
    const ControlRect& c = controls[i];
    std::snprintf(buf, sizeof buf, "[%.1f,%.1f,%.1f,%.1f]", c.x, c.y, c.w, c.h);
    out += (i ? "," : "") + json_string(c.name) + ":" + buf;
  }
  out += "},\"texts\":{";
  for (std::size_t i = 0; i < texts.size(); ++i)
    out += (i ? "," : "") + json_string(texts[i].first) + ":" + json_string(texts[i].second);
  std::snprintf(buf, sizeof buf, "},\"frame_ms\":%.3f,\"frame_ms_median\":%.3f}", frame_ms, frame_ms_median);
  return out + buf;
}

void record_control(TestProbe& probe, std::string name) {
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  probe.controls.push_back({std::move(name), a.x, a.y, b.x - a.x, b.y - a.y});
}

void record_control(TestProbe& probe, std::string name, std::string_view text) {
  probe.texts.emplace_back(name, std::string(text));
  record_control(probe, std::move(name));
}

void App::record_frame_time(double ms) {
  if (frame_times_.size() < kFrameWindow)
    frame_times_.push_back(ms);
  else
    frame_times_[frame_time_next_] = ms;
  frame_time_next_ = (frame_time_next_ + 1) % kFrameWindow;
  std::vector<double> sorted = frame_times_;
  auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
  std::nth_element(sorted.begin(), mid, sorted.end());
  probe_.frame_ms = ms;
  probe_.frame_ms_median = *mid;
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
  state_.reduce_motion = config.reduce_motion;
  applied_theme_ = config.theme;
  apply_theme(state_.theme, ImGui::GetStyle());
  dpr_ = config.device_pixel_ratio > 0 ? config.device_pixel_ratio : 1.0f;
  build_fonts();

  const Time now = config_.platform->now();
  if (!config_.db_path.empty()) {
    ControllerConfig cc;
    cc.db_path = config_.db_path;
    cc.journal_mode = config_.journal_mode;
    cc.templates_path = config_.templates_path;
    cc.platform = config_.platform;
    cc.http = config_.http;
    cc.tokens = config_.tokens;
    cc.sync = config_.sync;
    if (!data_.open(cc, now)) std::fprintf(stderr, "cockpit: %s\n", data_.error().c_str());
  }
  if (data_.is_open()) {
    if (!config_.sign_in_as.empty()) data_.sign_in(config_.sign_in_as, now);
    else data_.sign_in_remembered(now);
  }
  state_.view = data_.signed_in() ? View::today : View::sign_in;
  fragment_ = config_.platform->url_fragment();
  if (apply_fragment(fragment_, state_) && !data_.signed_in()) state_.view = View::sign_in;
  sync_fragment();
  return true;
}

bool App::sign_in(const std::string& manager_id) {
  const Time now = config_.platform->now();
  if (!data_.sign_in(manager_id, now)) {
    state_.sign_in_error = data_.error();
    return false;
  }
  state_.sign_in_error.clear();
  state_.view = View::today;
  state_.cursor = 0;
  state_.query = {};
  sync_fragment();
  return true;
}

// Keeps the address and the open view in step: the view changed here -> a new address
// (the shell pushes a history entry, so Back works); the address changed outside
// (Back, Forward, an edited URL) -> open what it names.
void App::sync_fragment() {
  const std::string outside = config_.platform->url_fragment();
  if (outside != fragment_ && !outside.empty()) {
    UiState probe_state = state_;
    if (apply_fragment(outside, probe_state) && data_.signed_in() && probe_state.view != View::sign_in) {
      state_.view = probe_state.view;
      state_.customer = probe_state.customer;
      state_.item_cursor = -1;
      state_.dialog = {};
    }
    fragment_ = outside;
  }
  if (!data_.signed_in()) state_.view = View::sign_in;
  if (state_.view == View::lead && data_.me().role != Role::lead) state_.view = View::today;
  const std::string want = to_fragment(state_);
  if (want != fragment_) {
    config_.platform->set_url_fragment(want);
    fragment_ = want;
  }
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
    fonts_.small = io.Fonts->AddFontFromFileTTF(f.regular.c_str(), kSmallSize * dpr_, &cfg, kGlyphRanges);
    if (fonts_.body && fonts_.strong && fonts_.title && fonts_.small && io.Fonts->Build()) {
      fonts_.source = f.name;
      break;
    }
    io.Fonts->Clear();
    fonts_ = Fonts{};
  }
  if (!fonts_.body) {  // ImGui's built-in bitmap font: ugly but always there
    ImFontConfig def;
    def.SizePixels = std::round(13.0f * dpr_);
    fonts_.body = fonts_.strong = fonts_.title = fonts_.small = io.Fonts->AddFontDefault(&def);
    io.Fonts->Build();
    fonts_.source = "ImGui default";
  }
  io.FontDefault = fonts_.body;
  io.FontGlobalScale = 1.0f / dpr_;
}

void App::tick_data() {
  if (context_) data_.tick(config_.platform->now());
}

void App::frame() {
  if (!context_) return;
  ImGui::SetCurrentContext(context_);
  if (state_.theme != applied_theme_) {
    apply_theme(state_.theme, ImGui::GetStyle());
    applied_theme_ = state_.theme;
  }
  const Time now = config_.platform->now();
  data_.tick(now);
  take_picked_file();
  // A password sign-in finishes in the background (the first share of records arrives).
  if (data_.server_mode() && data_.signed_in() && state_.view == View::sign_in) {
    state_.view = View::today;
    state_.cursor = 0;
  }
  sync_fragment();

  ImGuiIO& io = ImGui::GetIO();
  io.FontGlobalScale = 1.0f / dpr_;
  input_.before_frame(io);
  ImGui::NewFrame();
  probe_.controls.clear();
  probe_.texts.clear();

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse;
  ImGui::Begin("Cockpit", nullptr, kFlags);
  FrameOutput out;
  DrawContext ctx{state_, probe_, fonts_, palette(applied_theme_), data_, now, out};
  draw_header(ctx);
  draw_sync_banner(ctx);

  // Keys first: a one-key action opens its dialog in this same frame. Then what the
  // page's mirror asked for (a button, typing, a focus), applied like the canvas's own.
  handle_keys(ctx);
  for (const MirrorEvent& e : mirror_events_) apply_mirror_event(ctx, mirror_, e);
  mirror_events_.clear();

  // The view drawn is the one chosen before its content starts, so a click in the
  // header shows its effect (and the probe reports it) from the next frame on.
  const View shown = state_.view;
  const float status_h = ImGui::GetFrameHeight() + 6;
  ImGui::BeginChild("content", ImVec2(0, -status_h), false, ImGuiWindowFlags_NoBackground);
  switch (shown) {
    case View::sign_in: draw_sign_in(ctx); break;
    case View::today: draw_today(ctx); break;
    case View::customer: draw_customer(ctx); break;
    case View::lead: draw_lead(ctx); break;
  }
  ImGui::EndChild();
  if (shown != View::lead) state_.unmatched_asked = false;  // read the list again when the team view opens
  draw_status(ctx);
  draw_dialog(ctx);
  draw_help(ctx);
  draw_notices(ctx);
  draw_sign_out_confirm(ctx);
  draw_toast(ctx);
  ImGui::End();
  ImGui::Render();

  probe_.frames++;
  probe_.view = std::string(view_name(shown));
  probe_.theme = theme_name(applied_theme_);
  finish_frame(out);
  sync_fragment();
  update_mirror(now);
  probe_.revision = data_.revision();
}

// The mirror follows the frame that changed what it shows: built from the view models
// only when the screen's inputs or the data changed (mirror::Mirror::update), handed to
// the page in the same frame.
void App::update_mirror(Time now) {
  Platform& platform = *config_.platform;
  if (!platform.wants_mirror()) return;
  const mirror::Screen screen = mirror_screen(state_, data_, platform, now);
  std::string words;
  if (data_.session() && !data_.last_remote_customers().empty()) {
    for (const std::string& id : data_.last_remote_customers()) {
      const auto& customers = data_.session()->slice().customers;
      auto it = std::find_if(customers.begin(), customers.end(), [&](const Customer& c) { return c.id == id; });
      words += (words.empty() ? "" : ", ") + (it != customers.end() ? it->name : id);
    }
    words = "Changed on another device: " + words;
  }
  if (auto update = mirror_.update(data_, screen, now, data_.remote_changes(), words)) platform.present_mirror(*update);
}

// A file picked for the lead's upload: a fresh preview with the default mapping.
void App::take_picked_file() {
  std::optional<PickedFile> f = config_.platform->take_picked_file();
  if (!f) return;
  state_.csv_error = f->error;
  state_.csv.mapping.clear();
  state_.csv.file_name = f->error.empty() ? f->name : std::string();
  state_.csv.text = f->error.empty() ? std::move(f->text) : std::string();
}

// What the frame asked for: sign in or out, actions (one transaction each), the
// clipboard, a mail link. A refused action from a dialog goes back into the dialog.
void App::finish_frame(FrameOutput& out) {
  const Time now = config_.platform->now();
  const double t = ImGui::GetTime();
  if (out.sign_in) sign_in(*out.sign_in);
  if (out.password_sign_in) data_.sign_in_with_password(out.password_sign_in->manager, out.password_sign_in->password, now);
  if (out.sign_out && data_.unsent_changes() > 0 && !out.sign_out_confirmed) {
    state_.confirm_sign_out = true;  // ask: those changes would be lost
  } else if (out.sign_out) {
    data_.sign_out();
    state_ = UiState{.theme = state_.theme, .reduce_motion = state_.reduce_motion};
    state_.view = View::sign_in;
  }
  if (out.sync_now) data_.sync_now();
  if (out.dismiss_notice) data_.dismiss_notice(*out.dismiss_notice);
  for (const UnmatchedAction& a : out.unmatched) data_.request(a, now);
  for (const Action& a : out.actions) {
    last_outcome_ = data_.apply(a, now);
    Toast& toast = state_.toast;
    if (last_outcome_.ok) {
      std::string text = last_outcome_.message;
      if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
      const bool undo = !std::holds_alternative<Undo>(a) && data_.session() && data_.session()->can_undo();
      toast = Toast{text, t + 8.0, undo, false};
      if (out.from_dialog) state_.dialog = {};
    } else if (out.from_dialog && state_.dialog.kind != Dialog::Kind::none) {
      state_.dialog.error = last_outcome_.message;
    } else {
      toast = Toast{last_outcome_.message, t + 6.0, false, true};
    }
  }
  if (out.copy) {
    config_.platform->copy_to_clipboard(*out.copy);
    state_.toast = Toast{"Copied to the clipboard", t + 4.0, false, false};
  }
  if (out.mail) config_.platform->open_mailto(out.mail->to, out.mail->subject, out.mail->body);
  if (out.pick_file) config_.platform->pick_file(*out.pick_file);
  if (!out.notice.empty()) state_.toast = Toast{out.notice, t + 4.0, false, true};
}

// Brand, the views this person may open, and on the right the demo badge, who is
// signed in (with sign-out) and the theme toggle.
void App::draw_header(DrawContext& ctx) {
  const Palette& p = ctx.colors;
  ImGui::PushFont(fonts_.title);
  ImGui::TextColored(p.accent, "Cockpit");
  ImGui::PopFont();
  ImGui::SameLine(0, 28);

  auto nav = [&](const char* label, View v, const char* probe_name) {
    const bool active = state_.view == v || (v == View::today && state_.view == View::customer);
    ImGui::PushFont(fonts_.strong);
    if (active) {
      ImGui::PushStyleColor(ImGuiCol_Button, p.accent);
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.accent);
      ImGui::PushStyleColor(ImGuiCol_Text, p.surface);
    }
    if (ImGui::Button(label)) {
      state_.view = v;
      state_.dialog = {};
    }
    if (active) ImGui::PopStyleColor(3);
    ImGui::PopFont();
    record_control(probe_, probe_name);
  };
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 2);
  if (data_.signed_in()) {
    nav("Today", View::today, "nav.today");
    if (data_.me().role == Role::lead) {
      ImGui::SameLine();
      nav("Team", View::lead, "nav.lead");
    }
  }
  if (data_.sync_status()) {
    ImGui::SameLine(0, 24);
    draw_sync_badge(ctx);
  }
  draw_header_right(ctx, ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + 16);
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Spacing();
}

// Right-aligned: [Demo data]  Anna Berger · Customer manager  [Sign out] [Dark theme].
// `used`: where the header's left part ends (window x).
void App::draw_header_right(DrawContext& ctx, float used) {
  const Palette& p = ctx.colors;
  const float right = ImGui::GetWindowContentRegionMax().x;
  const ImGuiStyle& style = ImGui::GetStyle();
  // Right-aligned: [Demo data]  Anna Berger · Customer manager  [Sign out] [Dark theme]
  const char* toggle = theme_toggle_label(state_.theme);
  float x = right - (ImGui::CalcTextSize(toggle).x + style.FramePadding.x * 2);
  const float toggle_x = x;
  float signout_x = x, who_x = x, demo_x = x;
  std::string who;
  if (data_.signed_in()) {
    signout_x = x - (ImGui::CalcTextSize("Sign out").x + style.FramePadding.x * 2) - 8;
    who = data_.me().name + "  \xC2\xB7  " + (data_.me().role == Role::lead ? "Team lead" : "Customer manager");
    who_x = signout_x - ImGui::CalcTextSize(who.c_str()).x - 16;
    x = who_x;
  }
  // A narrow window (200% browser zoom, a large system text scale): first the name goes
  // (the mirror and the sign-out still say who), then the right-hand group takes a line
  // of its own, so nothing overlaps.
  if (data_.signed_in() && who_x < used) x = signout_x;
  if (data_.demo()) demo_x = x - ImGui::CalcTextSize("Demo data").x - 28;
  const bool show_who = data_.signed_in() && who_x >= used;
  const float first_x = data_.demo() ? demo_x : data_.signed_in() ? (show_who ? who_x : signout_x) : toggle_x;
  bool wrap = first_x < used;
  auto place = [&](float at) {
    if (wrap) {
      ImGui::SetCursorPosX(at);  // a new line: the header's first line ended with the navigation
      wrap = false;
    } else {
      ImGui::SameLine(at);
    }
  };
  if (data_.demo()) {
    place(demo_x);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 3);
    badge("Demo data", p.held);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("This device holds the built-in demo book, dated around today. Nothing is sent to anyone.");
    record_control(probe_, "header.demo");
  }
  if (data_.signed_in()) {
    if (show_who) {
      place(who_x);
      ImGui::AlignTextToFramePadding();
      ImGui::TextColored(p.text_muted, "%s", who.c_str());
      record_control(probe_, "header.manager");
    }
    place(signout_x);
    if (ImGui::Button("Sign out")) ctx.out.sign_out = true;
    record_control(probe_, "header.sign_out");
  }
  place(toggle_x);
  if (ImGui::Button(toggle)) state_.theme = next_theme(state_.theme);
  record_control(probe_, "theme.toggle");
}

// The bottom line: who and how many on the left; on the right where this device's
// copy stands ("Saved on this device" only once the platform says so) and the keys.
void App::draw_status(DrawContext& ctx) {
  const Palette& p = ctx.colors;
  ImGui::Separator();
  ImGui::PushFont(fonts_.small);
  ImGui::AlignTextToFramePadding();
  if (data_.signed_in()) {
    const auto& lists = data_.session()->lists();
    ImGui::TextColored(p.text_muted, "%zu customers \xC2\xB7 templates: %s", lists.customers.size(),
                       data_.templates_source() == "built-in" ? "built-in" : "from file");
  } else if (!data_.is_open()) {
    ImGui::TextColored(p.overdue, "No database open: %s", data_.error().empty() ? "none configured" : data_.error().c_str());
  } else {
    ImGui::TextColored(p.text_muted, "Not signed in");
  }
  const char* saved = "";
  ImVec4 color = p.text_muted;
  switch (config_.platform->persist_state()) {
    case PersistState::saved: saved = "\xE2\x9C\x93 Saved on this device"; color = p.fine; break;
    case PersistState::saving: saved = "Saving on this device\xE2\x80\xA6"; break;
    case PersistState::failed: saved = "Not saved on this device yet \xC2\xB7 will retry"; color = p.overdue; break;
    case PersistState::disabled: saved = "Storage unavailable: changes stay in this tab"; color = p.at_risk; break;
  }
  // Whether the browser promised to keep this device's copy (navigator.storage.persist()).
  const char* storage = "";
  const char* storage_tip = "";
  switch (config_.platform->storage_grant()) {
    case StorageGrant::persistent:
      storage = "Storage: kept";
      storage_tip = "This device keeps its copy until you remove it.";
      break;
    case StorageGrant::best_effort:
    case StorageGrant::unsupported:
      storage = "Storage: may be cleared by the browser";
      storage_tip = "The browser has not promised to keep this device's copy: it may clear it when space\n"
                    "runs low. What is not synced yet would be lost. Installing Cockpit as an app helps.";
      break;
    case StorageGrant::unknown: break;
  }
  const char* keys = "Press ? for keys";
  // Saved here is not synced: only the server's answer makes a change safe everywhere.
  std::string synced, notices;
  const client::SyncStatus* sync = data_.sync_status();
  if (sync) {
    if (sync->waiting > 0)
      synced = std::to_string(sync->waiting) + (sync->waiting == 1 ? " change" : " changes") + " waiting for the server";
    else if (sync->last_sync)
      synced = "Synced " + vm::relative_label(sync->last_sync, ctx.now);
    else
      synced = "Not synced yet";
    if (sync->notices > 0) notices = std::to_string(sync->notices) + (sync->notices == 1 ? " sync notice" : " sync notices");
  }
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float storage_w = *storage ? ImGui::CalcTextSize(storage).x + 32 : 0.0f;
  float w = storage_w + ImGui::CalcTextSize(saved).x + ImGui::CalcTextSize(keys).x + 32;
  if (!synced.empty()) w += ImGui::CalcTextSize(synced.c_str()).x + 32;
  if (!notices.empty()) w += ImGui::CalcTextSize(notices.c_str()).x + ImGui::GetStyle().FramePadding.x * 2 + 32;
  ImGui::SameLine(right - w);
  if (!notices.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, p.at_risk);
    if (ImGui::SmallButton(notices.c_str())) state_.notices_open = true;
    ImGui::PopStyleColor();
    record_control(probe_, "status.notices");
    ImGui::SameLine(0, 32);
  }
  if (!synced.empty()) {
    ImGui::TextColored(sync->waiting > 0 ? p.at_risk : p.text_muted, "%s", synced.c_str());
    record_control(probe_, "status.synced", synced);
    ImGui::SameLine(0, 32);
  }
  if (*storage) {
    ImGui::TextColored(p.text_muted, "%s", storage);
    record_control(probe_, "status.storage");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", storage_tip);
    ImGui::SameLine(0, 32);
  }
  ImGui::TextColored(color, "%s", saved);
  record_control(probe_, "status.saved");
  ImGui::SameLine(0, 32);
  ImGui::TextColored(p.text_muted, "%s", keys);
  ImGui::PopFont();
}

// The toast: what was just done, with Undo; fades after a few seconds.
void App::draw_toast(DrawContext& ctx) {
  Toast& t = state_.toast;
  if (t.text.empty()) return;
  if (ImGui::GetTime() > t.until) {
    t = {};
    return;
  }
  const Palette& p = ctx.colors;
  ImGuiIO& io = ImGui::GetIO();
  const float w = std::min(640.0f, io.DisplaySize.x - 40);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y - 48), ImGuiCond_Always, ImVec2(0.5f, 1.0f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(200, 0), ImVec2(w, 400));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, t.error ? p.overdue : p.text);
  ImGui::PushStyleColor(ImGuiCol_Text, p.surface);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 8.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16, 10));
  ImGui::Begin("##toast", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
  ImGui::PushTextWrapPos(w - 140);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(t.text.c_str());
  ImGui::PopTextWrapPos();
  record_control(probe_, "toast");
  if (t.undo) {
    ImGui::SameLine(0, 16);
    ImGui::PushStyleColor(ImGuiCol_Text, p.text);
    if (ImGui::Button("Undo")) ctx.out.actions.push_back(Undo{});
    ImGui::PopStyleColor();
    record_control(probe_, "toast.undo");
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor(2);
}

void App::shutdown() {
  if (!context_) return;
  ImGui::DestroyContext(context_);
  context_ = nullptr;
}

}  // namespace cockpit::ui
