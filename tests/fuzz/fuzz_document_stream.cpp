// libFuzzer target: the streaming contract reader (parse_document) against the
// whole-document one (parse_document_dom, its reference). For any text both must give
// the same Book or the same messages, located the same; otherwise the target traps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/document.hpp"

namespace {

bool same_problem(const cockpit::DocumentProblem& a, const cockpit::DocumentProblem& b) {
  return a.list == b.list && a.index == b.index && a.field == b.field && a.problem == b.problem &&
         a.other_index == b.other_index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cockpit::ParseLimits lim;
  lim.max_list = 8;  // small caps, so that short inputs reach the limits' branches too
  lim.max_messages = 6;
  for (const cockpit::ParseLimits& l : {cockpit::ParseLimits{}, lim}) {
    const cockpit::ParsedDocument stream = cockpit::parse_document(text, nullptr, l);
    const cockpit::ParsedDocument dom = cockpit::parse_document_dom(text, nullptr, l);
    if (stream.errors != dom.errors || !(stream.book == dom.book) || stream.left_out != dom.left_out ||
        stream.problems.size() != dom.problems.size())
      __builtin_trap();
    for (std::size_t i = 0; i < dom.problems.size(); ++i)
      if (!same_problem(stream.problems[i], dom.problems[i])) __builtin_trap();
  }
  return 0;
}
