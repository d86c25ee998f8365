// SDL2 + OpenGL3 + Dear ImGui window with an event-driven loop that renders only when something changed.
#include "platform/app_window.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cfloat>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include <SDL.h>
#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <stb_image_write.h>

#include "platform/fonts.h"
#include "platform/test_layout.h"

namespace mk::platform {
namespace {

// [SECTION] Process-wide state

// SDL event type of RequestFrame, registered once per process (0: not yet).
std::atomic<Uint32> g_wake_event_type{0};

Status SdlError(const std::string& what) {
  return Status(ErrorCode::kUnavailable, what + ": " + SDL_GetError() +
                                             " (is a display available? SDL_VIDEODRIVER=offscreen or x11 "
                                             "under Xvfb work without one)");
}

// Events that change what the window shows or what the app must know. Everything else (foreign
// user events, audio and sensor events, ...) leaves the frame as it was.
bool IsInputEvent(Uint32 type) {
  switch (type) {
    case SDL_QUIT:
    case SDL_WINDOWEVENT:
    case SDL_KEYDOWN:
    case SDL_KEYUP:
    case SDL_TEXTEDITING:
    case SDL_TEXTINPUT:
    case SDL_KEYMAPCHANGED:
    case SDL_MOUSEMOTION:
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEWHEEL:
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
    case SDL_MULTIGESTURE:
    case SDL_DROPFILE:
    case SDL_DROPTEXT:
    case SDL_CLIPBOARDUPDATE:
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
      return true;
    default:
      return false;
  }
}

// A key that types a character (which reaches ImGui through SDL_TEXTINPUT, a queue), not a
// command key or a shortcut that ImGui reads from io.KeysDown.
bool IsTextKey(const SDL_Keysym& key) {
  const SDL_Keycode sym = key.sym;
  const bool printable = sym >= 32 && sym != SDLK_DELETE && (sym & SDLK_SCANCODE_MASK) == 0;
  return printable && (key.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) == 0;
}

// A press and its release must reach ImGui 1.86 in different frames, or the press is lost
// (io.KeysDown is a level, not a queue). Command keys and mouse buttons pressed since the last
// frame. Text keys are left out: their characters are queued, and a barcode scanner typing a
// code within milliseconds must not be slowed to a frame per key.
// Likewise a move and a press: ImGui must see the pointer over a button in one frame and the
// press in the next, as with a real mouse (a tap is a jump and a press at once).
struct PressedSinceFrame {
  std::set<int> keys;     // SDL scancodes
  std::set<int> buttons;  // SDL mouse buttons
  bool moved = false;

  // True when `e` must wait for the next frame.
  bool Conflicts(const SDL_Event& e) const {
    if (e.type == SDL_KEYUP) return keys.count(e.key.keysym.scancode) != 0;
    if (e.type == SDL_MOUSEBUTTONUP) return buttons.count(e.button.button) != 0;
    if (e.type == SDL_MOUSEBUTTONDOWN) return moved || buttons.count(e.button.button) != 0;
    return false;
  }
  void Note(const SDL_Event& e) {
    if (e.type == SDL_KEYDOWN && !IsTextKey(e.key.keysym)) keys.insert(e.key.keysym.scancode);
    if (e.type == SDL_MOUSEBUTTONDOWN) buttons.insert(e.button.button);
    if (e.type == SDL_MOUSEMOTION) moved = true;
  }
  void Clear() {
    keys.clear();
    buttons.clear();
    moved = false;
  }
};

// The pointer as the events so far describe it. ImGui 1.86's SDL backend reads the current
// state with SDL_GetMouseState, which already includes events still queued; the loop feeds
// ImGui this event-accurate state instead.
struct PointerState {
  static constexpr int kButtons = 5;
  ImVec2 pos{-FLT_MAX, -FLT_MAX};
  bool down[kButtons] = {};
  bool pressed[kButtons] = {};  // went down since the last frame (a press shows for one frame)

