#pragma once
// What every view's draw function gets, and what it gives back. A view reads the view
// models (through the AppController's caches), changes UiState (navigation, drafts)
// and returns actions as values in FrameOutput; the App applies them after the frame.
// Views never touch the store. One file per view: sign_in_view, today_view
// (+ customer_table), customer_view, lead_view, dialogs (compose and the small forms),
// keys (keyboard and the help overlay).
#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/actions.hpp"
#include "app/mirror.hpp"
#include "app/unmatched.hpp"
#include "app/app_controller.hpp"
#include "app/view_models.hpp"
#include "ui/app.hpp"
#include "ui/theme.hpp"

namespace cockpit::ui {

// What one frame asks the App to do once it is drawn.
struct FrameOutput {
  std::vector<Action> actions;    // applied in order, each in one transaction
  std::vector<UnmatchedAction> unmatched;  // the lead's source events: requests to the server
  bool from_dialog = false;       // a refusal goes back into the open dialog
  std::optional<std::string> sign_in;
  struct PasswordSignIn {
    std::string manager, password;
  };
  std::optional<PasswordSignIn> password_sign_in;  // server mode
  bool sign_out = false;
  bool sign_out_confirmed = false;  // yes, even with changes not yet on the server
  bool sync_now = false;
  std::optional<std::int64_t> dismiss_notice;  // 0: all
  std::optional<std::string> copy;  // text for the clipboard
  struct Mail {
    std::string to, subject, body;
  };
  std::optional<Mail> mail;
  std::string notice;             // a short message for the toast ("no open promise here")
  std::optional<std::string> pick_file;  // a path (desktop) or "" (browser: the file picker)
};

struct DrawContext {
  UiState& state;
  TestProbe& probe;
  const Fonts& fonts;
  const Palette& colors;
  AppController& data;
  Time now;
  FrameOutput& out;
};

// Records the last ImGui item's rectangle under `name` (see TestProbe).
void record_control(TestProbe& probe, std::string name);
// The same, with the words it shows (TestProbe::texts), for a control that says a state.
void record_control(TestProbe& probe, std::string name, std::string_view text);

// ---------------------------------------------------------------- small widgets (widgets.cpp)
// A rounded label with a faint background in `color`.
void badge(std::string_view text, ImVec4 color);
// A section heading: strong text and a muted count.
void section_title(DrawContext& ctx, std::string_view title, int count = -1);
// Text cut to `width` with an ellipsis.
void text_clipped(std::string_view text, float width, ImVec4 color, ImFont* font = nullptr);
// A muted explanatory line that wraps.
void hint(DrawContext& ctx, std::string_view text);
// A small coloured dot before text on the same line.
void dot(ImVec4 color);
// Opens the customer view.
void open_customer(DrawContext& ctx, const std::string& id);
// A panel over the screen (keys help, sync notices, a question), centred, `width` wide,
// its centre at `y_fraction` of the height. Always pair with end_overlay().
void begin_overlay(const char* id, float width, float y_fraction = 0.4f);
void end_overlay();

// ---------------------------------------------------------------- views
void draw_sign_in(DrawContext& ctx);
void draw_today(DrawContext& ctx);
void draw_customer_table(DrawContext& ctx, const vm::TodayModel& model, bool show_owner);
void draw_customer(DrawContext& ctx);
void draw_lead(DrawContext& ctx);
// The lead's upload of a spreadsheet (csv_upload_view.cpp), inside the team view.
void draw_csv_upload(DrawContext& ctx);
// The lead's source events with no customer (unmatched_view.cpp), inside the team view.
void draw_unmatched(DrawContext& ctx);
void draw_dialog(DrawContext& ctx);
void draw_help(DrawContext& ctx);
// Sync (server mode, sync_view.cpp): the header's link badge, the banner when the
// session ended, the notices panel and the sign-out question.
void draw_sync_badge(DrawContext& ctx);
// The badge's words: "Live", "Online", "Offline  ·  3 waiting", "Signed out", "Update needed".
std::string sync_label(const client::SyncStatus& s);
void draw_sync_banner(DrawContext& ctx);
void draw_notices(DrawContext& ctx);
void draw_sign_out_confirm(DrawContext& ctx);
// Sign-in with a password against the server.
void draw_password_sign_in(DrawContext& ctx, float width);

// ---------------------------------------------------------------- keys (keys.cpp)
// One-key actions and navigation, read from ImGuiIO before the view draws.
void handle_keys(DrawContext& ctx);
// Opens the dialog for a one-key (or button) intent on the customer `model`.
void open_intent(DrawContext& ctx, const vm::CustomerModel& model, const vm::KeyIntent& intent);

// ---------------------------------------------------------------- dialogs for the mirror (dialogs.cpp)
// Sends the open dialog's action, as its confirm button does (a bad date: the error).
void submit_dialog(DrawContext& ctx);
// The open dialog as the mirror shows it: its words, fields and buttons.
mirror::Form dialog_form(const Dialog& d, Time now);
// A field typed in the mirror ("subject", "body", "note", "date", "waiting_on").
bool set_dialog_field(Dialog& d, std::string_view field, std::string value);
// A dialog button pressed in the mirror ("submit", "cancel", "note:…", "days:3", …).
void dialog_control(DrawContext& ctx, std::string_view what);

// The keys help overlay as the mirror shows it (keys.cpp).
mirror::Form help_form();
// The sync notices panel as the mirror shows it (sync_view.cpp).
mirror::Form notices_form(const std::vector<SyncNotice>& notices, Time now);

// ---------------------------------------------------------------- the mirror (mirror_ui.cpp)
// What the mirror builder needs from the UI's state this frame.
mirror::Screen mirror_screen(const UiState& state, AppController& data, Platform& platform, Time now);
// A button pressed, a field typed or an element focused in the page's mirror.
void apply_mirror_event(DrawContext& ctx, const mirror::Mirror& mirror, const MirrorEvent& event);

}  // namespace cockpit::ui
