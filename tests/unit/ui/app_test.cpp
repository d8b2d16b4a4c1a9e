// The App without a window (style.md §5): ImGui's null backend, frames driven through
// ImGuiIO (mouse, keys, typed characters), results read from UiState, the probe, the
// store and a recording Platform. The data is the demo book on a real SQLite file.
#include <doctest/doctest.h>
#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "app/mirror.hpp"
#include "app/platform.hpp"
#include "store/synthetic.hpp"
#include "ui/app.hpp"
#include "ui/views.hpp"

using namespace cockpit;
using namespace cockpit::ui;

namespace {

struct RecordingPlatform final : Platform {
  int commits = 0;
  std::string fragment;
  std::vector<std::string> clipboard, mails;
  PersistState state = PersistState::saved;
  StorageGrant grant = StorageGrant::persistent;
  int wipes = 0;
  void persist_after_commit() override { ++commits; }
  PersistState persist_state() const override { return state; }
  StorageGrant storage_grant() const override { return grant; }
  void wipe_local_data() override { ++wipes; }
  std::string url_fragment() const override { return fragment; }
  void set_url_fragment(std::string_view f) override { fragment = f; }
  void copy_to_clipboard(std::string_view t) override { clipboard.emplace_back(t); }
  void open_mailto(std::string_view to, std::string_view s, std::string_view b) override {
    mails.push_back(mailto_url(to, s, b));
  }
  Time now() const override { return *parse_time("2026-11-23T09:00Z"); }
  // The screen-reader mirror, as the page would receive it.
  bool mirror_on = false;
  std::vector<std::string> mirror_json, said;
  std::string focus;
  bool wants_mirror() const override { return mirror_on; }
  void present_mirror(const mirror::Update& u) override {
    mirror_json.push_back(mirror::to_json(u));
    said.insert(said.end(), u.say.begin(), u.say.end());
    if (!u.focus.empty()) focus = u.focus;
  }
  // The lead's upload: the paths asked for, and the file each then yields.
  std::vector<std::string> picked;
  std::string file_text;
  std::optional<PickedFile> pending;
  void pick_file(std::string_view path) override {
    picked.emplace_back(path);
    pending = PickedFile{std::string(path), file_text, ""};
  }
  std::optional<PickedFile> take_picked_file() override { return std::exchange(pending, std::nullopt); }
};

const char* kInter = "/usr/share/fonts/opentype/inter";

std::string fresh_db(const std::string& name) {
  std::string path = std::string(COCKPIT_TEST_TMP) + "/ui_" + name + ".db";
  for (const char* ext : {"", "-wal", "-shm", "-journal", ".identity"}) std::filesystem::remove(path + ext);
  return path;
}

// Arbitrary slots in io.KeysDown for the keys the App reads (a shell's backend maps
// its native codes the same way).
enum Slot { kEnter = 10, kEscape, kUp, kDown, kZ, kPageUp, kPageDown, kKeyPadEnter, kTab, kBackspace, kA, kJ };
constexpr int kLeftControl = 341;  // GLFW's code: the App's input queue knows the modifiers by it

void map_keys() {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Enter] = kEnter;
  io.KeyMap[ImGuiKey_Escape] = kEscape;
  io.KeyMap[ImGuiKey_UpArrow] = kUp;
  io.KeyMap[ImGuiKey_DownArrow] = kDown;
  io.KeyMap[ImGuiKey_Z] = kZ;
  io.KeyMap[ImGuiKey_PageUp] = kPageUp;
  io.KeyMap[ImGuiKey_PageDown] = kPageDown;
  io.KeyMap[ImGuiKey_KeyPadEnter] = kKeyPadEnter;
  io.KeyMap[ImGuiKey_Tab] = kTab;
  io.KeyMap[ImGuiKey_Backspace] = kBackspace;
  io.KeyMap[ImGuiKey_A] = kA;
}

void frame(App& app, ImVec2 mouse = ImVec2(-1e6f, -1e6f), bool down = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  io.MousePos = mouse;
  io.MouseDown[0] = down;
  app.frame();
}

const ControlRect* control(const App& app, std::string_view name) {
  for (const ControlRect& c : app.probe().controls)
    if (c.name == name) return &c;
  return nullptr;
}

int count_prefix(const App& app, std::string_view prefix) {
  int n = 0;
  for (const ControlRect& c : app.probe().controls) n += c.name.rfind(prefix, 0) == 0;
  return n;
}

void click(App& app, std::string_view name) {
  frame(app);  // a fresh layout (windows that auto-resize settle a frame late)
  const ControlRect* c = control(app, name);
  REQUIRE_MESSAGE(c, "no control named " << name);
  ImVec2 at(c->x + c->w / 2, c->y + c->h / 2);
  frame(app, at, false);
  frame(app, at, true);
  frame(app, at, false);  // released over the button: the click happens here
  frame(app);             // the new state is drawn
}

void key(App& app, int slot, bool ctrl = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyCtrl = ctrl;
  io.KeysDown[slot] = true;
  frame(app);
  io.KeysDown[slot] = false;
  io.KeyCtrl = false;
  frame(app);
}

void type(App& app, std::string_view text) {
  for (char c : text) {
    ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
    frame(app);
  }
  frame(app);
}

