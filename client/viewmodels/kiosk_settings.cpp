// Loading and saving kiosk.json.
#include "kiosk_settings.h"

#include <nlohmann/json.hpp>

#include "platform/file_io.h"
#include "platform/paths.h"

namespace mk::client {
namespace {

std::string SettingsPath(const std::string& dir) { return platform::JoinPath(dir, "kiosk.json"); }

}  // namespace

Status ValidateKioskSettings(const KioskSettings& s) {
  if (s.idle_seconds < 15 || s.idle_seconds > 600) return InvalidArgument("idle time must be 15 to 600 seconds");
  if (!(s.ui_scale >= 0.75f && s.ui_scale <= 2.5f)) return InvalidArgument("UI scale must be 0.75 to 2.5");
  if (s.server_url.size() > 500) return InvalidArgument("server URL is longer than 500 characters");
  if (!s.server_url.empty() && s.server_url.rfind("http://", 0) != 0 && s.server_url.rfind("https://", 0) != 0) {
    return InvalidArgument("server URL must start with http:// or https://");
  }
  return Status::Ok();
}

Result<KioskSettings> LoadKioskSettings(const std::string& data_dir) {
  KioskSettings s;
  auto text = platform::ReadSmallFile(SettingsPath(data_dir));
  if (!text.ok()) {
    if (text.status().code() == ErrorCode::kNotFound) return s;
    return text.status();
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Corrupt(SettingsPath(data_dir) + " is not a JSON object");
  if (j.contains("idle_seconds") && j["idle_seconds"].is_number_integer()) s.idle_seconds = j["idle_seconds"].get<int>();
  if (j.contains("language") && j["language"].is_string()) {
    if (auto l = i18n::ParseLanguage(j["language"].get<std::string>())) s.language = *l;
  }
  if (j.contains("ui_scale") && j["ui_scale"].is_number()) s.ui_scale = j["ui_scale"].get<float>();
  if (j.contains("server_url") && j["server_url"].is_string()) s.server_url = j["server_url"].get<std::string>();
  MK_RETURN_IF_ERROR(ValidateKioskSettings(s).WithContext(SettingsPath(data_dir)));
  return s;
}

Status SaveKioskSettings(const std::string& data_dir, const KioskSettings& s) {
  MK_RETURN_IF_ERROR(ValidateKioskSettings(s));
  nlohmann::json j = {{"idle_seconds", s.idle_seconds},
                      {"language", std::string(i18n::LanguageCode(s.language))},
                      {"ui_scale", s.ui_scale},
                      {"server_url", s.server_url}};
  return platform::WriteFileDurably(SettingsPath(data_dir), j.dump(2) + "\n", platform::FileAccess::kOwnerOnly);
}

}  // namespace mk::client
