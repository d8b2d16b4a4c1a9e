#pragma once
// The screen-reader mirror (issue 21): what the canvas shows, as a small semantic tree
// (landmarks, headings, lists, a table, buttons, a dialog, a live region), and the
// patches that turn the previous tree into the new one. The browser shell applies the
// patches to a visually hidden DOM subtree (web/mirror.js), so NVDA, VoiceOver and Orca
// read the app; a button there carries the same command as the canvas's control.
//
// [SECTION] Tree      nodes with stable keys, what a button does
// [SECTION] Diff      insert / update / move / remove by key
// [SECTION] Screen    what the builder needs besides the view models (app/mirror_views.cpp)
// [SECTION] Wire      the update as JSON for the page
//
// Pure: no ImGui, no DOM, no clock. Built only when the screen's inputs changed
// (Mirror::update compares a Screen and the data revision; an unchanged frame costs one
// comparison), never from ImGui's draw data.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "app/actions.hpp"
#include "app/view_models.hpp"

namespace cockpit {
class AppController;
}

namespace cockpit::mirror {

// ============================================================ [SECTION] Tree

enum class Role {
  root,       // the mirror's container (always key "root")
  banner,     // <header>
  navigation, // <nav>
  main,       // <main>
  region,     // <section aria-label>
  heading,    // <h1>..<h3> (Node::level)
  text,       // <p>
  list,       // <ul>
  listitem,   // <li>
  table,      // <table> (name: its caption)
  row,        // <tr>
  colheader,  // <th scope=col>
  cell,       // <td>
  button,     // <button>
  textbox,    // <label> + <input> (Node::value)
  textarea,   // <label> + <textarea>
  password,   // <label> + <input type=password> (the value never leaves the app)
  dialog,     // role=dialog, aria-modal
  status,     // role=status (polite): the sync state
  alert,      // role=alert: a refusal in a dialog
};
std::string_view role_name(Role r);  // "button", "listitem", … (the wire's words)

enum Flag : std::uint8_t {
  kPressed = 1,     // a toggle that is on (aria-pressed=true)
  kToggle = 2,      // a toggle (aria-pressed=false unless kPressed)
  kCurrent = 4,     // the open view in the navigation (aria-current=page)
  kSelected = 8,    // the app's cursor is on this row or item (aria-selected / aria-current)
  kSortAscending = 16,   // a column header the table is sorted by (aria-sort)
  kSortDescending = 32,
};

// What activating a button does: the same thing the canvas's control does.
struct OpenCustomer {
  std::string customer, focus_about;  // focus_about: put the cursor on the item about this record
};
struct OpenView {
  enum class To { today, lead } to = To::today;
};
// The dialog (or direct action, for "kept") an item's button opens on the canvas.
struct ItemIntent {
  std::string customer;
  vm::KeyIntent intent;
};
// A control the UI layer owns (dialog buttons, sign-in, theme, sign-out…), by name.
struct UiControl {
  std::string what;
};
using Command = std::variant<std::monostate, Action, OpenCustomer, OpenView, ItemIntent, UiControl>;

struct Node {
  std::string key;    // unique in the tree; stable while the thing it shows lives
  Role role = Role::text;
  std::string name;   // the words (accessible name)
  std::string value;  // textbox: its text; a field's id for the UI layer goes in Command
  int level = 0;      // heading level; textbox: 1 when the field is a search box
  std::uint8_t flags = 0;
  int parent = -1;    // index into Tree::nodes; -1 for the root
  // Buttons; textboxes carry UiControl{field id}; null for the rest. Held apart so a
  // node stays small and cheap to move (the unchanged blocks are moved every change).
  std::shared_ptr<const Command> command;
  // What the page shows (the command stays in the app, looked up by key).
  bool same_look(const Node& o) const {
    return role == o.role && name == o.name && value == o.value && level == o.level && flags == o.flags;
  }
};

// A subtree (a customer's row, …) with a signature of everything it is built from. When
// the previous tree has the block with the same key, parent and signature, its nodes are
// moved over instead of built again, and the diff skips them: a changed frame costs what
// changed, not the whole screen (the budget: <= 0.3 ms on Today with 500 customers).
struct Block {
  std::string key;        // the block's root node's key
  std::uint64_t sig = 0;  // a hash of its inputs (mix() below)
  int root = 0;           // its root's index in Tree::nodes; the block is nodes [root, root + size)
  int size = 0;           // nodes in the block, root included (set by Tree::finish)
  int from = -1;          // reused: its root's index in the previous tree (whose nodes it took)
  bool taken = false;     // in the previous tree: moved into the next one
};

// Nodes in document order (pre-order); a parent comes before its children.
struct Tree {
  std::vector<Node> nodes;
  std::vector<Block> blocks;  // in document order; never nested
  // Adds a node under `parent` (-1: the root itself) and returns its index.
  int add(int parent, Role role, std::string key, std::string name = {}, Command command = {});
  const Node* find(std::string_view key) const;

  // The tree the last frame showed; blocks are taken from it (their nodes moved out, so
  // it is only good for diff() afterwards). Null: everything is built.
  Tree* previous = nullptr;
  // Starts block `key` under `parent`: true when the previous tree's block with this key,
  // parent and signature was moved in whole (the caller builds nothing); false when the
  // caller must build it now, its root (key `key`) first.
  bool reuse(int parent, const std::string& key, std::uint64_t sig);
  // Ends the build: each built block's size; the link to the previous tree dropped.
  void finish();
  // The emptied node storage of an older tree, for the next build: a tree of thousands
  // of nodes then costs no fresh pages (and their faults) per change.
  std::vector<Node> recycled;

