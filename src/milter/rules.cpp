#include "milter/rules.hpp"

namespace cockpit::milter {

namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

// Iterative with one backtrack point (the last `*`): linear in practice and never
// recursive, so a pattern like "*a*a*a*…" against a long subject cannot blow the stack.
bool glob_match(std::string_view p, std::string_view t) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, resume = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      resume = ti;
    } else if (pi < p.size() && (p[pi] == '?' || fold(p[pi]) == fold(t[ti]))) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

const Rule* match_rule(const std::vector<Rule>& rules, std::string_view envelope_from, std::string_view subject) {
  for (const Rule& r : rules) {
    if (!r.from.empty() && !glob_match(r.from, envelope_from)) continue;
    if (!r.subject.empty() && !glob_match(r.subject, subject)) continue;
    return &r;
  }
  return nullptr;
}

}  // namespace cockpit::milter
