// What the kiosk says about sync, in calm words: from server.json before the background sync
// reports, then from the sync worker's status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/engine/sync_status.h"

namespace mk::client {

struct SyncIndicator {
  enum class State {
    kNoServer,            // not enrolled: "Working offline: not connected to a server"
    kConnectedNotSynced,  // enrolled, no sync finished yet: "Connected to HOST, not synced yet"
    kSyncing,             // "Syncing… 40 %"
    kSynced,              // the last sync succeeded: "Synced 2 min ago"
    kOffline,             // the server did not answer: "Offline, 12 changes waiting"
    kProblem,             // the server answered but refused: "Sync problem: ..."
  };
  State state = State::kNoServer;
  std::string host;                 // the server's host name when one is configured
  int64_t waiting_changes = 0;      // changes of this device not sent yet
  std::optional<int> percent;       // kSyncing, when known
  int64_t minutes_since_sync = -1;  // since the last successful sync; -1: never
  std::string error;                // kProblem: the last error in plain words (not translated)
};

// Reads DIR/server.json (written when the device is enrolled with a server): absent means no
// server; otherwise its "url" (or "server_url") gives the host. Never fails: an unreadable
// file counts as a configured server with an unknown host.
SyncIndicator ReadSyncIndicator(const std::string& data_dir);

// The indicator for a background sync's status at `now_ms` (the host is kept from server.json).
//   running -> kSyncing; the last attempt failed without an answer -> kOffline, with an
//   answer -> kProblem; succeeded at some time -> kSynced; otherwise kConnectedNotSynced.
SyncIndicator IndicatorFromStatus(const sync::SyncStatus& status, const std::string& host, int64_t now_ms);

// "https://mint.example.org:8443/api" -> "mint.example.org".
std::string HostOfUrl(const std::string& url);

}  // namespace mk::client
