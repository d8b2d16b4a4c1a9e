// Sync on screen (server mode): where this device stands with the server, what sync has
// to tell the manager, and signing in with a password. Reads AppController's sync status
// and notices; returns intentions in FrameOutput.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {

namespace {

const char* plural(std::size_t n, const char* one, const char* many) { return n == 1 ? one : many; }

}  // namespace

std::string sync_label(const client::SyncStatus& s) {
  std::string label;
  if (s.stop == client::Stop::sign_in_required) {
    label = "Signed out";
  } else if (s.stop == client::Stop::reload_required) {
    label = "Update needed";
  } else {
    switch (s.link) {
      case client::Link::live: label = "Live"; break;
      case client::Link::online: label = "Online"; break;
      case client::Link::offline: label = "Offline"; break;
    }
  }
  if (s.waiting > 0) label += "  \xC2\xB7  " + std::to_string(s.waiting) + " waiting";
  return label;
}

// "● Live" / "● Online" / "● Offline · 3 waiting" after the navigation; a click syncs now.
void draw_sync_badge(DrawContext& ctx) {
  const client::SyncStatus* s = ctx.data.sync_status();
  if (!s) return;
  const Palette& p = ctx.colors;
  const std::string label = sync_label(*s);
  ImVec4 color = p.text_muted;
  if (s->stop == client::Stop::sign_in_required || s->stop == client::Stop::reload_required) {
    color = p.overdue;
  } else {
    switch (s->link) {
      case client::Link::live: color = p.fine; break;
      case client::Link::online: color = p.accent; break;
      case client::Link::offline: color = p.at_risk; break;
    }
  }
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 3);
  dot(color);
  ImGui::PushFont(ctx.fonts.small);
  ImGui::TextColored(color, "%s", label.c_str());
  ImGui::PopFont();
  record_control(ctx.probe, "sync.badge", label);
  if (ImGui::IsItemClicked()) ctx.out.sync_now = true;
  if (ImGui::IsItemHovered()) {
    std::string tip = s->last_sync ? "Last synced " + vm::relative_label(s->last_sync, ctx.now) : "Not synced yet";
    if (s->link == client::Link::live) tip += "\nChanges from your other devices and your team arrive at once.";
    if (s->waiting > 0)
      tip += "\n" + std::to_string(s->waiting) + plural(s->waiting, " change is", " changes are") +
             " saved on this device and waiting for the server.";
    if (!s->error.empty()) tip += "\n" + s->error;
    if (s->link == client::Link::offline && s->retry_in_ms > 0)
      tip += "\nTrying again in " + std::to_string((s->retry_in_ms + 999) / 1000) + " s.";
    tip += "\nClick to sync now.";
    ImGui::SetTooltip("%s", tip.c_str());
  }
}

