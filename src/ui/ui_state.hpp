#pragma once
// Everything the UI remembers between frames, in one struct (style.md §3): the open
// view, the selection, the filter text. A test builds one, draws frames and inspects
// it; the browser keeps the view in the address (#/today, #/customers).
#include <string>
#include <string_view>

namespace cockpit::ui {

enum class View { today, customers };
enum class Theme { light, dark };

struct UiState {
  View view = View::today;
  Theme theme = Theme::light;
  std::string customer_filter;   // the Customers view's search box
  std::string selected_customer; // customer id, empty when none
};

// "today" / "customers": the view's stable name (URL fragment, test probe).
std::string_view view_name(View v);

// The fragment for a state ("/today") and back; an unknown fragment leaves `state`
// as it was and returns false.
std::string to_fragment(const UiState& state);
bool apply_fragment(std::string_view fragment, UiState& state);

}  // namespace cockpit::ui
