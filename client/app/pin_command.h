// `mintkiosk pin set`: sets the trainer PIN that guards leaving the kiosk and its settings.
#pragma once

#include <istream>
#include <ostream>
#include <string>

namespace mk::client {

// Reads the PIN twice from the terminal without echo, or one line from `in` when standard
// input is not a terminal; stores its hash in DIR/kiosk-pin. Returns the exit code (0, 1, 2).
int RunPinSetCommand(const std::string& data_dir, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace mk::client
