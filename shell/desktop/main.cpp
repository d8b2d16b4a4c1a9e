// cockpit-desktop: the native shell. GLFW window + OpenGL 3, the App does the rest.
//   cockpit-desktop [--db PATH] [--frames N] [--screenshot FILE.png] [--dark]
//                   [--view today|lead|sign-in|customer/ID] [--as MANAGER] [--size WxH]
//                   [--server URL]
// --db PATH opens (or creates, with the demo book) the local database; --as signs that
// manager in at start (otherwise whoever signed in last on this device).
// --server URL (e.g. http://127.0.0.1:8080): a device of that cockpit-server instead —
// password sign-in, the person's records synced (live) into the local database, the
// session token in PATH.session (mode 0600), never in the database.
// --frames N renders N frames then exits 0; --screenshot writes the last frame as PNG
// (read back with glReadPixels before the swap). Tests run it under xvfb-run.
// --until-synced (tests, with --server): renders until sync has caught up with the
// server once (a pull answered, nothing waiting), then two more frames; exits 1 if
// that takes longer than 30 s.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <memory>
#include <string>
#include <vector>

#include <stb/stb_image_write.h>

#include "app/platform.hpp"
#include "domain/csv.hpp"
#include "native/curl_http.hpp"
#include "native/token_file.hpp"
#include "ui/app.hpp"

namespace {

// Desktop services: SQLite's COMMIT is already durable, the fragment lives in memory,
// the clipboard goes through GLFW, mail links through xdg-open.
class DesktopPlatform final : public cockpit::Platform {
 public:
  explicit DesktopPlatform(GLFWwindow* w) : window_(w) {}
  void persist_after_commit() override {}
  cockpit::PersistState persist_state() const override { return cockpit::PersistState::saved; }
  cockpit::StorageGrant storage_grant() const override { return cockpit::StorageGrant::persistent; }
  void wipe_local_data() override {}  // the caller deletes the database files itself
  std::string url_fragment() const override { return fragment_; }
  void set_url_fragment(std::string_view f) override { fragment_ = f; }
  void copy_to_clipboard(std::string_view text) override { glfwSetClipboardString(window_, std::string(text).c_str()); }
  void open_mailto(std::string_view to, std::string_view subject, std::string_view body) override {
    std::string url = cockpit::mailto_url(to, subject, body);
    // Percent-encoding leaves no quote or shell metacharacter in the URL.
    std::string cmd = "xdg-open '" + url + "' >/dev/null 2>&1 &";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "cockpit-desktop: could not open mail link\n");
  }
  cockpit::Time now() const override { return cockpit::now_utc(); }
  // The lead's upload: the file at the typed path, read at once (refused unread when
  // larger than the CSV reader takes).
  void pick_file(std::string_view path) override {
    picked_ = cockpit::PickedFile{std::filesystem::path(path).filename().string(), "", ""};
    std::error_code ec;
    const auto size = std::filesystem::file_size(std::filesystem::path(path), ec);
    if (ec) {
      picked_->error = "cannot read " + std::string(path) + ": " + ec.message();
      return;
    }
    if (size > cockpit::CsvLimits{}.max_bytes) {
      picked_->error = std::string(path) + ": " + std::to_string(size) + " bytes, more than the limit of " +
                       std::to_string(cockpit::CsvLimits{}.max_bytes);
      return;
    }
    std::ifstream in{std::string(path), std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) picked_->error = "cannot read " + std::string(path);
    picked_->text = text.str();
  }
  std::optional<cockpit::PickedFile> take_picked_file() override { return std::exchange(picked_, std::nullopt); }

 private:
  GLFWwindow* window_;
  std::string fragment_;
  std::optional<cockpit::PickedFile> picked_;
};

