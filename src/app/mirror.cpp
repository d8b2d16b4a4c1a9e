// The mirror's tree, its diff and its wire form (app/mirror.hpp). The builders that
// turn view models into a tree are in mirror_views.cpp.
#include "app/mirror.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "app/app_controller.hpp"

namespace cockpit::mirror {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::root: return "root";
    case Role::banner: return "banner";
    case Role::navigation: return "navigation";
    case Role::main: return "main";
    case Role::region: return "region";
    case Role::heading: return "heading";
    case Role::text: return "text";
    case Role::list: return "list";
    case Role::listitem: return "listitem";
    case Role::table: return "table";
    case Role::row: return "row";
    case Role::colheader: return "colheader";
    case Role::cell: return "cell";
    case Role::button: return "button";
    case Role::textbox: return "textbox";
    case Role::textarea: return "textarea";
    case Role::password: return "password";
    case Role::dialog: return "dialog";
    case Role::status: return "status";
    case Role::alert: return "alert";
  }
  return "text";
}

int Tree::add(int parent, Role role, std::string key, std::string name, Command command) {
  Node n;
  n.key = std::move(key);
  n.role = role;
  n.name = std::move(name);
  n.parent = parent;
  if (!std::holds_alternative<std::monostate>(command)) n.command = std::make_shared<const Command>(std::move(command));
  nodes.push_back(std::move(n));
  return static_cast<int>(nodes.size()) - 1;
}

int add_region(Tree& t, int parent, const std::string& key, const std::string& title, int count) {
  const int r = t.add(parent, Role::region, key, title);
  const int h = t.add(r, Role::heading, key + ".h", count < 0 ? title : title + ": " + std::to_string(count));
  t.nodes[static_cast<std::size_t>(h)].level = 2;
  return r;
}

const Node* Tree::find(std::string_view key) const {
  for (const Node& n : nodes)
    if (n.key == key) return &n;
  return nullptr;
}

bool Tree::reuse(int parent, const std::string& key, std::uint64_t sig) {
  const int here = static_cast<int>(nodes.size());
  blocks.push_back({key, sig, here, 0, -1, false});
  if (!previous) return false;
  std::vector<Block>& old = previous->blocks;
  int at = -1;
  if (prev_next_ < old.size() && old[prev_next_].key == key) {
    at = static_cast<int>(prev_next_);
  } else {
    if (prev_index_.empty())
      for (std::size_t i = 0; i < old.size(); ++i) prev_index_.emplace(old[i].key, static_cast<int>(i));
    auto it = prev_index_.find(key);
    if (it != prev_index_.end()) at = it->second;
  }
  if (at < 0) return false;
  Block& b = old[static_cast<std::size_t>(at)];
  prev_next_ = static_cast<std::size_t>(at) + 1;
  if (b.taken || b.sig != sig) return false;
  const Node& old_root = previous->nodes[static_cast<std::size_t>(b.root)];
  const std::string_view old_parent =
      old_root.parent < 0 ? std::string_view() : std::string_view(previous->nodes[static_cast<std::size_t>(old_root.parent)].key);
  if (parent < 0 || old_parent != nodes[static_cast<std::size_t>(parent)].key) return false;
  // Same key, parent and inputs: the same nodes. Move them (no string is copied).
  b.taken = true;
  for (int k = 0; k < b.size; ++k) {
    Node& n = previous->nodes[static_cast<std::size_t>(b.root + k)];
    const int p = k == 0 ? parent : n.parent - b.root + here;
    nodes.push_back(std::move(n));
    nodes.back().parent = p;
  }
  blocks.back().size = b.size;
  blocks.back().from = b.root;
  return true;
}

void Tree::finish() {
  for (Block& b : blocks) {
    if (b.from >= 0) continue;
    // Pre-order: the subtree of `root` is the run after it whose parents are inside it.
    int end = b.root + 1;
    while (end < static_cast<int>(nodes.size()) && nodes[static_cast<std::size_t>(end)].parent >= b.root) ++end;
    b.size = end - b.root;
  }
  previous = nullptr;
  prev_next_ = 0;
  prev_index_.clear();
}

