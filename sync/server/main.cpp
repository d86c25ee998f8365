// Entry point of mintkiosk-server: the command line (serve and administration).
#include <iostream>
#include <string>
#include <vector>

#include "server_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = mk::server::RunServerCli(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
