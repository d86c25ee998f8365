// `mintkiosk enroll`: joins this device to its centre's server with a one-time code.
#pragma once

#include <atomic>
#include <ostream>
#include <string>
#include <string_view>

#include "sync/common/cli_args.h"
#include "sync/common/status.h"
#include "sync/store/domain.h"

namespace mk::client {

inline constexpr const char* kEnrollHelp = R"(Usage: mintkiosk [--data DIR] enroll --server URL --code CODE [--ca-file FILE] [--name NAME]

Enrols this device with its centre's server using a one-time code from the server's
administrator ('mintkiosk-server enroll'). Stores in DIR: server.json (server URL, device
id, CA file) and device.token (readable by its owner only), and makes the server's centre
this device's centre. Certificates are always verified.
  --server URL    the server, such as https://mint.example.org:8470
  --code CODE     the enrolment code, such as K7QX2-MHT9C (case, spaces and dashes do not matter)
  --ca-file FILE  trust the centre's own certificate authority (PEM) for this server
  --name NAME     how the server lists this device (such as "Kiosk foyer")
)";

// The options `enroll` accepts besides --data.
inline constexpr const char* kEnrollOptions[] = {"server", "code", "ca-file", "name"};

struct EnrolmentRequest {
  std::string server_url;   // http:// or https://
  std::string code;         // as typed
  std::string ca_file;      // optional PEM file of the centre's own CA
  std::string device_name;  // optional
  // When set and it becomes true, the request to the server is abandoned (kUnavailable) within
  // a second or so (the kiosk is closing).
  const std::atomic<bool>* cancel = nullptr;
};

struct EnrolmentResult {
  std::string device_id;  // the server's id of this device
  store::Centre centre;   // now this device's centre
};

// The server's answer to POST /v1/enroll, checked: a UUID device id, a printable token, the
// centre's profile. `server_url` only names the server in the error.
struct EnrolmentAnswer {
  std::string device_id;
  std::string token;
  store::Centre centre;
};
Result<EnrolmentAnswer> ParseEnrolmentAnswer(std::string_view body, std::string_view server_url);

// Enrols the device whose data directory is `data_dir`: POST /v1/enroll, then the centre
// profile into the local store as the home centre, then server.json and device.token (0600).
// On any error nothing of the token is left behind. Blocks for as long as the network takes
// (bounded by the HTTP client's timeouts); usable from the CLI and from the kiosk's settings.
Result<EnrolmentResult> EnrolDevice(const std::string& data_dir, const EnrolmentRequest& request);

// Runs `mintkiosk enroll` on the data directory; returns the exit code (0, 1 failed, 2 usage).
int RunEnrollCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);

// Files the enrolment leaves in the data directory.
inline constexpr const char* kServerConfigFile = "server.json";
inline constexpr const char* kDeviceTokenFile = "device.token";

}  // namespace mk::client
