#pragma once
// What every view's draw function gets: the UI state to read and change, the fonts and
// colours, and the probe where it records its named controls for tests. One file per
// view (today_view.cpp, customers_view.cpp, …); views never touch the store.
#include <imgui.h>

#include <string>
#include <string_view>

#include "ui/app.hpp"
#include "ui/placeholder_data.hpp"
#include "ui/theme.hpp"

namespace cockpit::ui {

struct DrawContext {
  UiState& state;
  TestProbe& probe;
  const Fonts& fonts;
  const Palette& colors;
  const PlaceholderCockpit& data;  // TEMPORARY: becomes the view models from src/app
};

// Records the last ImGui item's rectangle under `name` (see TestProbe).
void record_control(TestProbe& probe, std::string name);

// The customers table (filtered by name or company, case-insensitive); `id` keeps two
// tables' rows apart and prefixes their probe names (<id>.row.<customer id>).
void draw_customer_table(DrawContext& ctx, const char* id, std::string_view filter);

void draw_today(DrawContext& ctx);
void draw_customers(DrawContext& ctx);

}  // namespace cockpit::ui
