// bench_frame: the cockpit's frame budget on the 10,000-customer synthetic book, with
// ImGui's null backend (style.md §5): no GPU, so this is the app's own CPU cost of
// building and drawing a frame (NewFrame … Render, draw lists included).
//   Today, team lead (sees all 10,000)   median CPU per frame   budget < 2 ms
//   Today, one manager (~500)            median CPU per frame
//   Customer view                        median CPU per frame
//   Scrolling through every customer     median / p95 / max CPU per frame
// Also prints the data side's costs (these run when the data or the query change, not
// per frame): signing in (slice + lists), the Today model, a search keystroke.
// Usage: bench_frame [DIR] [--customers N] [--frames F]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/platform.hpp"
#include "store/store.hpp"
#include "store/synthetic.hpp"
#include "ui/app.hpp"

using namespace cockpit;
namespace fs = std::filesystem;

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double wall_ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Stats {
  double median = 0, p95 = 0, max = 0;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

struct BenchPlatform final : Platform {
  Time t = 0;
  std::string fragment;
  void persist_after_commit() override {}
  PersistState persist_state() const override { return PersistState::saved; }
  StorageGrant storage_grant() const override { return StorageGrant::persistent; }
  void wipe_local_data() override {}
  std::string url_fragment() const override { return fragment; }
  void set_url_fragment(std::string_view f) override { fragment = f; }
  void copy_to_clipboard(std::string_view) override {}
  void open_mailto(std::string_view, std::string_view, std::string_view) override {}
  Time now() const override { return t; }
};

std::vector<double> g_wall;  // wall time of each frame, beside the CPU time

double frame(ui::App& app) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  const double t0 = thread_cpu_ms();
  const auto w0 = std::chrono::steady_clock::now();
  app.frame();
  g_wall.push_back(wall_ms_since(w0));
  return thread_cpu_ms() - t0;
}

std::vector<double> frames(ui::App& app, int n) {
  std::vector<double> v;
  for (int i = 0; i < 10; ++i) frame(app);  // warm: layouts settle, caches fill
  g_wall.clear();
  for (int i = 0; i < n; ++i) v.push_back(frame(app));
  return v;
}

void print(const char* what, const Stats& s, const char* budget = "") {
  const Stats w = stats(g_wall);
  const int vtx = ImGui::GetDrawData() ? ImGui::GetDrawData()->TotalVtxCount : 0;
  std::printf("  %-40s median %6.3f ms  p95 %6.3f ms  max %6.3f ms  (wall median %6.3f ms, %5d vertices) %s\n", what,
              s.median, s.p95, s.max, w.median, vtx, budget);
  g_wall.clear();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::temp_directory_path();
  int customers = 10'000, n_frames = 300;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--customers") && i + 1 < argc) customers = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) n_frames = std::atoi(argv[++i]);
    else dir = argv[i];
  }
  BenchPlatform platform;
  platform.t = *parse_time("2026-11-23T09:00:00Z");

  // The book, in a store file kept between runs (importing 10,000 customers takes a while).
  SyntheticSpec spec;
  spec.customers = customers;
  spec.now = platform.t;
  const fs::path db = dir / ("bench_frame_" + std::to_string(customers) + ".db");
  const bool fresh = !fs::exists(db);
  auto store = Store::open(db.string());
  if (!store) {
    std::fprintf(stderr, "bench_frame: %s\n", store.error().c_str());
    return 1;
  }
  if (fresh) {
    const auto t0 = std::chrono::steady_clock::now();
    const Book book = generate_book(spec);
    auto r = store->import_document(book, Stamp{"import", platform.t});
    if (!r) {
      std::fprintf(stderr, "bench_frame: import: %s\n", r.error().c_str());
      return 1;
    }
    std::printf("bench_frame: imported %d customers into %s in %.0f ms\n", customers, db.c_str(), wall_ms_since(t0));
  }

  ui::App app;
  ui::AppConfig cfg;
  cfg.platform = &platform;
  cfg.font_dir = "/usr/share/fonts/opentype/inter";
  if (!app.init(cfg)) return 1;
  ControllerConfig cc;
  cc.db_path = db.string();
  if (!app.data().open_store(std::move(store.value()), cc, platform.t)) return 1;

  std::printf("bench_frame: %d customers, %d frames per figure, 1280x800, font %s, CPU time of this thread\n",
              customers, n_frames, app.fonts().source.c_str());
  std::printf("  (data side, when data or query change: not per frame)\n");
  {
    const double c0 = thread_cpu_ms();
    app.sign_in("m-lead");
    std::printf("  %-44s %8.1f ms\n", "sign in as the lead (slice + lists)", thread_cpu_ms() - c0);
    const double c1 = thread_cpu_ms();
    frame(app);  // the first frame builds the search index and the Today model
    std::printf("  %-44s %8.1f ms\n", "first Today frame (search index + model)", thread_cpu_ms() - c1);
    vm::CustomerQuery q;
    q.search = "c-0042";
    const double c2 = thread_cpu_ms();
    const auto& t = app.data().today(q, platform.t);
    std::printf("  %-44s %8.1f ms  (%zu rows)\n", "a search keystroke (filter 10,000)", thread_cpu_ms() - c2, t.rows.size());
  }

  std::printf("  (frames)\n");
  const Stats lead_today = stats(frames(app, n_frames));
  print("Today, team lead (all customers)", lead_today, lead_today.median < 2.0 ? "[budget 2 ms: OK]" : "[budget 2 ms: OVER]");

  // Scrolling: the cursor walks down the whole list, 25 rows a frame (a fast flick),
  // the table scrolling to keep it in view.
  {
    std::vector<double> v;
    const int rows = static_cast<int>(app.data().today(app.state().query, platform.t).rows.size());
    for (int c = 0; c < rows; c += 25) {
      app.state().cursor = c;
      app.state().scroll_to_cursor = true;
      v.push_back(frame(app));
    }
    char what[96];
    std::snprintf(what, sizeof what, "scrolling all %d customers (%zu frames)", rows, v.size());
    print(what, stats(v));
  }

  app.state().view = ui::View::customer;
  app.state().customer = app.data().session()->lists().customers.front().id;
  print("Customer view (most urgent customer)", stats(frames(app, n_frames)));
  app.state().view = ui::View::lead;
  print("Team view", stats(frames(app, n_frames)));

  app.data().sign_out();
  app.sign_in("m-001");
  const Stats manager_today = stats(frames(app, n_frames));
  char what[96];
  std::snprintf(what, sizeof what, "Today, one manager (%zu customers)", app.data().session()->lists().customers.size());
  print(what, manager_today);
  return lead_today.median < 2.0 ? 0 : 3;
}