// ============================================================ diff
namespace {

using Index = std::unordered_map<std::string_view, int>;

// The old nodes a key is looked up among: those not moved into the new tree (a moved
// node's key is gone from the old tree; the diff knows where it went).
Index index_of(const Tree& t, const std::vector<std::uint8_t>& taken) {
  Index idx;
  idx.reserve((t.nodes.size() - static_cast<std::size_t>(std::count(taken.begin(), taken.end(), 1))) * 2);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if (!taken[i]) idx.emplace(t.nodes[i].key, static_cast<int>(i));
  return idx;
}

std::string_view parent_key(const Tree& t, const Node& n) {
  return n.parent < 0 ? std::string_view() : std::string_view(t.nodes[static_cast<std::size_t>(n.parent)].key);
}

// Each node's children, in order (index -1's: the roots), but none inside a block moved
// over whole (`inside`): their order is the old one.
std::vector<std::vector<int>> children_of(const Tree& t, const std::vector<std::uint8_t>& inside) {
  std::vector<std::vector<int>> out(t.nodes.size() + 1);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    if (!inside[i]) out[static_cast<std::size_t>(t.nodes[i].parent + 1)].push_back(static_cast<int>(i));
  return out;
}

// Positions (into `seq`) of a longest strictly increasing subsequence: the kept
// children that may stay where they are; the others move.
std::vector<bool> stays(const std::vector<int>& seq) {
  std::vector<int> tails, tail_at, prev(seq.size(), -1);
  for (std::size_t i = 0; i < seq.size(); ++i) {
    auto it = std::lower_bound(tails.begin(), tails.end(), seq[i]);
    const std::size_t len = static_cast<std::size_t>(it - tails.begin());
    if (it == tails.end()) {
      tails.push_back(seq[i]);
      tail_at.push_back(static_cast<int>(i));
    } else {
      *it = seq[i];
      tail_at[len] = static_cast<int>(i);
    }
    prev[i] = len > 0 ? tail_at[len - 1] : -1;
  }
  std::vector<bool> keep(seq.size(), false);
  for (int i = tail_at.empty() ? -1 : tail_at.back(); i >= 0; i = prev[static_cast<std::size_t>(i)])
    keep[static_cast<std::size_t>(i)] = true;
  return keep;
}

}  // namespace

namespace {

// Which new node is an old one (same key, role and parent) and which old ones stay.
struct Match {
  std::vector<int> old_of;     // per new node: its old index, or -1 (inserted)
  std::vector<std::uint8_t> old_kept;  // per old node
  std::vector<std::uint8_t> same;      // per new node: moved over in a block (unchanged, in order)
  std::vector<std::uint8_t> inside;    // per new node: below the root of such a block
};

// The blocks moved over whole map to their old nodes directly; the other nodes by key.
Match match(const Tree& before, const Tree& after) {
  Match m{std::vector<int>(after.nodes.size(), -1), std::vector<std::uint8_t>(before.nodes.size(), 0),
          std::vector<std::uint8_t>(after.nodes.size(), 0), std::vector<std::uint8_t>(after.nodes.size(), 0)};
  std::vector<std::uint8_t> taken(before.nodes.size(), 0);
  for (const Block& b : after.blocks)
    if (b.from >= 0) std::fill_n(taken.begin() + b.from, b.size, 1);
  const Index old_idx = index_of(before, taken);
  std::size_t next_block = 0;
  for (std::size_t i = 0; i < after.nodes.size(); ++i) {
    const Node& n = after.nodes[i];
    while (next_block < after.blocks.size() && after.blocks[next_block].root < static_cast<int>(i)) ++next_block;
    if (next_block < after.blocks.size() && after.blocks[next_block].root == static_cast<int>(i) &&
        after.blocks[next_block].from >= 0) {
      const Block& b = after.blocks[next_block];
      // Kept when its parent is; else its old copy goes with its old parent and it is new.
      if (m.old_of[static_cast<std::size_t>(n.parent)] >= 0)
        for (int k = 0; k < b.size; ++k) {
          m.old_of[i + static_cast<std::size_t>(k)] = b.from + k;
          m.old_kept[static_cast<std::size_t>(b.from + k)] = 1;
          m.same[i + static_cast<std::size_t>(k)] = 1;
          m.inside[i + static_cast<std::size_t>(k)] = k > 0;
        }
      i += static_cast<std::size_t>(b.size) - 1;
      continue;
    }
    auto it = old_idx.find(n.key);
    if (it == old_idx.end()) continue;
    const Node& o = before.nodes[static_cast<std::size_t>(it->second)];
    const bool parent_kept = n.parent < 0 ? o.parent < 0 : m.old_of[static_cast<std::size_t>(n.parent)] >= 0;
    if (o.role == n.role && parent_kept && parent_key(before, o) == parent_key(after, n)) {
      m.old_of[i] = it->second;
      m.old_kept[static_cast<std::size_t>(it->second)] = 1;
    }
  }
  return m;
}

// Per parent: its children from last to first, each inserted or moved (when not on the
// longest run that keeps its old order) before its already placed next sibling.
void place_children(const Tree& after, const Match& m, const std::vector<int>& ch, const std::string& parent,
                    std::vector<Patch>& out) {
  std::vector<int> seq;  // old positions of the kept children, in new order
  std::vector<std::size_t> at;
  for (std::size_t c = 0; c < ch.size(); ++c)
    if (m.old_of[static_cast<std::size_t>(ch[c])] >= 0) {
      seq.push_back(m.old_of[static_cast<std::size_t>(ch[c])]);
      at.push_back(c);
    }
  const std::vector<bool> keep = stays(seq);
  std::vector<bool> moved(ch.size(), false);
  for (std::size_t s = 0; s < seq.size(); ++s) moved[at[s]] = !keep[s];
  for (std::size_t c = ch.size(); c-- > 0;) {
    const Node& n = after.nodes[static_cast<std::size_t>(ch[c])];
    const bool inserted = m.old_of[static_cast<std::size_t>(ch[c])] < 0;
    if (!inserted && !moved[c]) continue;
    const std::string next = c + 1 < ch.size() ? after.nodes[static_cast<std::size_t>(ch[c + 1])].key : std::string();
    if (inserted) out.push_back({Patch::Op::insert, n.key, parent, next, &n});
    else out.push_back({Patch::Op::move, n.key, parent, next, nullptr});
  }
}

}  // namespace

