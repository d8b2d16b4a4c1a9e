// The dialogs: compose (send a suggested or free message, copy it, open it in the mail
// app) and the small forms behind every other action. One at a time, its draft in
// UiState::dialog; submitting puts an action in FrameOutput, and a refusal comes back
// into the dialog's error line (App::finish_frame).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

using DK = Dialog::Kind;

std::string to_for(const vm::CustomerModel& m, Channel c) {
  if ((c == Channel::phone || c == Channel::sms) && !m.phone.empty()) return m.phone;
  return m.email;
}

constexpr float kEditorWidth = 680.0f;

// ImGui 1.86's multi-line editor does not wrap: break each paragraph at word
// boundaries so every line fits the editor (plain-text mail is sent so anyway).
std::string hard_wrap(const std::string& text, float width) {
  std::string out, line;
  auto flush_word = [&](const std::string& word) {
    if (word.empty()) return;
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(candidate.c_str()).x > width) {
      out += line + "\n";
      line = word;
    } else {
      line = candidate;
    }
  };
  std::string word;
  for (char c : text) {
    if (c == '\n') {
      flush_word(word);
      word.clear();
      out += line + "\n";
      line.clear();
    } else if (c == ' ') {
      flush_word(word);
      word.clear();
    } else {
      word += c;
    }
  }
  flush_word(word);
  return out + line;
}

bool primary_button(DrawContext& ctx, const char* label, const char* probe) {
  ImGui::PushStyleColor(ImGuiCol_Button, ctx.colors.accent);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, tint(ctx.colors.accent, 0.85f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, tint(ctx.colors.accent, 0.7f));
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.colors.surface);
  ImGui::PushFont(ctx.fonts.strong);
  const bool clicked = ImGui::Button(label);
  ImGui::PopFont();
  ImGui::PopStyleColor(4);
  record_control(ctx.probe, probe);
  return clicked;
}

bool ctrl_enter() {
  const ImGuiIO& io = ImGui::GetIO();
  const int enter = ImGui::GetKeyIndex(ImGuiKey_Enter);
  return io.KeyCtrl && enter >= 0 && ImGui::IsKeyPressed(enter);
}

void submit(DrawContext& ctx, Action a) {
  ctx.out.actions.push_back(std::move(a));
  ctx.out.from_dialog = true;
}

}  // namespace

// The dialog's action from its draft, as its confirm button (or Ctrl+Enter, or the
// mirror's confirm button) sends it.
void submit_dialog(DrawContext& ctx) {
  Dialog& d = ctx.state.dialog;
  switch (d.kind) {
    case DK::compose:
      submit(ctx, SendMessage{d.customer, d.case_id, d.about, d.suggestion_key, d.channel, d.touch_kind, d.subject, d.body});
      break;
    case DK::new_date:
      if (const std::optional<Time> due = parse_time(d.date_text)) submit(ctx, NewDate{d.target, *due, d.note});
      else d.error = "the date is not a valid date";
      break;
    case DK::dismiss: submit(ctx, DismissSuggestion{d.suggestion_key, d.customer, d.note}); break;
    case DK::snooze: submit(ctx, SnoozeSuggestion{d.suggestion_key, d.customer, d.about, ctx.now + d.snooze_days * kDay}); break;
    case DK::release: submit(ctx, ReleaseHeld{d.target, d.note}); break;
    case DK::cancel_held: submit(ctx, CancelHeld{d.target, d.note}); break;
    case DK::resolve: submit(ctx, ResolveException{d.target, d.note}); break;
    case DK::reroute: submit(ctx, RerouteException{d.target, d.waiting_on, d.note}); break;
    case DK::log_call:
      submit(ctx, LogContact{d.customer, std::nullopt, d.channel, d.direction, TouchKind::other, d.subject, d.body});
      break;
    case DK::none: break;
  }
}

