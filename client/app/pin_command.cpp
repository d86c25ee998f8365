// The `pin set` command.
#include "pin_command.h"

#include <iostream>

#include "client/viewmodels/trainer_pin.h"
#include "platform/file_io.h"
#include "platform/paths.h"

namespace mk::client {
namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

int RunPinSetCommand(const std::string& data_dir, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string pin;
  if (platform::StdinIsTerminal()) {
    std::string again;
    if (!platform::ReadSecretLine(in, out, "New trainer PIN (4-12 digits): ", &pin) ||
        !platform::ReadSecretLine(in, out, "The same PIN again: ", &again)) {
      err << "mintkiosk: no PIN was entered\n";
      return 1;
    }
    pin = Trimmed(pin);
    if (pin != Trimmed(again)) {
      err << "mintkiosk: the two PINs differ; nothing changed\n";
      return 1;
    }
  } else {
    if (!std::getline(in, pin)) {
      err << "mintkiosk: no PIN on standard input\n";
      return 1;
    }
    pin = Trimmed(pin);
  }
  if (Status s = ValidatePinFormat(pin); !s.ok()) {
    err << "mintkiosk: " << s.message() << "; nothing changed\n";
    return 1;
  }
  if (Status s = platform::EnsureDirectory(data_dir); !s.ok()) {
    err << "mintkiosk: " << s.message() << "\n";
    return 1;
  }
  if (Status s = SetTrainerPin(data_dir, pin); !s.ok()) {
    err << "mintkiosk: " << s.message() << "\n";
    return 1;
  }
  out << "The trainer PIN is set (" << platform::JoinPath(data_dir, "kiosk-pin") << ").\n";
  return 0;
}

}  // namespace mk::client
