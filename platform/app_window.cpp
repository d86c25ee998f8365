// SDL2 + Dear ImGui window, drawn with OpenGL 3 or SDL_Renderer, with an event-driven loop that
// renders only when something changed.
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
#if MK_HAVE_SDL_RENDERER
#include <backends/imgui_impl_sdlrenderer.h>
#endif
#include <imgui.h>
#include <stb_image_write.h>

#include "platform/fonts.h"
#include "platform/test_layout.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>
#endif

namespace mk::platform {
namespace {

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer builds only: keeps every shared library loaded so far (once the renderer
// runs: the GL driver, LLVM behind llvmpipe, the EGL and GLX vendor libraries) in memory until
// the process ends. LeakSanitizer checks at exit, after SDL_Quit has unloaded the driver; the
// driver's caches would then show as leaks in an "unknown module", which no suppression can tell
// apart from ours. Kept loaded, they stay reachable from the driver's data and are not reported,
// and any other leak of a library carries its name (tests/sanitizers/lsan.supp).
void KeepLibrariesForLeakReports() {
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void*) -> int {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
          (void)dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
        }
        return 0;
      },
      nullptr);
}
#endif

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

// Flips an image of `h` rows of `row` bytes upside down in place (GL rows run bottom-up).
void FlipRows(std::vector<unsigned char>& pixels, size_t row, int h) {
  std::vector<unsigned char> tmp(row);
  for (int y = 0; y < h / 2; ++y) {
    unsigned char* a = &pixels[static_cast<size_t>(y) * row];
    unsigned char* b = &pixels[static_cast<size_t>(h - 1 - y) * row];
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
}

int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// [SECTION] Renderer choice

std::optional<Renderer> ParseRenderer(std::string_view name) {
  if (name == "auto") return Renderer::kAuto;
  if (name == "gl") return Renderer::kOpenGl;
  if (name == "sdl") return Renderer::kSdl;
  return std::nullopt;
}

const char* RendererName(Renderer renderer) {
  switch (renderer) {
    case Renderer::kAuto: return "auto";
    case Renderer::kOpenGl: return "gl";
    case Renderer::kSdl: return "sdl";
  }
  return "auto";
}

bool RendererAvailable(Renderer renderer) {
#if MK_HAVE_SDL_RENDERER
  (void)renderer;
  return true;
#else
  return renderer != Renderer::kSdl;
#endif
}

// [SECTION] State

struct AppWindow::Impl {
  SDL_Window* window = nullptr;
  Renderer renderer = Renderer::kOpenGl;
  SDL_GLContext gl = nullptr;          // kOpenGl
  SDL_Renderer* sdl_renderer = nullptr;  // kSdl
  ImGuiContext* imgui = nullptr;
  bool sdl_backend = false;
  bool gl_backend = false;
  bool gl_device_objects = false;  // the OpenGL3 backend's shaders, buffers and font texture exist
  bool sdl_renderer_backend = false;
  const char* glsl = nullptr;  // kOpenGl: the shader version the context takes
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
#if MK_HAVE_SDL_RENDERER
      if (sdl_renderer_backend) ImGui_ImplSDLRenderer_Shutdown();
#endif
      if (sdl_backend) ImGui_ImplSDL2_Shutdown();
      ImGui::DestroyContext(imgui);
    }
    if (sdl_renderer != nullptr) SDL_DestroyRenderer(sdl_renderer);
    if (gl != nullptr) SDL_GL_DeleteContext(gl);
    if (window != nullptr) SDL_DestroyWindow(window);
    SDL_Quit();
  }

  // Where the window goes: the options' size, or the whole display for a fullscreen window.
  struct Placement {
    int x = SDL_WINDOWPOS_UNDEFINED;
    int y = SDL_WINDOWPOS_UNDEFINED;
    int w = 0;
    int h = 0;
  };
  static Placement PlacementFor(const WindowOptions& options);
  Status CreateOpenGl(const WindowOptions& options, Uint32 flags);
  Status CreateSdlRenderer(const WindowOptions& options, Uint32 flags);
  void DestroyWindow();
  Status RebuildFonts(float scale);
  void MakeCurrent();
  void NewRendererFrame();
  void RenderDrawData(ImDrawData* data);
  void Present();
  void FinishRendering();
  void GetDrawableSize(int* w, int* h) const;
  Status WritePng(const std::string& path);
  Status ReadGlPixels(int w, int h, std::vector<unsigned char>* pixels);
  // Feeds one event to ImGui or to `input`; true when it warrants a frame.
  bool Feed(SDL_Event& e, FrameInput* input, bool* was_input);
};

