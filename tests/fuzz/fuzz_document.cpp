// libFuzzer target: the contract document parser (domain/document.hpp). Any text must
// be refused with messages or parsed; a parsed Book must come back unchanged through
// to_json (the codec's promise), or the target traps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cockpit::ParsedDocument parsed = cockpit::parse_document(text);
  if (!parsed.ok()) return 0;
  cockpit::ParsedDocument again = cockpit::parse_document(cockpit::to_json(parsed.book));
  if (!again.ok() || !(again.book == parsed.book)) __builtin_trap();
  return 0;
}
