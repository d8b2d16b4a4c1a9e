// The dialogs: compose (send a suggested or free message, copy it, open it in the mail
// app) and the small forms behind every other action. One at a time, its draft in
// UiState::dialog; submitting puts an action in FrameOutput, and a refusal comes back
// into the dialog's error line (App::finish_frame).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <string>

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
  const SendMessage send{d.customer, d.case_id, d.about, d.suggestion_key, d.channel, d.touch_kind, d.subject, d.body};
  if (primary_button(ctx, d.external ? "Mark as sent" : "Send", "compose.send") || ctrl_enter()) submit(ctx, send);
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
  for (int days : {1, 3, 7, 14}) {
    ImGui::SameLine();
    char b[24];
    std::snprintf(b, sizeof b, days == 7 ? "+1 week" : days == 14 ? "+2 weeks" : days == 1 ? "+1 day" : "+%d days", days);
    if (ImGui::SmallButton(b)) d.date_text = format_date(ctx.now + days * kDay);
  }
  const std::optional<Time> due = parse_time(d.date_text);
  if (due) ImGui::TextColored(ctx.colors.text_muted, "%s", vm::when_label(*due, ctx.now).c_str());
  else ImGui::TextColored(ctx.colors.overdue, "Write the date as YYYY-MM-DD, e.g. %s", format_date(ctx.now + 3 * kDay).c_str());
  label(ctx, "Why does the date change? (the customer will ask)");
  ImGui::SetNextItemWidth(480);
  ImGui::InputText("##reason", &d.note);
  record_control(ctx.probe, "new_date.reason");
  ImGui::Spacing();
  if (primary_button(ctx, "Save the new date", "new_date.save") || ctrl_enter()) {
    if (due) submit(ctx, NewDate{d.target, *due, d.note});
    else d.error = "the date is not a valid date";
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

void note_form(DrawContext& ctx, Dialog& d, const char* prompt, const char* button, const char* probe, Action action_if_ok,
               std::initializer_list<const char*> quick = {}) {
  label(ctx, prompt);
  ImGui::SetNextItemWidth(480);
  first_focus(d);
  ImGui::InputText("##note", &d.note);
  record_control(ctx.probe, std::string(probe) + ".note");
  for (const char* q : quick) {
    if (ImGui::SmallButton(q)) d.note = q;
    ImGui::SameLine();
  }
  if (quick.size()) ImGui::NewLine();
  ImGui::Spacing();
  if (primary_button(ctx, button, probe) || ctrl_enter()) submit(ctx, std::move(action_if_ok));
  ImGui::SameLine();
  if (ImGui::Button("Back")) d = {};
  record_control(ctx.probe, "dialog.cancel");
}

}  // namespace

