// The kiosk's own settings (idle time, language, UI scale, server URL), kept in DIR/kiosk.json.
#pragma once

#include <string>

#include "client/i18n/catalogue.h"
#include "sync/common/status.h"

namespace mk::client {

struct KioskSettings {
  int idle_seconds = 60;           // 15..600
  i18n::Language language = i18n::Language::kGerman;
  float ui_scale = 1.0f;           // 0.75..2.5
  std::string server_url;          // empty: no server configured here
  friend bool operator==(const KioskSettings&, const KioskSettings&) = default;
};

// Values outside the ranges above are refused with a message naming the setting.
Status ValidateKioskSettings(const KioskSettings& settings);

// Reads DIR/kiosk.json; a missing file gives the defaults. Unknown keys are ignored, so a
// newer version's file still loads.
Result<KioskSettings> LoadKioskSettings(const std::string& data_dir);
// Writes DIR/kiosk.json (mode 0600) with platform::WriteFileDurably, so a power cut leaves
// either the old or the new settings, never half a file, and OK means they are on disk.
Status SaveKioskSettings(const std::string& data_dir, const KioskSettings& settings);

}  // namespace mk::client
