// Codes of change operations (see change.h).
#include "change.h"

namespace mk::sync {

std::string_view ChangeOpCode(ChangeOp op) {
  switch (op) {
    case ChangeOp::kUpsert: return "u";
    case ChangeOp::kDelete: return "d";
    case ChangeOp::kErase: return "e";
  }
  return "u";
}

std::optional<ChangeOp> ParseChangeOp(std::string_view code) {
  if (code == "u") return ChangeOp::kUpsert;
  if (code == "d") return ChangeOp::kDelete;
  if (code == "e") return ChangeOp::kErase;
  return std::nullopt;
}

}  // namespace mk::sync
