// A real SDL2 window drawn with OpenGL and with SDL_Renderer (SDL_VIDEODRIVER=offscreen from ctest, or
// Xvfb): frames, events, screenshots, and the same pixels from both renderers.
#include <catch2/catch.hpp>

#include <SDL.h>
#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharToUtf8
#include <stb_image.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "platform/app_window.h"
#include "platform/fonts.h"
#include "tests/support/test_support.h"

using mk::platform::AppWindow;
using mk::platform::FrameInput;
using mk::platform::FrameResult;
using mk::platform::Renderer;

namespace {

std::unique_ptr<AppWindow> MakeWindow(int width, int height, Renderer renderer = Renderer::kAuto) {
  mk::platform::WindowOptions options;
  options.title = "mintkiosk platform test";
  options.width = width;
  options.height = height;
  options.renderer = renderer;
  auto window = AppWindow::Create(options);
  INFO(window.status().message());
  REQUIRE(window.ok());
  if (renderer != Renderer::kAuto) CHECK(window.value()->renderer() == renderer);
  return std::move(window).value();
}

// Both renderers this build has.
Renderer AnyRenderer() {
  return mk::platform::RendererAvailable(Renderer::kSdl) ? GENERATE(Renderer::kOpenGl, Renderer::kSdl)
                                                         : Renderer::kOpenGl;
}

// Draws a full-window panel with a heading, a button and German text.
void DrawSample() {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("sample", nullptr, ImGuiWindowFlags_NoDecoration);
  ImGui::PushFont(mk::platform::BoldFont(ImGui::GetIO()));
  ImGui::TextUnformatted("Willkommen – Anmeldung für Lehrkräfte");
  ImGui::PopFont();
  ImGui::Button("Einchecken", ImVec2(240, 80));
  ImGui::TextUnformatted("Grüße, Łukasz! Ștefan, Ørsted, Œuvre „12 €“…");
  ImGui::End();
}

void PushUser(Uint32 type, int code) {
  SDL_Event e;
  SDL_zero(e);
  e.type = type;
  e.user.code = code;
  REQUIRE(SDL_PushEvent(&e) == 1);
}

void PushKey(Uint32 type, SDL_Scancode scancode, SDL_Keycode sym) {
  SDL_Event e;
  SDL_zero(e);
  e.type = type;
  e.key.state = type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
  e.key.keysym.scancode = scancode;
  e.key.keysym.sym = sym;
  REQUIRE(SDL_PushEvent(&e) == 1);
}

// A quit from outside the window (what SDL makes of SIGTERM).
void PushQuit() {
  SDL_Event e;
  SDL_zero(e);
  e.type = SDL_QUIT;
  REQUIRE(SDL_PushEvent(&e) == 1);
}

// The window's close button: a window event, then the quit SDL sends for the last window.
void PushWindowClose(const AppWindow& window) {
  SDL_Event e;
  SDL_zero(e);
  e.type = SDL_WINDOWEVENT;
  e.window.event = SDL_WINDOWEVENT_CLOSE;
  e.window.windowID = window.window_id();
  REQUIRE(SDL_PushEvent(&e) == 1);
  PushQuit();
}

// Pixels of an RGB image that differ from its most common colour (the background).
int CountForeground(const unsigned char* rgb, int w, int h) {
  std::map<uint32_t, int> histogram;
  for (int i = 0; i < w * h; ++i) {
    const unsigned char* p = rgb + 3 * i;
    ++histogram[(uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]];
  }
  int background = 0;
  for (const auto& [colour, n] : histogram) background = std::max(background, n);
  return w * h - background;
}

}  // namespace

