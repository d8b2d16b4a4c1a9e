// The browser shell: Emscripten's GLFW on a WebGL2 canvas, the App does the rest.
// Before main() runs, pre.js has loaded the device's copy of /data from IndexedDB into
// the in-memory file system (page_store.js) and fetched the fonts into /fonts: both are
// run dependencies, so the database is never opened on an empty tree.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "app/mirror.hpp"
#include "app/platform.hpp"
#include "browser/fetch_http.hpp"
#include "store/page_vfs.hpp"
#include "ui/app.hpp"

namespace {

constexpr const char* kDbPath = "/data/cockpit.db";  // pre.js's DB

// Browser services. The save machinery (one IndexedDB transaction at a time, a dirty
// flag, a timeout) is in pre.js, the IndexedDB layout in page_store.js.
class BrowserPlatform final : public cockpit::Platform {
 public:
  // Hands pre.js the chunks of the database SQLite wrote since the last save
  // (store/page_vfs.hpp): only those are copied to IndexedDB.
  void persist_after_commit() override {
    const std::vector<std::uint32_t> chunks = cockpit::store::take_changed_chunks(kDbPath);
    EM_ASM({ Module.cockpitPersist.request(HEAPU32.subarray($0 >> 2, ($0 >> 2) + $1)); }, chunks.data(),
           chunks.size());
  }
  cockpit::PersistState persist_state() const override {
    switch (EM_ASM_INT(return Module.cockpitPersist.state())) {
      case 0: return cockpit::PersistState::saved;
      case 1: return cockpit::PersistState::saving;
      case 2: return cockpit::PersistState::failed;
      default: return cockpit::PersistState::disabled;
    }
  }
  // pre.js asks navigator.storage.persist() once and keeps the answer.
  cockpit::StorageGrant storage_grant() const override {
    switch (EM_ASM_INT({
      var s = Module.cockpitStorage;
      if (!s) return 0;
      return s.state === 'granted' ? 1 : s.state === 'denied' ? 2 : s.state === 'unsupported' ? 3 : 0;
    })) {
      case 1: return cockpit::StorageGrant::persistent;
      case 2: return cockpit::StorageGrant::best_effort;
      case 3: return cockpit::StorageGrant::unsupported;
      default: return cockpit::StorageGrant::unknown;
    }
  }
  // Removes /data's files and flushes (pre.js); persist_state() says saving until done.
  void wipe_local_data() override { EM_ASM(Module.cockpitWipe()); }
  std::string url_fragment() const override {
    char buf[512];
    EM_ASM({ stringToUTF8(location.hash.substring(1), $0, $1); }, buf, sizeof buf);
    return buf;
  }
  // A new view is a new history entry, so Back returns to the previous one (the App
  // reads location.hash every frame and follows it).
  void set_url_fragment(std::string_view f) override {
    std::string s(f);
    EM_ASM({
      var h = "#" + UTF8ToString($0);
      if (location.hash === h) return;
      if (location.hash.length > 1) history.pushState(null, "", h); else history.replaceState(null, "", h);
    }, s.c_str());
  }
  void copy_to_clipboard(std::string_view text) override {
    std::string s(text);
    EM_ASM({ if (navigator.clipboard) navigator.clipboard.writeText(UTF8ToString($0)).catch(function() {}); },
           s.c_str());
  }
  void open_mailto(std::string_view to, std::string_view subject, std::string_view body) override {
    std::string url = cockpit::mailto_url(to, subject, body);
    EM_ASM({ window.location.href = UTF8ToString($0); }, url.c_str());
  }
  cockpit::Time now() const override { return static_cast<cockpit::Time>(emscripten_date_now()); }
  // The screen-reader mirror: web/mirror.js applies the update to #mirror.
  bool wants_mirror() const override { return true; }
  void present_mirror(const cockpit::mirror::Update& update) override {
    const std::string json = cockpit::mirror::to_json(update);
    EM_ASM({ if (Module.cockpitMirror) Module.cockpitMirror.apply(UTF8ToString($0)); }, json.c_str());
  }
  // The lead's upload: the page's file picker (pre.js); the file arrives a frame later.
  void pick_file(std::string_view) override { EM_ASM(Module.cockpitPickFile()); }
  bool picks_by_path() const override { return false; }
  std::optional<cockpit::PickedFile> take_picked_file() override {
    const int n = EM_ASM_INT({ return Module.cockpitPicked ? Module.cockpitPicked.bytes.length : -1; });
    if (n < 0) return std::nullopt;
    cockpit::PickedFile f;
    f.text.resize(static_cast<std::size_t>(n));
    char name[512] = {}, error[512] = {};
    EM_ASM({
      var p = Module.cockpitPicked;
      Module.cockpitPicked = null;
      HEAPU8.set(p.bytes, $0);
      stringToUTF8(p.name, $1, 512);
      stringToUTF8(p.error, $2, 512);
    }, f.text.data(), name, error);
    f.name = name;
    f.error = error;
    return f;
  }
};

// What the page's mirror sent since the last frame (web/mirror.js queues
// "kind\x1fkey\x1fvalue"), handed to the App in order.
void take_mirror_events(cockpit::ui::App& app) {
  for (;;) {
    const int size = EM_ASM_INT({
      var m = Module.cockpitMirror;
      return m && m.events.length ? lengthBytesUTF8(m.events[0]) + 1 : 0;
    });
    if (size <= 0) return;
    std::string text(static_cast<std::size_t>(size), '\0');
    EM_ASM({ stringToUTF8(Module.cockpitMirror.events.shift(), $0, $1); }, text.data(), size);
    text.resize(static_cast<std::size_t>(size - 1));
    const std::size_t a = text.find('\x1f'), b = a == std::string::npos ? a : text.find('\x1f', a + 1);
    if (b == std::string::npos) continue;
    cockpit::ui::MirrorEvent e;
    e.kind = text[0] == 'i' ? cockpit::ui::MirrorEvent::Kind::input
             : text[0] == 'f' ? cockpit::ui::MirrorEvent::Kind::focus
                              : cockpit::ui::MirrorEvent::Kind::activate;
    e.key = text.substr(a + 1, b - a - 1);
    e.value = text.substr(b + 1);
    app.mirror_event(std::move(e));
  }
}

struct Shell {
  GLFWwindow* window = nullptr;
  BrowserPlatform platform;
  // The page's server (same origin): sign-in, sync, live. Before the App, which syncs
  // through it, so it outlives the App.
  cockpit::browser::FetchHttp http;
  cockpit::ui::App app;
  // The fingerprint of the last frame drawn to the canvas, and how many were drawn.
  std::uint64_t drawn_print = 0;
  std::uint64_t drawn = 0;
};
Shell* g_shell = nullptr;  // the main loop's callback gets no context in this API

// The mouse wheel. Emscripten 3.1.6's GLFW hands the browser's raw wheel delta to the
// scroll callback (pixels, and the browser's sign: + is down) where GLFW means notches
// with + up: the customer list scrolled the wrong way, about 100 lines a notch. So the
// canvas's wheel event goes to ImGui here, in notches the way Emscripten's own
// Browser.getMouseWheelDelta counts them (100 px or 3 lines a notch), and GLFW's
// scroll callback is taken away (main()).
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  const double per_notch = e->deltaMode == DOM_DELTA_PIXEL ? 100.0 : e->deltaMode == DOM_DELTA_LINE ? 3.0 : 1.0;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= static_cast<float>(e->deltaY / per_notch);
  io.MouseWheelH -= static_cast<float>(e->deltaX / per_notch);
  return EM_TRUE;  // the page itself does not scroll
}

