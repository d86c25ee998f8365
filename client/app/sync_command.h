// `mintkiosk sync`, `status`, `export-bundle` and `import-bundle`: the device's sync from the
// command line (the kiosk runs the same engine in the background).
#pragma once

#include <ostream>
#include <string>

#include "sync/common/cli_args.h"

namespace mk::client {

inline constexpr const char* kSyncHelp = R"(Usage: mintkiosk [--data DIR] sync

Syncs this device with its centre's server once: sends every change waiting on this device,
then receives every change the server has for it (records first, then files). An interrupted
sync loses nothing and duplicates nothing: run it again.
Exit status 0 only when everything waiting went up and everything available came down;
otherwise 1, with the reason on standard error. The device must be enrolled ('mintkiosk enroll').
)";

inline constexpr const char* kStatusHelp = R"(Usage: mintkiosk [--data DIR] status [--json]

Shows the sync status of this device: the server it is enrolled with, its device id, whether
the server answered at the last attempt, how many changes wait to be sent, the last successful
sync (in the centre's time zone) and the last error.
  --json   one JSON object for scripts, with the keys enrolled, server, device_id, online,
           waiting_changes, last_success_at and last_attempt_at (ISO 8601 UTC or null),
           last_error (null or text), pull_cursor and clock_skew_ms
)";

inline constexpr const char* kExportBundleHelp = R"(Usage: mintkiosk [--data DIR] export-bundle FILE

For centres without a connection: writes every change waiting on this device into FILE (a
bundle signed with this device's key), for 'mintkiosk-server import-bundle' on the server.
The changes stay waiting here until the server's answer bundle is imported with
'mintkiosk import-bundle'. FILE is replaced atomically.
)";

inline constexpr const char* kImportBundleHelp = R"(Usage: mintkiosk [--data DIR] import-bundle FILE

Applies a bundle the server made for this device ('mintkiosk-server export-bundle'): the
centre's changes, and which of this device's changes the server has. The bundle must be
signed for this device and its centre; a damaged or foreign bundle is refused and changes
nothing. Importing the same bundle again changes nothing.
)";

// Each returns the exit code: 0 success, 1 failed (the reason on `err`), 2 usage.
int RunSyncCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunStatusCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunExportBundleCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunImportBundleCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);

}  // namespace mk::client