namespace {

// The dialogs that are one note and a confirm button: their words (the canvas and the
// mirror show the same ones).
struct NoteSpec {
  const char* prompt;
  const char* button;
  const char* probe;
  std::vector<const char*> quick;  // one click fills the note
};
const NoteSpec* note_spec(DK kind) {
  static const NoteSpec kDismiss{"Why dismiss it? (it helps the next person)", "Dismiss", "dismiss.confirm",
                                 {"Already told them by phone", "Not relevant for this customer", "A colleague handles it"}};
  static const NoteSpec kRelease{"Why may it go after all? (kept with the message)", "Release the message",
                                 "release.confirm", {"Checked: the timing is right", "The customer asked for it"}};
  static const NoteSpec kCancel{"Note (optional)", "Cancel the message", "cancel.confirm",
                                {"Badly timed", "Not for a former customer", "Duplicate"}};
  static const NoteSpec kResolve{"How was it resolved? (optional)", "Resolve", "resolve.confirm", {}};
  switch (kind) {
    case DK::dismiss: return &kDismiss;
    case DK::release: return &kRelease;
    case DK::cancel_held: return &kCancel;
    case DK::resolve: return &kResolve;
    default: return nullptr;
  }
}

constexpr const char* kWaitingOn[] = {"logistics", "billing", "warehouse", "legal", "used-car desk"};
constexpr int kSnoozeDays[] = {1, 3, 7};
constexpr int kDateSteps[] = {1, 3, 7, 14};

std::string snooze_label(int days) {
  return days == 1 ? "tomorrow" : days == 7 ? "in a week" : "in " + std::to_string(days) + " days";
}
std::string date_step_label(int days) {
  return days == 7 ? "+1 week" : days == 14 ? "+2 weeks" : days == 1 ? "+1 day" : "+" + std::to_string(days) + " days";
}

void label(DrawContext& ctx, const char* text) {
  ImGui::PushFont(ctx.fonts.small);
  ImGui::TextColored(ctx.colors.text_muted, "%s", text);
  ImGui::PopFont();
}

void first_focus(Dialog& d) {
  if (d.focus_first) {
    ImGui::SetKeyboardFocusHere();
    d.focus_first = false;
  }
}

void draw_compose(DrawContext& ctx, Dialog& d) {
  label(ctx, (std::string("To ") + (d.to.empty() ? "(no address on file)" : d.to) + "  \xC2\xB7  " +
              std::string(vm::channel_label(d.channel)))
                 .c_str());
  label(ctx, "Subject");
  ImGui::SetNextItemWidth(kEditorWidth);
  first_focus(d);
  ImGui::InputText("##subject", &d.subject);
  record_control(ctx.probe, "compose.subject");
  label(ctx, "Message");
  ImGui::InputTextMultiline("##body", &d.body, ImVec2(kEditorWidth, 280));
  record_control(ctx.probe, "compose.body");
  if (d.external)
    hint(ctx, "Sent it from your own mail? Press \"Mark as sent\" so Cockpit knows the customer was told.");
  ImGui::Spacing();
  if (primary_button(ctx, d.external ? "Mark as sent" : "Send", "compose.send") || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Copy")) {
    ctx.out.copy = d.subject + "\n\n" + d.body;
    d.external = true;
  }
  record_control(ctx.probe, "compose.copy");
  ImGui::SameLine();
  if (ImGui::Button("Open in mail app")) {
    ctx.out.mail = FrameOutput::Mail{d.to, d.subject, d.body};
    d.external = true;
  }
  record_control(ctx.probe, "compose.mail");
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

void draw_new_date(DrawContext& ctx, Dialog& d) {
  label(ctx, "New date (YYYY-MM-DD)");
  ImGui::SetNextItemWidth(160);
  first_focus(d);
  ImGui::InputText("##date", &d.date_text);
  record_control(ctx.probe, "new_date.date");
  for (int days : kDateSteps) {
    ImGui::SameLine();
    if (ImGui::SmallButton(date_step_label(days).c_str())) d.date_text = format_date(ctx.now + days * kDay);
  }
  const std::optional<Time> due = parse_time(d.date_text);
  if (due) ImGui::TextColored(ctx.colors.text_muted, "%s", vm::when_label(*due, ctx.now).c_str());
  else ImGui::TextColored(ctx.colors.overdue, "Write the date as YYYY-MM-DD, e.g. %s", format_date(ctx.now + 3 * kDay).c_str());
  label(ctx, "Why does the date change? (the customer will ask)");
  ImGui::SetNextItemWidth(480);
  ImGui::InputText("##reason", &d.note);
  record_control(ctx.probe, "new_date.reason");
  ImGui::Spacing();
  if (primary_button(ctx, "Save the new date", "new_date.save") || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

void note_form(DrawContext& ctx, Dialog& d, const NoteSpec& spec) {
  label(ctx, spec.prompt);
  ImGui::SetNextItemWidth(480);
  first_focus(d);
  ImGui::InputText("##note", &d.note);
  record_control(ctx.probe, std::string(spec.probe) + ".note");
  for (const char* q : spec.quick) {
    if (ImGui::SmallButton(q)) d.note = q;
    ImGui::SameLine();
  }
  if (!spec.quick.empty()) ImGui::NewLine();
  ImGui::Spacing();
  if (primary_button(ctx, spec.button, spec.probe) || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Back")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

// The item an intent names (nullptr: the index is out of range or -1).
template <typename T>
const T* item_at(const std::vector<T>& items, int index) {
  return index >= 0 && index < static_cast<int>(items.size()) ? &items[static_cast<std::size_t>(index)] : nullptr;
}

// Compose: a suggested message as the engine wrote it, or (no suggestion) a blank one
// signed with the manager's name.
void fill_compose(DrawContext& ctx, const vm::CustomerModel& m, const vm::SuggestionView* s, Dialog& d) {
  d.kind = DK::compose;
  if (s) {
    d.title = s->kind_label + ": message to " + m.name;
    d.context = s->reason;
    d.suggestion_key = s->key;
    d.about = s->about;
    d.case_id = s->case_id;
    d.channel = s->channel;
    d.touch_kind = s->touch_kind;
    d.subject = s->subject;
    d.body = hard_wrap(s->body, kEditorWidth - 2 * ImGui::GetStyle().FramePadding.x - 16);
  } else {
    d.title = "Message to " + m.name;
    d.touch_kind = TouchKind::other;
    d.body = "\n\n" + ctx.data.me().name;
  }
  d.to = to_for(m, d.channel);
}

// New date: proposes three days after the later of today and the current due date.
bool fill_new_date(DrawContext& ctx, const vm::PromiseView* promise, Dialog& d) {
  if (!promise) return false;
  d.kind = DK::new_date;
  d.title = "New date: " + promise->text;
  d.context = promise->kind_label + " \xC2\xB7 " + promise->due + " \xC2\xB7 " + promise->status;
  d.target = promise->id;
  d.date_text = format_date(std::max(ctx.now, promise->due_at) + 3 * kDay);
  return true;
}

// Dismiss or snooze a suggestion.
bool fill_suggestion_decision(const vm::CustomerModel& m, bool dismiss, const vm::SuggestionView* s, Dialog& d) {
  if (!s) return false;
  d.kind = dismiss ? DK::dismiss : DK::snooze;
  d.title = std::string(dismiss ? "Dismiss: " : "Snooze: ") + s->kind_label + " for " + m.name;
  d.context = s->reason;
  d.suggestion_key = s->key;
  d.about = s->about;
  return true;
}

// Release or cancel a message the guard held.
bool fill_held(bool release, const vm::ScheduledView* held, Dialog& d) {
  if (!held) return false;
  d.kind = release ? DK::release : DK::cancel_held;
  d.title = std::string(release ? "Release: " : "Cancel: ") + held->subject;
  d.context = held->verdict + " \xC2\xB7 " + held->kind_label + " \xC2\xB7 " + held->when;
  d.target = held->id;
  return true;
}

// Resolve or re-route an exception (re-routing starts with an empty "waiting on").
bool fill_exception(bool resolve, const vm::ExceptionView* exc, Dialog& d) {
  if (!exc) return false;
  d.kind = resolve ? DK::resolve : DK::reroute;
  d.title = std::string(resolve ? "Resolve: " : "Re-route: ") + exc->summary;
  d.context = exc->kind_label + " \xC2\xB7 " + exc->age;
  d.target = exc->id;
  d.waiting_on = !resolve ? std::string() : exc->waiting_on;
  return true;
}

void fill_log_call(const vm::CustomerModel& m, Dialog& d) {
  d.kind = DK::log_call;
  d.title = "Log a call with " + m.name;
  d.channel = Channel::phone;
}

// Fills the dialog an intent opens from the customer's view model; false when there is
// no dialog to open (the intent names an item the model does not have).
bool fill_dialog(DrawContext& ctx, const vm::CustomerModel& m, const vm::KeyIntent& in, Dialog& d) {
  using K = vm::KeyIntent::Kind;
  switch (in.kind) {
    case K::compose: fill_compose(ctx, m, item_at(m.suggestions, in.suggestion), d); return true;
    case K::new_date: return fill_new_date(ctx, item_at(m.promises, in.promise), d);
    case K::dismiss:
    case K::snooze: return fill_suggestion_decision(m, in.kind == K::dismiss, item_at(m.suggestions, in.suggestion), d);
    case K::release:
    case K::cancel_held: return fill_held(in.kind == K::release, item_at(m.scheduled, in.scheduled), d);
    case K::resolve:
    case K::reroute: return fill_exception(in.kind == K::resolve, item_at(m.exceptions, in.exception), d);
    case K::log_call: fill_log_call(m, d); return true;
    case K::kept:
    case K::none: return false;
  }
  return false;
}

// Leaves the modal closed, closing it if ImGui still has it open from the last frame.
void close_dialog_popup(const char* id) {
  if (ImGui::IsPopupOpen(id) && ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoTitleBar)) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

// Opens the modal (anchored at the top so it does not jump when an error line appears)
// and begins it; false, with the style popped, when ImGui does not show it this frame.
bool begin_dialog_popup(const char* id) {
  if (!ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.12f), ImGuiCond_Always, ImVec2(0.5f, 0.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f);
  if (!ImGui::BeginPopupModal(id, nullptr,
                              ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::PopStyleVar(2);
    return false;
  }
  return true;
}

void draw_heading(DrawContext& ctx, const Dialog& d) {
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted(d.title.c_str());
  ImGui::PopFont();
  record_control(ctx.probe, "dialog.title");
  if (!d.context.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + kEditorWidth);
    ImGui::TextColored(ctx.colors.text_muted, "%s", d.context.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::Spacing();
}

void draw_snooze(DrawContext& ctx, Dialog& d) {
  label(ctx, "Show it again");
  for (int days : kSnoozeDays) {
    ImGui::RadioButton(snooze_label(days).c_str(), &d.snooze_days, days);
    ImGui::SameLine();
  }
  ImGui::NewLine();
  ImGui::Spacing();
  if (primary_button(ctx, "Snooze", "snooze.confirm") || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Back")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

void draw_reroute(DrawContext& ctx, Dialog& d) {
  label(ctx, "Who must act on it now? (department or person)");
  ImGui::SetNextItemWidth(320);
  first_focus(d);
  ImGui::InputText("##waiting", &d.waiting_on);
  record_control(ctx.probe, "reroute.waiting_on");
  for (const char* q : kWaitingOn) {
    ImGui::SameLine();
    if (ImGui::SmallButton(q)) d.waiting_on = q;
  }
  label(ctx, "Note (optional)");
  ImGui::SetNextItemWidth(480);
  ImGui::InputText("##note", &d.note);
  ImGui::Spacing();
  if (primary_button(ctx, "Re-route", "reroute.confirm") || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Back")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

// Who called whom, and by phone or in person.
void draw_call_kind(Dialog& d) {
  int dir = d.direction == Direction::out ? 0 : 1;
  ImGui::RadioButton("I called them", &dir, 0);
  ImGui::SameLine();
  ImGui::RadioButton("They called me", &dir, 1);
  ImGui::SameLine(0, 24);
  int ch = d.channel == Channel::in_person ? 1 : 0;
  ImGui::RadioButton("Phone", &ch, 0);
  ImGui::SameLine();
  ImGui::RadioButton("In person", &ch, 1);
  d.direction = dir == 0 ? Direction::out : Direction::in;
  d.channel = ch == 0 ? Channel::phone : Channel::in_person;
}

void draw_log_call(DrawContext& ctx, Dialog& d) {
  draw_call_kind(d);
  label(ctx, "What was it about?");
  ImGui::SetNextItemWidth(600);
  first_focus(d);
  ImGui::InputText("##subject", &d.subject);
  record_control(ctx.probe, "log_call.subject");
  label(ctx, "Notes");
  ImGui::InputTextMultiline("##body", &d.body, ImVec2(600, 140));
  ImGui::Spacing();
  if (primary_button(ctx, "Log the call", "log_call.confirm") || ctrl_enter()) submit_dialog(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Back")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

// The form of the dialog's kind.
void draw_form(DrawContext& ctx, Dialog& d) {
  switch (d.kind) {
    case DK::compose: draw_compose(ctx, d); break;
    case DK::new_date: draw_new_date(ctx, d); break;
    case DK::dismiss:
    case DK::release:
    case DK::cancel_held:
    case DK::resolve: note_form(ctx, d, *note_spec(d.kind)); break;
    case DK::snooze: draw_snooze(ctx, d); break;
    case DK::reroute: draw_reroute(ctx, d); break;
    case DK::log_call: draw_log_call(ctx, d); break;
    case DK::none: break;
  }
}

// A refusal of the last submit (App::finish_frame puts it here).
void draw_error(DrawContext& ctx, const Dialog& d) {
  if (d.error.empty()) return;
  ImGui::Spacing();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + kEditorWidth);
  ImGui::TextColored(ctx.colors.overdue, "Not done: %s", d.error.c_str());
  ImGui::PopTextWrapPos();
  record_control(ctx.probe, "dialog.error");
}

void draw_key_hint(DrawContext& ctx) {
  ImGui::PushFont(ctx.fonts.small);
  ImGui::TextColored(ctx.colors.text_muted, "Ctrl+Enter to confirm \xC2\xB7 Esc to close");
  ImGui::PopFont();
}

}  // namespace

void open_intent(DrawContext& ctx, const vm::CustomerModel& m, const vm::KeyIntent& in) {
  using K = vm::KeyIntent::Kind;
  if (!m.found) return;
  if (in.kind == K::none) {
    ctx.out.notice = in.message;
    return;
  }
  // "Kept" needs no form: the action goes straight out.
  if (in.kind == K::kept) {
    if (const vm::PromiseView* promise = item_at(m.promises, in.promise)) ctx.out.actions.push_back(MarkKept{promise->id});
    return;
  }
  Dialog d;
  d.customer = m.id;
  if (fill_dialog(ctx, m, in, d)) ctx.state.dialog = std::move(d);
}

void draw_dialog(DrawContext& ctx) {
  Dialog& d = ctx.state.dialog;
  const char* id = "##dialog";
  if (d.kind == DK::none) {
    close_dialog_popup(id);
    return;
  }
  if (!begin_dialog_popup(id)) return;
  draw_heading(ctx, d);
  draw_form(ctx, d);
  draw_error(ctx, d);
  draw_key_hint(ctx);
  if (d.kind == DK::none) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  ImGui::PopStyleVar(2);
}

// ---------------------------------------------------------------- the mirror's dialog
namespace {

mirror::FormButton choice(std::string label, std::string control, bool pressed) {
  return mirror::FormButton{std::move(label), std::move(control), pressed, true};
}

void note_choices(mirror::Form& f, const Dialog& d, const std::vector<const char*>& quick) {
  for (const char* q : quick) f.choices.push_back(choice(std::string("Note: ") + q, std::string("note:") + q, d.note == q));
}

void compose_form(mirror::Form& f, const Dialog& d) {
  f.lines.push_back("To " + (d.to.empty() ? std::string("(no address on file)") : d.to) + ", " +
                    std::string(vm::channel_label(d.channel)));
  f.fields = {{"subject", "Subject", d.subject, mirror::Role::textbox}, {"body", "Message", d.body, mirror::Role::textarea}};
  f.buttons = {{d.external ? "Mark as sent" : "Send", "submit"}, {"Copy", "copy"}, {"Open in mail app", "mail"},
               {"Cancel", "cancel"}};
}

void new_date_form(mirror::Form& f, const Dialog& d, Time now) {
  f.fields = {{"date", "New date (YYYY-MM-DD)", d.date_text, mirror::Role::textbox},
              {"note", "Why does the date change? (the customer will ask)", d.note, mirror::Role::textbox}};
  const std::optional<Time> due = parse_time(d.date_text);
  f.lines.push_back(due ? "New date: " + vm::when_label(*due, now) : "Write the date as YYYY-MM-DD");
  for (int days : kDateSteps) f.choices.push_back(choice(date_step_label(days), "date:" + std::to_string(days), false));
  f.buttons = {{"Save the new date", "submit"}, {"Cancel", "cancel"}};
}

void other_form(mirror::Form& f, const Dialog& d) {
  if (const NoteSpec* spec = note_spec(d.kind)) {
    f.fields = {{"note", spec->prompt, d.note, mirror::Role::textbox}};
    note_choices(f, d, spec->quick);
    f.buttons = {{spec->button, "submit"}, {"Back", "cancel"}};
  } else if (d.kind == DK::snooze) {
    for (int days : kSnoozeDays)
      f.choices.push_back(choice("Show it again " + snooze_label(days), "days:" + std::to_string(days), d.snooze_days == days));
    f.buttons = {{"Snooze", "submit"}, {"Back", "cancel"}};
  } else if (d.kind == DK::reroute) {
    f.fields = {{"waiting_on", "Who must act on it now? (department or person)", d.waiting_on, mirror::Role::textbox},
                {"note", "Note (optional)", d.note, mirror::Role::textbox}};
    for (const char* q : kWaitingOn) f.choices.push_back(choice(std::string("Waiting on ") + q, std::string("waiting:") + q, d.waiting_on == q));
    f.buttons = {{"Re-route", "submit"}, {"Back", "cancel"}};
  } else if (d.kind == DK::log_call) {
    f.choices = {choice("I called them", "dir:out", d.direction == Direction::out),
                 choice("They called me", "dir:in", d.direction == Direction::in),
                 choice("Phone", "ch:phone", d.channel != Channel::in_person),
                 choice("In person", "ch:in_person", d.channel == Channel::in_person)};
    f.fields = {{"subject", "What was it about?", d.subject, mirror::Role::textbox},
                {"body", "Notes", d.body, mirror::Role::textarea}};
    f.buttons = {{"Log the call", "submit"}, {"Back", "cancel"}};
  }
}

}  // namespace

mirror::Form dialog_form(const Dialog& d, Time now) {
  mirror::Form f;
  f.title = d.title;
  f.context = d.context;
  if (!d.error.empty()) f.error = "Not done: " + d.error;
  if (d.kind == DK::compose) compose_form(f, d);
  else if (d.kind == DK::new_date) new_date_form(f, d, now);
  else other_form(f, d);
  return f;
}

bool set_dialog_field(Dialog& d, std::string_view field, std::string value) {
  std::string* target = field == "subject"      ? &d.subject
                        : field == "body"       ? &d.body
                        : field == "note"       ? &d.note
                        : field == "date"       ? &d.date_text
                        : field == "waiting_on" ? &d.waiting_on
                                                : nullptr;
  if (!target || d.kind == DK::none) return false;
  *target = std::move(value);
  return true;
}

// A mirror button of the dialog: the same effect as its canvas twin.
void dialog_control(DrawContext& ctx, std::string_view what) {
  Dialog& d = ctx.state.dialog;
  if (d.kind == DK::none) return;
  auto arg = [&](std::string_view prefix) { return std::string(what.substr(prefix.size())); };
  if (what == "submit") submit_dialog(ctx);
  else if (what == "cancel") d = {};
  else if (what == "copy") {
    ctx.out.copy = d.subject + "\n\n" + d.body;
    d.external = true;
  } else if (what == "mail") {
    ctx.out.mail = FrameOutput::Mail{d.to, d.subject, d.body};
    d.external = true;
  } else if (what.starts_with("note:")) d.note = arg("note:");
  else if (what.starts_with("waiting:")) d.waiting_on = arg("waiting:");
  else if (what.starts_with("days:")) d.snooze_days = std::atoi(arg("days:").c_str());
  else if (what.starts_with("date:")) d.date_text = format_date(ctx.now + std::atoi(arg("date:").c_str()) * kDay);
  else if (what == "dir:out" || what == "dir:in") d.direction = what == "dir:out" ? Direction::out : Direction::in;
  else if (what == "ch:phone" || what == "ch:in_person") d.channel = what == "ch:phone" ? Channel::phone : Channel::in_person;
}

}  // namespace cockpit::ui