TEST_CASE("a window renders a frame and saves it as a PNG of the window's size", "[platform][ui]") {
  const Renderer renderer = AnyRenderer();
  INFO("renderer " << mk::platform::RendererName(renderer));
  mk::test::TempDir dir;
  auto window = MakeWindow(640, 400, renderer);
  int draw_w = 0;
  int draw_h = 0;
  window->DrawableSize(&draw_w, &draw_h);
  CHECK(draw_w >= 640);
  CHECK(draw_h >= 400);
  CHECK(window->SaveScreenshot(dir.File("early.png")).code() == mk::ErrorCode::kFailedPrecondition);

  int frames = 0;
  const std::string in_frame_shot = dir.File("in-frame.png");
  const mk::Status run = window->Run([&](const FrameInput& in) {
    ++frames;
    CHECK(in.width == 640);
    CHECK(in.height == 400);
    DrawSample();
    if (frames == 3) REQUIRE(window->SaveScreenshot(in_frame_shot).ok());
    return FrameResult{.keep_running = frames < 3, .redraw_soon = true};
  });
  REQUIRE(run.ok());
  CHECK(frames == 3);

  const std::string after_shot = dir.File("after.png");
  REQUIRE(window->SaveScreenshot(after_shot).ok());
  for (const std::string& path : {in_frame_shot, after_shot}) {
    INFO(path);
    int w = 0;
    int h = 0;
    int channels = 0;
    unsigned char* rgb = stbi_load(path.c_str(), &w, &h, &channels, 3);
    REQUIRE(rgb != nullptr);
    CHECK(w == draw_w);
    CHECK(h == draw_h);
    // Text and the button cover a few thousand pixels, but far from the whole window.
    const int foreground = CountForeground(rgb, w, h);
    CHECK(foreground > 2000);
    CHECK(foreground < w * h / 2);
    stbi_image_free(rgb);
  }
  CHECK(window->SaveScreenshot(dir.File("missing-dir/x.png")).code() == mk::ErrorCode::kIo);
}

TEST_CASE("the loop renders nothing while only foreign events arrive", "[platform][ui]") {
  auto window = MakeWindow(320, 240, AnyRenderer());
  const Uint32 foreign = SDL_RegisterEvents(1);
  REQUIRE(foreign != static_cast<Uint32>(-1));
  constexpr int kForeign = 200;
  int frames = 0;
  int close_frame = 0;
  const mk::Status run = window->Run([&](const FrameInput& in) {
    ++frames;
    DrawSample();
    // The first frame counts as input: it and its settle frames render, then the loop sleeps.
    if (frames == 1 + AppWindow::kSettleFrames) {
      for (int i = 0; i < kForeign; ++i) PushUser(foreign, i);
      PushQuit();
    }
    if (in.terminate_requested) {
      close_frame = frames;
      return FrameResult{.keep_running = false};
    }
    return FrameResult{};
  });
  REQUIRE(run.ok());
  // Not one frame for the 200 foreign events: the next frame is the one with the close request.
  CHECK(close_frame == 2 + AppWindow::kSettleFrames);
  CHECK(frames == close_frame);
  CHECK(SDL_PeepEvents(nullptr, 0, SDL_PEEKEVENT, foreign, foreign) == 0);  // all consumed
  CHECK(window->frames_rendered() == frames);
}

TEST_CASE("input, wake-ups and RequestFrame each cause frames and close requests go to the app", "[platform][ui]") {
  auto window = MakeWindow(320, 240, AnyRenderer());
  const int settled = 1 + AppWindow::kSettleFrames;
  int frames = 0;
  int wake_frame = 0;
  int request_frame = 0;
  int enter_frame = 0;
  int text_frame = 0;
  int drop_frame = 0;
  int close_frame = 0;
  std::string typed;
  std::vector<std::string> dropped;
  std::vector<FrameInput::Typed> typed_events;
  bool terminated = false;
  std::thread helper;
  const mk::Status run = window->Run([&](const FrameInput& in) {
    ++frames;
    DrawSample();
    FrameResult result;
    if (frames == settled) {
      result.wake_in_ms = 0;  // a timer due now
    } else if (frames == settled + 1) {
      wake_frame = frames;
      // Another thread asks for a frame, as a sync worker would.
      helper = std::thread([] { AppWindow::RequestFrame(); });
    } else if (frames == settled + 2) {
      request_frame = frames;
      helper.join();
      // A scanner types fast: text, then Return pressed and released before the next frame.
      SDL_Event text;
      SDL_zero(text);
      text.type = SDL_TEXTINPUT;
      SDL_strlcpy(text.text.text, "Grüße42", sizeof text.text.text);
      REQUIRE(SDL_PushEvent(&text) == 1);
      PushKey(SDL_KEYDOWN, SDL_SCANCODE_RETURN, SDLK_RETURN);
      PushKey(SDL_KEYUP, SDL_SCANCODE_RETURN, SDLK_RETURN);
    } else if (frames > settled + 2 && ImGui::GetIO().InputQueueCharacters.Size > 0) {
      text_frame = frames;
      for (ImWchar c : ImGui::GetIO().InputQueueCharacters) {
        char utf8[5] = {};
        typed += ImTextCharToUtf8(utf8, c);
      }
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
      enter_frame = frames;
      SDL_Event drop;
      SDL_zero(drop);
      drop.type = SDL_DROPFILE;
      drop.drop.file = SDL_strdup("/media/usb/teilnehmer.csv");
      REQUIRE(SDL_PushEvent(&drop) == 1);
    }
    typed_events.insert(typed_events.end(), in.typed.begin(), in.typed.end());
    if (in.terminate_requested) terminated = true;
    if (!in.dropped_files.empty()) {
      drop_frame = frames;
      dropped = in.dropped_files;
      PushWindowClose(*window);
    }
    if (in.close_requested) {
      close_frame = frames;
      // The app decides: the first close request is ignored, the second ends the loop.
      if (close_frame > 0 && frames > drop_frame + 1) return FrameResult{.keep_running = false};
      PushWindowClose(*window);
    }
    return result;
  });
  REQUIRE(run.ok());
  CHECK(wake_frame == settled + 1);
  CHECK(request_frame == settled + 2);
  CHECK(typed == "Grüße42");
  // The frame function also gets the typed text and Enter in order, with event times.
  REQUIRE(typed_events.size() == 2);
  CHECK(typed_events[0].text == "Grüße42");
  CHECK_FALSE(typed_events[0].enter);
  CHECK(typed_events[1].enter);
  CHECK(typed_events[1].at_ms >= typed_events[0].at_ms);
  // The close button is a close request, never a terminate.
  CHECK_FALSE(terminated);
  CHECK(text_frame == settled + 3);
  // The press shows in the frame with the text; the release waits for a later frame.
  CHECK(enter_frame == text_frame);
  CHECK(drop_frame > enter_frame);
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0] == "/media/usb/teilnehmer.csv");
  CHECK(close_frame > drop_frame + 1);
}