 private:
  std::size_t prev_next_ = 0;  // the previous tree's block looked at first (rows keep their order)
  std::unordered_map<std::string_view, int> prev_index_;  // key -> block of the previous tree, built on a miss
};

// The separator between the parts of one line, as the canvas draws it.
inline constexpr const char* kDot = " \xC2\xB7 ";
// A titled region with its level-2 heading ("Overdue promises: 3"; count < 0: the title
// alone), the shape every screen's areas take.
int add_region(Tree& t, int parent, const std::string& key, const std::string& title, int count = -1);

// Signatures: a hash of the words and values a block is built from.
inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}
inline std::uint64_t mix(std::uint64_t h, std::string_view s) { return mix(h, std::hash<std::string_view>{}(s)); }

// ============================================================ [SECTION] Diff

struct Patch {
  enum class Op { remove, insert, update, move };
  Op op = Op::insert;
  std::string key;
  std::string parent;  // insert, move: the parent's key
  std::string before;  // insert, move: the next sibling's key ("" = last)
  const Node* node = nullptr;  // insert, update: the new node (owned by the new tree)
};

// The patches that turn `before` into `after`, in the order the page applies them:
// removals first, then per parent (in document order) its children from last to first,
// each inserted or moved before its already placed next sibling. A node whose parent or
// role changed is removed and inserted again. Unchanged nodes cost nothing on the page.
std::vector<Patch> diff(const Tree& before, const Tree& after);

// ============================================================ [SECTION] Screen

// A text field of a form, as the mirror shows it.
struct Field {
  std::string id;     // the UI layer's name ("subject", "note", "password", …)
  std::string label;
  std::string value;
  Role role = Role::textbox;  // textbox, textarea or password
  bool operator==(const Field&) const = default;
};
struct FormButton {
  std::string label, control;  // control: UiControl::what
  bool pressed = false, toggle = false;
  bool operator==(const FormButton&) const = default;
};
// A dialog or an overlay (keys help, sign-out question): heading, fields, buttons.
struct Form {
  std::string title, context, error;
  std::vector<std::string> lines;     // more text, in order
  std::vector<Field> fields;
  std::vector<FormButton> choices;    // quick notes, snooze lengths, call kinds
  std::vector<FormButton> buttons;    // confirm first
  bool operator==(const Form&) const = default;
};

// What the builder needs besides the view models: the UI's state, as plain values.
struct Screen {
  enum class View { sign_in, today, customer, lead };
  View view = View::sign_in;
  vm::CustomerQuery query;
  int cursor = 0;             // Today: row in the filtered customers
  std::string customer;       // the open customer
  int item_cursor = -1;       // customer view: index into CustomerModel::items
  bool show_noise = false;
  std::optional<Form> dialog; // the open dialog or overlay, if any
  std::optional<Form> sign_in;  // the sign-in screen's form
  std::string toast;          // what was just done ("Kept: …"), "" when none
  bool toast_undo = false;
  std::string sync;           // the sync badge's words ("Live", "Offline · 1 waiting"), "" when none
  std::string status;         // the status line ("12 customers · ✓ Saved on this device")
  std::string theme_next;     // the theme button's label ("Dark theme")
  std::string notices;        // the sync notices button's label ("2 sync notices"), "" when none
  // The lead's reassignment (team view): the search typed, the customer and the new owner chosen.
  std::string reassign_search, reassign_customer, reassign_to;
  bool operator==(const Screen&) const = default;
};

// The whole tree for a screen, from the controller's cached view models. `focus`
// receives the key the app's selection stands on (the dialog's first field while one
// is open), "" when none.
// `previous`: the tree shown now, whose unchanged blocks are moved into the new one.
Tree build(AppController& data, const Screen& screen, Time now, std::string& focus, Tree* previous = nullptr);

// ============================================================ [SECTION] Wire

// One frame's change of the mirror: patches, where the focus should go (only when the
// selection moved), and what the live region should say.
struct Update {
  std::vector<Patch> patches;
  std::string focus;              // "" = leave the focus where it is
  std::vector<std::string> say;   // polite announcements, in order
  std::uint64_t revision = 0;     // the data revision the tree shows (tests compare it)
  bool empty() const { return patches.empty() && focus.empty() && say.empty(); }
};
// {"rev":N,"focus":"key","say":["…"],"patches":[{"o":"i","k":…,"p":…,"b":…,"r":"button","n":…,"v":…,"l":2,"f":1},…]}
std::string to_json(const Update& update);

// What changed between two screens that the live region says: a new toast, a new sync
// state. (Changes from another device are added by Mirror, which sees the controller.)
std::vector<std::string> announcements(const Screen& before, const Screen& after);

// Keeps the last tree and screen; update() says what changed, or nothing.
class Mirror {
 public:
  // Cheap when nothing changed: compares `screen` and the data revision with the last.
  // `remote` counts changes from other devices so far; a new one is announced with
  // `remote_words` ("Changed on another device: Marco Rossi").
  std::optional<Update> update(AppController& data, const Screen& screen, Time now, std::uint64_t remote = 0,
                               const std::string& remote_words = {});
  const Tree& tree() const { return tree_; }
  // The command of a button (or the field id of a text box) shown now, or null.
  const Command* command(std::string_view key) const;
  // Forget everything: the next update sends the whole tree (a page reload).
  void reset();

 private:
  Tree tree_;
  Screen screen_;
  std::uint64_t revision_ = 0;
  std::uint64_t remote_ = 0;
  std::string focus_;
  bool built_ = false;
};

}  // namespace cockpit::mirror
