// The kiosk's window: SDL2 + OpenGL3 + Dear ImGui behind one class, with an event-driven frame loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::platform {

// How the window draws. Both draw the same ImGui frames; they differ in what they load into the
// process and so in memory (docs/benchmarks.md).
enum class Renderer {
  kAuto,    // MINTKIOSK_RENDERER (gl or sdl) when set; else kSdl where this build has it, falling
            // back to kOpenGl when it cannot start
  kOpenGl,  // OpenGL 3.0 (GLSL 130), or GLES 3.0 where only that exists, with ImGui's OpenGL3 backend
  kSdl,     // SDL_Renderer with ImGui's SDL_Renderer backend, on SDL's software renderer unless
            // SDL_RENDER_DRIVER names another: no GL driver (Mesa, LLVM) is loaded at all
};

// "auto", "gl" or "sdl"; nullopt for anything else.
std::optional<Renderer> ParseRenderer(std::string_view name);
// "auto", "gl" or "sdl".
const char* RendererName(Renderer renderer);
// Whether this build can draw with `renderer` (kSdl needs ImGui's SDL_Renderer backend, which
// is compiled from libimgui-dev's example sources when they are installed).
bool RendererAvailable(Renderer renderer);

struct WindowOptions {
  std::string title = "mintkiosk";
  int width = 1280;
  int height = 800;
  bool fullscreen = false;
  float ui_scale = 1.0f;
  Renderer renderer = Renderer::kAuto;
};

// What the frame function learns about this frame.
struct FrameInput {
  int width = 0;   // window size in ImGui units (io.DisplaySize)
  int height = 0;
  int64_t now_ms = 0;  // monotonic milliseconds (SDL_GetTicks64)
  // The window's close button (or the window manager's close) since the last frame: the app
  // decides (a kiosk asks for the trainer PIN).
  bool close_requested = false;
  // A quit from outside the window since the last frame: SIGTERM or SIGINT (a service stop, a
  // shutdown, a logout). The app should save and end.
  bool terminate_requested = false;
  std::vector<std::string> dropped_files;  // files dropped onto the window since the last frame
  // Typed text and Enter presses since the last frame, in order, each with the time the
  // keyboard event arrived, on a monotonic clock that stops while frames are drawn (keys
  // typed during a frame are only seen after it): lets a scanner's burst be told from typing
  // however long frames take. The same text also reaches ImGui's input queue.
  struct Typed {
    std::string text;    // one SDL_TEXTINPUT's UTF-8, empty for Enter
    bool enter = false;  // Return or keypad Enter
    int64_t at_ms = 0;
  };
  std::vector<Typed> typed;
};

// What the frame function wants next.
struct FrameResult {
  bool keep_running = true;
  int64_t wake_in_ms = -1;  /* -1: sleep until input */
  bool redraw_soon = false;  // render another frame right away (animations, a screen change)
};

// One window with its renderer (a GL context or an SDL_Renderer) and ImGui context. Not thread-safe: create, run and destroy it
// on one thread (the main thread on most platforms); only RequestFrame may be called from other
// threads. One AppWindow per process (ImGui's SDL backend keeps global state).
//
// Environment: SDL_VIDEODRIVER (x11, wayland, offscreen, dummy) and SDL_RENDER_DRIVER are
// honoured by SDL itself; MINTKIOSK_RENDERER=gl|sdl chooses the renderer where the options say
// kAuto;
// MINTKIOSK_FONT_DIR moves the fonts (see fonts.h); MINTKIOSK_FIRST_FRAME_FILE=FILE makes Run
// write the CLOCK_MONOTONIC time in nanoseconds at which the first frame was on screen (for the
// cold-start benchmark); MINTKIOSK_TEST_LAYOUT=FILE makes Run write the widgets named with
// NoteWidget (test_layout.h) after every rendered frame (for the end-to-end tests).
class AppWindow {
 public:
  // Frames rendered after a frame that saw input, so ImGui's layout and hover state settle.
  static constexpr int kSettleFrames = 2;
  // Font size in pixels at ui_scale 1.0; fonts are built at kBaseFontPixels * ui_scale.
  static constexpr float kBaseFontPixels = 20.0f;

  // SDL2 window + renderer (options.renderer) + ImGui context + fonts.
  static Result<std::unique_ptr<AppWindow>> Create(const WindowOptions& options);
  ~AppWindow();
  AppWindow(const AppWindow&) = delete;
  AppWindow& operator=(const AppWindow&) = delete;

  // Event-driven loop: calls `frame` between ImGui::NewFrame() and ImGui::Render() only on input, on a requested wake-up or when redraw_soon (SDL_WaitEventTimeout; ImGui needs a couple of frames after input to settle, render those too); returns when keep_running is false.
  // The first call renders a first frame at once. Input trickles into frames as ImGui 1.87's
  // input queue would: a command key's press and release, a pointer move and the press that
  // follows it, and a button's press and release each reach ImGui in different frames (ImGui
  // 1.86 would otherwise miss presses or see a tap without the hover before it). Typed text is
  // queued and never split: after a character the loop waits up to 30 ms for the next one
  // (250 ms at most), so a barcode scanner's burst reaches one frame even when frames are slow.
  // Events that are not input, window or drop events (SDL user events of other types, audio,
  // ...) do not cause a frame.
  Status Run(const std::function<FrameResult(const FrameInput&)>& frame);

  void SetFullscreen(bool on);
  void SetUiScale(float scale);  // rebuilds fonts at the new size (and the font texture)

  // Writes the last rendered frame as PNG (window pixels, RGB). Outside Run it renders the last
  // frame's draw data again and reads it back; called from inside a frame function it takes the
  // current frame once it has rendered (errors are then written to stderr).
  // The pixels are read back from the renderer (glReadPixels or SDL_RenderReadPixels) and written
  // with stb_image_write.
  Status SaveScreenshot(const std::string& png_path);

  // Thread-safe: wakes Run for one frame (e.g. a background sync finished). Harmless when no
  // window exists.
  static void RequestFrame();

  bool fullscreen() const;
  // The renderer in use (never kAuto).
  Renderer renderer() const;
  // SDL's id of the window (for tests that push window events).
  uint32_t window_id() const;
  float ui_scale() const;
  // Frames rendered so far by Run (all calls together).
  int64_t frames_rendered() const;
  // Size of the drawable area in pixels (what SaveScreenshot writes).
  void DrawableSize(int* width, int* height) const;

 private:
  struct Impl;
  explicit AppWindow(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mk::platform