TEST_CASE("SetUiScale rebuilds the fonts at the new size", "[platform][ui]") {
  auto window = MakeWindow(320, 240, AnyRenderer());
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == AppWindow::kBaseFontPixels);
  window->SetUiScale(1.5f);
  CHECK(window->ui_scale() == 1.5f);
  CHECK(ImGui::GetIO().Fonts->Fonts.Size == 2 + mk::platform::kHeadingFontCount);
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == AppWindow::kBaseFontPixels * 1.5f);
  float in_frame_size = 0.0f;
  int frames = 0;
  REQUIRE(window
              ->Run([&](const FrameInput&) {
                ++frames;
                if (frames == 1) window->SetUiScale(2.0f);  // applied before the next frame
                if (frames == 2) in_frame_size = ImGui::GetFontSize();
                DrawSample();
                return FrameResult{.keep_running = frames < 2, .redraw_soon = true};
              })
              .ok());
  CHECK(in_frame_size == AppWindow::kBaseFontPixels * 2.0f);
}

namespace {

// The sample frame from a window with `renderer`, as RGB pixels.
std::vector<unsigned char> RenderSample(Renderer renderer, const std::string& png, int* w, int* h) {
  auto window = MakeWindow(480, 200, renderer);
  int frames = 0;
  REQUIRE(window
              ->Run([&](const FrameInput&) {
                ++frames;
                DrawSample();
                return FrameResult{.keep_running = frames < 3, .redraw_soon = true};
              })
              .ok());
  REQUIRE(window->SaveScreenshot(png).ok());
  int channels = 0;
  unsigned char* rgb = stbi_load(png.c_str(), w, h, &channels, 3);
  REQUIRE(rgb != nullptr);
  std::vector<unsigned char> pixels(rgb, rgb + static_cast<size_t>(*w) * *h * 3);
  stbi_image_free(rgb);
  return pixels;
}

}  // namespace