Status AppWindow::Impl::RebuildFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  Status s = LoadFonts(io, AppWindow::kBaseFontPixels * scale,
                       renderer == Renderer::kSdl ? FontSampling::kNearest : FontSampling::kLinear);
  if (!s.ok()) {
    // Keep a usable atlas: ImGui's built-in font at the requested size.
    ImFontConfig config;
    config.SizePixels = AppWindow::kBaseFontPixels * scale;
    io.Fonts->AddFontDefault(&config);
  }
  if (gl_backend) {
    if (gl_device_objects) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    } else {
      // Shaders, buffers and the font texture at once (NewFrame would make them again otherwise).
      ImGui_ImplOpenGL3_CreateDeviceObjects();
      gl_device_objects = true;
    }
  }
#if MK_HAVE_SDL_RENDERER
  if (sdl_renderer_backend) {
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    ImGui_ImplSDLRenderer_CreateFontsTexture();
  }
#endif
  // The renderer holds its own copy of the atlas now; ImGui's pixels (alpha and RGBA, several MB
  // with three fonts at kiosk sizes) are not needed again until the next rebuild.
  if (gl_backend || sdl_renderer_backend) io.Fonts->ClearTexData();
  ui_scale = scale;
  return s;
}

void AppWindow::Impl::MakeCurrent() {
  if (gl != nullptr) SDL_GL_MakeCurrent(window, gl);
}

void AppWindow::Impl::NewRendererFrame() {
  if (gl_backend) ImGui_ImplOpenGL3_NewFrame();
#if MK_HAVE_SDL_RENDERER
  if (sdl_renderer_backend) ImGui_ImplSDLRenderer_NewFrame();
#endif
}

void AppWindow::Impl::GetDrawableSize(int* w, int* h) const {
  *w = 0;
  *h = 0;
  if (sdl_renderer != nullptr) {
    SDL_GetRendererOutputSize(sdl_renderer, w, h);
  } else {
    SDL_GL_GetDrawableSize(window, w, h);
  }
}

void AppWindow::Impl::Present() {
  if (sdl_renderer != nullptr) {
    SDL_RenderPresent(sdl_renderer);
  } else {
    SDL_GL_SwapWindow(window);
  }
}

void AppWindow::Impl::FinishRendering() {
  // SDL_Renderer's software driver has drawn everything by the time its calls return.
  if (gl != nullptr) glFinish();
}

void AppWindow::Impl::RenderDrawData(ImDrawData* data) {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
#if MK_HAVE_SDL_RENDERER
  if (sdl_renderer != nullptr) {
    SDL_RenderSetViewport(sdl_renderer, nullptr);
    SDL_SetRenderDrawColor(sdl_renderer, static_cast<Uint8>(bg.x * 255.0f + 0.5f), static_cast<Uint8>(bg.y * 255.0f + 0.5f),
                           static_cast<Uint8>(bg.z * 255.0f + 0.5f), 255);
    SDL_RenderClear(sdl_renderer);
    if (data != nullptr) ImGui_ImplSDLRenderer_RenderDrawData(data);
    return;
  }
#endif
  int w = 0;
  int h = 0;
  GetDrawableSize(&w, &h);
  glViewport(0, 0, w, h);
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (data != nullptr) ImGui_ImplOpenGL3_RenderDrawData(data);
}

Status AppWindow::Impl::WritePng(const std::string& path) {
  int w = 0;
  int h = 0;
  GetDrawableSize(&w, &h);
  if (w <= 0 || h <= 0) return FailedPrecondition("the window has no drawable area to save");
  const size_t row = static_cast<size_t>(w) * 3;
  std::vector<unsigned char> pixels(row * h);
  if (sdl_renderer != nullptr) {
    if (SDL_RenderReadPixels(sdl_renderer, nullptr, SDL_PIXELFORMAT_RGB24, pixels.data(), static_cast<int>(row)) != 0) {
      return Internal(std::string("SDL_RenderReadPixels failed: ") + SDL_GetError());
    }
  } else {
    MK_RETURN_IF_ERROR(ReadGlPixels(w, h, &pixels));
    FlipRows(pixels, row, h);  // GL rows run bottom-up, PNG rows top-down
  }
  if (stbi_write_png(path.c_str(), w, h, 3, pixels.data(), static_cast<int>(row)) == 0) {
    return IoError("cannot write screenshot " + path + " (does the directory exist and is it writable?)");
  }
  return Status::Ok();
}

