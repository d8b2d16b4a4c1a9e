// The keyboard: navigation (arrows or j/k, Enter, Esc), one-key actions, undo, search
// and the help overlay. Read from ImGuiIO at the start of the view, never while a
// text field has the keyboard (then keys are typing).
//
// j/k move, so "kept" is K (Shift+k); every other action is its lower-case letter.
#include <imgui.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "ui/views.hpp"

namespace cockpit::ui {
namespace {

bool pressed(ImGuiKey key) {
  const int i = ImGui::GetKeyIndex(key);
  return i >= 0 && ImGui::IsKeyPressed(i);
}

struct KeyHelp {
  const char* keys;
  const char* what;
};

constexpr KeyHelp kMove[] = {
    {"\xE2\x86\x91 \xE2\x86\x93  or  j k", "move through customers, or through a customer's items"},
    {"Enter", "open the customer / do the item's main action"},
    {"Esc", "back to Today, close a dialog"},
    {"/", "search customers, cases and promises"},
    {"?", "this help"},
};
constexpr KeyHelp kAct[] = {
    {"s", "send the suggested message (opens the editor)"},
    {"n", "give a promise a new date"},
    {"K", "mark a promise as kept (Shift+k)"},
    {"d", "dismiss a suggestion (with a reason)"},
    {"z", "snooze a suggestion"},
    {"r", "release a held automated message"},
    {"c", "cancel a held automated message"},
    {"x", "resolve an exception"},
    {"w", "re-route an exception (who it waits on)"},
    {"l", "log a call"},
    {"u  or  Ctrl+Z", "undo the last action"},
};

void act_on_key(DrawContext& ctx, char key) {
  UiState& st = ctx.state;
  const char k = key == 'K' ? 'k' : key;
  if (st.view == View::customer) {
    const vm::CustomerModel& m = ctx.data.customer(st.customer, ctx.now);
    open_intent(ctx, m, vm::intent_for_key(m, st.item_cursor, k));
    return;
  }
  if (st.view == View::today) {
    const vm::TodayModel& t = ctx.data.today(st.query, ctx.now);
    if (t.rows.empty() || !ctx.data.session()) {
      ctx.out.notice = "no customer selected";
      return;
    }
    const int row = t.rows[static_cast<std::size_t>(std::clamp(st.cursor, 0, static_cast<int>(t.rows.size()) - 1))];
    const std::string id = ctx.data.session()->lists().customers[static_cast<std::size_t>(row)].id;
    const vm::CustomerModel& m = ctx.data.customer(id, ctx.now);
    open_intent(ctx, m, vm::intent_for_key(m, -1, k));
  }
}

void move(DrawContext& ctx, int delta) {
  UiState& st = ctx.state;
  int n = 0;
  int* cur = nullptr;
  if (st.view == View::today) {
    n = static_cast<int>(ctx.data.today(st.query, ctx.now).rows.size());
    cur = &st.cursor;
  } else if (st.view == View::customer) {
    n = static_cast<int>(ctx.data.customer(st.customer, ctx.now).items.size());
    cur = &st.item_cursor;
  }
  if (!cur || n == 0) return;
  *cur = std::clamp(*cur + delta, 0, n - 1);
  st.scroll_to_cursor = true;
}

void enter(DrawContext& ctx) {
  UiState& st = ctx.state;
  if (st.view == View::today) {
    const vm::TodayModel& t = ctx.data.today(st.query, ctx.now);
    if (t.rows.empty() || !ctx.data.session()) return;
    const int row = t.rows[static_cast<std::size_t>(std::clamp(st.cursor, 0, static_cast<int>(t.rows.size()) - 1))];
    open_customer(ctx, ctx.data.session()->lists().customers[static_cast<std::size_t>(row)].id);
    return;
  }
  if (st.view == View::customer) {
    const vm::CustomerModel& m = ctx.data.customer(st.customer, ctx.now);
    if (st.item_cursor < 0 || st.item_cursor >= static_cast<int>(m.items.size())) return;
    // The item's main action: send a suggestion, re-date a promise, resolve an
    // exception, decide on a held message (release).
    const char key[] = {'s', 'n', 'x', 'r'};
    act_on_key(ctx, key[static_cast<int>(m.items[static_cast<std::size_t>(st.item_cursor)].kind)]);
  }
}

}  // namespace

void handle_keys(DrawContext& ctx) {
  UiState& st = ctx.state;
  ImGuiIO& io = ImGui::GetIO();
  const bool esc = pressed(ImGuiKey_Escape);
  if (st.dialog.kind != Dialog::Kind::none) {
    if (esc) st.dialog = {};
    return;
  }
  if (st.help) {
    bool close = esc;
    for (ImWchar c : io.InputQueueCharacters) close |= c == '?';
    if (close) {
      st.help = false;
      io.InputQueueCharacters.resize(0);
    }
    return;
  }
  if (st.view == View::sign_in || !ctx.data.signed_in()) return;
  if (io.WantTextInput) return;  // a text field has the keyboard: keys are typing

  if (io.KeyCtrl && pressed(ImGuiKey_Z)) {
    ctx.out.actions.push_back(Undo{});
    return;
  }
  if (pressed(ImGuiKey_UpArrow)) move(ctx, -1);
  if (pressed(ImGuiKey_DownArrow)) move(ctx, +1);
  if (pressed(ImGuiKey_PageUp)) move(ctx, -10);
  if (pressed(ImGuiKey_PageDown)) move(ctx, +10);
  if (pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter)) enter(ctx);
  if (esc) {
    if (st.view == View::customer || st.view == View::lead) st.view = View::today;
    else if (st.view == View::today) st.query = {};
  }