struct Options {
  std::string db = "cockpit.db";
  long frames = -1;  // -1: until the window closes
  std::string screenshot;
  std::string view;
  std::string as;
  std::string server;
  bool until_synced = false;
  bool dark = false;
  bool high_contrast = false;
  float text_scale = 0;  // 0: the system's (GLFW's content scale)
  int width = 1280, height = 800;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "cockpit-desktop: %s\nusage: cockpit-desktop [--db PATH] [--frames N] [--screenshot FILE.png] "
               "[--dark] [--view today|lead|sign-in|customer/ID] [--as MANAGER] [--size WxH] [--server URL] "
               "[--until-synced] [--high-contrast] [--text-scale F]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--db") {
      o.db = value();
    } else if (a == "--frames") {
      char* end = nullptr;
      std::string v = value();
      o.frames = std::strtol(v.c_str(), &end, 10);
      if (*end || o.frames < 1) usage("--frames wants a positive number");
    } else if (a == "--screenshot") {
      o.screenshot = value();
    } else if (a == "--view") {
      o.view = value();
    } else if (a == "--as") {
      o.as = value();
    } else if (a == "--server") {
      o.server = value();
      if (o.server.rfind("http://", 0) != 0 && o.server.rfind("https://", 0) != 0)
        usage("--server wants a URL such as http://127.0.0.1:8080");
      while (!o.server.empty() && o.server.back() == '/') o.server.pop_back();
    } else if (a == "--until-synced") {
      o.until_synced = true;
    } else if (a == "--dark") {
      o.dark = true;
    } else if (a == "--high-contrast") {
      o.high_contrast = true;
    } else if (a == "--text-scale") {
      o.text_scale = std::strtof(value().c_str(), nullptr);
      if (!(o.text_scale >= 0.5f && o.text_scale <= 3.0f)) usage("--text-scale wants a factor from 0.5 to 3");
    } else if (a == "--size") {
      if (std::sscanf(value().c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 200 || o.height < 200)
        usage("--size wants WxH, at least 200x200");
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  return o;
}

// Reads the back buffer (the frame just rendered) and writes it top-down as PNG.
bool write_screenshot(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  for (size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // the window is opaque
  const int stride = w * 4;
  // OpenGL's origin is bottom-left; PNG rows go top-down.
  return stbi_write_png(path.c_str(), w, h, 4, px.data() + static_cast<size_t>(h - 1) * stride, -stride) != 0;
}

std::string font_dir() {
  if (const char* d = std::getenv("COCKPIT_FONT_DIR")) return d;
  return "/usr/share/fonts/opentype/inter";
}

// The message templates: $COCKPIT_TEMPLATES, else the repository's assets (where the
// build found them); a missing file means the built-in templates.
std::string templates_path() {
  if (const char* t = std::getenv("COCKPIT_TEMPLATES")) return t;
#ifdef COCKPIT_ASSETS_DIR
  return std::string(COCKPIT_ASSETS_DIR) + "/templates/messages.json";
#else
  return "assets/templates/messages.json";
#endif
}

// GLFW with an OpenGL 3.3 core context; vsync only when a person watches (a fixed
// number of frames, or frames until synced, render back to back). nullptr: no window.
GLFWwindow* open_window(const Options& opt) {
  glfwSetErrorCallback([](int code, const char* msg) { std::fprintf(stderr, "glfw error %d: %s\n", code, msg); });
  if (!glfwInit()) return nullptr;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  GLFWwindow* window = glfwCreateWindow(opt.width, opt.height, "Cockpit", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.frames > 0 || opt.until_synced ? 0 : 1);
  return window;
}

float device_pixel_ratio(GLFWwindow* window) {
  int ww, wh, fw, fh;
  glfwGetWindowSize(window, &ww, &wh);
  glfwGetFramebufferSize(window, &fw, &fh);
  return ww > 0 ? static_cast<float>(fw) / static_cast<float>(ww) : 1.0f;
}

// The system's text scale (a desktop set to 150 % reports 1.5 as the window's content
// scale where the window system does not scale the framebuffer itself), or --text-scale.
// The whole UI scales with it: ImGui's logical pixels become `scale` window pixels.
float text_scale(const Options& opt, GLFWwindow* window) {
  if (opt.text_scale > 0) return opt.text_scale;
  float sx = 1, sy = 1;
  glfwGetWindowContentScale(window, &sx, &sy);
  const float dpr = device_pixel_ratio(window);
  const float scale = sx / (dpr > 0 ? dpr : 1.0f);  // what the framebuffer does not already carry
  return scale >= 0.5f && scale <= 3.0f ? scale : 1.0f;
}

// A device of a server: HTTP on a worker thread that wakes the frame loop when an
// answer is in, so a change from another device shows without waiting for input. Both
// empty without --server. Declared before the App, which syncs through it, so it
// outlives the App.
struct ServerLink {
  std::unique_ptr<cockpit::native::CurlHttp> http;
  std::unique_ptr<cockpit::native::TokenFile> tokens;
};

ServerLink connect_server(const Options& opt) {
  ServerLink link;
  if (!opt.server.empty()) {
    link.http = std::make_unique<cockpit::native::CurlHttp>(opt.server);
    link.http->set_wakeup([] { glfwPostEmptyEvent(); });
    link.tokens = std::make_unique<cockpit::native::TokenFile>(opt.db + ".session");
  }
  return link;
}

cockpit::ui::AppConfig app_config(const Options& opt, DesktopPlatform& platform, const ServerLink& link,
                                  GLFWwindow* window) {
  cockpit::ui::AppConfig config;
  config.http = link.http.get();
  config.tokens = link.tokens.get();
  config.platform = &platform;
  config.font_dir = font_dir();
  config.device_pixel_ratio = device_pixel_ratio(window) * text_scale(opt, window);
  config.theme = opt.high_contrast ? cockpit::ui::Theme::high_contrast
                 : opt.dark        ? cockpit::ui::Theme::dark
                                   : cockpit::ui::Theme::light;
  config.db_path = opt.db;
  config.templates_path = templates_path();
  config.sign_in_as = opt.as;
  return config;
}

cockpit::ui::App& app_of(GLFWwindow* w) { return *static_cast<cockpit::ui::App*>(glfwGetWindowUserPointer(w)); }

// ImGui's GLFW and OpenGL backends. Keys, characters and mouse buttons go through the
// App's queue (ui/input_queue.hpp) instead of ImGui's backend, which keeps the mouse
// position and the cursor.
void start_imgui_backends(GLFWwindow* window, cockpit::ui::App& app) {
  glfwSetWindowUserPointer(window, &app);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int) {
    app_of(w).key_event(key, action != GLFW_RELEASE);
  });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int c) { app_of(w).char_event(c); });
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int button, int action, int) {
    app_of(w).mouse_button_event(button, action == GLFW_PRESS);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
}