// A fingerprint of what a frame would draw: ImGui's draw data (vertices, indices,
// commands with their clip rectangles and textures) and the target's size and colour.
// Two frames with the same fingerprint put the same pixels on the canvas.
class DrawPrint {
 public:
  void add(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      mix(w);
    }
    std::uint64_t tail = n;
    if (n > i) std::memcpy(&tail, p + i, n - i);
    mix(tail);
  }
  template <class T>
  void add(const T& v) { add(&v, sizeof v); }
  std::uint64_t value() const { return h_; }

 private:
  void mix(std::uint64_t w) { h_ = (h_ ^ w) * 0x100000001b3ull + (h_ >> 29); }
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

std::uint64_t draw_print(const ImDrawData& d, int px_w, int px_h, const ImVec4& bg) {
  DrawPrint p;
  p.add(px_w);
  p.add(px_h);
  p.add(bg);
  p.add(d.DisplaySize);
  p.add(d.FramebufferScale);
  for (int i = 0; i < d.CmdListsCount; ++i) {
    const ImDrawList& list = *d.CmdLists[i];
    p.add(list.VtxBuffer.Data, static_cast<std::size_t>(list.VtxBuffer.Size) * sizeof(ImDrawVert));
    p.add(list.IdxBuffer.Data, static_cast<std::size_t>(list.IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& c : list.CmdBuffer) {
      p.add(c.ClipRect);
      p.add(c.TextureId);
      p.add(c.VtxOffset);
      p.add(c.IdxOffset);
      p.add(c.ElemCount);
    }
  }
  return p.value();
}

void frame() {
  Shell& s = *g_shell;
  // The CPU time of this whole frame (the App's frame, the draw calls, the probe) goes
  // into the probe: window.cockpit.frame_ms / frame_ms_median (web/tests/bench.mjs).
  const double started = emscripten_get_now();
  // The canvas's CSS size comes from the page's stylesheet; its backing store is made
  // CSS size × devicePixelRatio so the GPU draws at device resolution.
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const float dpr = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (css_w < 1 || css_h < 1) return;
  const int px_w = static_cast<int>(std::lround(css_w * dpr));
  const int px_h = static_cast<int>(std::lround(css_h * dpr));
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(s.window, &cur_w, &cur_h);
  if (cur_w != px_w || cur_h != px_h) glfwSetWindowSize(s.window, px_w, px_h);

  if (s.app.set_device_pixel_ratio(dpr)) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    s.drawn_print = 0;  // new glyphs under the same texture name: draw again
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // Emscripten's GLFW reports the window and the mouse in canvas pixels; ImGui works
  // in CSS pixels (see ui/app.hpp), so convert.
  ImGuiIO& io = ImGui::GetIO();
  const float sx = static_cast<float>(px_w / css_w), sy = static_cast<float>(px_h / css_h);
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(sx, sy);
  if (io.MousePos.x > -1e30f) io.MousePos = ImVec2(io.MousePos.x / sx, io.MousePos.y / sy);

  take_mirror_events(s.app);
  s.app.frame();

  // A frame that would draw what the canvas already shows does not touch WebGL: the
  // canvas keeps the last frame drawn, and with no new canvas content the browser's
  // main thread is not held by the compositor and the GPU process (software WebGL took
  // 30-100 ms a frame), so IndexedDB's confirmations and network answers are taken at
  // once instead of between frames. Hover, a blinking cursor, the glow of a change:
  // each changes the draw data, so it is drawn.
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  const std::uint64_t print = draw_print(*ImGui::GetDrawData(), px_w, px_h, bg);
  if (print != s.drawn_print) {
    glViewport(0, 0, px_w, px_h);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    s.drawn_print = print;
    ++s.drawn;
  }

  // Readiness and control positions for tests and the page (window.cockpit). The time
  // recorded includes this publication, so the probe carries the previous frame's.
  std::string probe = s.app.probe().to_json();
  EM_ASM({
    Module.cockpitPublish(UTF8ToString($0));
    window.cockpit.drawn = $1;  // frames that drew to the canvas (the rest drew nothing new)
  }, probe.c_str(), static_cast<double>(s.drawn));
  s.app.record_frame_time(emscripten_get_now() - started);
}

}  // namespace