struct Harness {
  RecordingPlatform platform;
  App app;
  explicit Harness(const std::string& db, float dpr = 1.0f, std::string as = {}) {
    AppConfig cfg;
    cfg.platform = &platform;
    cfg.font_dir = kInter;
    cfg.device_pixel_ratio = dpr;
    cfg.db_path = db.empty() ? std::string() : fresh_db(db);
#ifdef __EMSCRIPTEN__
    cfg.journal_mode = "DELETE";
#endif
    cfg.sign_in_as = std::move(as);
    REQUIRE(app.init(cfg));
    map_keys();
    frame(app);
  }
  const Session& session() { return *app.data().session(); }
  bool has_suggestion(const std::string& about) {
    for (const Suggestion& s : session().lists().suggestions)
      if (s.about == about) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("the cockpit frame draws with Inter at the device pixel ratio") {
  Harness h("fonts", 2.0f, "m-anna");
  App& app = h.app;
  CHECK(app.fonts().source == "Inter");
  CHECK(app.fonts().body->FontSize == doctest::Approx(30.0f));
  CHECK(ImGui::GetIO().FontGlobalScale == doctest::Approx(0.5f));
  const ImFontGlyph* g = app.fonts().body->FindGlyph('W');
  REQUIRE(g);
  CHECK(g->X1 - g->X0 > 10.0f);
  CHECK(app.fonts().body->FindGlyph(0x00FC) != app.fonts().body->FallbackGlyph);  // ü
  CHECK(app.fonts().body->FindGlyph(0x2190) != app.fonts().body->FallbackGlyph);  // ←
  CHECK(app.fonts().body->FindGlyph(0x010D) != app.fonts().body->FallbackGlyph);  // č

  CHECK(app.probe().view == "today");
  for (const char* name : {"nav.today", "theme.toggle", "header.demo", "card.suggested", "card.overdue",
                           "card.exceptions", "card.held", "count.suggested", "today.search", "row.c-bike"}) {
    CAPTURE(name);
    const ControlRect* c = control(app, name);
    REQUIRE(c);
    CHECK(c->w > 0);
    CHECK(c->h > 0);
    CHECK(c->x + c->w <= 1280.5f);
  }
  CHECK(control(app, "nav.today")->h < 40);  // logical pixels at 2x
  CHECK(ImGui::GetDrawData()->TotalVtxCount > 1000);
}

TEST_CASE("sign in: the local identity lists the people on this device; the choice is kept") {
  std::string db;
  {
    Harness h("signin");
    App& app = h.app;
    CHECK(app.probe().view == "sign-in");
    CHECK(h.platform.fragment == "/sign-in");
    CHECK(control(app, "signin.m-anna"));
    CHECK(control(app, "signin.m-ben"));
    CHECK(control(app, "signin.m-lena"));
    CHECK_FALSE(control(app, "nav.today"));  // nothing to open before signing in
    // Keys do nothing before signing in.
    type(app, "s?");
    CHECK_FALSE(app.state().help);
    click(app, "signin.m-anna");
    CHECK(app.probe().view == "today");
    CHECK(h.platform.fragment == "/today");
    CHECK(control(app, "header.manager"));
    CHECK_FALSE(control(app, "nav.lead"));  // a manager has no team view
  }
  {
    // Same database file, a new App: Anna is remembered.
    RecordingPlatform p;
    App app;
    AppConfig cfg;
    cfg.platform = &p;
    cfg.font_dir = kInter;
    cfg.db_path = std::string(COCKPIT_TEST_TMP) + "/ui_signin.db";
#ifdef __EMSCRIPTEN__
    cfg.journal_mode = "DELETE";
#endif
    REQUIRE(app.init(cfg));
    frame(app);
    CHECK(app.probe().view == "today");
    CHECK(app.data().me().id == "m-anna");
    click(app, "header.sign_out");
    CHECK(app.probe().view == "sign-in");
    CHECK_FALSE(app.data().signed_in());
  }
}

TEST_CASE("keyboard: j/k and arrows move, Enter opens, Esc goes back; the address follows") {
  Harness h("keys", 1.0f, "m-anna");
  App& app = h.app;
  CHECK(app.state().cursor == 0);
  type(app, "j");
  CHECK(app.state().cursor == 1);
  key(app, kDown);
  CHECK(app.state().cursor == 2);
  type(app, "k");
  key(app, kUp);
  CHECK(app.state().cursor == 0);
  key(app, kEnter);
  CHECK(app.probe().view == "customer");
  CHECK(app.state().customer == "c-bike");  // the most urgent customer is first
  CHECK(h.platform.fragment == "/customer/c-bike");
  CHECK(control(app, "customer.name"));
  // In the customer view the cursor walks the action items.
  type(app, "jj");
  CHECK(app.state().item_cursor == 1);
  key(app, kEscape);
  CHECK(app.probe().view == "today");
  CHECK(h.platform.fragment == "/today");

  // Back and forward: the address changes outside, the view follows.
  h.platform.fragment = "/customer/c-fairy";
  frame(app);
  frame(app);
  CHECK(app.probe().view == "customer");
  CHECK(app.state().customer == "c-fairy");
  h.platform.fragment = "/today";
  frame(app);
  frame(app);
  CHECK(app.probe().view == "today");

  // ? shows the help, Esc closes it.
  type(app, "?");
  CHECK(app.state().help);
  CHECK(control(app, "help"));
  key(app, kEscape);
  CHECK_FALSE(app.state().help);
}

TEST_CASE("send a suggested message from the customer view: it leaves the list; Undo brings it back") {
  Harness h("send", 1.0f, "m-anna");
  App& app = h.app;
  click(app, "row.c-bike");
  CHECK(app.probe().view == "customer");
  REQUIRE(h.has_suggestion("p-bike"));
  const int suggested_before = static_cast<int>(h.session().lists().suggestions.size());
  click(app, "suggestion.p-bike.send");
  CHECK(app.state().dialog.kind == Dialog::Kind::compose);
  CHECK_FALSE(app.state().dialog.subject.empty());
  CHECK(app.state().dialog.body.find("Anna") != std::string::npos);  // signed by the owner
  CHECK(app.state().dialog.to == "marco.rossi@domino.example");
  REQUIRE(control(app, "compose.send"));

  // Copy and Open in mail app, for managers who send from their own mail.
  click(app, "compose.copy");
  REQUIRE(h.platform.clipboard.size() == 1);
  CHECK(h.platform.clipboard[0].find(app.state().dialog.subject) == 0);
  click(app, "compose.mail");
  REQUIRE(h.platform.mails.size() == 1);
  CHECK(h.platform.mails[0].rfind("mailto:marco.rossi@domino.example?subject=", 0) == 0);
  CHECK(app.state().dialog.external);  // Send now reads "Mark as sent"

  const int commits = h.platform.commits;
  click(app, "compose.send");
  CHECK(app.last_outcome().ok);
  CHECK(app.state().dialog.kind == Dialog::Kind::none);
  CHECK_FALSE(h.has_suggestion("p-bike"));
  CHECK_FALSE(control(app, "suggestion.p-bike.send"));
  CHECK(static_cast<int>(h.session().lists().suggestions.size()) < suggested_before);
  CHECK(h.platform.commits > commits);  // the platform was asked to persist
  REQUIRE(control(app, "toast"));
  CHECK(app.state().toast.text.rfind("Sent \"", 0) == 0);
  CHECK(app.state().toast.undo);

  click(app, "toast.undo");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  CHECK(h.has_suggestion("p-bike"));
  CHECK(control(app, "suggestion.p-bike.send"));
}

TEST_CASE("one-key actions: s opens the editor, K marks kept, u and Ctrl+Z undo, n and d ask first") {
  Harness h("onekey", 1.0f, "m-ben");  // the trade-in and the kit car are Ben's
  App& app = h.app;
  h.platform.fragment = "/customer/c-tradein";
  frame(app);
  frame(app);
  REQUIRE(app.state().customer == "c-tradein");

  type(app, "s");
  CHECK(app.state().dialog.kind == Dialog::Kind::compose);
  key(app, kEscape);
  CHECK(app.state().dialog.kind == Dialog::Kind::none);

  // With no item selected, K acts on the first open promise (the overdue payment).
  auto payout_open = [&] {
    for (const Promise& p : h.session().slice().promises)
      if (p.id == "p-payout") return p.status == PromiseStatus::open;
    return false;
  };
  REQUIRE(payout_open());
  type(app, "K");
  CHECK(app.last_outcome().ok);
  CHECK_FALSE(payout_open());
  type(app, "u");
  CHECK(payout_open());
  type(app, "K");
  CHECK_FALSE(payout_open());
  key(app, kZ, /*ctrl=*/true);
  CHECK(payout_open());

  type(app, "n");
  CHECK(app.state().dialog.kind == Dialog::Kind::new_date);
  CHECK(app.state().dialog.target == "p-payout");
  // A new date without a reason is refused inside the dialog, which stays open.
  click(app, "new_date.save");
  CHECK(app.state().dialog.kind == Dialog::Kind::new_date);
  CHECK_FALSE(app.state().dialog.error.empty());
  click(app, "new_date.reason");
  type(app, "the used-car desk confirmed the transfer");
  CHECK(app.state().dialog.note == "the used-car desk confirmed the transfer");
  click(app, "new_date.save");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  CHECK(app.state().dialog.kind == Dialog::Kind::none);

  // d and r on the kit car: the suggestion and the held renewal ask first.
  h.platform.fragment = "/customer/c-kitcar";
  frame(app);
  frame(app);
  REQUIRE(app.state().customer == "c-kitcar");
  type(app, "d");
  CHECK(app.state().dialog.kind == Dialog::Kind::dismiss);
  key(app, kEscape);
  type(app, "r");
  CHECK(app.state().dialog.kind == Dialog::Kind::release);
  type(app, "checked with underwriting");  // the note field has the keyboard
  CHECK(app.state().dialog.note == "checked with underwriting");
  click(app, "release.confirm");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  CHECK(app.state().toast.text.rfind("Released", 0) == 0);
}

TEST_CASE("search: / focuses the box; typing narrows My customers to cases and promises too") {
  Harness h("search", 1.0f, "m-anna");
  App& app = h.app;
  CHECK(count_prefix(app, "row.") == 6);
  type(app, "/");
  frame(app);
  type(app, "hinge");
  CHECK(app.state().query.search == "hinge");
  CHECK(count_prefix(app, "row.") == 1);
  CHECK(control(app, "row.c-wardrobe"));
  key(app, kEscape);  // Esc in the box: back to no search
  CHECK(app.state().query.search.empty());
  CHECK(count_prefix(app, "row.") == 6);
  click(app, "filter.overdue");
  CHECK_MESSAGE(count_prefix(app, "row.") == 1, app.state().query.search);
  CHECK(control(app, "row.c-bike"));
}

TEST_CASE("team lead: every manager's load, and reassigning a customer") {
  Harness h("lead", 1.0f, "m-lena");
  App& app = h.app;
  click(app, "nav.lead");
  CHECK(app.probe().view == "lead");
  CHECK(h.platform.fragment == "/lead");
  CHECK(control(app, "lead.row.m-anna"));
  CHECK(control(app, "lead.row.m-ben"));
  click(app, "lead.reassign.search");
  type(app, "sofie");
  click(app, "lead.reassign.customer.c-fairy");
  click(app, "lead.reassign.to.m-ben");
  click(app, "lead.reassign.confirm");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message << " " << app.state().reassign_customer << " " << app.state().reassign_to);
  for (const Customer& c : h.session().slice().customers)
    if (c.id == "c-fairy") CHECK(c.owner == "m-ben");
  // A manager's address for the team view falls back to Today.
  Harness m("lead_manager", 1.0f, "m-ben");
  m.platform.fragment = "/lead";
  frame(m.app);
  frame(m.app);
  CHECK(m.app.probe().view == "today");
}

// The words a control said in the last frame ("" when it was not drawn).
std::string said(const App& app, std::string_view name) {
  for (const auto& [n, text] : app.probe().texts)
    if (n == name) return text;
  return "";
}

TEST_CASE("team lead: a spreadsheet's problems by row and column, the mapping changed, then imported") {
  Harness h("lead_csv", 1.0f, "m-lena");
  App& app = h.app;
  click(app, "nav.lead");
  CHECK_FALSE(control(app, "lead.csv.open"));  // folded until asked for
  click(app, "lead.csv.toggle");
  click(app, "lead.csv.path");
  type(app, "team.csv");
  h.platform.file_text =
      "id,name,owner,Manager,stage,preferred_channel,since\r\n"
      "c-sheet-1,Sheet One,m-zed,m-anna,active,email,2026-11-01\r\n"
      "c-sheet-2,\"Two, Ltd\",m-ben,m-ben,Prospect,phone,2026-11-02\r\n";
  click(app, "lead.csv.open");
  CHECK(h.platform.picked == std::vector<std::string>{"team.csv"});
  // The default mapping takes "owner": row 2's manager does not exist. Nothing to import.
  CHECK(said(app, "lead.csv.map.owner") == "owner");
  CHECK(said(app, "lead.csv.problem.0") ==
        "row 2, column \"owner\" (owner): no manager \"m-zed\" in the document or the store");
  CHECK(said(app, "lead.csv.status").rfind("1 problem: nothing will be imported", 0) == 0);
  const std::size_t before = h.session().slice().customers.size();
  click(app, "lead.csv.import");  // disabled
  CHECK(h.session().slice().customers.size() == before);
  // The lead takes the owner from the "Manager" column instead (the mapping's combo).
  app.state().csv.mapping = {{"owner", "Manager"}};
  frame(app);
  CHECK(said(app, "lead.csv.map.owner") == "Manager");
  CHECK(said(app, "lead.csv.status") == "2 customers: 2 new, 0 changed, 0 unchanged");
  CHECK(said(app, "lead.csv.line.1") == "row 3: c-sheet-2: new");
  click(app, "lead.csv.import");
  REQUIRE_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  CHECK(app.last_outcome().message == "imported 2 records from team.csv");
  CHECK(h.session().slice().customers.size() == before + 2);
  for (const Customer& c : h.session().slice().customers)
    if (c.id == "c-sheet-2") CHECK((c.owner == "m-ben" && c.name == "Two, Ltd" && c.stage == Stage::prospect));
  CHECK_FALSE(h.session().can_undo());  // an import is not undone (customers are never deleted)
  CHECK(app.state().csv.text.empty());  // the panel is ready for the next sheet
  // A manager may not import: the action is refused.
  Harness m("csv_manager", 1.0f, "m-ben");
  const Outcome o = m.app.data().apply(ImportRecords{Book{}, "x.csv"}, *parse_time("2026-11-23T09:00Z"));
  CHECK(o.message == "only a team lead can import a spreadsheet");
}

TEST_CASE("status line: 'saved on this device' only when the platform says so") {
  Harness h("status", 1.0f, "m-anna");
  CHECK(control(h.app, "status.saved"));
  h.platform.state = PersistState::saving;
  frame(h.app);
  CHECK(control(h.app, "status.saved"));  // the same place, another text (see draw_status)
}

TEST_CASE("status line: whether the browser keeps this device's storage, once it has answered") {
  Harness h("status_storage", 1.0f, "m-anna");
  CHECK(control(h.app, "status.storage"));  // persistent: "Storage: kept"
  h.platform.grant = StorageGrant::unknown;
  frame(h.app);
  CHECK_FALSE(control(h.app, "status.storage"));
  CHECK(control(h.app, "status.saved"));
  h.platform.grant = StorageGrant::best_effort;
  frame(h.app);
  const ControlRect* storage = control(h.app, "status.storage");
  const ControlRect* saved = control(h.app, "status.saved");
  REQUIRE(storage);
  REQUIRE(saved);
  CHECK(storage->x + storage->w <= saved->x);  // left of the saved state, not over it
}

TEST_CASE("a 2,000-customer book: only the visible rows are built, and the cursor scrolls into view") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = kInter;
  REQUIRE(app.init(cfg));
  map_keys();
  const std::string path = fresh_db("big");
  OpenOptions o;
#ifdef __EMSCRIPTEN__
  o.journal_mode = "DELETE";
#endif
  auto store = Store::open(path, o);
  REQUIRE(store.ok());
  SyntheticSpec spec;
  spec.customers = 2000;  // enough to need the clipper; the benchmark runs 10,000
  spec.touchpoints_per_customer = 4;
  spec.now = p.now();
  REQUIRE(store->import_document(generate_book(spec), Stamp{"import", p.now()}).ok());
  ControllerConfig cc;
  REQUIRE(app.data().open_store(std::move(store.value()), cc, p.now()));
  REQUIRE(app.sign_in("m-lead"));
  frame(app);
  frame(app);
  const int rows = count_prefix(app, "row.");
  CHECK(rows > 5);
  CHECK(rows < 60);
  key(app, kPageDown);
  key(app, kPageDown);
  CHECK(app.state().cursor == 20);
  for (int i = 0; i < 30; ++i) key(app, kPageDown);
  CHECK(app.state().cursor == 320);
  frame(app);
  // The row under the cursor is drawn (scrolled into view).
  const auto& lists = app.data().session()->lists();
  const auto& today = app.data().today(app.state().query, p.now());
  const std::string id = lists.customers[static_cast<std::size_t>(today.rows[320])].id;
  CHECK(control(app, "row." + id));
}