// Under the header when sync has stopped for a reason the manager must act on.
void draw_sync_banner(DrawContext& ctx) {
  const client::SyncStatus* s = ctx.data.sync_status();
  if (!s || !ctx.data.signed_in()) return;
  if (s->stop != client::Stop::sign_in_required && s->stop != client::Stop::reload_required) return;
  const Palette& p = ctx.colors;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, tint(p.overdue, 0.10f));
  ImGui::BeginChild("##sync_banner", ImVec2(0, ImGui::GetFrameHeight() + 16), false);
  ImGui::SetCursorPos(ImVec2(12, 8));
  ImGui::AlignTextToFramePadding();
  if (s->stop == client::Stop::reload_required) {
    ImGui::TextColored(p.overdue, "A newer Cockpit is on the server. Reload this page to keep syncing; your changes are kept.");
    record_control(ctx.probe, "sync.reload");
  } else {
    std::string text = "Your session has ended: sign in again to keep syncing.";
    if (s->waiting > 0)
      text += " " + std::to_string(s->waiting) + plural(s->waiting, " change waits", " changes wait") + " on this device.";
    ImGui::TextColored(p.overdue, "%s", text.c_str());
    record_control(ctx.probe, "sync.session_ended", text);
    ImGui::SameLine(0, 16);
    ImGui::SetNextItemWidth(180);
    const bool enter = ImGui::InputTextWithHint("##reauth", "Password", &ctx.state.sign_in_password,
                                                ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    record_control(ctx.probe, "sync.password");
    ImGui::SameLine();
    const bool busy = ctx.data.sign_in_flow().step == SignInFlow::Step::signing_in;
    if ((ImGui::Button(busy ? "Signing in\xE2\x80\xA6" : "Sign in again") || enter) && !busy) {
      ctx.out.password_sign_in = FrameOutput::PasswordSignIn{ctx.data.me().id, ctx.state.sign_in_password};
      ctx.state.sign_in_password.clear();
    }
    record_control(ctx.probe, "sync.sign_in");
    if (ctx.data.sign_in_flow().step == SignInFlow::Step::failed) {
      ImGui::SameLine(0, 12);
      ImGui::TextColored(p.overdue, "%s", ctx.data.sign_in_flow().error.c_str());
    }
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

// The panel of conflicts and refusals: each one says what happened to which change.
void draw_notices(DrawContext& ctx) {
  if (!ctx.state.notices_open) return;
  const Palette& p = ctx.colors;
  begin_overlay("##notices", 680);
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("What sync has to tell you");
  ImGui::PopFont();
  record_control(ctx.probe, "notices");
  const std::vector<SyncNotice> list = ctx.data.notices();
  if (list.empty()) hint(ctx, "Nothing: every change of yours reached the server as you made it.");
  for (const SyncNotice& n : list) {
    ImGui::PushID(static_cast<int>(n.seq));
    ImGui::Separator();
    const ImVec4 c = n.kind == "conflict" ? p.at_risk : p.overdue;
    badge(n.kind == "conflict" ? "Replaced another change" : (n.kind == "dropped" ? "Not sent" : "Not applied"), c);
    ImGui::SameLine();
    ImGui::PushFont(ctx.fonts.small);
    ImGui::TextColored(p.text_muted, "%s", vm::relative_label(n.at, ctx.now).c_str());
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(n.message.c_str());
    ImGui::PopTextWrapPos();
    if (!n.customer.empty()) {
      if (ImGui::SmallButton("Open customer")) {
        open_customer(ctx, n.customer);
        ctx.state.notices_open = false;
      }
      ImGui::SameLine();
    }
    if (ImGui::SmallButton("Dismiss")) ctx.out.dismiss_notice = n.seq;
    record_control(ctx.probe, "notice." + std::to_string(n.seq) + ".dismiss");
    ImGui::PopID();
  }
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Spacing();
  if (!list.empty()) {
    if (ImGui::Button("Dismiss all")) ctx.out.dismiss_notice = 0;
    record_control(ctx.probe, "notices.dismiss_all");
    ImGui::SameLine();
  }
  if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ctx.state.notices_open = false;
  record_control(ctx.probe, "notices.close");
  end_overlay();
}

// The same words and buttons as draw_notices, for the mirror: a line per notice, its
// Open customer and Dismiss buttons (named after it), Close first, then Dismiss all.
mirror::Form notices_form(const std::vector<SyncNotice>& list, Time now) {
  mirror::Form f;
  f.title = "What sync has to tell you";
  if (list.empty()) f.lines.push_back("Nothing: every change of yours reached the server as you made it.");
  for (const SyncNotice& n : list) {
    const char* what = n.kind == "conflict" ? "Replaced another change" : (n.kind == "dropped" ? "Not sent" : "Not applied");
    f.lines.push_back(std::string(what) + " \xC2\xB7 " + vm::relative_label(n.at, now) + ": " + n.message);
    if (!n.customer.empty()) f.choices.push_back({"Open customer: " + n.message, "notice.open:" + n.customer});
    f.choices.push_back({"Dismiss: " + n.message, "notice.dismiss:" + std::to_string(n.seq)});
  }
  f.buttons = {{"Close", "notices.close"}};
  if (!list.empty()) f.buttons.push_back({"Dismiss all", "notices.dismiss_all"});
  return f;
}

// Changes that have not reached the server would be lost with this device's data.
void draw_sign_out_confirm(DrawContext& ctx) {
  if (!ctx.state.confirm_sign_out) return;
  const Palette& p = ctx.colors;
  const std::size_t n = ctx.data.unsent_changes();
  begin_overlay("##confirm_sign_out", 520);
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Sign out now?");
  ImGui::PopFont();
  record_control(ctx.probe, "signout.confirm");
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(p.overdue, "%zu %s not reached the server yet.", n, plural(n, "change has", "changes have"));
  ImGui::TextUnformatted("Signing out removes your data from this device, those changes with it. "
                         "Stay signed in until this device is online again and they are sent.");
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  if (ImGui::Button("Stay signed in") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    ctx.state.confirm_sign_out = false;
  record_control(ctx.probe, "signout.stay");
  ImGui::SameLine(0, 12);
  ImGui::PushStyleColor(ImGuiCol_Button, tint(p.overdue, 0.18f));
  if (ImGui::Button("Sign out and lose them")) {
    ctx.out.sign_out = true;
    ctx.out.sign_out_confirmed = true;
    ctx.state.confirm_sign_out = false;
  }
  ImGui::PopStyleColor();
  record_control(ctx.probe, "signout.anyway");
  end_overlay();
}

void draw_password_sign_in(DrawContext& ctx, float width) {
  const Palette& p = ctx.colors;
  UiState& st = ctx.state;
  const SignInFlow& flow = ctx.data.sign_in_flow();
  if (st.sign_in_manager.empty()) st.sign_in_manager = ctx.data.device_manager();
  hint(ctx, "Sign in with your manager id and password. Your customers are then kept on this device, so Cockpit "
            "works offline too; signing out removes them.");
  ImGui::Spacing();
  const client::SyncStatus* sync = ctx.data.sync_status();
  // Loading waits for the first share, unless sync stopped (the session ended): then
  // signing in again is the way on.
  const bool stopped = sync && sync->stop != client::Stop::none && sync->stop != client::Stop::server_too_old;
  const bool busy = flow.step == SignInFlow::Step::signing_in || (flow.step == SignInFlow::Step::loading && !stopped);
  ImGui::TextUnformatted("Manager id");
  ImGui::SetNextItemWidth(width);
  ImGui::InputTextWithHint("##manager", "e.g. m-anna", &st.sign_in_manager);
  record_control(ctx.probe, "signin.manager");
  ImGui::TextUnformatted("Password");
  ImGui::SetNextItemWidth(width);
  const bool enter = ImGui::InputText("##password", &st.sign_in_password,
                                      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  record_control(ctx.probe, "signin.password");
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.strong);
  const char* label = flow.step == SignInFlow::Step::signing_in ? "Signing in\xE2\x80\xA6"
                      : busy                                    ? "Loading your customers\xE2\x80\xA6"
                                                                : "Sign in";
  const bool clicked = ImGui::Button(label, ImVec2(width, 0));
  ImGui::PopFont();
  record_control(ctx.probe, "signin.submit");
  // A lead's share (the whole book) comes in pages: say how far it got.
  if (flow.step == SignInFlow::Step::loading && sync && sync->share_records > 0)
    ImGui::TextDisabled("%zu records so far", sync->share_records);
  if ((clicked || enter) && !busy) {
    if (st.sign_in_manager.empty()) {
      st.sign_in_error = "Type your manager id first.";
    } else {
      st.sign_in_error.clear();
      ctx.out.password_sign_in = FrameOutput::PasswordSignIn{st.sign_in_manager, st.sign_in_password};
      st.sign_in_password.clear();
    }
  }
  if (flow.step == SignInFlow::Step::failed) {
    ImGui::PushTextWrapPos(width);
    ImGui::TextColored(p.overdue, "%s", flow.error.c_str());
    ImGui::PopTextWrapPos();
    record_control(ctx.probe, "signin.error", flow.error);  // its words: a failed test says why
  } else if (!st.sign_in_error.empty()) {
    ImGui::TextColored(p.overdue, "%s", st.sign_in_error.c_str());
  }
  if (flow.step == SignInFlow::Step::loading && sync && !sync->error.empty()) {
    ImGui::PushTextWrapPos(width);
    ImGui::TextColored(stopped ? p.overdue : p.at_risk, "%s", sync->error.c_str());
    ImGui::PopTextWrapPos();
    record_control(ctx.probe, "signin.sync_error");
  }
}

}  // namespace cockpit::ui
