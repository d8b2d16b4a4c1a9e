#include "ui/key_latch.hpp"

#include <imgui.h>

namespace cockpit::ui {

void KeyLatch::key(int key, bool down) {
  if (key < 0 || key >= kKeys) return;
  down_[static_cast<std::size_t>(key)] = down;
  if (down) pressed_.push_back(key);
}

void KeyLatch::before_frame(ImGuiIO& io) {
  static_assert(sizeof(io.KeysDown) / sizeof(io.KeysDown[0]) == kKeys);
  for (int k : held_) io.KeysDown[k] = down_[static_cast<std::size_t>(k)];
  held_.clear();
  for (int k : pressed_)
    if (!down_[static_cast<std::size_t>(k)]) {  // already up again: seen for one frame
      io.KeysDown[k] = true;
      held_.push_back(k);
    }
  pressed_.clear();
}

}  // namespace cockpit::ui
