// A real SDL2 + OpenGL window (SDL_VIDEODRIVER=offscreen from ctest, or Xvfb): frames, events, screenshots.
#include <catch2/catch.hpp>

#include <SDL.h>
#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharToUtf8
#include <stb_image.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "platform/app_window.h"
#include "platform/fonts.h"
#include "tests/support/test_support.h"

#if defined(__SANITIZE_ADDRESS__)
// Mesa's drivers are unloaded at exit with allocations LeakSanitizer cannot attribute (frames in
// "unknown module"): leak checking is off for this program; ASan's other checks stay on.
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif

using mk::platform::AppWindow;
using mk::platform::FrameInput;
using mk::platform::FrameResult;

namespace {

std::unique_ptr<AppWindow> MakeWindow(int width, int height) {
  mk::platform::WindowOptions options;
  options.title = "mintkiosk platform test";
  options.width = width;
  options.height = height;
  auto window = AppWindow::Create(options);
  INFO(window.status().message());
  REQUIRE(window.ok());
  return std::move(window).value();
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
void PushWindowClose() {
  SDL_Event e;
  SDL_zero(e);
  e.type = SDL_WINDOWEVENT;
  e.window.event = SDL_WINDOWEVENT_CLOSE;
  e.window.windowID = SDL_GetWindowID(SDL_GL_GetCurrentWindow());
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
  mk::test::TempDir dir;
  auto window = MakeWindow(640, 400);
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
  auto window = MakeWindow(320, 240);
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
  auto window = MakeWindow(320, 240);
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
      PushWindowClose();
    }
    if (in.close_requested) {
      close_frame = frames;
      // The app decides: the first close request is ignored, the second ends the loop.
      if (close_frame > 0 && frames > drop_frame + 1) return FrameResult{.keep_running = false};
      PushWindowClose();
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
  auto window = MakeWindow(320, 240);
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == AppWindow::kBaseFontPixels);
  window->SetUiScale(1.5f);
  CHECK(window->ui_scale() == 1.5f);
  CHECK(ImGui::GetIO().Fonts->Fonts.Size == 3);
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
