// The kiosk window: opens the store, builds the view-model and runs the screens in the platform window.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/i18n/catalogue.h"
#include "platform/app_window.h"

namespace mk::client {

struct KioskLaunch {
  std::string data_dir;
  bool windowed = false;  // false: fullscreen kiosk mode, leaving needs the trainer PIN
  int width = 0;          // 0: the default size
  int height = 0;
  std::optional<i18n::Language> language;  // overrides the saved setting for this run
  platform::Renderer renderer = platform::Renderer::kAuto;
};

// Runs the kiosk until it is left (with the trainer PIN in kiosk mode, or by closing the
// window when windowed). Returns the process exit code: 0 after a normal exit, 1 when the
// store, the catalogues or the window could not be opened (the reason is on `err`).
int RunKioskApp(const KioskLaunch& launch, std::ostream& err);

// Parses "WxH" ("1280x800"); nullopt unless both are 200..10000.
std::optional<std::pair<int, int>> ParseWindowSize(const std::string& text);

}  // namespace mk::client