TEST_CASE("the theme toggle switches light and dark") {
  Harness h("theme", 1.0f, "m-anna");
  const ImVec4 light_bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  click(h.app, "theme.toggle");
  CHECK(h.app.state().theme == Theme::dark);
  CHECK(h.app.probe().theme == "dark");
  CHECK(ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < light_bg.x);
}

TEST_CASE("missing fonts fall back instead of failing; an App needs a platform") {
  RecordingPlatform p;
  App app;
  AppConfig cfg;
  cfg.platform = &p;
  cfg.font_dir = "/nonexistent";
  REQUIRE(app.init(cfg));
  CHECK(app.fonts().source != "Inter");
  frame(app);
  CHECK(app.probe().view == "sign-in");
  App none;
  CHECK_FALSE(none.init(AppConfig{}));
}

TEST_CASE("fragments and mail links") {
  UiState s;
  CHECK(apply_fragment("#/lead", s));
  CHECK(s.view == View::lead);
  CHECK(to_fragment(s) == "/lead");
  CHECK(apply_fragment("/customer/c-1", s));
  CHECK(s.view == View::customer);
  CHECK(s.customer == "c-1");
  CHECK(to_fragment(s) == "/customer/c-1");
  CHECK_FALSE(apply_fragment("/nowhere", s));
  CHECK(s.view == View::customer);
  CHECK(mailto_url("a@b.example", "Order 4471: new date", "Hello & bye") ==
        "mailto:a@b.example?subject=Order%204471%3A%20new%20date&body=Hello%20%26%20bye");
}

