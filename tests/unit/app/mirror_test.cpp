// The screen-reader mirror (app/mirror.hpp): the diff by table (each case: the trees
// before and after, the patches expected), every diff replayed on a model of the page
// (web/mirror.js's rules) to give the new tree exactly; then the trees built from the
// demo book's view models, and Mirror::update doing nothing when nothing changed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

#include "app/app_controller.hpp"
#include "app/mirror.hpp"
#include "domain/time.hpp"

using namespace cockpit;
using namespace cockpit::mirror;

namespace {

// A tree from "key>parent:name" items, in document order ("" parent: the root).
// "b=button" sets the role after the name: "k>p:name=button".
Tree tree_of(std::initializer_list<const char*> items) {
  Tree t;
  t.add(-1, mirror::Role::root, "root");
  for (std::string item : items) {
    const auto gt = item.find('>'), colon = item.find(':'), eq = item.find('=');
    const std::string key = item.substr(0, gt), parent = item.substr(gt + 1, colon - gt - 1);
    const std::string name = item.substr(colon + 1, eq == std::string::npos ? std::string::npos : eq - colon - 1);
    const mirror::Role role = eq != std::string::npos && item.substr(eq + 1) == "button" ? mirror::Role::button : mirror::Role::listitem;
    int p = 0;
    for (std::size_t i = 0; i < t.nodes.size(); ++i)
      if (t.nodes[i].key == (parent.empty() ? "root" : parent)) p = static_cast<int>(i);
    t.add(p, role, key, name);
  }
  return t;
}

std::string describe(const std::vector<Patch>& patches) {
  std::ostringstream out;
  for (const Patch& p : patches) {
    switch (p.op) {
      case Patch::Op::remove: out << "-" << p.key; break;
      case Patch::Op::update: out << "~" << p.key; break;
      case Patch::Op::insert: out << "+" << p.key << "@" << p.parent << "<" << p.before; break;
      case Patch::Op::move: out << ">" << p.key << "@" << p.parent << "<" << p.before; break;
    }
    out << " ";
  }
  return out.str();
}

// The page, as web/mirror.js treats it: elements by key, each with its children in
// order and its words.
struct Page {
  struct El {
    std::string parent, name;
    mirror::Role role = mirror::Role::text;
    std::vector<std::string> kids;
  };
  std::map<std::string, El> els;
  std::vector<std::string> top;  // the host's children
  std::vector<std::string>& kids_of(const std::string& parent) { return parent.empty() ? top : els[parent].kids; }
  void drop(const std::string& key) {
    for (const std::string& k : els[key].kids) drop(k);
    els.erase(key);
  }
  void apply(const std::vector<Patch>& patches) {
    for (const Patch& p : patches) {
      if (p.op == Patch::Op::remove) {
        REQUIRE_MESSAGE(els.count(p.key), "remove of an unknown " << p.key);
        auto& sib = kids_of(els[p.key].parent);
        sib.erase(std::find(sib.begin(), sib.end(), p.key));
        drop(p.key);
      } else if (p.op == Patch::Op::update) {
        REQUIRE(els.count(p.key));
        els[p.key].name = p.node->name;
      } else {
        if (p.op == Patch::Op::insert) {
          REQUIRE_MESSAGE(!els.count(p.key), "insert of an existing " << p.key);
          els[p.key] = El{p.parent, p.node->name, p.node->role, {}};
        } else {
          REQUIRE(els.count(p.key));
          auto& old = kids_of(els[p.key].parent);
          old.erase(std::find(old.begin(), old.end(), p.key));
        }
        REQUIRE_MESSAGE((p.parent.empty() || els.count(p.parent)), "no parent " << p.parent << " for " << p.key);
        auto& sib = kids_of(p.parent);
        auto at = p.before.empty() ? sib.end() : std::find(sib.begin(), sib.end(), p.before);
        REQUIRE_MESSAGE((p.before.empty() || at != sib.end()), "no sibling " << p.before << " before " << p.key);
        sib.insert(at, p.key);
      }
    }
  }
  // The page's tree in document order, as "key>parent:name" lines.
  void walk(const std::string& key, std::vector<std::string>& out) {
    const El& e = els[key];
    out.push_back(key + ">" + e.parent + ":" + e.name);
    for (const std::string& k : e.kids) walk(k, out);
  }
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    for (const std::string& k : top) walk(k, out);
    return out;
  }
};

std::vector<std::string> lines_of(const Tree& t) {
  std::vector<std::string> out;
  for (const Node& n : t.nodes)
    out.push_back(n.key + ">" + (n.parent < 0 ? "" : t.nodes[static_cast<std::size_t>(n.parent)].key) + ":" + n.name);
  return out;
}