  void Feed(const SDL_Event& e) {
    if (e.type == SDL_MOUSEMOTION) pos = ImVec2(static_cast<float>(e.motion.x), static_cast<float>(e.motion.y));
    if (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) {
      pos = ImVec2(static_cast<float>(e.button.x), static_cast<float>(e.button.y));
      const int i = ButtonIndex(e.button.button);
      if (i >= 0) {
        down[i] = e.type == SDL_MOUSEBUTTONDOWN;
        if (down[i]) pressed[i] = true;
      }
    }
    if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_LEAVE && !down[0]) pos = ImVec2(-FLT_MAX, -FLT_MAX);
  }
  void Apply(ImGuiIO& io) {
    io.MousePos = pos;
    for (int i = 0; i < kButtons; ++i) {
      io.MouseDown[i] = down[i] || pressed[i];
      pressed[i] = false;
    }
  }
  static int ButtonIndex(Uint8 button) {
    switch (button) {
      case SDL_BUTTON_LEFT: return 0;
      case SDL_BUTTON_RIGHT: return 1;
      case SDL_BUTTON_MIDDLE: return 2;
      case SDL_BUTTON_X1: return 3;
      case SDL_BUTTON_X2: return 4;
      default: return -1;
    }
  }
};

// A burst of typed text ends when no event follows within kTextGapMs; a frame waits at most
// kTextBurstCapMs for it.
constexpr int kTextGapMs = 30;
constexpr uint64_t kTextBurstCapMs = 250;

int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// [SECTION] State

struct AppWindow::Impl {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  ImGuiContext* imgui = nullptr;
  bool sdl_backend = false;
  bool gl_backend = false;
  bool fullscreen = false;
  float ui_scale = 1.0f;
  std::optional<float> pending_scale;  // SetUiScale during a frame: applied before the next one
  bool in_frame = false;
  bool first_frame_in_run = false;
  int64_t frames = 0;
  std::string pending_shot;  // SaveScreenshot during a frame: written once it has rendered
  std::string first_frame_file;
  std::optional<SDL_Event> deferred;  // a release held back for the next frame
  PressedSinceFrame pressed;
  PointerState pointer;
  bool text_since_frame = false;
  bool window_close_seen = false;  // a close event came; the SDL_QUIT after it is the same close
  // Milliseconds spent drawing frames so far. SDL stamps a key event when it takes it from
  // the system, which cannot happen while a frame is drawn; keys typed meanwhile all get the
  // stamp of the frame's end. Typed times are therefore given on a clock that stops while a
  // frame is drawn, so a scanner's burst stays a burst however slow the renderer is.
  int64_t busy_ms = 0;

  ~Impl() {
    if (imgui != nullptr) {
      ImGui::SetCurrentContext(imgui);
      if (gl_backend) ImGui_ImplOpenGL3_Shutdown();
      if (sdl_backend) ImGui_ImplSDL2_Shutdown();
      ImGui::DestroyContext(imgui);
    }
    if (gl != nullptr) SDL_GL_DeleteContext(gl);
    if (window != nullptr) SDL_DestroyWindow(window);
    SDL_Quit();
  }

  Status RebuildFonts(float scale);
  void RenderDrawData(ImDrawData* data);
  Status WritePng(const std::string& path);
  // Feeds one event to ImGui or to `input`; true when it warrants a frame.
  bool Feed(SDL_Event& e, FrameInput* input, bool* was_input);
};

Status AppWindow::Impl::RebuildFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  Status s = LoadFonts(io, AppWindow::kBaseFontPixels * scale);
  if (!s.ok()) {
    // Keep a usable atlas: ImGui's built-in font at the requested size.
    ImFontConfig config;
    config.SizePixels = AppWindow::kBaseFontPixels * scale;
    io.Fonts->AddFontDefault(&config);
  }
  if (gl_backend) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ui_scale = scale;
  return s;
}

void AppWindow::Impl::RenderDrawData(ImDrawData* data) {
  int w = 0;
  int h = 0;
  SDL_GL_GetDrawableSize(window, &w, &h);
  glViewport(0, 0, w, h);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (data != nullptr) ImGui_ImplOpenGL3_RenderDrawData(data);
}

