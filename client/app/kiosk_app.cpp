// Kiosk wiring: store + view-model + screens + the platform's event-driven window.
#include "kiosk_app.h"

#include <imgui.h>

#include <atomic>
#include <cstdlib>

#include "client/app/enroll_command.h"
#include "client/screens/screens.h"
#include "client/viewmodels/kiosk_view_model.h"
#include "platform/app_window.h"
#include "platform/fonts.h"
#include "platform/paths.h"
#include "platform/test_layout.h"
#include "sync/common/clock.h"
#include "sync/engine/sync_worker.h"
#include "sync/store/store.h"

namespace mk::client {

std::optional<std::pair<int, int>> ParseWindowSize(const std::string& text) {
  const size_t x = text.find_first_of("xX");
  if (x == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const long w = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() + x) return std::nullopt;
  const long h = std::strtol(text.c_str() + x + 1, &end, 10);
  if (*end != 0 || x + 1 == text.size()) return std::nullopt;
  if (w < 200 || w > 10000 || h < 200 || h > 10000) return std::nullopt;
  return std::make_pair(static_cast<int>(w), static_cast<int>(h));
}

int RunKioskApp(const KioskLaunch& launch, std::ostream& err) {
  auto fail = [&](const Status& s) {
    err << "mintkiosk: " << s.message() << "\n";
    return 1;
  };
  if (Status s = platform::EnsureDirectory(launch.data_dir); !s.ok()) return fail(s);
  auto store = store::Store::Open(platform::JoinPath(launch.data_dir, "mintkiosk.db"), SystemClock::Instance());
  if (!store.ok()) return fail(store.status());
  // The background sync of an enrolled device (started by enrolment otherwise). It outlives
  // the view-model, whose callbacks reach it; its destructor stops it promptly.
  std::unique_ptr<sync::SyncWorker> sync_worker;
  auto start_sync = [&sync_worker, &launch, &err] {
    if (sync_worker || !sync::IsEnrolled(launch.data_dir)) return;
    auto config = sync::LoadSyncConfig(launch.data_dir);
    if (!config.ok()) {
      err << "mintkiosk: no background sync: " << config.status().message() << "\n";
      return;
    }
    sync::SyncWorkerOptions sync_options;
    sync_options.on_change = [] { platform::AppWindow::RequestFrame(); };
    sync_worker = sync::SyncWorker::Start(*config, sync_options);
  };
  start_sync();
  KioskOptions options;
  options.sync_status = [&sync_worker]() -> std::optional<sync::SyncStatus> {
    if (!sync_worker) return std::nullopt;
    return sync_worker->Snapshot();
  };
  options.on_local_change = [&sync_worker] {
    if (sync_worker) sync_worker->Notify();
  };
  options.data_dir = launch.data_dir;
  options.font_dir = platform::FontDir();
  options.kiosk_mode = !launch.windowed;
  options.language = launch.language;
  // Enrolment from the settings runs on a worker thread (the view-model's BackgroundCall): it
  // opens a store connection of its own and touches nothing of the UI; the window wakes when
  // it is done, and the background sync starts back on the UI thread.
  options.enrol = [data_dir = launch.data_dir](const std::string& server_url, const std::string& code,
                                                const std::atomic<bool>& cancel) -> Status {
    EnrolmentRequest request;
    request.server_url = server_url;
    request.code = code;
    request.cancel = &cancel;
    return EnrolDevice(data_dir, request).status();
  };
  options.on_enrolled = [&start_sync] { start_sync(); };
  options.wake_ui = [] { platform::AppWindow::RequestFrame(); };
  auto vm = KioskViewModel::Create(**store, *SystemClock::Instance(), options);
  if (!vm.ok()) return fail(vm.status().WithContext("the kiosk cannot start"));
  auto german = i18n::Catalogue::Builtin(i18n::Language::kGerman);
  if (!german.ok()) return fail(german.status());
  auto english = i18n::Catalogue::Builtin(i18n::Language::kEnglish);
  if (!english.ok()) return fail(english.status());

  KioskViewModel& model = **vm;
  platform::WindowOptions window_options;
  window_options.fullscreen = !launch.windowed;
  if (launch.width > 0) {
    window_options.width = launch.width;
    window_options.height = launch.height;
  }
  window_options.ui_scale = model.settings().ui_scale;
  window_options.renderer = launch.renderer;
  auto window = platform::AppWindow::Create(window_options);
  if (!window.ok()) return fail(window.status());

  UiContext ui;
  std::vector<UiContext::TypedKey> typed;
  ui.note_widget = &platform::NoteWidget;
  ui.note_screen = &platform::NoteScreen;
  int applied_settings = model.settings_generation();
  float applied_scale = model.settings().ui_scale;
  Status run = (*window)->Run([&](const platform::FrameInput& input) {
    platform::FrameResult result;
    if (input.terminate_requested) {
      // A service stop or shutdown: every write is already committed, so just end.
      result.keep_running = false;
      return result;
    }
    if (input.close_requested) model.OnCloseRequested();
    typed.clear();
    for (const auto& t : input.typed) typed.push_back({t.text, t.enter, t.at_ms});
    ui.typed = &typed;
    model.Update();
    // Files dropped onto the window: the trainer's Materials tab offers to add them.
    if (!input.dropped_files.empty()) model.OnFilesDropped(input.dropped_files);
    bool rescaled = false;
    if (model.settings_generation() != applied_settings) applied_settings = model.settings_generation();
    // The person's scale times the window's: a full-HD screen gets larger type and targets.
    const float want_scale = model.settings().ui_scale * WindowScale(static_cast<float>(input.width),
                                                                      static_cast<float>(input.height));
    if (want_scale != applied_scale) {
      applied_scale = want_scale;
      (*window)->SetUiScale(applied_scale);
      rescaled = true;
    }
    const Screen screen_before = model.screen();
    const int generation_before = model.generation();
    ui.catalogue = model.language() == i18n::Language::kGerman ? &*german : &*english;
    ui.layout.scale = applied_scale;
    ui.bold_font = platform::BoldFont(ImGui::GetIO());
    ui.heading_fonts = platform::HeadingFonts(ImGui::GetIO());
    DrawKiosk(ui, model);
    result.keep_running = !model.exit_requested();
    result.wake_in_ms = model.NextWakeInMs();
    result.redraw_soon = rescaled || model.screen() != screen_before || model.generation() != generation_before ||
                         model.settings_generation() != applied_settings;
    return result;
  });
  if (!run.ok()) return fail(run);
  return 0;
}

}  // namespace mk::client