std::vector<Patch> diff(const Tree& before, const Tree& after) {
  const Match m = match(before, after);
  std::vector<Patch> out;
  // Removals: the topmost old nodes not kept (the page drops their subtrees with them).
  for (std::size_t i = 0; i < before.nodes.size(); ++i) {
    const Node& o = before.nodes[i];
    if (m.old_kept[i]) continue;
    if (o.parent >= 0 && !m.old_kept[static_cast<std::size_t>(o.parent)]) continue;
    out.push_back({Patch::Op::remove, o.key, {}, {}, nullptr});
  }
  for (std::size_t i = 0; i < after.nodes.size(); ++i)
    if (m.old_of[i] >= 0 && !m.same[i] && !after.nodes[i].same_look(before.nodes[static_cast<std::size_t>(m.old_of[i])]))
      out.push_back({Patch::Op::update, after.nodes[i].key, {}, {}, &after.nodes[i]});
  // Per parent in document order (roots first).
  const auto kids = children_of(after, m.inside);
  for (std::size_t p = 0; p < kids.size(); ++p)
    if (!kids[p].empty()) place_children(after, m, kids[p], p == 0 ? std::string() : after.nodes[p - 1].key, out);
  return out;
}

// ============================================================ wire
namespace {

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void patch_json(std::string& out, const Patch& p) {
  static constexpr const char* kOp[] = {"r", "i", "u", "m"};
  out += "{\"o\":\"";
  out += kOp[static_cast<int>(p.op)];
  out += "\",\"k\":";
  json_string(out, p.key);
  if (p.op == Patch::Op::insert || p.op == Patch::Op::move) {
    out += ",\"p\":";
    json_string(out, p.parent);
    out += ",\"b\":";
    json_string(out, p.before);
  }
  if (p.node) {
    out += ",\"r\":";
    json_string(out, role_name(p.node->role));
    out += ",\"n\":";
    json_string(out, p.node->name);
    if (!p.node->value.empty()) {
      out += ",\"v\":";
      json_string(out, p.node->value);
    }
    if (p.node->level) out += ",\"l\":" + std::to_string(p.node->level);
    if (p.node->flags) out += ",\"f\":" + std::to_string(p.node->flags);
  }
  out += '}';
}

}  // namespace

std::string to_json(const Update& u) {
  std::string out = "{\"rev\":" + std::to_string(u.revision) + ",\"focus\":";
  json_string(out, u.focus);
  out += ",\"say\":[";
  for (std::size_t i = 0; i < u.say.size(); ++i) {
    if (i) out += ',';
    json_string(out, u.say[i]);
  }
  out += "],\"patches\":[";
  for (std::size_t i = 0; i < u.patches.size(); ++i) {
    if (i) out += ',';
    patch_json(out, u.patches[i]);
  }
  return out + "]}";
}

std::vector<std::string> announcements(const Screen& before, const Screen& after) {
  std::vector<std::string> say;
  if (!after.toast.empty() && after.toast != before.toast) say.push_back(after.toast);
  if (!after.sync.empty() && after.sync != before.sync) say.push_back(after.sync);
  return say;
}

// ============================================================ Mirror

std::optional<Update> Mirror::update(AppController& data, const Screen& screen, Time now, std::uint64_t remote,
                                     const std::string& remote_words) {
  if (built_ && screen == screen_ && data.revision() == revision_ && remote == remote_) return std::nullopt;
  Update u;
  std::string focus;
  Tree next = build(data, screen, now, focus, &tree_);
  u.patches = diff(tree_, next);
  u.say = built_ ? announcements(screen_, screen) : std::vector<std::string>{};
  if (built_ && remote != remote_ && !remote_words.empty()) u.say.push_back(remote_words);
  if (focus != focus_) u.focus = focus;
  u.revision = data.revision();
  Tree old = std::move(tree_);
  tree_ = std::move(next);  // the patches point into its nodes: moving keeps them
  old.nodes.clear();
  tree_.recycled = std::move(old.nodes);
  screen_ = screen;
  revision_ = data.revision();
  remote_ = remote;
  focus_ = focus;
  built_ = true;
  return u;
}

const Command* Mirror::command(std::string_view key) const {
  const Node* n = tree_.find(key);
  return n ? n->command.get() : nullptr;
}

void Mirror::reset() { *this = Mirror{}; }

}  // namespace cockpit::mirror
