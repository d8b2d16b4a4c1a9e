#include "ui/ui_state.hpp"

namespace cockpit::ui {

std::string_view view_name(View v) {
  switch (v) {
    case View::today: return "today";
    case View::customers: return "customers";
  }
  return "today";
}

std::string to_fragment(const UiState& state) { return "/" + std::string(view_name(state.view)); }

bool apply_fragment(std::string_view fragment, UiState& state) {
  if (!fragment.empty() && fragment.front() == '#') fragment.remove_prefix(1);
  if (!fragment.empty() && fragment.front() == '/') fragment.remove_prefix(1);
  for (View v : {View::today, View::customers}) {
    if (fragment == view_name(v)) {
      state.view = v;
      return true;
    }
  }
  return false;
}

}  // namespace cockpit::ui
