// QR encoding through libqrencode.
#include "qr_code.h"

#include <qrencode.h>

namespace mk::client {

Result<QrCode> EncodeQr(const std::string& text) {
  if (text.empty()) return InvalidArgument("a QR code needs some text");
  if (text.size() > 1000) return InvalidArgument("the text is too long for a QR code on a screen");
  QRcode* qr = QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                                 QR_ECLEVEL_M);
  if (qr == nullptr) return InvalidArgument("the text cannot be encoded as a QR code");
  QrCode out;
  out.size = qr->width;
  out.modules.resize(static_cast<size_t>(qr->width) * static_cast<size_t>(qr->width));
  for (size_t i = 0; i < out.modules.size(); ++i) out.modules[i] = (qr->data[i] & 1) != 0;
  QRcode_free(qr);
  return out;
}

}  // namespace mk::client
