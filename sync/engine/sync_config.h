// SyncConfig: what a device needs to talk to its server, read from what enrolment left in the
// data directory (server.json and device.token, see client/app/enroll_command.h).
#pragma once

#include <string>

#include "sync/common/status.h"

namespace mk::sync {

// Files enrolment writes into the data directory (the same names as client/app's enrolment).
inline constexpr const char* kServerJsonFile = "server.json";
inline constexpr const char* kTokenFile = "device.token";
inline constexpr const char* kDatabaseFile = "mintkiosk.db";

struct SyncConfig {
  std::string data_dir;
  std::string server_url;  // "https://mint.example.org:8470"
  std::string device_id;   // this device's id at the server (the same as meta.device_id)
  std::string ca_file;     // "" for the system's trust store
  std::string token;       // the bearer token (secret: never log or print it)

  std::string database_path() const;
  std::string files_dir() const;  // DATA/files: the course-material blobs (sync/files)
};

// True when DIR/server.json exists (the device went through enrolment).
bool IsEnrolled(const std::string& data_dir);

// Reads DIR/server.json ({"url","device_id","ca_file"}) and DIR/device.token (one line).
// kFailedPrecondition "this device is not enrolled; run 'mintkiosk enroll'" when either is
// missing; kCorrupt naming the file when one is damaged.
Result<SyncConfig> LoadSyncConfig(const std::string& data_dir);

// The key of this device's bundles: SHA-256 of the token as 64 lower-case hex digits (what the
// server stores as the token's hash; see sync/protocol/bundle.h).
std::string BundleKeyHex(const std::string& token);

// "https://user@mint.example.org:8470/api" -> "mint.example.org"; for messages people read.
std::string HostOfServerUrl(const std::string& url);

}  // namespace mk::sync
