// Where mintkiosk keeps its files on this operating system.
#pragma once

#include <string>

#include "sync/common/status.h"

namespace mk::platform {

// The default data directory: $XDG_DATA_HOME/mintkiosk, else $HOME/.local/share/mintkiosk.
std::string DefaultDataDir();

// The compiled IANA time zone database: $TZDIR if set, else the system's zoneinfo directory.
std::string ZoneInfoDir();

// Creates `dir` and its parents (mode 0700 for the ones created: data dirs hold personal
// data). OK when it exists already as a directory.
Status EnsureDirectory(const std::string& dir);

// Joins path parts with '/'.
std::string JoinPath(const std::string& a, const std::string& b);

}  // namespace mk::platform
