#pragma once
// The application as callbacks (style.md §1): a shell owns the window and the loop and
// calls init / frame / shutdown; the App has no platform #ifdef and makes no GL call.
//
// A shell's loop, in order:
//   app.init(config)                       creates the ImGui context, fonts, theme
//   [renderer backend init]                e.g. ImGui_ImplOpenGL3_Init
//   each frame:
//     if (app.set_device_pixel_ratio(dpr)) re-upload the font texture
//     [platform/renderer NewFrame]         sets io.DisplaySize (logical px), mouse…
//     app.frame()                          ImGui::NewFrame() … ImGui::Render()
//     [render ImGui::GetDrawData()]
//   [backend shutdown]; app.shutdown()
//
// Coordinates: ImGui works in logical (CSS) pixels. Fonts are rasterised at
// size × device pixel ratio and drawn with io.FontGlobalScale = 1/dpr, so text is
// sharp on high-DPI screens; the shell sets io.DisplayFramebufferScale = dpr.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/app_controller.hpp"
#include "app/mirror.hpp"
#include "app/platform.hpp"
#include "ui/input_queue.hpp"
#include "ui/ui_state.hpp"

struct ImFont;
struct ImGuiContext;

namespace cockpit::ui {

struct DrawContext;
struct FrameOutput;

struct AppConfig {
  Platform* platform = nullptr;  // not owned; outlives the App. Required.
  std::string font_dir;          // holds Inter-Regular.otf and Inter-SemiBold.otf
  float device_pixel_ratio = 1.0f;
  Theme theme = Theme::light;
  bool reduce_motion = false;    // the system asks for less motion: no glow on changed rows
  std::string db_path;           // the local database; empty: none (tests hand a store to data())
  std::string journal_mode = "WAL";  // the browser passes "DELETE" (no WAL in wasm)
  std::string templates_path;    // assets/templates/messages.json, if shipped; else the built-ins
  std::string sign_in_as;        // sign this manager in at start (desktop --as, tests)
  // Server mode (see ControllerConfig): password sign-in and sync through these.
  client::HttpClient* http = nullptr;
  client::TokenStore* tokens = nullptr;
  client::SyncOptions sync;
};

// A named control's rectangle in logical pixels, as drawn in the last frame.
struct ControlRect {
  std::string name;
  float x = 0, y = 0, w = 0, h = 0;
};

// What a test outside the process can see: which view is shown and where the named
// controls are (the browser shell publishes it to JS as window.cockpit).
struct TestProbe {
  std::uint64_t frames = 0;
  std::uint64_t revision = 0;  // the data's revision this frame showed (the mirror's data-rev matches it)
  std::string view;
  std::string theme;
  std::vector<ControlRect> controls;
  // The words of the few controls whose text says a state (the sync badge, the status
  // line's sync part, the session banner), as drawn in the last frame: name -> text.
  std::vector<std::pair<std::string, std::string>> texts;
  // CPU time of the shell's whole frame in ms, as the shell measured it and handed to
  // App::record_frame_time (0 where a shell does not): the last one it recorded, and the
  // median of the last App::kFrameWindow (issue 5's browser budget: a 6 ms median).
  double frame_ms = 0;
  double frame_ms_median = 0;
  std::string to_json() const;
};

// What the page's screen-reader mirror reports (the browser shell polls web/mirror.js):
// a button activated, a field's new text, an element that took the focus. Keys are the
// mirror's node keys (app/mirror.hpp).
struct MirrorEvent {
  enum class Kind { activate, input, focus };
  Kind kind = Kind::activate;
  std::string key, value;
};

struct Fonts {
  ImFont* body = nullptr;     // Inter Regular 15 px
  ImFont* strong = nullptr;   // Inter SemiBold 15 px
  ImFont* title = nullptr;    // Inter SemiBold 22 px (the counts, the page title)
  ImFont* small = nullptr;    // Inter Regular 13 px (dates, meta lines)
  std::string source;         // "Inter", "DejaVu Sans" or "ImGui default": what was found
};

class App {
 public:
  App() = default;
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  ~App();

  // Creates the ImGui context (current from now on), loads fonts, applies the theme,
  // restores the view from the platform's URL fragment. False when the config is
  // unusable (no platform).
  bool init(const AppConfig& config);

  // The shell calls this every frame with the current ratio. Returns true when the font
  // atlas was rebuilt, so the renderer must upload a new font texture before drawing.
  bool set_device_pixel_ratio(float dpr);

  // Builds one frame: ImGui::NewFrame(), the cockpit, ImGui::Render(). The shell then
  // renders ImGui::GetDrawData(). io.DisplaySize and input must be set before.
  void frame();
  // The data side alone, between frames: network answers taken and applied, the lists
  // brought up to date; the next frame draws the result. frame() does the same first.
  // The browser calls it as soon as an answer arrives, so a change from another device
  // is on screen in the next frame instead of waiting one frame per request.
  void tick_data();
  // The keyboard and the mouse buttons, from the shell's window callbacks (GLFW key
  // codes, as io.KeysDown indexes them; code points typed; buttons 0..4), handed to
  // ImGui in the order they happened (see input_queue.hpp).
  void key_event(int key, bool down) { input_.key(key, down); }
  void char_event(unsigned int c) { input_.character(c); }
  void mouse_button_event(int button, bool down) { input_.mouse_button(button, down); }
  // Input waits for the next frame: run it soon rather than wait for more input.
  bool input_pending() const { return input_.pending() || !mirror_events_.empty(); }
  // From the page's mirror; applied at the start of the next frame, like a click.
  void mirror_event(MirrorEvent e) { mirror_events_.push_back(std::move(e)); }
  const mirror::Mirror& mirror() const { return mirror_; }

  // Destroys the ImGui context. Safe to call twice.
  void shutdown();

  // The data side: store, identity, session, view models. Tests may open a store here
  // before the first frame (AppConfig::db_path empty).
  AppController& data() { return data_; }
  // Signs in and opens Today (what the sign-in view does on a click).
  bool sign_in(const std::string& manager_id);
  // The outcome of the last action applied.
  const Outcome& last_outcome() const { return last_outcome_; }

  UiState& state() { return state_; }
  const UiState& state() const { return state_; }
  const TestProbe& probe() const { return probe_; }
  // The shell's measure of one whole frame (its loop body: this App's frame, drawing,
  // publishing the probe), shown in the probe as frame_ms and frame_ms_median.
  static constexpr std::size_t kFrameWindow = 120;
  void record_frame_time(double ms);
  const Fonts& fonts() const { return fonts_; }
  float device_pixel_ratio() const { return dpr_; }

 private:
  void build_fonts();
  void draw_header(DrawContext& ctx);
  void draw_header_right(DrawContext& ctx, float used);
  void draw_status(DrawContext& ctx);
  void draw_toast(DrawContext& ctx);
  void finish_frame(FrameOutput& out);
  void take_picked_file();
  void sync_fragment();

  AppConfig config_;
  AppController data_;
  Outcome last_outcome_;
  std::string fragment_;  // the address we last set (a different one: back/forward)
  ImGuiContext* context_ = nullptr;
  UiState state_;
  Theme applied_theme_ = Theme::light;
  float dpr_ = 1.0f;
  Fonts fonts_;
  TestProbe probe_;
  std::vector<double> frame_times_;  // the last kFrameWindow, a ring
  std::size_t frame_time_next_ = 0;
  InputQueue input_;
  mirror::Mirror mirror_;
  std::vector<MirrorEvent> mirror_events_;
  void update_mirror(Time now);
};

}  // namespace cockpit::ui
