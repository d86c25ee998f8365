// Entry point of mintkiosk-server. The HTTP API arrives with the central server work; today it
// answers --help and --version so that packaging and scripts can find it.
#include <iostream>
#include <string>
#include <vector>

#include "sync/common/cli_args.h"

#ifndef MK_VERSION
#define MK_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kUsage = R"(mintkiosk-server: the central server of a mintkiosk network.

Usage: mintkiosk-server [--data DIR] COMMAND [OPTIONS]

Options:
  --data DIR    the server's data directory
  --help        this help
  --version     print the version

No commands are available in this version yet.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> argv_list(argv + 1, argv + argc);
  auto args = mk::cli::Parse(argv_list, {"data"}, {"help", "version"});
  if (!args.ok()) {
    std::cerr << "mintkiosk-server: " << args.status().message() << "\nTry 'mintkiosk-server --help'.\n";
    return 2;
  }
  if (args->Has("version")) {
    std::cout << "mintkiosk-server " << MK_VERSION << "\n";
    return 0;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
