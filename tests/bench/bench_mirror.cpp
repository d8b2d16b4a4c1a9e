// bench_mirror: what the screen-reader mirror (app/mirror.hpp, issue 21) costs the frame,
// on Today of one manager of the synthetic book (~500 customers of 10,000).
//   a frame where nothing changed (the usual one)   median   budget <= 0.3 ms
//   the cursor moved one row (2 patches)            median
//   a data change (a new minute: the view models     median   budget <= 0.3 ms
//     rebuilt; the mirror rebuilds and diffs only the rows whose inputs changed)
//   the first tree (every node inserted) + JSON     once
//   the whole frame with the mirror on vs off       median (ImGui's null backend)
// CPU time of this thread; the machine's load average is printed with the figures.
// Usage: bench_mirror [DIR] [--customers N] [--frames F]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/mirror.hpp"
#include "app/platform.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"
#include "ui/app.hpp"
#include "ui/views.hpp"

using namespace cockpit;
namespace fs = std::filesystem;

namespace {

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct BenchPlatform final : Platform {
  Time t = 0;
  bool mirror = false;
  std::size_t bytes = 0;
  void persist_after_commit() override {}
  PersistState persist_state() const override { return PersistState::saved; }
  StorageGrant storage_grant() const override { return StorageGrant::persistent; }
  void wipe_local_data() override {}
  std::string url_fragment() const override { return {}; }
  void set_url_fragment(std::string_view) override {}
  void copy_to_clipboard(std::string_view) override {}
  void open_mailto(std::string_view, std::string_view, std::string_view) override {}
  Time now() const override { return t; }
  bool wants_mirror() const override { return mirror; }
  void present_mirror(const mirror::Update& u) override { bytes += mirror::to_json(u).size(); }
};

double frame(ui::App& app) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  const double t0 = cpu_ms();
  app.frame();
  return cpu_ms() - t0;
}

// One mirror step as the App takes it each frame: the screen's inputs, then update().
double step(mirror::Mirror& m, ui::App& app, BenchPlatform& p, std::size_t* patches = nullptr) {
  const double t0 = cpu_ms();
  const mirror::Screen s = ui::mirror_screen(app.state(), app.data(), p, p.t);
  auto u = m.update(app.data(), s, p.t);
  std::size_t n = 0;
  if (u) n = mirror::to_json(*u).size() > 0 ? u->patches.size() : 0;
  const double ms = cpu_ms() - t0;
  if (patches) *patches = n;
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path();
  int customers = 10'000, n = 300;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--customers") && i + 1 < argc) customers = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) n = std::atoi(argv[++i]);
    else dir = argv[i];
  }
  BenchPlatform platform;
  platform.t = *parse_time("2026-11-23T09:00:00Z");
  SyntheticSpec spec;
  spec.customers = customers;
  spec.now = platform.t;
  const fs::path db = dir / ("bench_frame_" + std::to_string(customers) + ".db");  // shared with bench_frame
  const bool fresh = !fs::exists(db);
  auto store = Store::open(db.string());
  if (!store) return std::fprintf(stderr, "bench_mirror: %s\n", store.error().c_str()), 1;
  if (fresh && !store->import_document(generate_book(spec), Stamp{"import", platform.t}))
    return std::fprintf(stderr, "bench_mirror: import failed\n"), 1;

  ui::App app;
  ui::AppConfig cfg;
  cfg.platform = &platform;
  cfg.font_dir = "/usr/share/fonts/opentype/inter";
  if (!app.init(cfg)) return 1;
  ControllerConfig cc;
  cc.db_path = db.string();
  if (!app.data().open_store(std::move(store.value()), cc, platform.t) || !app.sign_in("m-001")) return 1;
  for (int i = 0; i < 10; ++i) frame(app);  // caches warm
  const std::size_t rows = app.data().today(app.state().query, platform.t).rows.size();

  double load[3] = {0, 0, 0};
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::printf("bench_mirror: Today of m-001, %zu customers (book of %d), %d samples each, load average %.2f %.2f %.2f\n",
              rows, customers, n, load[0], load[1], load[2]);

  mirror::Mirror m;
  std::size_t patches = 0;
  const double first = step(m, app, platform, &patches);
  std::printf("  %-46s %8.3f ms  (%zu nodes, %zu patches)\n", "first tree + diff + JSON", first, m.tree().nodes.size(),
              patches);

  std::vector<double> idle, moved, changed;
  for (int i = 0; i < n; ++i) idle.push_back(step(m, app, platform));
  for (int i = 0; i < n; ++i) {
    app.state().cursor = i % 2;
    moved.push_back(step(m, app, platform, &patches));
  }
  std::printf("  %-46s %8.4f ms  %s\n", "a frame where nothing changed (median)", median(idle),
              median(idle) <= 0.3 ? "[budget 0.3 ms: OK]" : "[budget 0.3 ms: OVER]");
  std::printf("  %-46s %8.3f ms  (%zu patches)\n", "the cursor moved one row (median)", median(moved), patches);
  for (int i = 0; i < std::min(n, 60); ++i) {
    platform.t += 60'000;  // a new minute: the lists and the models are rebuilt, like a data change
    app.data().tick(platform.t);
    app.data().today(app.state().query, platform.t);  // the data side, timed by bench_frame
    changed.push_back(step(m, app, platform, &patches));
  }
  std::printf("  %-46s %8.3f ms  (%zu patches; data side excluded) %s\n", "a data change: rebuild + diff (median)",
              median(changed), patches, median(changed) <= 0.3 ? "[budget 0.3 ms: OK]" : "[budget 0.3 ms: OVER]");

  std::vector<double> off, on;
  for (int i = 0; i < n; ++i) off.push_back(frame(app));
  platform.mirror = true;
  frame(app);  // the page's first tree
  for (int i = 0; i < n; ++i) on.push_back(frame(app));
  std::printf("  %-46s %8.3f ms off, %8.3f ms on\n", "whole frame, mirror off / on (median)", median(off), median(on));
  return median(idle) <= 0.3 && median(changed) <= 0.3 ? 0 : 3;
}