TEST_CASE("SDL_Renderer draws the same text, button and colours as OpenGL", "[platform][ui]") {
  if (!mk::platform::RendererAvailable(Renderer::kSdl)) {
    WARN("this build has no SDL_Renderer backend");
    return;
  }
  mk::test::TempDir dir;
  int gl_w = 0;
  int gl_h = 0;
  int sdl_w = 0;
  int sdl_h = 0;
  const auto gl = RenderSample(Renderer::kOpenGl, dir.File("gl.png"), &gl_w, &gl_h);
  const auto sdl = RenderSample(Renderer::kSdl, dir.File("sdl.png"), &sdl_w, &sdl_h);
  REQUIRE(gl_w == sdl_w);
  REQUIRE(gl_h == sdl_h);
  // Rasterisers differ in anti-aliasing and may put an edge one pixel over, and OpenGL places
  // small glyphs on subpixels where SDL_Renderer snaps them to pixels, so a long line drifts by
  // a few pixels: a pixel matches when a pixel of the other image at most 3 pixels to the side
  // or 1 up or down has nearly its colour. Anything missing (a glyph, the button, a wrong
  // colour or texture) leaves many pixels without a match.
  auto unmatched = [&](const std::vector<unsigned char>& a, const std::vector<unsigned char>& b) {
    int n = 0;
    for (int y = 0; y < gl_h; ++y) {
      for (int x = 0; x < gl_w; ++x) {
        const unsigned char* p = &a[(static_cast<size_t>(y) * gl_w + x) * 3];
        int best = 255;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -3; dx <= 3; ++dx) {
            const int yy = std::clamp(y + dy, 0, gl_h - 1);
            const int xx = std::clamp(x + dx, 0, gl_w - 1);
            const unsigned char* q = &b[(static_cast<size_t>(yy) * gl_w + xx) * 3];
            int diff = 0;
            for (int c = 0; c < 3; ++c) diff = std::max(diff, std::abs(int{p[c]} - int{q[c]}));
            best = std::min(best, diff);
          }
        }
        if (best > 64) ++n;
      }
    }
    return n;
  };
  const int pixels = gl_w * gl_h;
  const int sdl_only = unmatched(sdl, gl);
  const int gl_only = unmatched(gl, sdl);
  INFO(sdl_only << " and " << gl_only << " of " << pixels << " pixels have no match in the other image");
  CHECK(sdl_only < pixels / 500);
  CHECK(gl_only < pixels / 500);
  CHECK(CountForeground(sdl.data(), sdl_w, sdl_h) > 2000);
}

TEST_CASE("the renderer is chosen by option, by MINTKIOSK_RENDERER, or automatically", "[platform][ui]") {
  CHECK(mk::platform::ParseRenderer("gl") == Renderer::kOpenGl);
  CHECK(mk::platform::ParseRenderer("sdl") == Renderer::kSdl);
  CHECK(mk::platform::ParseRenderer("auto") == Renderer::kAuto);
  CHECK_FALSE(mk::platform::ParseRenderer("vulkan"));
  CHECK(std::string(mk::platform::RendererName(Renderer::kSdl)) == "sdl");
  const Renderer automatic =
      mk::platform::RendererAvailable(Renderer::kSdl) ? Renderer::kSdl : Renderer::kOpenGl;
  CHECK(MakeWindow(320, 240)->renderer() == automatic);
  REQUIRE(setenv("MINTKIOSK_RENDERER", "gl", 1) == 0);
  CHECK(MakeWindow(320, 240)->renderer() == Renderer::kOpenGl);
  REQUIRE(setenv("MINTKIOSK_RENDERER", "vulkan", 1) == 0);
  mk::platform::WindowOptions options;
  CHECK(AppWindow::Create(options).status().code() == mk::ErrorCode::kInvalidArgument);
  REQUIRE(unsetenv("MINTKIOSK_RENDERER") == 0);
}

TEST_CASE("the font atlas lives in the renderer only, not twice in memory", "[platform][ui]") {
  auto window = MakeWindow(320, 240, AnyRenderer());
  const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  CHECK(atlas.TexPixelsAlpha8 == nullptr);
  CHECK(atlas.TexPixelsRGBA32 == nullptr);
  CHECK(atlas.TexID != ImTextureID{});
  window->SetUiScale(1.5f);
  CHECK(ImGui::GetIO().Fonts->TexPixelsAlpha8 == nullptr);
  CHECK(ImGui::GetIO().Fonts->TexPixelsRGBA32 == nullptr);
}

TEST_CASE("a fullscreen window covers the whole display, with or without a window manager", "[platform][ui]") {
  mk::platform::WindowOptions options;
  options.title = "mintkiosk platform test";
  options.width = 320;
  options.height = 240;
  options.fullscreen = true;
  auto window = AppWindow::Create(options);
  INFO(window.status().message());
  REQUIRE(window.ok());
  SDL_Rect bounds;
  REQUIRE(SDL_GetDisplayBounds(0, &bounds) == 0);
  int frames = 0;
  int width = 0;
  int height = 0;
  REQUIRE((*window)
              ->Run([&](const FrameInput& in) {
                ++frames;
                width = in.width;
                height = in.height;
                return FrameResult{.keep_running = false};
              })
              .ok());
  CHECK((*window)->fullscreen());
  CHECK(width == bounds.w);
  CHECK(height == bounds.h);
}