Status AppWindow::Impl::ReadGlPixels(int w, int h, std::vector<unsigned char>* pixels) {
  glFinish();
  while (glGetError() != GL_NO_ERROR) {
    // Errors from earlier calls are not this read's; drop them so the check below is exact.
  }
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels->data());
  if (const GLenum err = glGetError(); err != GL_NO_ERROR) {
    return Internal("glReadPixels failed with GL error " + std::to_string(err));
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

AppWindow::Impl::Placement AppWindow::Impl::PlacementFor(const WindowOptions& options) {
  Placement at;
  at.w = options.width;
  at.h = options.height;
  SDL_Rect bounds;
  if (options.fullscreen && SDL_GetDisplayBounds(0, &bounds) == 0 && bounds.w > 0 && bounds.h > 0) {
    // The whole display from the start: a window manager's fullscreen state does that as well,
    // but a session without one (a bare X server started for the kiosk, Xvfb) leaves the window
    // at its windowed size otherwise.
    at = Placement{bounds.x, bounds.y, bounds.w, bounds.h};
  }
  return at;
}

Status AppWindow::Impl::CreateOpenGl(const WindowOptions& options, Uint32 flags) {
  // Desktop GL 3.0 with GLSL 130 first; GLES 3.0 where only that exists (ARM boards, EGL).
  struct GlChoice {
    int profile, major, minor;
    const char* glsl;
  };
  const GlChoice choices[] = {
      {0, 3, 0, "#version 130"},
      {SDL_GL_CONTEXT_PROFILE_ES, 3, 0, "#version 300 es"},
  };
  std::string last_error;
  for (const GlChoice& c : choices) {
    SDL_GL_ResetAttributes();
    if (c.profile != 0) SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, c.profile);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, c.major);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, c.minor);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    const Placement at = PlacementFor(options);
    window = SDL_CreateWindow(options.title.c_str(), at.x, at.y, at.w, at.h, flags | SDL_WINDOW_OPENGL);
    if (window == nullptr) {
      last_error = SDL_GetError();
      continue;
    }
    gl = SDL_GL_CreateContext(window);
    if (gl != nullptr) {
      glsl = c.glsl;
      break;
    }
    last_error = SDL_GetError();
    DestroyWindow();
  }
  if (gl == nullptr) {
    SDL_SetError("%s", last_error.c_str());
    return SdlError("cannot create an OpenGL 3 or GLES 3 window");
  }
  SDL_GL_MakeCurrent(window, gl);
  SDL_GL_SetSwapInterval(1);  // vsync where the driver offers it; the loop is event-driven anyway
  renderer = Renderer::kOpenGl;
  return Status::Ok();
}

Status AppWindow::Impl::CreateSdlRenderer(const WindowOptions& options, Uint32 flags) {
#if MK_HAVE_SDL_RENDERER
  // SDL's software renderer unless SDL_RENDER_DRIVER asks for another. It draws into the
  // window's surface, which SDL would otherwise back with an accelerated (GL) renderer of its
  // own: keep that surface in plain memory too (SDL_FRAMEBUFFER_ACCELERATION still wins).
  int index = -1;
  const char* wanted = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
  if (wanted == nullptr || wanted[0] == '\0') {
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    for (int i = 0; i < SDL_GetNumRenderDrivers(); ++i) {
      SDL_RendererInfo info;
      if (SDL_GetRenderDriverInfo(i, &info) == 0 && std::strcmp(info.name, "software") == 0) index = i;
    }
  }
  const Placement at = PlacementFor(options);
  window = SDL_CreateWindow(options.title.c_str(), at.x, at.y, at.w, at.h, flags);
  if (window == nullptr) return SdlError("cannot create a window");
  sdl_renderer = SDL_CreateRenderer(window, index, 0);
  if (sdl_renderer == nullptr) {
    const Status s = SdlError("cannot create an SDL renderer for the window");
    DestroyWindow();
    return s;
  }
  renderer = Renderer::kSdl;
  return Status::Ok();
#else
  (void)options;
  (void)flags;
  return FailedPrecondition(
      "this build of mintkiosk cannot draw with SDL_Renderer (ImGui's SDL_Renderer backend from libimgui-dev was "
      "not found when it was built): use the gl renderer");
#endif
}

void AppWindow::Impl::DestroyWindow() {
  if (sdl_renderer != nullptr) SDL_DestroyRenderer(sdl_renderer);
  sdl_renderer = nullptr;
  if (gl != nullptr) SDL_GL_DeleteContext(gl);
  gl = nullptr;
  if (window != nullptr) SDL_DestroyWindow(window);
  window = nullptr;
}

