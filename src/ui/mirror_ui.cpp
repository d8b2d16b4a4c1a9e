// The UI's side of the screen-reader mirror (app/mirror.hpp): the UI state it shows
// (view, selection, dialog, toast, sync words) and what the page's mirror asks for,
// applied like the canvas's own clicks and typing: a button's command opens the same
// dialog (open_intent), sends the same action, moves the same cursor.
#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID

#include <string>
#include <variant>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

using mirror::Screen;

Screen::View screen_view(View v) {
  switch (v) {
    case View::sign_in: return Screen::View::sign_in;
    case View::today: return Screen::View::today;
    case View::customer: return Screen::View::customer;
    case View::lead: return Screen::View::lead;
  }
  return Screen::View::sign_in;
}

// Sign-in: a button per person on a device of its own; manager id and password on a
// device of a server.
mirror::Form sign_in_form(const UiState& st, AppController& data) {
  mirror::Form f;
  if (!data.is_open()) {
    f.error = "The database could not be opened: " + data.error();
    return f;
  }
  if (data.server_mode()) {
    f.lines.push_back("Sign in with your manager id and password.");
    f.fields = {{"manager", "Manager id", st.sign_in_manager, mirror::Role::textbox},
                {"password", "Password", {}, mirror::Role::password}};
    const SignInFlow& flow = data.sign_in_flow();
    const bool busy = flow.step == SignInFlow::Step::signing_in || flow.step == SignInFlow::Step::loading;
    f.buttons = {{busy ? "Signing in\xE2\x80\xA6" : "Sign in", "signin.submit"}};
    f.error = flow.step == SignInFlow::Step::failed ? flow.error : st.sign_in_error;
    return f;
  }
  for (const Person& p : data.people())
    f.buttons.push_back({"Sign in as " + p.name + ", " + (p.role == Role::lead ? "Team lead" : "Customer manager"),
                         "signin:" + p.id});
  f.error = st.sign_in_error;
  return f;
}

mirror::Form sign_out_form(AppController& data) {
  mirror::Form f;
  f.title = "Sign out now?";
  const std::size_t n = data.unsent_changes();
  f.lines.push_back(std::to_string(n) + (n == 1 ? " change has" : " changes have") + " not reached the server yet.");
  f.lines.push_back("Signing out removes your data from this device, those changes with it.");
  f.buttons = {{"Stay signed in", "signout.stay"}, {"Sign out and lose them", "signout.anyway"}};
  return f;
}

std::string status_words(AppController& data, Platform& platform) {
  std::string s;
  if (data.signed_in()) s = std::to_string(data.session()->lists().customers.size()) + " customers";
  switch (platform.persist_state()) {
    case PersistState::saved: s += (s.empty() ? "" : " \xC2\xB7 ") + std::string("Saved on this device"); break;
    case PersistState::saving: break;  // flickers on every commit: not worth a change of the mirror
    case PersistState::failed: s += (s.empty() ? "" : " \xC2\xB7 ") + std::string("Not saved on this device yet"); break;
    case PersistState::disabled: s += (s.empty() ? "" : " \xC2\xB7 ") + std::string("Storage unavailable"); break;
  }
  return s;
}

// The item of the customer's model an intent is about (index into model.items), or -1.
int item_of_intent(const vm::CustomerModel& m, const vm::KeyIntent& in) {
  using K = vm::KeyIntent::Kind;
  using IK = vm::ActionItem::Kind;
  IK kind = IK::suggestion;
  int index = in.suggestion;
  if (in.kind == K::new_date || in.kind == K::kept) kind = IK::promise, index = in.promise;
  if (in.kind == K::resolve || in.kind == K::reroute) kind = IK::exception, index = in.exception;
  if (in.kind == K::release || in.kind == K::cancel_held) kind = IK::held, index = in.scheduled;
  if (index < 0) return -1;
  for (std::size_t i = 0; i < m.items.size(); ++i)
    if (m.items[i].kind == kind && m.items[i].index == index) return static_cast<int>(i);
  return -1;
}

void password_sign_in(DrawContext& ctx) {
  UiState& st = ctx.state;
  const SignInFlow::Step step = ctx.data.sign_in_flow().step;
  if (step == SignInFlow::Step::signing_in || step == SignInFlow::Step::loading) return;
  if (st.sign_in_manager.empty()) {
    st.sign_in_error = "Type your manager id first.";
    return;
  }
  st.sign_in_error.clear();
  ctx.out.password_sign_in = FrameOutput::PasswordSignIn{st.sign_in_manager, st.sign_in_password};
  st.sign_in_password.clear();
}