void open_intent(DrawContext& ctx, const vm::CustomerModel& m, const vm::KeyIntent& in) {
  using K = vm::KeyIntent::Kind;
  if (!m.found) return;
  if (in.kind == K::none) {
    ctx.out.notice = in.message;
    return;
  }
  Dialog d;
  d.customer = m.id;
  auto sugg = [&]() -> const vm::SuggestionView* {
    return in.suggestion >= 0 && in.suggestion < static_cast<int>(m.suggestions.size())
               ? &m.suggestions[static_cast<std::size_t>(in.suggestion)]
               : nullptr;
  };
  const vm::PromiseView* promise =
      in.promise >= 0 && in.promise < static_cast<int>(m.promises.size()) ? &m.promises[static_cast<std::size_t>(in.promise)] : nullptr;
  const vm::ExceptionView* exc = in.exception >= 0 && in.exception < static_cast<int>(m.exceptions.size())
                                     ? &m.exceptions[static_cast<std::size_t>(in.exception)]
                                     : nullptr;
  const vm::ScheduledView* held = in.scheduled >= 0 && in.scheduled < static_cast<int>(m.scheduled.size())
                                      ? &m.scheduled[static_cast<std::size_t>(in.scheduled)]
                                      : nullptr;
  switch (in.kind) {
    case K::compose:
      d.kind = DK::compose;
      if (const vm::SuggestionView* s = sugg()) {
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
      break;
    case K::new_date:
      if (!promise) return;
      d.kind = DK::new_date;
      d.title = "New date: " + promise->text;
      d.context = promise->kind_label + " \xC2\xB7 " + promise->due + " \xC2\xB7 " + promise->status;
      d.target = promise->id;
      d.date_text = format_date(std::max(ctx.now, promise->due_at) + 3 * kDay);
      break;
    case K::kept:
      if (!promise) return;
      ctx.out.actions.push_back(MarkKept{promise->id});
      return;
    case K::dismiss:
    case K::snooze: {
      const vm::SuggestionView* s = sugg();
      if (!s) return;
      d.kind = in.kind == K::dismiss ? DK::dismiss : DK::snooze;
      d.title = std::string(in.kind == K::dismiss ? "Dismiss: " : "Snooze: ") + s->kind_label + " for " + m.name;
      d.context = s->reason;
      d.suggestion_key = s->key;
      d.about = s->about;
      break;
    }
    case K::release:
    case K::cancel_held:
      if (!held) return;
      d.kind = in.kind == K::release ? DK::release : DK::cancel_held;
      d.title = std::string(in.kind == K::release ? "Release: " : "Cancel: ") + held->subject;
      d.context = held->verdict + " \xC2\xB7 " + held->kind_label + " \xC2\xB7 " + held->when;
      d.target = held->id;
      break;
    case K::resolve:
    case K::reroute:
      if (!exc) return;
      d.kind = in.kind == K::resolve ? DK::resolve : DK::reroute;
      d.title = std::string(in.kind == K::resolve ? "Resolve: " : "Re-route: ") + exc->summary;
      d.context = exc->kind_label + " \xC2\xB7 " + exc->age;
      d.target = exc->id;
      d.waiting_on = in.kind == K::reroute ? std::string() : exc->waiting_on;
      break;
    case K::log_call:
      d.kind = DK::log_call;
      d.title = "Log a call with " + m.name;
      d.channel = Channel::phone;
      break;
    case K::none: return;
  }
  ctx.state.dialog = std::move(d);
}

void draw_dialog(DrawContext& ctx) {
  Dialog& d = ctx.state.dialog;
  const char* id = "##dialog";
  if (d.kind == DK::none) {
    if (ImGui::IsPopupOpen(id) && ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoTitleBar)) {
      ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
    return;
  }
  if (!ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
  const ImGuiIO& io = ImGui::GetIO();
  // Anchored at the top so it does not jump when an error line appears.
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.12f), ImGuiCond_Always, ImVec2(0.5f, 0.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(24, 20));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10.0f);
  if (!ImGui::BeginPopupModal(id, nullptr,
                              ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::PopStyleVar(2);
    return;
  }
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
  switch (d.kind) {
    case DK::compose: draw_compose(ctx, d); break;
    case DK::new_date: draw_new_date(ctx, d); break;
    case DK::dismiss:
      note_form(ctx, d, "Why dismiss it? (it helps the next person)", "Dismiss", "dismiss.confirm",
                DismissSuggestion{d.suggestion_key, d.customer, d.note},
                {"Already told them by phone", "Not relevant for this customer", "A colleague handles it"});
      break;
    case DK::snooze: {
      label(ctx, "Show it again");
      for (int days : {1, 3, 7}) {
        char b[24];
        std::snprintf(b, sizeof b, days == 1 ? "tomorrow" : days == 7 ? "in a week" : "in %d days", days);
        ImGui::RadioButton(b, &d.snooze_days, days);
        ImGui::SameLine();
      }
      ImGui::NewLine();
      ImGui::Spacing();
      if (primary_button(ctx, "Snooze", "snooze.confirm") || ctrl_enter())
        submit(ctx, SnoozeSuggestion{d.suggestion_key, d.customer, d.about, ctx.now + d.snooze_days * kDay});
      ImGui::SameLine();
      if (ImGui::Button("Back")) d = {};
      record_control(ctx.probe, "dialog.cancel");
      break;
    }
    case DK::release:
      note_form(ctx, d, "Why may it go after all? (kept with the message)", "Release the message", "release.confirm",
                ReleaseHeld{d.target, d.note}, {"Checked: the timing is right", "The customer asked for it"});
      break;
    case DK::cancel_held:
      note_form(ctx, d, "Note (optional)", "Cancel the message", "cancel.confirm", CancelHeld{d.target, d.note},
                {"Badly timed", "Not for a former customer", "Duplicate"});
      break;
    case DK::resolve:
      note_form(ctx, d, "How was it resolved? (optional)", "Resolve", "resolve.confirm", ResolveException{d.target, d.note});
      break;
    case DK::reroute: {
      label(ctx, "Who must act on it now? (department or person)");
      ImGui::SetNextItemWidth(320);
      first_focus(d);
      ImGui::InputText("##waiting", &d.waiting_on);
      record_control(ctx.probe, "reroute.waiting_on");
      for (const char* q : {"logistics", "billing", "warehouse", "legal", "used-car desk"}) {
        ImGui::SameLine();
        if (ImGui::SmallButton(q)) d.waiting_on = q;
      }
      label(ctx, "Note (optional)");
      ImGui::SetNextItemWidth(480);
      ImGui::InputText("##note", &d.note);
      ImGui::Spacing();
      if (primary_button(ctx, "Re-route", "reroute.confirm") || ctrl_enter())
        submit(ctx, RerouteException{d.target, d.waiting_on, d.note});
      ImGui::SameLine();
      if (ImGui::Button("Back")) d = {};
      record_control(ctx.probe, "dialog.cancel");
      break;
    }
    case DK::log_call: {
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
      label(ctx, "What was it about?");
      ImGui::SetNextItemWidth(600);
      first_focus(d);
      ImGui::InputText("##subject", &d.subject);
      record_control(ctx.probe, "log_call.subject");
      label(ctx, "Notes");
      ImGui::InputTextMultiline("##body", &d.body, ImVec2(600, 140));
      ImGui::Spacing();
      if (primary_button(ctx, "Log the call", "log_call.confirm") || ctrl_enter())
        submit(ctx, LogContact{d.customer, std::nullopt, d.channel, d.direction, TouchKind::other, d.subject, d.body});
      ImGui::SameLine();
      if (ImGui::Button("Back")) d = {};
      record_control(ctx.probe, "dialog.cancel");
      break;
    }
    case DK::none: break;
  }
  if (!d.error.empty()) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + kEditorWidth);
    ImGui::TextColored(ctx.colors.overdue, "Not done: %s", d.error.c_str());
    ImGui::PopTextWrapPos();
    record_control(ctx.probe, "dialog.error");
  }
  ImGui::PushFont(ctx.fonts.small);
  ImGui::TextColored(ctx.colors.text_muted, "Ctrl+Enter to confirm \xC2\xB7 Esc to close");
  ImGui::PopFont();
  if (d.kind == DK::none) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  ImGui::PopStyleVar(2);
}

}  // namespace cockpit::ui