Result<std::unique_ptr<AppWindow>> AppWindow::Create(const WindowOptions& options) {
  if (options.width <= 0 || options.height <= 0) return InvalidArgument("window size must be positive");
  if (!(options.ui_scale > 0.0f)) return InvalidArgument("ui_scale must be positive");
  Renderer want = options.renderer;
  if (want == Renderer::kAuto) {
    if (const char* env = SDL_getenv("MINTKIOSK_RENDERER"); env != nullptr && env[0] != '\0') {
      const std::optional<Renderer> parsed = ParseRenderer(env);
      if (!parsed) return InvalidArgument(std::string("MINTKIOSK_RENDERER must be gl, sdl or auto, not '") + env + "'");
      want = *parsed;
    }
  }
  // Automatic: SDL_Renderer, the lighter one (docs/benchmarks.md), with OpenGL behind it.
  const bool automatic = want == Renderer::kAuto;
  if (automatic) want = RendererAvailable(Renderer::kSdl) ? Renderer::kSdl : Renderer::kOpenGl;

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

  Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_SHOWN;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  Status made = want == Renderer::kSdl ? impl->CreateSdlRenderer(options, flags) : impl->CreateOpenGl(options, flags);
  if (!made.ok() && automatic && want == Renderer::kSdl) {
    std::fprintf(stderr, "mintkiosk: %s; drawing with OpenGL instead\n", made.message().c_str());
    made = impl->CreateOpenGl(options, flags);
  }
  MK_RETURN_IF_ERROR(made);
#if defined(__SANITIZE_ADDRESS__)
  KeepLibrariesForLeakReports();
#endif
  impl->fullscreen = options.fullscreen;

  IMGUI_CHECKVERSION();
  impl->imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk keeps no window layout between runs
  io.LogFilename = nullptr;
  // Lines drawn from the font texture need bilinear sampling, which SDL's software renderer lacks.
  if (impl->renderer == Renderer::kSdl) ImGui::GetStyle().AntiAliasedLinesUseTex = false;
  if (impl->renderer == Renderer::kOpenGl) {
    if (!ImGui_ImplSDL2_InitForOpenGL(impl->window, impl->gl)) return Internal("ImGui's SDL2 backend did not start");
    impl->sdl_backend = true;
    if (!ImGui_ImplOpenGL3_Init(impl->glsl)) {
      return Internal(std::string("ImGui's OpenGL3 backend did not start with ") + impl->glsl);
    }
    impl->gl_backend = true;
  } else {
#if MK_HAVE_SDL_RENDERER
    if (!ImGui_ImplSDL2_InitForSDLRenderer(impl->window)) return Internal("ImGui's SDL2 backend did not start");
    impl->sdl_backend = true;
    if (!ImGui_ImplSDLRenderer_Init(impl->sdl_renderer)) return Internal("ImGui's SDL_Renderer backend did not start");
    impl->sdl_renderer_backend = true;
#endif
  }
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
  d.MakeCurrent();

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
    d.NewRendererFrame();
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
    if (!d.first_frame_file.empty()) d.FinishRendering();  // "on screen" means the drawing is done
    d.Present();
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
  if (SDL_SetWindowFullscreen(impl_->window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) != 0) return;
  impl_->fullscreen = on;
  SDL_Rect bounds;
  const int display = SDL_GetWindowDisplayIndex(impl_->window);
  if (on && display >= 0 && SDL_GetDisplayBounds(display, &bounds) == 0) {
    // Without a window manager nothing else makes the window cover the display (see PlacementFor).
    SDL_SetWindowPosition(impl_->window, bounds.x, bounds.y);
    SDL_SetWindowSize(impl_->window, bounds.w, bounds.h);
  }
}

void AppWindow::SetUiScale(float scale) {
  if (!(scale > 0.0f)) return;
  if (impl_->in_frame) {
    impl_->pending_scale = scale;
    return;
  }
  ImGui::SetCurrentContext(impl_->imgui);
  impl_->MakeCurrent();
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
  d.MakeCurrent();
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
void AppWindow::DrawableSize(int* width, int* height) const { impl_->GetDrawableSize(width, height); }
Renderer AppWindow::renderer() const { return impl_->renderer; }
uint32_t AppWindow::window_id() const { return SDL_GetWindowID(impl_->window); }

}  // namespace mk::platform
