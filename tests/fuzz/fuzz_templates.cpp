// libFuzzer target: the message templates (engine/templates.hpp). The input is a
// templates file; each template it yields is filled with values taken from the input
// itself. Parsing never throws; filling never reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/templates.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = cockpit::parse_templates(text);
  if (!parsed.templates) return 0;
  cockpit::Values values;
  for (std::size_t f = 0; f < cockpit::kFieldCount; ++f) values.v[f] = text.substr(0, f * 3);
  for (const auto& t : parsed.templates->items) {
    (void)t.subject.fill(values);
    (void)t.body.fill(values);
  }
  return 0;
}