// The frame loop's state.
struct FrameLoop {
  GLFWwindow* window;
  cockpit::ui::App& app;
  Options& opt;
  long frame = 0;
  int fb_w = 0, fb_h = 0;  // the framebuffer's size, for the screenshot
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Interactive: sleep until input, an HTTP answer (posted event) or the next tick of
// animations and clocks (30 Hz); a fixed number of frames renders back to back, and
// so do frames while keys or clicks still wait for their turn (ui/input_queue.hpp).
void wait_for_events(const FrameLoop& loop) {
  if (loop.opt.frames > 0 || loop.opt.until_synced || loop.app.input_pending())
    glfwPollEvents();
  else
    glfwWaitEventsTimeout(1.0 / 30.0);
}

// One App frame, drawn into the back buffer.
void render_frame(FrameLoop& loop) {
  const float scale = text_scale(loop.opt, loop.window);
  if (loop.app.set_device_pixel_ratio(device_pixel_ratio(loop.window) * scale)) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // The text scale: ImGui's logical pixels are `scale` window pixels (ui/app.hpp), so
  // the layout gets the window's size divided by it, and the mouse likewise.
  if (scale != 1.0f) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(io.DisplaySize.x / scale, io.DisplaySize.y / scale);
    io.DisplayFramebufferScale = ImVec2(io.DisplayFramebufferScale.x * scale, io.DisplayFramebufferScale.y * scale);
    if (io.MousePos.x > -1e30f) io.MousePos = ImVec2(io.MousePos.x / scale, io.MousePos.y / scale);
  }
  loop.app.frame();

  glfwGetFramebufferSize(loop.window, &loop.fb_w, &loop.fb_h);
  glViewport(0, 0, loop.fb_w, loop.fb_h);
  ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

// --until-synced: once sync has caught up, two more frames. False (said on stderr) when
// that takes longer than 30 s.
bool watch_until_synced(FrameLoop& loop) {
  if (!loop.opt.until_synced || loop.opt.frames >= 0) return true;
  const cockpit::client::SyncStatus* st = loop.app.data().sync_status();
  if (st && st->last_sync != 0 && st->waiting == 0 && !st->busy && loop.app.data().signed_in())
    loop.opt.frames = loop.frame + 2;
  if (std::chrono::steady_clock::now() - loop.started > std::chrono::seconds(30)) {
    std::fprintf(stderr, "cockpit-desktop: not in step with %s after 30 s: %s\n", loop.opt.server.c_str(),
                 st ? st->error.c_str() : "no sync");
    return false;
  }
  return true;
}

// Renders until the window closes or the last frame (--frames, --until-synced) is shown;
// false when the run failed (said on stderr).
bool run_frames(FrameLoop& loop) {
  const Options& opt = loop.opt;
  while (!glfwWindowShouldClose(loop.window)) {
    wait_for_events(loop);
    render_frame(loop);
    ++loop.frame;
    if (!watch_until_synced(loop)) return false;
    const bool last = opt.frames > 0 && loop.frame >= opt.frames;
    if (last && !opt.screenshot.empty() && !write_screenshot(opt.screenshot, loop.fb_w, loop.fb_h)) {
      std::fprintf(stderr, "cockpit-desktop: could not write %s\n", opt.screenshot.c_str());
      return false;
    }
    glfwSwapBuffers(loop.window);
    if (last) break;
  }
  return true;
}

void shut_down(GLFWwindow* window, cockpit::ui::App& app, ServerLink& link) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  app.shutdown();
  if (link.http) link.http->set_wakeup({});
  glfwDestroyWindow(window);
  glfwTerminate();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  GLFWwindow* window = open_window(opt);
  if (!window) return 1;

  DesktopPlatform platform(window);
  if (!opt.view.empty()) platform.set_url_fragment("/" + opt.view);
  ServerLink link = connect_server(opt);
  cockpit::ui::App app;
  if (!app.init(app_config(opt, platform, link, window))) return 1;
  start_imgui_backends(window, app);

  if (opt.until_synced && opt.server.empty()) usage("--until-synced needs --server");
  FrameLoop loop{window, app, opt};
  if (!run_frames(loop)) return 1;
  std::printf("cockpit-desktop: %ld frames, font %s, view %s\n", loop.frame, app.fonts().source.c_str(),
              app.probe().view.c_str());
  shut_down(window, app, link);
  return 0;
}
