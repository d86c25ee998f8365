// Entry point of mintkiosk: the command line (and, with no command, the kiosk window).
#include <iostream>
#include <string>
#include <vector>

#include "client_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::ios::sync_with_stdio(false);
  const int code = mk::client::RunClientCli(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
