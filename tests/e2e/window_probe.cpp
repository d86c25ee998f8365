// mk_window_probe: a minimal AppWindow program (a text field and a button) for harness tests and as benchmark baseline.
//
// Usage: mk_window_probe OUTPUT_FILE [--size WxH] [--empty] [--renderer auto|gl|sdl]
// Each submitted text (Return in the field, or the button) is appended to OUTPUT_FILE as a line.
// A close or terminate request appends "closed" or "terminated" and ends the program. --empty draws nothing but a blank window.
#include <imgui.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "platform/app_window.h"
#include "platform/test_layout.h"

namespace {

struct ProbeState {
  char text[256] = {};
  bool focus_text = true;
  int submitted = 0;
};

void Append(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
}

void DrawProbe(ProbeState& state, const std::string& output) {
  namespace platform = mk::platform;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("probe", nullptr, ImGuiWindowFlags_NoDecoration);
  platform::NoteScreen("probe");
  ImGui::TextUnformatted("mintkiosk window probe – Grüße");
  if (state.focus_text) {
    ImGui::SetKeyboardFocusHere();
    state.focus_text = false;
  }
  ImGui::SetNextItemWidth(io.DisplaySize.x * 0.6f);
  bool submit = ImGui::InputText("##text", state.text, sizeof state.text, ImGuiInputTextFlags_EnterReturnsTrue);
  platform::NoteWidget("probe.text");
  if (ImGui::Button("Senden", ImVec2(200, 64))) submit = true;
  platform::NoteWidget("probe.button");
  ImGui::Text("submitted: %d", state.submitted);
  ImGui::End();
  if (submit) {
    Append(output, state.text);
    state.text[0] = '\0';
    state.focus_text = true;
    ++state.submitted;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: mk_window_probe OUTPUT_FILE [--size WxH] [--empty] [--renderer auto|gl|sdl]\n");
    return 2;
  }
  const std::string output = argv[1];
  mk::platform::WindowOptions options;
  options.title = "mintkiosk probe";
  bool empty = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
      if (std::sscanf(argv[++i], "%dx%d", &options.width, &options.height) != 2) return 2;
    } else if (std::strcmp(argv[i], "--empty") == 0) {
      empty = true;
    } else if (std::strcmp(argv[i], "--renderer") == 0 && i + 1 < argc) {
      const auto renderer = mk::platform::ParseRenderer(argv[++i]);
      if (!renderer) return 2;
      options.renderer = *renderer;
    } else {
      return 2;
    }
  }
  auto window = mk::platform::AppWindow::Create(options);
  if (!window.ok()) {
    std::fprintf(stderr, "mk_window_probe: %s\n", window.status().message().c_str());
    return 1;
  }
  ProbeState state;
  const mk::Status run = (*window)->Run([&](const mk::platform::FrameInput& in) {
    if (!empty) DrawProbe(state, output);
    if (in.close_requested || in.terminate_requested) {
      Append(output, in.terminate_requested ? "terminated" : "closed");
      return mk::platform::FrameResult{.keep_running = false};
    }
    return mk::platform::FrameResult{};
  });
  if (!run.ok()) {
    std::fprintf(stderr, "mk_window_probe: %s\n", run.message().c_str());
    return 1;
  }
  return 0;
}