  if (io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  for (ImWchar c : io.InputQueueCharacters) {
    switch (c) {
      case '?': st.help = true; break;
      case '/':
        st.view = View::today;
        st.focus_search = true;
        break;
      case 'j': move(ctx, +1); break;
      case 'k': move(ctx, -1); break;
      case 'u': ctx.out.actions.push_back(Undo{}); break;
      case 's': case 'n': case 'K': case 'd': case 'z': case 'r': case 'c': case 'x': case 'w': case 'l':
        act_on_key(ctx, static_cast<char>(c));
        break;
      default: break;
    }
  }
  io.InputQueueCharacters.resize(0);  // consumed as commands, not text
}

void draw_help(DrawContext& ctx) {
  if (!ctx.state.help) return;
  const Palette& p = ctx.colors;
  begin_overlay("##help", 620, 0.45f);
  ImGui::PushFont(ctx.fonts.title);
  ImGui::TextUnformatted("Keyboard");
  ImGui::PopFont();
  record_control(ctx.probe, "help");
  auto table = [&](const char* id, const KeyHelp* rows, std::size_t n) {
    if (!ImGui::BeginTable(id, 2)) return;
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 150);
    ImGui::TableSetupColumn("w", ImGuiTableColumnFlags_WidthStretch);
    for (std::size_t i = 0; i < n; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushFont(ctx.fonts.strong);
      ImGui::TextColored(p.accent, "%s", rows[i].keys);
      ImGui::PopFont();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(rows[i].what);
    }
    ImGui::EndTable();
  };
  section_title(ctx, "Move");
  table("move", kMove, std::size(kMove));
  ImGui::Spacing();
  section_title(ctx, "Act on the selected customer or item");
  table("act", kAct, std::size(kAct));
  ImGui::Spacing();
  hint(ctx, "On Today the action keys work on the selected customer's most urgent item. Keys are off while you type "
            "in a field. Press ? or Esc to close.");
  if (ImGui::Button("Close")) ctx.state.help = false;
  end_overlay();
}

// The same words as draw_help, for the mirror: a line per key, a Close button.
mirror::Form help_form() {
  mirror::Form f;
  f.title = "Keyboard";
  f.lines.push_back("Move:");
  for (const KeyHelp& k : kMove) f.lines.push_back(std::string(k.keys) + ": " + k.what);
  f.lines.push_back("Act on the selected customer or item:");
  for (const KeyHelp& k : kAct) f.lines.push_back(std::string(k.keys) + ": " + k.what);
  f.lines.push_back("These keys work on the canvas. On Today the action keys work on the selected customer's most "
                    "urgent item. Keys are off while you type in a field.");
  f.buttons = {{"Close", "help.close"}};
  return f;
}

}  // namespace cockpit::ui
