// libFuzzer target: the sync protocol's decoders (sync/protocol.hpp), as the server reads
// pushes and the device reads push answers, pulls and live answers. The first byte picks
// the decoder; the rest is the JSON text. Decoding never throws; what decodes encodes
// and decodes again to the same message.
#include <cstddef>
#include <cstdint>

#include "sync/protocol.hpp"

namespace {
using cockpit::sync::json;

template <class T, class Decode>
void round_trip(const json& j, Decode decode) {
  auto d = decode(j);
  if (!d.ok()) return;
  auto again = decode(cockpit::sync::to_json(*d.value));
  if (!again.ok()) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const json j = json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  switch (data[0] % 5) {
    case 0:
      round_trip<cockpit::sync::PushRequest>(j, [](const json& x) { return cockpit::sync::decode_push(x); });
      break;
    case 1:
      round_trip<cockpit::sync::PushResponse>(j, cockpit::sync::decode_push_response);
      break;
    case 2:
      round_trip<cockpit::sync::PullResponse>(j, cockpit::sync::decode_pull);
      break;
    case 3:
      (void)cockpit::sync::decode_live(j);
      break;
    default:
      (void)cockpit::sync::decode_mutation(j);
      break;
  }
  return 0;
}