int main() {
  if (!glfwInit()) {
    EM_ASM(Module.cockpitFail("GLFW could not start."));
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  g_shell = new Shell;
  Shell& s = *g_shell;
  s.window = glfwCreateWindow(1280, 800, "Cockpit", nullptr, nullptr);
  if (!s.window) {
    EM_ASM(Module.cockpitFail("This browser could not start WebGL 2."));
    return 1;
  }
  glfwMakeContextCurrent(s.window);

  // Every database opened from here on notes the chunks it writes (pre.js saves them).
  if (!cockpit::store::install_page_tracking_vfs()) {
    EM_ASM(Module.cockpitFail("SQLite refused the page-saving file system."));
    return 1;
  }
  cockpit::ui::AppConfig config;
  config.platform = &s.platform;
  config.font_dir = "/fonts";
  config.device_pixel_ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  config.db_path = kDbPath;
  config.journal_mode = "DELETE";  // no WAL in wasm (no shared memory)
  config.templates_path = "/assets/messages.json";  // fetched by pre.js when the site ships it
  config.http = &s.http;  // a device of the cockpit-server that serves this page
  if (EM_ASM_INT(return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? 1 : 0))
    config.theme = cockpit::ui::Theme::dark;
  // The system's accessibility settings: more contrast (or forced colours) and less motion.
  if (EM_ASM_INT(return window.matchMedia && (matchMedia("(prefers-contrast: more)").matches ||
                                              matchMedia("(forced-colors: active)").matches) ? 1 : 0))
    config.theme = cockpit::ui::Theme::high_contrast;
  config.reduce_motion =
      EM_ASM_INT(return window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches ? 1 : 0) != 0;
  if (!s.app.init(config)) return 1;
  // A network answer is taken and applied when it arrives, not at the next frame.
  s.http.set_wakeup([] { g_shell->app.tick_data(); });
  std::printf("cockpit: font %s\n", s.app.fonts().source.c_str());
  ImGui_ImplGlfw_InitForOpenGL(s.window, true);
  // Keys, characters and mouse buttons go through the App's queue (ui/input_queue.hpp)
  // instead of ImGui's backend, which keeps the mouse position and the cursor.
  glfwSetKeyCallback(s.window, [](GLFWwindow*, int key, int, int action, int) {
    g_shell->app.key_event(key, action != GLFW_RELEASE);
  });
  glfwSetCharCallback(s.window, [](GLFWwindow*, unsigned int c) { g_shell->app.char_event(c); });
  glfwSetMouseButtonCallback(s.window, [](GLFWwindow*, int button, int action, int) {
    g_shell->app.mouse_button_event(button, action == GLFW_PRESS);
  });
  glfwSetScrollCallback(s.window, nullptr);  // see on_wheel
  emscripten_set_wheel_callback("#canvas", nullptr, EM_TRUE, on_wheel);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, false);  // requestAnimationFrame
  return 0;
}