void severity_filter(UiState& st, vm::SeverityFilter f) {
  st.query.severity = st.query.severity == f ? vm::SeverityFilter::all : f;
  st.cursor = 0;
}

// The sort of "My customers" by a column, as a click on the canvas's header: the same
// column again turns the order round, another one sorts by it in its natural order.
void sort_by(UiState& st, vm::SortKey key) {
  if (st.query.sort == key) st.query.descending = !st.query.descending;
  else st.query.sort = key, st.query.descending = false;
}

// The lead's reassignment: what the canvas's Reassign button does (lead_view.cpp).
void reassign(DrawContext& ctx) {
  UiState& st = ctx.state;
  if (st.reassign_customer.empty() || st.reassign_to.empty()) return;
  ctx.out.actions.push_back(ReassignCustomer{st.reassign_customer, st.reassign_to});
  st.reassign_customer.clear();
}

// The overlays (help, sync notices), the stage filter, the sort and the reassignment;
// false when `what` is none of these.
bool more_control(DrawContext& ctx, const std::string& what) {
  UiState& st = ctx.state;
  if (what == "help" || what == "help.close") st.help = what == "help";
  else if (what == "notices.open" || what == "notices.close") st.notices_open = what == "notices.open";
  else if (what == "notices.dismiss_all") ctx.out.dismiss_notice = 0;
  else if (what.starts_with("notice.dismiss:")) ctx.out.dismiss_notice = std::stoll(what.substr(15));
  else if (what.starts_with("notice.open:")) {
    open_customer(ctx, what.substr(12));
    st.notices_open = false;
  } else if (what.starts_with("stage.")) {
    st.query.stage = what == "stage.all" ? std::nullopt : std::optional<Stage>(static_cast<Stage>(std::stoi(what.substr(6))));
    st.cursor = 0;
  } else if (what.starts_with("sort.")) sort_by(st, static_cast<vm::SortKey>(std::stoi(what.substr(5))));
  else if (what.starts_with("reassign.customer:")) st.reassign_customer = what.substr(18);
  else if (what.starts_with("reassign.to:")) st.reassign_to = what.substr(12);
  else if (what == "reassign.confirm") reassign(ctx);
  else return false;
  return true;
}

// A control the UI owns, by name (mirror::UiControl).
void ui_control(DrawContext& ctx, const std::string& what) {
  UiState& st = ctx.state;
  if (what == "theme") st.theme = next_theme(st.theme);
  else if (what == "sign_out") ctx.out.sign_out = true;
  else if (what == "filter.all") severity_filter(st, vm::SeverityFilter::all);
  else if (what == "filter.overdue") severity_filter(st, vm::SeverityFilter::overdue);
  else if (what == "filter.at_risk") severity_filter(st, vm::SeverityFilter::at_risk);
  else if (what == "filter.fine") severity_filter(st, vm::SeverityFilter::fine);
  else if (what == "clear_filters") st.query = {};
  else if (what == "noise") st.show_noise = !st.show_noise;
  else if (what.starts_with("signin:")) ctx.out.sign_in = what.substr(7);
  else if (what == "signin.submit") password_sign_in(ctx);
  else if (what == "signout.stay") st.confirm_sign_out = false;
  else if (what == "signout.anyway") {
    ctx.out.sign_out = true;
    ctx.out.sign_out_confirmed = true;
    st.confirm_sign_out = false;
  } else if (!more_control(ctx, what)) {
    dialog_control(ctx, what);
  }
}

struct Activate {
  DrawContext& ctx;
  void operator()(std::monostate) const {}
  void operator()(const Action& a) const { ctx.out.actions.push_back(a); }
  void operator()(const mirror::OpenCustomer& o) const {
    open_customer(ctx, o.customer);
    ctx.state.focus_about = o.focus_about;
  }
  void operator()(const mirror::OpenView& o) const {
    ctx.state.view = o.to == mirror::OpenView::To::lead ? View::lead : View::today;
    ctx.state.dialog = {};
  }
  void operator()(const mirror::ItemIntent& i) const {
    if (!ctx.data.signed_in()) return;
    const vm::CustomerModel& m = ctx.data.customer(i.customer, ctx.now);
    if (ctx.state.view == View::customer && ctx.state.customer == i.customer) {
      if (const int item = item_of_intent(m, i.intent); item >= 0) ctx.state.item_cursor = item;
    }
    open_intent(ctx, m, i.intent);
  }
  void operator()(const mirror::UiControl& c) const { ui_control(ctx, c.what); }
};