// The diff of a→b, replayed on a page that shows a, gives b.
void check_replay(const Tree& a, const Tree& b) {
  Page page;
  page.apply(diff(Tree{}, a));
  const std::vector<std::string> shown = page.lines(), want = lines_of(a);
  std::string got_text, want_text;
  for (const auto& l : shown) got_text += l + " ";
  for (const auto& l : want) want_text += l + " ";
  REQUIRE(got_text == want_text);
  page.apply(diff(a, b));
  std::string after_text, b_text;
  for (const auto& l : page.lines()) after_text += l + " ";
  for (const auto& l : lines_of(b)) b_text += l + " ";
  CHECK(after_text == b_text);
}

}  // namespace

TEST_CASE("diff: each change by table, and every diff replayed on the page gives the new tree") {
  struct Case {
    const char* what;
    Tree before, after;
    const char* patches;
  };
  const Case cases[] = {
      {"nothing changed: no patch", tree_of({"a>:A", "b>:B"}), tree_of({"a>:A", "b>:B"}), ""},
      {"words changed: one update", tree_of({"a>:A", "b>:B"}), tree_of({"a>:A", "b>:B2"}), "~b "},
      {"appended: inserted last", tree_of({"a>:A"}), tree_of({"a>:A", "b>:B"}), "+b@root< "},
      {"in the middle: before its next sibling", tree_of({"a>:A", "c>:C"}), tree_of({"a>:A", "b>:B", "c>:C"}),
       "+b@root<c "},
      {"a subtree removed: only its top", tree_of({"a>:A", "b>:B", "b1>b:x", "b2>b:y"}), tree_of({"a>:A"}), "-b "},
      {"last moved first: one move", tree_of({"a>:A", "b>:B", "c>:C"}), tree_of({"c>:C", "a>:A", "b>:B"}),
       ">c@root<a "},
      {"reversed: all but one move", tree_of({"a>:A", "b>:B", "c>:C"}), tree_of({"c>:C", "b>:B", "a>:A"}),
       ">b@root<a >c@root<b "},
      {"another parent: removed and inserted", tree_of({"a>:A", "x>a:X", "b>:B"}), tree_of({"a>:A", "b>:B", "x>b:X"}),
       "-x +x@b< "},
      {"another role: removed and inserted", tree_of({"a>:A"}), tree_of({"a>:A=button"}), "-a +a@root< "},
      {"a new subtree: parent, then its children", tree_of({}), tree_of({"l>:L", "l1>l:1", "l2>l:2"}),
       "+l@root< +l2@l< +l1@l<l2 "},
  };
  for (const Case& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    CHECK(describe(diff(c.before, c.after)) == c.patches);
    check_replay(c.before, c.after);
  }
}

TEST_CASE("diff: shuffles, removals and insertions replay exactly (seeded)") {
  std::mt19937 rng(21);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> keys;
    for (int i = 0; i < 12; ++i) keys.push_back("k" + std::to_string(i));
    auto make = [&](std::vector<std::string> ks, const std::string& tag) {
      Tree t;
      t.add(-1, mirror::Role::root, "root");
      const int list = t.add(0, mirror::Role::list, "list");
      for (const std::string& k : ks) {
        const int li = t.add(list, mirror::Role::listitem, k, k + tag);
        t.add(li, mirror::Role::button, k + ".b", "do " + k);
      }
      return t;
    };
    std::vector<std::string> a = keys, b = keys;
    std::shuffle(a.begin(), a.end(), rng);
    std::shuffle(b.begin(), b.end(), rng);
    a.resize(rng() % 12);
    b.resize(rng() % 12);
    check_replay(make(a, ""), make(b, round % 2 ? "*" : ""));
  }
}

TEST_CASE("wire: the update as JSON, words escaped") {
  Tree t;
  t.add(-1, mirror::Role::root, "root");
  const int b = t.add(0, mirror::Role::button, "k", "Say \"hi\"\n");
  t.nodes[static_cast<std::size_t>(b)].flags = kToggle | kPressed;
  Update u;
  u.patches = diff(Tree{}, t);
  u.focus = "k";
  u.say = {"Kept: \"Bike\""};
  u.revision = 7;
  CHECK(to_json(u) ==
        "{\"rev\":7,\"focus\":\"k\",\"say\":[\"Kept: \\\"Bike\\\"\"],\"patches\":["
        "{\"o\":\"i\",\"k\":\"root\",\"p\":\"\",\"b\":\"\",\"r\":\"root\",\"n\":\"\"},"
        "{\"o\":\"i\",\"k\":\"k\",\"p\":\"root\",\"b\":\"\",\"r\":\"button\",\"n\":\"Say \\\"hi\\\"\\n\",\"f\":3}]}");
}

