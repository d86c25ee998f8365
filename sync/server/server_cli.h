// The mintkiosk-server command line: serve, and the administration of centres, codes and devices.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace mk::server {

// Runs one command (argv without the program name). Returns the process exit code:
// 0 success, 1 the command failed (message on `err`), 2 the command line is wrong.
// `serve` blocks until SIGTERM or SIGINT and must be called before any other thread starts.
int RunServerCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

// "24h", "30m", "7d", "90s" as milliseconds; nullopt for anything else.
std::optional<int64_t> ParseDuration(const std::string& text);

}  // namespace mk::server
