// The App without a window (style.md §5): ImGui's null backend, frames driven through
// ImGuiIO, results read from UiState, the probe and a recording Platform.
#include <doctest/doctest.h>
#include <imgui.h>

#include <string>
#include <vector>

#include "app/platform.hpp"
#include "ui/app.hpp"

using namespace cockpit;
using namespace cockpit::ui;

namespace {

struct RecordingPlatform final : Platform {
  int commits = 0;
  std::string fragment;
  std::vector<std::string> clipboard, mails;
  void persist_after_commit() override { ++commits; }
  PersistState persist_state() const override { return PersistState::saved; }
  std::string url_fragment() const override { return fragment; }
  void set_url_fragment(std::string_view f) override { fragment = f; }
  void copy_to_clipboard(std::string_view t) override { clipboard.emplace_back(t); }
  void open_mailto(std::string_view to, std::string_view s, std::string_view b) override {
    mails.push_back(mailto_url(to, s, b));
  }
  Time now() const override { return *parse_time("2026-11-23T09:00Z"); }
};

const char* kInter = "/usr/share/fonts/opentype/inter";

void frame(App& app, ImVec2 mouse = ImVec2(-1e6f, -1e6f), bool down = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  io.MousePos = mouse;
  io.MouseDown[0] = down;
  app.frame();
}

const ControlRect* control(const App& app, std::string_view name) {
  for (const ControlRect& c : app.probe().controls)
    if (c.name == name) return &c;
  return nullptr;
}

void click(App& app, std::string_view name) {
  const ControlRect* c = control(app, name);
  REQUIRE_MESSAGE(c, "no control named " << name);
  ImVec2 at(c->x + c->w / 2, c->y + c->h / 2);
  frame(app, at, false);
  frame(app, at, true);
  frame(app, at, false);  // released over the button: the click happens here
  frame(app);             // the new state is drawn
}

}  // namespace

TEST_CASE("the cockpit frame draws with Inter at the device pixel ratio") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = kInter;
  cfg.device_pixel_ratio = 2.0f;
  REQUIRE(app.init(cfg));
  CHECK(app.fonts().source == "Inter");
  // Inter is OpenType/CFF: its outlines must rasterise into the atlas at 2x.
  CHECK(app.fonts().body->FontSize == doctest::Approx(30.0f));
  CHECK(ImGui::GetIO().FontGlobalScale == doctest::Approx(0.5f));
  const ImFontGlyph* g = app.fonts().body->FindGlyph('W');
  REQUIRE(g);
  CHECK(g->X1 - g->X0 > 10.0f);
  CHECK(app.fonts().body->FindGlyph(0x00FC) != app.fonts().body->FallbackGlyph);  // ü

  frame(app);
  CHECK(app.probe().frames == 1);
  CHECK(app.probe().view == "today");
  for (const char* name : {"nav.today", "nav.customers", "theme.toggle", "card.suggested", "card.overdue",
                           "card.exceptions", "card.held", "today_customers.row.c-1001"}) {
    CAPTURE(name);
    const ControlRect* c = control(app, name);
    REQUIRE(c);
    CHECK(c->w > 0);
    CHECK(c->h > 0);
    CHECK(c->x + c->w <= 1280.5f);
  }
  // Logical pixels: a 15 px font at 2x still lays out as about 15 px tall.
  CHECK(control(app, "nav.today")->h < 40);
  CHECK(ImGui::GetDrawData()->TotalVtxCount > 1000);
  app.shutdown();
}

TEST_CASE("clicking Customers switches the view and the address") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = kInter;
  REQUIRE(app.init(cfg));
  frame(app);
  click(app, "nav.customers");
  CHECK(app.state().view == View::customers);
  CHECK(app.probe().view == "customers");
  CHECK(p.fragment == "/customers");
  CHECK(control(app, "customers.filter"));
  CHECK_FALSE(control(app, "card.suggested"));

  // Typing narrows the table.
  app.state().customer_filter = "bakery";
  frame(app);
  CHECK(control(app, "customers.row.c-1005"));
  CHECK_FALSE(control(app, "customers.row.c-1001"));

  click(app, "nav.today");
  CHECK(app.probe().view == "today");
  CHECK(p.fragment == "/today");
}

TEST_CASE("the theme toggle switches light and dark") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = kInter;
  REQUIRE(app.init(cfg));
  frame(app);
  const ImVec4 light_bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  click(app, "theme.toggle");
  CHECK(app.state().theme == Theme::dark);
  CHECK(app.probe().theme == "dark");
  CHECK(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < light_bg.x);
}

TEST_CASE("the view comes back from the address, and a new ratio rebuilds the fonts") {
  RecordingPlatform p;
  p.fragment = "/customers";
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = kInter;
  REQUIRE(app.init(cfg));
  frame(app);
  CHECK(app.probe().view == "customers");
  CHECK_FALSE(app.set_device_pixel_ratio(1.0f));
  CHECK(app.set_device_pixel_ratio(1.5f));
  CHECK(app.fonts().body->FontSize == doctest::Approx(22.5f));
  frame(app);
  CHECK(app.probe().frames == 2);
}

TEST_CASE("missing fonts fall back instead of failing") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = "/nonexistent";
  REQUIRE(app.init(cfg));
  CHECK_FALSE(app.fonts().source.empty());
  CHECK(app.fonts().source != "Inter");
  frame(app);
  CHECK(app.probe().view == "today");
}

TEST_CASE("an App needs a platform") {
  App app;
  CHECK_FALSE(app.init(AppConfig{}));
}

TEST_CASE("fragments and mail links") {
  UiState s;
  CHECK(apply_fragment("#/customers", s));
  CHECK(s.view == View::customers);
  CHECK(to_fragment(s) == "/customers");
  CHECK_FALSE(apply_fragment("/nowhere", s));
  CHECK(s.view == View::customers);
  CHECK(mailto_url("a@b.example", "Order 4471: new date", "Hello & bye") ==
        "mailto:a@b.example?subject=Order%204471%3A%20new%20date&body=Hello%20%26%20bye");
}