// What a window's callbacks do for a key tapped while a frame is slow: down and up
// (and the character it types) all arrive before the next frame.
void tap(App& app, int slot, unsigned int ch = 0) {
  app.key_event(slot, true);
  if (ch) app.char_event(ch);
  app.key_event(slot, false);
}

// Frames until the App's input queue has handed everything to ImGui.
int drain(App& app) {
  int frames = 0;
  while (app.input_pending() && frames < 1000) {
    frame(app);
    ++frames;
  }
  frame(app);
  return frames;
}

TEST_CASE("a key tapped between two frames (down and up before the next) still acts, once") {
  Harness h("tap", 1.0f, "m-anna");
  App& app = h.app;
  ImGuiIO& io = ImGui::GetIO();
  tap(app, kEnter);
  frame(app);
  CHECK(app.probe().view == "customer");
  CHECK(app.state().customer == "c-bike");
  // A tap of Esc the same way goes back; the next frames change nothing more.
  tap(app, kEscape);
  frame(app);
  CHECK(app.probe().view == "today");
  frame(app);
  frame(app);
  CHECK(app.probe().view == "today");
  CHECK(app.state().cursor == 0);
  CHECK_FALSE(io.KeysDown[kEnter]);  // each was down for its one frame only
  CHECK_FALSE(io.KeysDown[kEscape]);
  CHECK_FALSE(app.input_pending());
  // A key held across frames stays down until it is released.
  app.key_event(kDown, true);
  frame(app);
  frame(app);
  CHECK(io.KeysDown[kDown]);
  app.key_event(kDown, false);
  frame(app);
  CHECK_FALSE(io.KeysDown[kDown]);
}

