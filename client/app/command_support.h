// What the `mintkiosk` commands share: their error and usage reports and the device's store.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "platform/paths.h"
#include "sync/common/cli_args.h"
#include "sync/common/clock.h"
#include "sync/common/status.h"
#include "sync/engine/sync_config.h"
#include "sync/store/store.h"

namespace mk::client {

// "mintkiosk: <what went wrong>" on `err`; returns exit status 1.
inline int Fail(std::ostream& err, const Status& s) { return cli::ReportFailure(err, "mintkiosk", s); }

// "mintkiosk: <message>" and where to read the command's help; returns exit status 2.
inline int Usage(std::ostream& err, const std::string& message, const std::string& command) {
  return cli::ReportUsage(err, "mintkiosk", message, command);
}

// The device's store in `data_dir` (created when missing), on the system clock.
inline Result<std::unique_ptr<store::Store>> OpenDeviceStore(const std::string& data_dir) {
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(data_dir));
  return store::Store::Open(platform::JoinPath(data_dir, sync::kDatabaseFile), SystemClock::Instance());
}

}  // namespace mk::client
