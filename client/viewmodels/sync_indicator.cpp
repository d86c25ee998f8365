// The sync state for the indicator: server.json first, then the background sync's status.
#include "sync_indicator.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mk::client {

std::string HostOfUrl(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of(":/?#", start);
  if (end == std::string::npos) end = url.size();
  std::string host = url.substr(start, end - start);
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host;
}

SyncIndicator ReadSyncIndicator(const std::string& data_dir) {
  SyncIndicator s;
  std::ifstream in(data_dir + "/server.json", std::ios::binary);
  if (!in) return s;
  s.state = SyncIndicator::State::kConnectedNotSynced;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_object()) {
    for (const char* key : {"url", "server_url", "server"}) {
      if (j.contains(key) && j[key].is_string()) {
        s.host = HostOfUrl(j[key].get<std::string>());
        break;
      }
    }
  }
  return s;
}

SyncIndicator IndicatorFromStatus(const sync::SyncStatus& status, const std::string& host, int64_t now_ms) {
  SyncIndicator s;
  s.host = host;
  s.waiting_changes = status.waiting_changes;
  if (status.last_success_ms) s.minutes_since_sync = std::max<int64_t>(0, now_ms - *status.last_success_ms) / 60000;
  if (!status.enrolled) {
    s.state = SyncIndicator::State::kNoServer;
  } else if (status.running) {
    s.state = SyncIndicator::State::kSyncing;
    s.percent = status.progress.Percent();
  } else if (!status.last_error.empty()) {
    s.state = status.online.value_or(false) ? SyncIndicator::State::kProblem : SyncIndicator::State::kOffline;
    s.error = status.last_error;
  } else if (status.last_success_ms) {
    s.state = SyncIndicator::State::kSynced;
  } else {
    s.state = SyncIndicator::State::kConnectedNotSynced;
  }
  return s;
}

}  // namespace mk::client