TEST_CASE("keys and characters that arrive together act in the order they were typed") {
  Harness h("typed_order", 1.0f, "m-anna");
  App& app = h.app;
  // "j" then Enter before one frame: the cursor moves, then Enter opens the second
  // customer (ImGui alone would see Enter first, then the character).
  const std::string second = [&] {
    frame(app);
    std::vector<std::string> rows;
    for (const ControlRect& c : app.probe().controls)
      if (c.name.rfind("row.", 0) == 0) rows.push_back(c.name.substr(4));
    REQUIRE(rows.size() >= 2);
    return rows[1];
  }();
  tap(app, kJ, 'j');
  tap(app, kEnter);
  CHECK(drain(app) >= 2);
  CHECK(app.probe().view == "customer");
  CHECK(app.state().customer == second);
  tap(app, kEscape);
  drain(app);
  CHECK(app.probe().view == "today");

  // In a text field: Ctrl+A, Backspace, then new text, all before one frame, replace
  // what was there (Ctrl still down for A, Backspace before the characters after it).
  type(app, "/");
  frame(app);
  type(app, "wardrobe");
  REQUIRE(app.state().query.search == "wardrobe");
  app.key_event(kLeftControl, true);
  tap(app, kA);
  app.key_event(kLeftControl, false);
  tap(app, kBackspace);
  for (char c : std::string("hinge")) app.char_event(static_cast<unsigned char>(c));
  drain(app);
  CHECK(app.state().query.search == "hinge");
  CHECK_FALSE(ImGui::GetIO().KeyCtrl);
  CHECK(count_prefix(app, "row.") == 1);
  CHECK(control(app, "row.c-wardrobe"));

  // A click that comes after typing does not overtake it: the characters still waiting
  // behind a Backspace land in the search box (which still has the keyboard) before
  // the click moves the keyboard away.
  app.key_event(kLeftControl, true);
  tap(app, kA);
  app.key_event(kLeftControl, false);
  tap(app, kBackspace);
  for (char c : std::string("hinx")) app.char_event(static_cast<unsigned char>(c));
  tap(app, kBackspace);
  for (char c : std::string("ge")) app.char_event(static_cast<unsigned char>(c));
  const ControlRect* chip = control(app, "filter.overdue");
  REQUIRE(chip);
  const ImVec2 at(chip->x + chip->w / 2, chip->y + chip->h / 2);
  app.mouse_button_event(0, true);
  app.mouse_button_event(0, false);
  for (int i = 0; i < 1000 && app.input_pending(); ++i) frame(app, at);
  frame(app, at);
  CHECK(app.state().query.search == "hinge");
  CHECK(app.state().query.severity == vm::SeverityFilter::overdue);
}

