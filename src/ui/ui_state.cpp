#include "ui/ui_state.hpp"

namespace cockpit::ui {

std::string_view view_name(View v) {
  switch (v) {
    case View::sign_in: return "sign-in";
    case View::today: return "today";
    case View::customer: return "customer";
    case View::lead: return "lead";
  }
  return "today";
}

std::string to_fragment(const UiState& state) {
  if (state.view == View::customer && !state.customer.empty()) return "/customer/" + state.customer;
  return "/" + std::string(view_name(state.view));
}

bool apply_fragment(std::string_view fragment, UiState& state) {
  if (!fragment.empty() && fragment.front() == '#') fragment.remove_prefix(1);
  if (!fragment.empty() && fragment.front() == '/') fragment.remove_prefix(1);
  constexpr std::string_view kCustomer = "customer/";
  if (fragment.substr(0, kCustomer.size()) == kCustomer && fragment.size() > kCustomer.size()) {
    state.view = View::customer;
    state.customer = std::string(fragment.substr(kCustomer.size()));
    return true;
  }
  for (View v : {View::sign_in, View::today, View::lead}) {
    if (fragment == view_name(v)) {
      state.view = v;
      return true;
    }
  }
  return false;
}

}  // namespace cockpit::ui
