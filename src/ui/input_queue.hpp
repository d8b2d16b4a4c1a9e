#pragma once
// The keyboard and the mouse buttons between the window and ImGui, in the order they
// happened.
//
// ImGui 1.86 (Debian's) reads a key or a button as down or up at each NewFrame, and
// handles the frame's typed characters before its keys (InputText) or after them (the
// cockpit's one-key commands). Events that arrive together between two slow frames (a
// busy machine, a test driving the page) would lose a quick tap, apply Ctrl+A after
// Ctrl was let go, run Backspace before the characters typed ahead of it, or move the
// focus with a click before the text typed into the field before it. So the queue
// hands ImGui one frame's worth at a time: characters, then at most one press (a key
// ImGui reads, with the modifiers as they were, or a mouse button); what follows waits
// for the next frame.
#include <array>
#include <cstddef>
#include <deque>

struct ImGuiIO;

namespace cockpit::ui {

class InputQueue {
 public:
  // From the window's key callback: a key as io.KeysDown indexes it (GLFW key codes in
  // both shells), down for a press or a repeat, up for a release.
  void key(int key, bool down);
  // From the window's character callback: one Unicode code point typed.
  void character(unsigned int c);
  // From the window's mouse button callback (0 left, 1 right, 2 middle, ...). Once a
  // shell feeds buttons here, the queue sets io.MouseDown every frame.
  void mouse_button(int button, bool down);
  // Before ImGui::NewFrame (after the platform backend's): applies this frame's share.
  void before_frame(ImGuiIO& io);
  // Events still waiting: the shell should run the next frame soon, not wait for input.
  bool pending() const { return !events_.empty(); }

 private:
  enum class Kind { key, character, mouse };
  struct Event {
    Kind kind;
    unsigned int code;  // the key, the code point or the button
    bool down;
  };
  static constexpr std::size_t kKeys = 512;   // io.KeysDown's size
  static constexpr std::size_t kButtons = 5;  // io.MouseDown's size
  // A frame that cannot keep up at all (hundreds of events behind) takes them at once,
  // as ImGui alone would, rather than trail the input by seconds.
  static constexpr std::size_t kBacklog = 256;

  bool is_press(const Event& e, const ImGuiIO& io) const;
  void apply(const Event& e, ImGuiIO& io);

  std::deque<Event> events_;
  std::array<bool, kKeys> keys_down_{};  // as applied to ImGui
  std::array<bool, kButtons> buttons_down_{};
  bool owns_mouse_ = false;
};

}  // namespace cockpit::ui