void set_field(DrawContext& ctx, const std::string& field, std::string value) {
  UiState& st = ctx.state;
  if (field == "search") {
    st.query.search = std::move(value);
    st.cursor = 0;
  } else if (field == "manager") {
    st.sign_in_manager = std::move(value);
  } else if (field == "password") {
    st.sign_in_password = std::move(value);
  } else if (field == "reassign.search") {
    st.reassign_search = std::move(value);
  } else {
    set_dialog_field(st.dialog, field, std::move(value));
  }
}

// The mirror's focus moved to a row or an item: the app's cursor follows, so the canvas
// shows what the screen reader reads and the one-key actions act on it.
void follow_focus(DrawContext& ctx, const std::string& key, const mirror::Command& cmd) {
  UiState& st = ctx.state;
  if (const auto* o = std::get_if<mirror::OpenCustomer>(&cmd); o && key.starts_with("row.") && st.view == View::today) {
    const vm::TodayModel& t = ctx.data.today(st.query, ctx.now);
    const auto& customers = ctx.data.session()->lists().customers;
    for (std::size_t i = 0; i < t.rows.size(); ++i)
      if (customers[static_cast<std::size_t>(t.rows[i])].id == o->customer) {
        st.cursor = static_cast<int>(i);
        st.scroll_to_cursor = true;
      }
  } else if (const auto* in = std::get_if<mirror::ItemIntent>(&cmd); in && st.view == View::customer) {
    const int item = item_of_intent(ctx.data.customer(in->customer, ctx.now), in->intent);
    if (item >= 0) st.item_cursor = item;
  }
}

}  // namespace

mirror::Screen mirror_screen(const UiState& st, AppController& data, Platform& platform, Time now) {
  Screen s;
  s.view = data.signed_in() ? screen_view(st.view) : Screen::View::sign_in;
  s.query = st.query;
  s.cursor = st.cursor;
  s.customer = st.customer;
  s.item_cursor = st.item_cursor;
  s.show_noise = st.show_noise;
  if (st.dialog.kind != Dialog::Kind::none) s.dialog = dialog_form(st.dialog, now);
  else if (st.confirm_sign_out) s.dialog = sign_out_form(data);
  else if (st.help) s.dialog = help_form();
  else if (st.notices_open) s.dialog = notices_form(data.notices(), now);
  if (const client::SyncStatus* sync = data.sync_status(); sync && sync->notices > 0)
    s.notices = std::to_string(sync->notices) + (sync->notices == 1 ? " sync notice" : " sync notices");
  if (s.view == Screen::View::lead) {
    s.reassign_search = st.reassign_search;
    s.reassign_customer = st.reassign_customer;
    s.reassign_to = st.reassign_to;
  }
  if (s.view == Screen::View::sign_in) s.sign_in = sign_in_form(st, data);
  s.toast = st.toast.text;
  s.toast_undo = st.toast.undo;
  if (const client::SyncStatus* sync = data.sync_status()) s.sync = sync_label(*sync);
  s.status = status_words(data, platform);
  s.theme_next = theme_toggle_label(st.theme);
  return s;
}

void apply_mirror_event(DrawContext& ctx, const mirror::Mirror& mirror, const MirrorEvent& e) {
  const mirror::Command* cmd = mirror.command(e.key);
  if (!cmd) return;  // gone since the page sent it: nothing to do
  // An active ImGui text field keeps its own copy and writes it back every frame (ImGui
  // 1.86: "the in-widget value gets priority"): a press or typing in the mirror takes
  // the text cursor away from the canvas, so what the mirror set stays.
  if (e.kind != MirrorEvent::Kind::focus) ImGui::ClearActiveID();
  switch (e.kind) {
    case MirrorEvent::Kind::activate: std::visit(Activate{ctx}, *cmd); break;
    case MirrorEvent::Kind::input:
      if (const auto* c = std::get_if<mirror::UiControl>(cmd)) set_field(ctx, c->what, e.value);
      break;
    case MirrorEvent::Kind::focus: follow_focus(ctx, e.key, *cmd); break;
  }
}

}  // namespace cockpit::ui
