#pragma once
// ImGui 1.86 (Debian's) reads a key as down or up at each NewFrame; a key pressed and
// released between two frames (a quick tap while a frame is slow, a busy machine) would
// never be seen. The latch holds such a press down for exactly one frame.
#include <array>
#include <vector>

struct ImGuiIO;

namespace cockpit::ui {

class KeyLatch {
 public:
  // From the window's key callback: a key index as io.KeysDown counts them.
  void key(int key, bool down);
  // Before ImGui::NewFrame: taps since the last frame are down for this one.
  void before_frame(ImGuiIO& io);

 private:
  static constexpr int kKeys = 512;  // io.KeysDown's size
  std::array<bool, kKeys> down_{};
  std::vector<int> pressed_, held_;
};

}  // namespace cockpit::ui