TEST_CASE("announcements: a new toast, a new sync state; nothing when they stay") {
  Screen a, b;
  CHECK(announcements(a, b).empty());
  b.toast = "Kept: \"Bike delivered\"";
  b.sync = "Offline  \xC2\xB7  1 waiting";
  CHECK(announcements(a, b) == std::vector<std::string>{b.toast, b.sync});
  a = b;
  CHECK(announcements(a, b).empty());
  b.sync = "Live";
  CHECK(announcements(a, b) == std::vector<std::string>{"Live"});
}

namespace {

const Time kMonday = *parse_time("2026-11-23T09:00:00Z");

struct Demo {
  AppController c;
  explicit Demo(const std::string& name, const std::string& who = "m-anna") {
    const std::string path = std::string(COCKPIT_TEST_TMP) + "/mirror_" + name + ".db";
    for (const char* ext : {"", "-wal", "-shm", "-journal", ".identity"}) std::filesystem::remove(path + ext);
    ControllerConfig cfg;
    cfg.db_path = path;
    REQUIRE(c.open(cfg, kMonday));
    REQUIRE(c.sign_in(who, kMonday));
  }
};

int count_role(const Tree& t, mirror::Role r, std::string_view prefix = {}) {
  return static_cast<int>(std::count_if(t.nodes.begin(), t.nodes.end(), [&](const Node& n) {
    return n.role == r && n.key.rfind(prefix, 0) == 0;
  }));
}

}  // namespace