// ---------------------------------------------------------------- the screen-reader mirror
namespace {

bool said_starting(const RecordingPlatform& p, std::string_view start) {
  return std::any_of(p.said.begin(), p.said.end(), [&](const std::string& s) { return s.rfind(start, 0) == 0; });
}

// The first key of the mirror's tree that starts with `prefix` and ends with `suffix`.
std::string mirror_key(const App& app, std::string_view prefix, std::string_view suffix) {
  for (const mirror::Node& n : app.mirror().tree().nodes)
    if (n.key.rfind(prefix, 0) == 0 && n.key.size() >= suffix.size() &&
        n.key.compare(n.key.size() - suffix.size(), suffix.size(), suffix) == 0)
      return n.key;
  return {};
}

void mirror_press(App& app, const std::string& key) {
  REQUIRE_MESSAGE(app.mirror().command(key), "the mirror shows no " << key);
  app.mirror_event({MirrorEvent::Kind::activate, key, {}});
  frame(app);
  frame(app);
}

}  // namespace

TEST_CASE("mirror: the seed flows through the mirror's buttons alone (open, send, kept, release, undo)") {
  Harness h("mirror", 1.0f, "m-anna");
  App& app = h.app;
  h.platform.mirror_on = true;
  frame(app);
  REQUIRE(h.platform.mirror_json.size() == 1);  // the whole Today once
  frame(app);
  frame(app);
  CHECK(h.platform.mirror_json.size() == 1);  // and nothing more while nothing changes
  CHECK(h.platform.focus.rfind("row.", 0) == 0);  // the selected row

  // Open a customer, send its suggestion: the dialog takes the focus, typing reaches the draft.
  mirror_press(app, "row.c-bike.open");
  CHECK(app.probe().view == "customer");
  mirror_press(app, "suggestion.p-bike.send");
  REQUIRE(app.state().dialog.kind == Dialog::Kind::compose);
  CHECK(h.platform.focus == "dialog.field.subject");
  app.mirror_event({MirrorEvent::Kind::input, "dialog.field.subject", "Your bike, this week"});
  frame(app);
  CHECK(app.state().dialog.subject == "Your bike, this week");
  mirror_press(app, "dialog.button.submit");
  CHECK(app.last_outcome().ok);
  CHECK_FALSE(h.has_suggestion("p-bike"));
  CHECK(said_starting(h.platform, "Sent"));
  CHECK(h.platform.focus.rfind("dialog.", 0) != 0);  // the focus came back out of the dialog

  // Mark the promise kept: the same action as the canvas's K, announced.
  const std::string kept = mirror_key(app, "promise.", ".kept");
  REQUIRE_FALSE(kept.empty());
  mirror_press(app, kept);
  CHECK(app.last_outcome().ok);
  CHECK(said_starting(h.platform, "Kept: "));
  CHECK_FALSE(app.mirror().command(kept));  // it left the open promises

  // Undo brings it back.
  mirror_press(app, "toast.undo");
  CHECK(app.last_outcome().ok);
  CHECK(app.mirror().command(kept));

  // A held message from Today's card: open, release with a note.
  mirror_press(app, "nav.today");
  const std::string held = mirror_key(app, "area.held.", ".open");
  REQUIRE_FALSE(held.empty());
  mirror_press(app, held);
  const std::string release = mirror_key(app, "held.", ".release");
  REQUIRE_FALSE(release.empty());
  mirror_press(app, release);
  REQUIRE(app.state().dialog.kind == Dialog::Kind::release);
  mirror_press(app, "dialog.choice.note:Checked: the timing is right");
  CHECK(app.state().dialog.note == "Checked: the timing is right");
  mirror_press(app, "dialog.button.submit");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  CHECK(app.state().dialog.kind == Dialog::Kind::none);
  CHECK_FALSE(app.mirror().command(release));
}

