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
  n.command = std::move(command);
  nodes.push_back(std::move(n));
  return static_cast<int>(nodes.size()) - 1;
}

const Node* Tree::find(std::string_view key) const {
  for (const Node& n : nodes)
    if (n.key == key) return &n;
  return nullptr;
}

// ============================================================ diff
namespace {

using Index = std::unordered_map<std::string_view, int>;

Index index_of(const Tree& t) {
  Index idx;
  idx.reserve(t.nodes.size() * 2);
  for (std::size_t i = 0; i < t.nodes.size(); ++i) idx.emplace(t.nodes[i].key, static_cast<int>(i));
  return idx;
}

std::string_view parent_key(const Tree& t, const Node& n) {
  return n.parent < 0 ? std::string_view() : std::string_view(t.nodes[static_cast<std::size_t>(n.parent)].key);
}

// Each node's children, in order (index -1's: the roots).
std::vector<std::vector<int>> children_of(const Tree& t) {
  std::vector<std::vector<int>> out(t.nodes.size() + 1);
  for (std::size_t i = 0; i < t.nodes.size(); ++i)
    out[static_cast<std::size_t>(t.nodes[i].parent + 1)].push_back(static_cast<int>(i));
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

std::vector<Patch> diff(const Tree& before, const Tree& after) {
  const Index old_idx = index_of(before);
  // A new node is "kept" when the old tree has its key under the same parent, same role.
  std::vector<int> old_of(after.nodes.size(), -1);
  std::vector<bool> old_kept(before.nodes.size(), false);
  for (std::size_t i = 0; i < after.nodes.size(); ++i) {
    const Node& n = after.nodes[i];
    auto it = old_idx.find(n.key);
    if (it == old_idx.end()) continue;
    const Node& o = before.nodes[static_cast<std::size_t>(it->second)];
    const bool parent_kept = n.parent < 0 ? o.parent < 0 : old_of[static_cast<std::size_t>(n.parent)] >= 0;
    if (o.role == n.role && parent_kept && parent_key(before, o) == parent_key(after, n)) {
      old_of[i] = it->second;
      old_kept[static_cast<std::size_t>(it->second)] = true;
    }
  }
  std::vector<Patch> out;
  // Removals: the topmost old nodes not kept (the page drops their subtrees with them).
  for (std::size_t i = 0; i < before.nodes.size(); ++i) {
    const Node& o = before.nodes[i];
    if (old_kept[i]) continue;
    if (o.parent >= 0 && !old_kept[static_cast<std::size_t>(o.parent)]) continue;
    out.push_back({Patch::Op::remove, o.key, {}, {}, nullptr});
  }
  const auto kids = children_of(after);
  for (std::size_t i = 0; i < after.nodes.size(); ++i)
    if (old_of[i] >= 0 && !after.nodes[i].same_look(before.nodes[static_cast<std::size_t>(old_of[i])]))
      out.push_back({Patch::Op::update, after.nodes[i].key, {}, {}, &after.nodes[i]});
  // Per parent in document order (roots first), children from last to first.
  for (std::size_t p = 0; p < kids.size(); ++p) {
    const std::vector<int>& ch = kids[p];
    std::vector<int> seq;  // old positions of the kept children, in new order
    std::vector<std::size_t> at;
    for (std::size_t c = 0; c < ch.size(); ++c)
      if (old_of[static_cast<std::size_t>(ch[c])] >= 0) {
        seq.push_back(old_of[static_cast<std::size_t>(ch[c])]);
        at.push_back(c);
      }
    const std::vector<bool> keep = stays(seq);
    std::vector<bool> moved(ch.size(), false);
    for (std::size_t s = 0; s < seq.size(); ++s) moved[at[s]] = !keep[s];
    const std::string parent = p == 0 ? std::string() : after.nodes[p - 1].key;
    for (std::size_t c = ch.size(); c-- > 0;) {
      const Node& n = after.nodes[static_cast<std::size_t>(ch[c])];
      const std::string next = c + 1 < ch.size() ? after.nodes[static_cast<std::size_t>(ch[c + 1])].key : std::string();
      if (old_of[static_cast<std::size_t>(ch[c])] < 0) out.push_back({Patch::Op::insert, n.key, parent, next, &n});
      else if (moved[c]) out.push_back({Patch::Op::move, n.key, parent, next, nullptr});
    }
  }
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
  Tree next = build(data, screen, now, focus);
  u.patches = diff(tree_, next);
  u.say = built_ ? announcements(screen_, screen) : std::vector<std::string>{};
  if (built_ && remote != remote_ && !remote_words.empty()) u.say.push_back(remote_words);
  if (focus != focus_) u.focus = focus;
  u.revision = data.revision();
  tree_ = std::move(next);  // the patches point into its nodes: moving keeps them
  screen_ = screen;
  revision_ = data.revision();
  remote_ = remote;
  focus_ = focus;
  built_ = true;
  return u;
}

const Command* Mirror::command(std::string_view key) const {
  const Node* n = tree_.find(key);
  return n ? &n->command : nullptr;
}

void Mirror::reset() { *this = Mirror{}; }

}  // namespace cockpit::mirror
