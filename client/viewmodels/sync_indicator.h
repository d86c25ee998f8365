// What the kiosk says about sync: only the state that exists today, in calm words.
#pragma once

#include <string>

namespace mk::client {

struct SyncIndicator {
  enum class State { kNoServer, kConnectedNotSynced };
  State state = State::kNoServer;
  std::string host;  // the server's host name when one is configured
};

// Reads DIR/server.json (written when the device is enrolled with a server): absent means no
// server; otherwise its "url" (or "server_url") gives the host. Never fails: an unreadable
// file counts as a configured server with an unknown host.
SyncIndicator ReadSyncIndicator(const std::string& data_dir);

// "https://mint.example.org:8443/api" -> "mint.example.org".
std::string HostOfUrl(const std::string& url);

}  // namespace mk::client
