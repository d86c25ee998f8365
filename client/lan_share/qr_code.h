// QR codes of short texts (the LAN share's URL) as a matrix of modules, drawn by the screens.
#pragma once

#include <string>
#include <vector>

#include "sync/common/status.h"

namespace mk::client {

// A square of modules; true is dark. Draw it with a quiet zone of 4 modules around.
struct QrCode {
  int size = 0;               // modules per side
  std::vector<bool> modules;  // row-major, size * size
  bool dark(int x, int y) const { return modules[static_cast<size_t>(y) * static_cast<size_t>(size) + static_cast<size_t>(x)]; }
};

// Encodes `text` (UTF-8, 8-bit mode) with error correction level M (libqrencode).
// kInvalidArgument for empty text or text too long for a QR code.
Result<QrCode> EncodeQr(const std::string& text);

}  // namespace mk::client
