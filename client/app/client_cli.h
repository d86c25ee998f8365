// The mintkiosk command line: administration and scripting on a device's local store.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mk::client {

// Runs one command (argv without the program name). Returns the process exit code:
// 0 success, 1 the command failed (message on `err`), 2 the command line is wrong.
int RunClientCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

}  // namespace mk::client
