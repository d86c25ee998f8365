// A message for the screen: a catalogue id and its arguments (shared by every view-model).
#pragma once

#include <string>
#include <vector>

namespace mk::client {

// A message for the screen: a catalogue id (i18n::Msg) and its {0}, {1} arguments.
struct Notice {
  std::string id;
  std::vector<std::string> args;
  bool is_error = false;
  bool empty() const { return id.empty(); }
};

}  // namespace mk::client