TEST_CASE("build: Today holds the four areas as lists and every customer as a table row with a button") {
  Demo d("today");
  Screen s;
  s.view = Screen::View::today;
  s.cursor = 1;
  std::string focus;
  const Tree t = build(d.c, s, kMonday, focus);
  const vm::TodayModel& m = d.c.today(s.query, kMonday);
  REQUIRE(m.rows.size() > 3);
  CHECK(count_role(t, mirror::Role::row, "row.") == static_cast<int>(m.rows.size()));
  CHECK(count_role(t, mirror::Role::button, "row.") == static_cast<int>(m.rows.size()));
  CHECK(count_role(t, mirror::Role::colheader) == 4);
  for (const char* area : {"area.suggested", "area.overdue", "area.exceptions", "area.held"}) {
    const Node* r = t.find(area);
    REQUIRE_MESSAGE(r, area);
    CHECK(r->role == mirror::Role::region);
  }
  const Node* h = t.find("area.overdue.h");
  REQUIRE(h);
  CHECK(h->name == "Overdue promises: " + std::to_string(m.overdue.count));
  // The row under the cursor is marked and takes the focus; its button opens the customer.
  const std::string second = d.c.today_row(m.rows[1], "").id;
  CHECK(focus == "row." + second + ".open");
  CHECK((t.find("row." + second)->flags & kSelected));
  const auto* open = std::get_if<OpenCustomer>(t.find("row." + second + ".open")->command.get());
  REQUIRE(open);
  CHECK(open->customer == second);
  // Keys are unique.
  std::vector<std::string> keys;
  for (const Node& n : t.nodes) keys.push_back(n.key);
  std::sort(keys.begin(), keys.end());
  CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

TEST_CASE("build: a customer's items with their words, each action a button with the canvas's intent") {
  Demo d("customer");
  Screen s;
  s.view = Screen::View::customer;
  s.customer = "c-bike";
  const vm::CustomerModel& m = d.c.customer("c-bike", kMonday);
  REQUIRE(m.found);
  REQUIRE_FALSE(m.promises.empty());
  s.item_cursor = 0;
  std::string focus;
  const Tree t = build(d.c, s, kMonday, focus);
  CHECK(t.find("c.h")->name == m.name);
  const vm::PromiseView& p = m.promises.front();
  const Node* kept = t.find("promise." + p.id + ".kept");
  REQUIRE(kept);
  CHECK(kept->name == "Kept: " + p.text);
  const auto* in = std::get_if<ItemIntent>(kept->command.get());
  REQUIRE(in);
  CHECK(in->customer == "c-bike");
  CHECK(in->intent.kind == vm::KeyIntent::Kind::kept);
  CHECK(in->intent.promise == 0);
  // Every suggestion has its send button; the cursor's item (the first) takes the focus.
  for (const vm::SuggestionView& sv : m.suggestions) CHECK(t.find("suggestion." + sv.about + ".send"));
  const vm::ActionItem& first = m.items.front();
  CHECK(first.kind == vm::ActionItem::Kind::suggestion);
  CHECK(focus == "suggestion." + m.suggestions.front().about + ".send");
}

TEST_CASE("Mirror::update: the whole tree first, then nothing while nothing changes, then only what changed") {
  Demo d("update");
  Mirror mirror;
  Screen s;
  s.view = Screen::View::today;
  auto first = mirror.update(d.c, s, kMonday);
  REQUIRE(first);
  CHECK(first->patches.size() == mirror.tree().nodes.size());  // every node inserted
  CHECK_FALSE(mirror.update(d.c, s, kMonday));                 // same screen, same data: nothing
  s.cursor = 2;
  auto moved = mirror.update(d.c, s, kMonday);
  REQUIRE(moved);
  CHECK(moved->patches.size() == 2);  // the old row loses the mark, the new row gets it
  CHECK_FALSE(moved->focus.empty());
  s.toast = "Kept: \"Bike delivered\"";
  auto said = mirror.update(d.c, s, kMonday);
  REQUIRE(said);
  CHECK(said->say == std::vector<std::string>{s.toast});
  CHECK(said->focus.empty());  // the selection did not move
  CHECK(mirror.command("nav.today"));
  CHECK_FALSE(mirror.command("no such key"));
}

// Blocks: a subtree whose inputs did not change is moved over from the last tree, and
// the diff skips it; the page still ends up with exactly the new tree.
TEST_CASE("blocks: unchanged rows are moved over, changed ones rebuilt; the diff replays exactly (seeded)") {
  std::mt19937 rng(2121);
  auto make = [](const std::vector<std::pair<std::string, int>>& rows, Tree* previous, int* reused) {
    Tree t;
    t.previous = previous;
    t.add(-1, mirror::Role::root, "root");
    t.add(0, mirror::Role::heading, "h", "Rows: " + std::to_string(rows.size()));
    const int table = t.add(0, mirror::Role::table, "table", "Rows");
    for (const auto& [key, version] : rows) {
      if (t.reuse(table, key, static_cast<std::uint64_t>(version))) {
        ++*reused;
        continue;
      }
      const int row = t.add(table, mirror::Role::row, key);
      t.add(row, mirror::Role::cell, key + ".c0", key + " v" + std::to_string(version));
      t.add(row, mirror::Role::button, key + ".open", "Open " + key);
    }
    t.finish();
    return t;
  };
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<std::string, int>> a, b;
    for (int i = 0; i < 10; ++i) a.push_back({"r" + std::to_string(i), 0});
    std::shuffle(a.begin(), a.end(), rng);
    a.resize(rng() % 10);
    b = a;
    std::shuffle(b.begin(), b.end(), rng);
    for (auto& r : b) r.second = rng() % 3 == 0 ? 1 : 0;  // a third change their words
    if (rng() % 2) b.push_back({"r" + std::to_string(10 + round % 5), 0});
    if (!b.empty() && rng() % 2) b.erase(b.begin());
    int none = 0, reused = 0;
    Tree before = make(a, nullptr, &none);
    Tree replica = make(a, nullptr, &none);  // `before` gives its blocks away: the page is built from a copy
    Page page;
    page.apply(diff(Tree{}, replica));
    Tree after = make(b, &before, &reused);
    page.apply(diff(before, after));
    std::string got, want;
    for (const auto& l : page.lines()) got += l + " ";
    for (const auto& l : lines_of(after)) want += l + " ";
    CHECK(got == want);
    int same = 0;
    for (const auto& r : b)
      same += std::count(a.begin(), a.end(), std::pair<std::string, int>{r.first, 0}) && r.second == 0;
    CHECK(reused == same);  // exactly the rows whose key and inputs stayed
  }
}

TEST_CASE("blocks: Mirror::update moves the unchanged customer rows; a changed cursor rebuilds two") {
  Demo d("blocks");
  Mirror mirror;
  Screen s;
  s.view = Screen::View::today;
  REQUIRE(mirror.update(d.c, s, kMonday));
  const std::size_t rows = d.c.today(s.query, kMonday).rows.size();
  REQUIRE(mirror.tree().blocks.size() == rows);
  s.cursor = 1;
  auto moved = mirror.update(d.c, s, kMonday);
  REQUIRE(moved);
  std::size_t reused = 0;
  for (const Block& b : mirror.tree().blocks) reused += b.from >= 0;
  CHECK(reused == rows - 2);  // the rows that lost and got the cursor were built again
  CHECK(moved->patches.size() == 2);
  // A fresh tree built now equals the one made of moved and rebuilt rows.
  std::string focus;
  const Tree fresh = build(d.c, s, kMonday, focus);
  CHECK(lines_of(fresh) == lines_of(mirror.tree()));
}
