#pragma once
// Documents mangled the way a bad day mangles them, for the readers' robustness tests:
// one to four edits at pseudo-random places (a byte replaced by one of JSON's own or a
// hostile one, a few bytes cut, a byte inserted), reproducible from the seed.
#include <cstddef>
#include <cstdint>
#include <string>

namespace cockpit::test {

class Mangler {
 public:
  explicit Mangler(std::uint64_t seed) : state_(seed) {}

  std::string operator()(std::string doc) {
    for (int e = 0, edits = 1 + static_cast<int>(next() % 4); e < edits; ++e) {
      const std::size_t at = next() % doc.size();
      switch (next() % 3) {
        case 0: doc[at] = kBytes[next() % (sizeof kBytes - 1)]; break;
        case 1: doc.erase(at, 1 + next() % 8); break;
        default: doc.insert(at, 1, kBytes[next() % (sizeof kBytes - 1)]); break;
      }
      if (doc.empty()) doc = "{";
    }
    return doc;
  }

 private:
  static constexpr char kBytes[] = "{}[]\",:0123456789eE+-.tfn\\u \x01\x7f\xc3\xa9\xff";

  std::size_t next() {  // a 64-bit LCG (Knuth's MMIX constants): the same run on every machine
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state_ >> 33);
  }

  std::uint64_t state_;
};

}  // namespace cockpit::test