TEST_CASE("mirror: focus in the mirror moves the app's cursor; Esc-less cancel closes the dialog") {
  Harness h("mirror_focus", 1.0f, "m-anna");
  App& app = h.app;
  h.platform.mirror_on = true;
  frame(app);
  const std::string third = mirror_key(app, "row.", ".open");
  // Focus the last row's button: the cursor follows it.
  std::string last;
  for (const mirror::Node& n : app.mirror().tree().nodes)
    if (n.key.rfind("row.", 0) == 0 && n.role == mirror::Role::button) last = n.key;
  app.mirror_event({MirrorEvent::Kind::focus, last, {}});
  frame(app);
  const int rows = static_cast<int>(app.data().today(app.state().query, h.platform.now()).rows.size());
  CHECK(app.state().cursor == rows - 1);
  // A dialog opened and cancelled from the mirror.
  mirror_press(app, "row.c-bike.open");
  mirror_press(app, "c.log_call");
  REQUIRE(app.state().dialog.kind == Dialog::Kind::log_call);
  mirror_press(app, "dialog.choice.dir:in");
  CHECK(app.state().dialog.direction == Direction::in);
  mirror_press(app, "dialog.button.cancel");
  CHECK(app.state().dialog.kind == Dialog::Kind::none);
  (void)third;
}

TEST_CASE("themes: light, dark, high contrast in turn; the high-contrast text is black on white") {
  Harness h("themes", 1.0f, "m-anna");
  App& app = h.app;
  click(app, "theme.toggle");
  CHECK(app.probe().theme == "dark");
  click(app, "theme.toggle");
  CHECK(app.probe().theme == "high-contrast");
  const ImVec4 text = ImGui::GetStyle().Colors[ImGuiCol_Text], bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  CHECK(text.x == 0.0f);
  CHECK(bg.x == 1.0f);
  CHECK(ImGui::GetStyle().FrameBorderSize == 1.0f);
  click(app, "theme.toggle");
  CHECK(app.probe().theme == "light");
}

TEST_CASE("team lead on a device of its own: the source events panel says they arrive on the server") {
  Harness h("lead_unmatched", 1.0f, "m-lena");
  App& app = h.app;
  click(app, "nav.lead");
  CHECK(said(app, "lead.unmatched.status") ==
        "Source events (Stripe, Shopify, Zendesk) arrive on the server; this device works on its own.");
  CHECK_FALSE(control(app, "lead.unmatched.refresh"));  // nothing to ask
  CHECK(app.data().unmatched_panel().rows.empty());
}

TEST_CASE("mirror: a lead reassigns a customer through the mirror alone (search, customer, new owner, confirm)") {
  Harness h("mirror_reassign", 1.0f, "m-lena");
  App& app = h.app;
  h.platform.mirror_on = true;
  frame(app);
  mirror_press(app, "nav.lead");
  CHECK(app.probe().view == "lead");
  CHECK_FALSE(app.mirror().command("lead.reassign.confirm"));  // nothing chosen yet: no button
  app.mirror_event({MirrorEvent::Kind::input, "lead.reassign.search", "sofie"});
  frame(app);
  frame(app);
  CHECK(app.state().reassign_search == "sofie");
  mirror_press(app, "lead.reassign.customer.c-fairy");
  CHECK(app.state().reassign_customer == "c-fairy");
  CHECK((app.mirror().tree().find("lead.reassign.customer.c-fairy")->flags & mirror::kPressed));
  mirror_press(app, "lead.reassign.to.m-ben");
  CHECK(app.state().reassign_to == "m-ben");
  const mirror::Node* question = app.mirror().tree().find("lead.reassign.question");
  REQUIRE(question);
  CHECK(question->name.find("to Ben") != std::string::npos);
  mirror_press(app, "lead.reassign.confirm");
  CHECK_MESSAGE(app.last_outcome().ok, app.last_outcome().message);
  for (const Customer& c : h.session().slice().customers)
    if (c.id == "c-fairy") CHECK(c.owner == "m-ben");
  CHECK(app.state().reassign_customer.empty());  // as the canvas's button leaves it
}