Status AppWindow::Impl::WritePng(const std::string& path) {
  int w = 0;
  int h = 0;
  SDL_GL_GetDrawableSize(window, &w, &h);
  if (w <= 0 || h <= 0) return FailedPrecondition("the window has no drawable area to save");
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 3);
  glFinish();
  while (glGetError() != GL_NO_ERROR) {
    // Errors from earlier calls are not this read's; drop them so the check below is exact.
  }
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum err = glGetError(); err != GL_NO_ERROR) {
    return Internal("glReadPixels failed with GL error " + std::to_string(err));
  }
  // GL rows run bottom-up, PNG rows top-down.
  const size_t row = static_cast<size_t>(w) * 3;
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < h; ++y) {
    std::memcpy(&flipped[static_cast<size_t>(y) * row], &pixels[static_cast<size_t>(h - 1 - y) * row], row);
  }
  if (stbi_write_png(path.c_str(), w, h, 3, flipped.data(), static_cast<int>(row)) == 0) {
    return IoError("cannot write screenshot " + path + " (does the directory exist and is it writable?)");
  }
  return Status::Ok();
}

bool AppWindow::Impl::Feed(SDL_Event& e, FrameInput* input, bool* was_input) {
  const Uint32 wake = g_wake_event_type.load();
  if (wake != 0 && e.type == wake) return true;
  if (!IsInputEvent(e.type)) return false;
  *was_input = true;
  pressed.Note(e);
  pointer.Feed(e);
  if (e.type == SDL_TEXTINPUT) {
    text_since_frame = true;
    input->typed.push_back({e.text.text, false, static_cast<int64_t>(e.text.timestamp) - busy_ms});
  }
  if (e.type == SDL_KEYDOWN && !e.key.repeat &&
      (e.key.keysym.sym == SDLK_RETURN || e.key.keysym.sym == SDLK_KP_ENTER)) {
    input->typed.push_back({std::string(), true, static_cast<int64_t>(e.key.timestamp) - busy_ms});
  }
  switch (e.type) {
    case SDL_QUIT:
      // Closing the last window sends SDL_WINDOWEVENT_CLOSE and then SDL_QUIT; a SDL_QUIT of
      // its own comes from outside (SDL turns SIGTERM and SIGINT into it).
      if (window_close_seen) {
        input->close_requested = true;
        window_close_seen = false;
      } else {
        input->terminate_requested = true;
      }
      return true;
    case SDL_WINDOWEVENT:
      if (e.window.event == SDL_WINDOWEVENT_CLOSE && e.window.windowID == SDL_GetWindowID(window)) {
        input->close_requested = true;
        window_close_seen = true;
      }
      break;
    case SDL_DROPFILE:
      if (e.drop.file != nullptr) {
        input->dropped_files.emplace_back(e.drop.file);
        SDL_free(e.drop.file);
        e.drop.file = nullptr;
      }
      return true;
    case SDL_DROPTEXT:
      SDL_free(e.drop.file);
      e.drop.file = nullptr;
      return true;
    default:
      break;
  }
  ImGui_ImplSDL2_ProcessEvent(&e);
  return true;
}

// [SECTION] Creation

