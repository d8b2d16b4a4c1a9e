#include "ui/input_queue.hpp"

#include <imgui.h>

#include <algorithm>
#include <iterator>

namespace cockpit::ui {
namespace {

// GLFW's codes for the modifier keys (GLFW_KEY_LEFT_SHIFT .. GLFW_KEY_RIGHT_SUPER); the
// ui layer does not include GLFW, and both shells pass GLFW codes.
constexpr unsigned kLeftShift = 340, kLeftControl = 341, kLeftAlt = 342, kLeftSuper = 343;
constexpr unsigned kRightShift = 344, kRightControl = 345, kRightAlt = 346, kRightSuper = 347;

}  // namespace

void InputQueue::key(int key, bool down) {
  if (key < 0 || static_cast<std::size_t>(key) >= kKeys) return;
  events_.push_back({Kind::key, static_cast<unsigned>(key), down});
}

void InputQueue::character(unsigned int c) { events_.push_back({Kind::character, c, false}); }

void InputQueue::mouse_button(int button, bool down) {
  if (button < 0 || static_cast<std::size_t>(button) >= kButtons) return;
  owns_mouse_ = true;
  events_.push_back({Kind::mouse, static_cast<unsigned>(button), down});
}

// A press ImGui or the cockpit acts on: a mouse button going down, or a key going down
// that io.KeyMap names (Enter, Esc, arrows, Backspace, the letters of Ctrl shortcuts...).
// Other keys only type characters, which come as their own events.
bool InputQueue::is_press(const Event& e, const ImGuiIO& io) const {
  if (!e.down) return false;
  if (e.kind == Kind::mouse) return !buttons_down_[e.code];
  if (e.kind != Kind::key || keys_down_[e.code]) return false;  // a repeat is no new press
  return std::find(std::begin(io.KeyMap), std::end(io.KeyMap), static_cast<int>(e.code)) != std::end(io.KeyMap);
}

void InputQueue::apply(const Event& e, ImGuiIO& io) {
  switch (e.kind) {
    case Kind::character:
      io.AddInputCharacter(e.code);
      return;
    case Kind::mouse:
      buttons_down_[e.code] = e.down;
      return;
    case Kind::key:
      break;
  }
  keys_down_[e.code] = e.down;
  io.KeysDown[e.code] = e.down;
  if (e.code >= kLeftShift && e.code <= kRightSuper) {
    const auto d = [&](unsigned k) { return keys_down_[k]; };
    io.KeyCtrl = d(kLeftControl) || d(kRightControl);
    io.KeyShift = d(kLeftShift) || d(kRightShift);
    io.KeyAlt = d(kLeftAlt) || d(kRightAlt);
    io.KeySuper = d(kLeftSuper) || d(kRightSuper);
  }
}

void InputQueue::before_frame(ImGuiIO& io) {
  static_assert(sizeof(io.KeysDown) / sizeof(io.KeysDown[0]) == kKeys);
  static_assert(sizeof(io.MouseDown) / sizeof(io.MouseDown[0]) == kButtons);
  const bool all = events_.size() > kBacklog;
  bool pressed = false;  // a press came this frame: all after it waits (its release too)
  bool typed = false;    // characters came this frame: a press after them waits
  while (!events_.empty()) {
    const Event& e = events_.front();
    if (!all) {
      if (pressed) break;
      const bool press = is_press(e, io);
      if (press && typed) break;
      pressed = press;
      typed = typed || e.kind == Kind::character;
    }
    apply(e, io);
    events_.pop_front();
  }
  // The backend polled the buttons as they are now; ImGui gets them as queued.
  if (owns_mouse_)
    for (std::size_t b = 0; b < kButtons; ++b) io.MouseDown[b] = buttons_down_[b];
}

}  // namespace cockpit::ui