TEST_CASE("mirror: the customers table sorts by its header buttons and filters by stage, like the canvas") {
  Harness h("mirror_sort", 1.0f, "m-anna");
  App& app = h.app;
  h.platform.mirror_on = true;
  frame(app);
  // The urgency column is the sorted one to begin with.
  CHECK((app.mirror().tree().find("customers.head.2")->flags & mirror::kSortAscending));
  CHECK(said(app, "today.sort.arrow") == "urgency up");
  mirror_press(app, "customers.head.0.sort");
  CHECK(app.state().query.sort == vm::SortKey::name);
  CHECK_FALSE(app.state().query.descending);
  CHECK((app.mirror().tree().find("customers.head.0")->flags & mirror::kSortAscending));
  // The canvas's header arrow follows (ImGui keeps a sort state of its own per table).
  frame(app);
  frame(app);
  CHECK(said(app, "today.sort.arrow") == "name up");
  CHECK(app.state().query.sort == vm::SortKey::name);
  CHECK((app.mirror().tree().find("customers.head.2")->flags & (mirror::kSortAscending | mirror::kSortDescending)) == 0);
  // The rows follow the order: names ascending, then descending on a second press.
  auto names = [&] {
    std::vector<std::string> out;
    for (const mirror::Node& n : app.mirror().tree().nodes)
      if (n.key.starts_with("row.") && n.key.ends_with(".open")) out.push_back(n.name);
    return out;
  };
  std::vector<std::string> shown = names();
  REQUIRE(shown.size() > 2);
  CHECK(std::is_sorted(shown.begin(), shown.end()));
  mirror_press(app, "customers.head.0.sort");
  CHECK(app.state().query.descending);
  frame(app);
  frame(app);
  CHECK(said(app, "today.sort.arrow") == "name down");
  CHECK(app.state().query.descending);
  CHECK((app.mirror().tree().find("customers.head.0")->flags & mirror::kSortDescending));
  shown = names();
  CHECK(std::is_sorted(shown.rbegin(), shown.rend()));
  // Stage: only the former customers, then every stage again.
  const std::size_t all = shown.size();
  mirror_press(app, "customers.stage.2");
  REQUIRE(app.state().query.stage);
  CHECK(*app.state().query.stage == Stage::former);
  CHECK((app.mirror().tree().find("customers.stage.2")->flags & mirror::kPressed));
  for (const mirror::Node& n : app.mirror().tree().nodes)
    if (n.key.starts_with("row.") && n.key.ends_with(".c1")) CHECK(n.name.starts_with("Former"));
  CHECK(names().size() < all);
  mirror_press(app, "customers.stage.all");
  CHECK_FALSE(app.state().query.stage);
  CHECK(names().size() == all);
}

TEST_CASE("mirror: the keys help opens from the banner as a dialog and closes; the notices panel as a dialog") {
  Harness h("mirror_help", 1.0f, "m-anna");
  App& app = h.app;
  h.platform.mirror_on = true;
  frame(app);
  mirror_press(app, "banner.help");
  CHECK(app.state().help);
  const mirror::Node* d = app.mirror().tree().find("dialog");
  REQUIRE(d);
  CHECK(d->name == "Keyboard");
  CHECK(h.platform.focus == "dialog.button.help.close");
  bool kept_line = false;
  for (const mirror::Node& n : app.mirror().tree().nodes) kept_line |= n.name.starts_with("K: mark a promise as kept");
  CHECK(kept_line);
  mirror_press(app, "dialog.button.help.close");
  CHECK_FALSE(app.state().help);
  CHECK_FALSE(app.mirror().tree().find("dialog"));
  // The notices panel (opened by the canvas's status button; here by its state).
  app.state().notices_open = true;
  frame(app);
  frame(app);
  d = app.mirror().tree().find("dialog");
  REQUIRE(d);
  CHECK(d->name == "What sync has to tell you");
  mirror_press(app, "dialog.button.notices.close");
  CHECK_FALSE(app.state().notices_open);
}

TEST_CASE("mirror: a sync notice's words and its buttons (open its customer, dismiss it), Close first") {
  SyncNotice n;
  n.seq = 7;
  n.at = 0;
  n.kind = "refused";
  n.customer = "c-bike";
  n.message = "Your new date for the bike was not applied: the customer moved to Ben.";
  const mirror::Form f = ui::notices_form({n}, 3600 * 1000);
  REQUIRE(f.lines.size() == 1);
  CHECK(f.lines[0].starts_with("Not applied"));
  CHECK(f.lines[0].ends_with(n.message));
  REQUIRE(f.choices.size() == 2);
  CHECK(f.choices[0].control == "notice.open:c-bike");
  CHECK(f.choices[1].control == "notice.dismiss:7");
  CHECK(f.choices[1].label == "Dismiss: " + n.message);
  REQUIRE(f.buttons.size() == 2);
  CHECK(f.buttons[0].control == "notices.close");
  CHECK(f.buttons[1].control == "notices.dismiss_all");
  CHECK(ui::notices_form({}, 0).buttons.size() == 1);  // nothing to dismiss: Close only
}