AppWindow::AppWindow(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AppWindow::~AppWindow() = default;

Result<std::unique_ptr<AppWindow>> AppWindow::Create(const WindowOptions& options) {
  if (options.width <= 0 || options.height <= 0) return InvalidArgument("window size must be positive");
  if (!(options.ui_scale > 0.0f)) return InvalidArgument("ui_scale must be positive");

  // A tap on a window that is not focused yet still counts (first touch on a kiosk).
  SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
  // A kiosk must not blank its screen or give way to a screensaver.
  SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) return SdlError("cannot start SDL video");
  auto impl = std::make_unique<Impl>();  // from here on, Impl's destructor calls SDL_Quit

  if (g_wake_event_type.load() == 0) {
    const Uint32 type = SDL_RegisterEvents(1);
    if (type != static_cast<Uint32>(-1)) g_wake_event_type.store(type);
  }

  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_SHOWN;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;

  // Desktop GL 3.0 with GLSL 130 first; GLES 3.0 where only that exists (ARM boards, EGL).
  struct GlChoice {
    int profile, major, minor;
    const char* glsl;
  };
  const GlChoice choices[] = {
      {0, 3, 0, "#version 130"},
      {SDL_GL_CONTEXT_PROFILE_ES, 3, 0, "#version 300 es"},
  };
  const char* glsl = nullptr;
  std::string last_error;
  for (const GlChoice& c : choices) {
    SDL_GL_ResetAttributes();
    if (c.profile != 0) SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, c.profile);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, c.major);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, c.minor);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    impl->window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                    options.width, options.height, flags);
    if (impl->window == nullptr) {
      last_error = SDL_GetError();
      continue;
    }
    impl->gl = SDL_GL_CreateContext(impl->window);
    if (impl->gl != nullptr) {
      glsl = c.glsl;
      break;
    }
    last_error = SDL_GetError();
    SDL_DestroyWindow(impl->window);
    impl->window = nullptr;
  }
  if (impl->gl == nullptr) {
    SDL_SetError("%s", last_error.c_str());
    return SdlError("cannot create an OpenGL 3 or GLES 3 window");
  }
  SDL_GL_MakeCurrent(impl->window, impl->gl);
  SDL_GL_SetSwapInterval(1);  // vsync where the driver offers it; the loop is event-driven anyway
  impl->fullscreen = options.fullscreen;

  IMGUI_CHECKVERSION();
  impl->imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
  io.LogFilename = nullptr;
  if (!ImGui_ImplSDL2_InitForOpenGL(impl->window, impl->gl)) return Internal("ImGui's SDL2 backend did not start");
  impl->sdl_backend = true;
  if (!ImGui_ImplOpenGL3_Init(glsl)) return Internal(std::string("ImGui's OpenGL3 backend did not start with ") + glsl);
  impl->gl_backend = true;
  MK_RETURN_IF_ERROR(impl->RebuildFonts(options.ui_scale));

  if (const char* f = SDL_getenv("MINTKIOSK_FIRST_FRAME_FILE"); f != nullptr && f[0] != '\0') {
    impl->first_frame_file = f;
  }
  return std::unique_ptr<AppWindow>(new AppWindow(std::move(impl)));
}

// [SECTION] The loop

