#pragma once
// Everything the UI remembers between frames, in one struct (style.md §3): the open
// view and customer, the query of "My customers", the keyboard cursor, the dialog
// being edited, the toast, the help overlay. A test builds one, draws frames and
// inspects it; the browser keeps the view in the address (#/today, #/customer/c-1,
// #/lead, #/sign-in).
#include <cstdint>
#include <string>
#include <string_view>

#include "app/csv_upload.hpp"
#include "app/view_models.hpp"
#include "domain/records.hpp"

namespace cockpit::ui {

enum class View { sign_in, today, customer, lead };
// high_contrast: black on white, strong colours, outlined controls (prefers-contrast: more).
enum class Theme { light, dark, high_contrast };

// One dialog at a time; its fields are the draft being edited.
struct Dialog {
  enum class Kind { none, compose, new_date, dismiss, snooze, release, cancel_held, resolve, reroute, log_call };
  Kind kind = Kind::none;
  std::string customer;       // the customer the dialog is about
  std::string title;          // "Send a message to Marco Rossi"
  std::string context;        // one line: why / what it is about
  // compose
  std::string suggestion_key, about, to;
  std::optional<std::string> case_id;
  Channel channel = Channel::email;
  TouchKind touch_kind = TouchKind::status_update;
  std::string subject, body;
  // new date / snooze / release / cancel / resolve / re-route / log call / dismiss
  std::string target;         // promise, exception or scheduled id
  std::string date_text;      // "2026-11-27" (new date)
  std::string note;           // reason, note
  std::string waiting_on;     // re-route
  int snooze_days = 1;
  Direction direction = Direction::out;  // log call: who called
  bool external = false;      // compose: copied or opened in the mail app; Send becomes "Mark as sent"
  std::string error;          // the last refusal, shown in the dialog
  bool focus_first = true;    // put the keyboard in the first field when it opens
};

struct Toast {
  std::string text;
  double until = 0;    // ImGui time
  bool undo = false;   // offers Undo
  bool error = false;
};

struct UiState {
  View view = View::sign_in;
  Theme theme = Theme::light;
  bool reduce_motion = false;      // the system asks for less motion: nothing fades or glows
  std::string customer;            // the open customer (View::customer)
  vm::CustomerQuery query;         // My customers: search, filter, sort
  int cursor = 0;                  // Today: row in the filtered customers; customer view: action item
  int item_cursor = -1;            // customer view: index into CustomerModel::items, -1 none
  std::string focus_about;         // customer view: put the cursor on the item about this record
  bool scroll_to_cursor = false;   // the cursor moved by key: keep it visible
  bool focus_search = false;       // '/' pressed: the search box takes the keyboard next frame
  bool help = false;               // the keyboard help overlay
  bool show_noise = false;         // customer view: unfold repeated automated messages
  Dialog dialog;
  Toast toast;
  // Lead: reassigning a customer
  std::string reassign_search, reassign_customer, reassign_to;
  // Lead: importing a spreadsheet (the file, its kind, date form and mapping)
  bool csv_open = false;         // the upload panel is shown
  std::string csv_path;          // desktop: the path typed
  CsvUploadInput csv;            // what the preview is built from
  std::string csv_error;         // the file could not be read
  // Lead: matching a source event with no customer (the event, the search, the choice)
  std::int64_t unmatched_pick = 0;
  bool unmatched_asked = false;  // the list was asked for since the team view opened
  std::string unmatched_search, unmatched_customer;
  std::string sign_in_error;
  // Password sign-in (server mode). The password leaves this struct the frame it is sent.
  std::string sign_in_manager, sign_in_password;
  bool notices_open = false;     // the sync notices panel
  bool confirm_sign_out = false; // changes have not reached the server: ask before they are lost
};

// "today" / "customer" / "lead" / "sign-in": the view's stable name (URL, test probe).
std::string_view view_name(View v);

// The fragment for a state ("/today", "/customer/c-1") and back; an unknown fragment
// leaves `state` as it was and returns false.
std::string to_fragment(const UiState& state);
bool apply_fragment(std::string_view fragment, UiState& state);

}  // namespace cockpit::ui