Status AppWindow::Run(const std::function<FrameResult(const FrameInput&)>& frame) {
  Impl& d = *impl_;
  IM_ASSERT(!d.in_frame && "AppWindow::Run called from inside a frame function");
  ImGui::SetCurrentContext(d.imgui);
  SDL_GL_MakeCurrent(d.window, d.gl);

  bool need_frame = true;  // the first call always shows something
  bool first = true;
  int settle = 0;
  int64_t wake_at = -1;
  for (;;) {
    FrameInput input;
    bool was_input = first;
    SDL_Event e;

    // Sleep until something warrants a frame.
    while (!need_frame && settle == 0) {
      if (d.deferred) {
        e = *d.deferred;
        d.deferred.reset();
        need_frame = d.Feed(e, &input, &was_input);
        continue;
      }
      const int64_t now = static_cast<int64_t>(SDL_GetTicks64());
      if (wake_at >= 0 && now >= wake_at) {
        need_frame = true;
        break;
      }
      const int got = wake_at < 0 ? SDL_WaitEvent(&e)
                                  : SDL_WaitEventTimeout(&e, static_cast<int>(std::min<int64_t>(wake_at - now, INT_MAX)));
      if (got != 0) {
        need_frame = d.Feed(e, &input, &was_input);
      } else if (wake_at < 0) {
        return SdlError("waiting for window events failed");
      }
    }

    // Take everything queued, except a release whose press this frame has not shown yet.
    if (d.deferred && !d.pressed.Conflicts(*d.deferred)) {
      e = *d.deferred;
      d.deferred.reset();
      d.Feed(e, &input, &was_input);
    }
    while (!d.deferred && SDL_PollEvent(&e) != 0) {
      if (d.pressed.Conflicts(e)) {
        d.deferred = e;
        break;
      }
      d.Feed(e, &input, &was_input);
    }
    // Typed text: wait a moment for more, so a scanner's burst (a few ms per character) reaches
    // the app in one frame even when frames are slow; a person types far slower than the gap.
    if (d.text_since_frame) {
      const uint64_t until = SDL_GetTicks64() + kTextBurstCapMs;
      while (!d.deferred && SDL_GetTicks64() < until && SDL_WaitEventTimeout(&e, kTextGapMs) != 0) {
        if (d.pressed.Conflicts(e)) {
          d.deferred = e;
          break;
        }
        d.Feed(e, &input, &was_input);
      }
    }

    // One frame. Its duration is time in which no key can be observed; see busy_ms.
    const uint64_t frame_start = SDL_GetTicks64();
    if (d.pending_scale) {
      const float scale = *d.pending_scale;
      d.pending_scale.reset();
      Status s = d.RebuildFonts(scale);
      if (!s.ok()) std::fprintf(stderr, "mintkiosk: %s\n", s.message().c_str());
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    d.pointer.Apply(ImGui::GetIO());
    ImGui::NewFrame();
    const ImGuiIO& io = ImGui::GetIO();
    input.width = static_cast<int>(io.DisplaySize.x);
    input.height = static_cast<int>(io.DisplaySize.y);
    input.now_ms = static_cast<int64_t>(SDL_GetTicks64());
    d.in_frame = true;
    const FrameResult result = frame(input);
    d.in_frame = false;
    ImGui::Render();
    d.RenderDrawData(ImGui::GetDrawData());
    if (!d.pending_shot.empty()) {
      Status s = d.WritePng(d.pending_shot);
      if (!s.ok()) std::fprintf(stderr, "mintkiosk: %s\n", s.message().c_str());
      d.pending_shot.clear();
    }
    if (!d.first_frame_file.empty()) glFinish();  // "on screen" means the GL work is done
    SDL_GL_SwapWindow(d.window);
    d.busy_ms += static_cast<int64_t>(SDL_GetTicks64() - frame_start);
    ++d.frames;
    d.pressed.Clear();
    d.text_since_frame = false;
    internal::FlushTestLayout(d.frames, io.DisplayFramebufferScale.x, io.DisplayFramebufferScale.y);
    if (!d.first_frame_file.empty()) {
      if (std::FILE* f = std::fopen(d.first_frame_file.c_str(), "w"); f != nullptr) {
        std::fprintf(f, "%lld\n", static_cast<long long>(MonotonicNanos()));
        std::fclose(f);
      }
      d.first_frame_file.clear();
    }

    if (was_input) {
      settle = kSettleFrames;
    } else if (settle > 0) {
      --settle;
    }
    first = false;
    need_frame = result.redraw_soon;
    wake_at = result.wake_in_ms >= 0 ? input.now_ms + result.wake_in_ms : -1;
    if (!result.keep_running) return Status::Ok();
  }
}

// [SECTION] Settings and screenshots

void AppWindow::SetFullscreen(bool on) {
  if (SDL_SetWindowFullscreen(impl_->window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) == 0) impl_->fullscreen = on;
}

void AppWindow::SetUiScale(float scale) {
  if (!(scale > 0.0f)) return;
  if (impl_->in_frame) {
    impl_->pending_scale = scale;
    return;
  }
  ImGui::SetCurrentContext(impl_->imgui);
  SDL_GL_MakeCurrent(impl_->window, impl_->gl);
  Status s = impl_->RebuildFonts(scale);
  if (!s.ok()) std::fprintf(stderr, "mintkiosk: %s\n", s.message().c_str());
}

Status AppWindow::SaveScreenshot(const std::string& png_path) {
  Impl& d = *impl_;
  if (d.in_frame) {
    d.pending_shot = png_path;
    return Status::Ok();
  }
  if (d.frames == 0) return FailedPrecondition("no frame has been rendered yet: call Run first");
  ImGui::SetCurrentContext(d.imgui);
  SDL_GL_MakeCurrent(d.window, d.gl);
  // The back buffer is undefined after a swap: draw the last frame's draw data again.
  d.RenderDrawData(ImGui::GetDrawData());
  return d.WritePng(png_path);
}

void AppWindow::RequestFrame() {
  const Uint32 type = g_wake_event_type.load();
  if (type == 0) return;
  SDL_Event e;
  SDL_zero(e);
  e.type = type;
  SDL_PushEvent(&e);
}

bool AppWindow::fullscreen() const { return impl_->fullscreen; }
float AppWindow::ui_scale() const { return impl_->pending_scale.value_or(impl_->ui_scale); }
int64_t AppWindow::frames_rendered() const { return impl_->frames; }
void AppWindow::DrawableSize(int* width, int* height) const { SDL_GL_GetDrawableSize(impl_->window, width, height); }

}  // namespace mk::platform
