// Bundles: sync by file for centres without any connection (sneakernet), authenticated with a
// key both the device and the server can derive and nobody else can.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire.h"

namespace mk::sync {

// Which way a bundle goes.
enum class BundleKind {
  kDeviceToServer,  // a device's outbox (a PushBatch)
  kServerToDevice,  // the centre's log for one device (a PullPage), with that device's acked seq
};

struct BundleHeader {
  int version = kProtocolVersion;
  BundleKind kind = BundleKind::kDeviceToServer;
  std::string device_id;   // the device that made it, or the one it is made for
  std::string centre_id;
  int64_t created_at_ms = 0;
  int64_t acked_seq = 0;   // kServerToDevice: the device's outbox is applied up to here
};

// The key of a device's bundles: SHA-256 of its token (what the server stores as token_hash),
// as 64 lower-case hex digits. Both sides hold it; a copied bundle cannot be re-signed for
// another device.
// File layout: "MINTKIOSK-BUNDLE 1\n", one line of header JSON, the sealed payload, then 32
// bytes of HMAC-SHA-256 over everything before it. The payload (EncodePushBatch or
// EncodePullPage bytes) holds personal data and travels on USB sticks: it is sealed with
// XSalsa20-Poly1305 (libsodium secretbox, a random 24-byte nonce first) under a key derived
// from the bundle key, so a lost stick shows who made the bundle for which centre, nothing more.
std::string EncodeBundle(const BundleHeader& header, std::string_view payload, std::string_view key_hex);

struct DecodedBundle {
  BundleHeader header;
  std::string payload;  // still sealed: see OpenBundlePayload
};
// Parses the layout, without checking the signature (the reader looks up the key by device).
Result<DecodedBundle> ParseBundle(std::string_view bytes);
// Checks the HMAC of `bytes` with `key_hex`; kPermissionDenied with a clear message if wrong.
Status VerifyBundle(std::string_view bytes, std::string_view key_hex);

// The plain payload of a verified bundle (DecodedBundle::payload) with the same key.
Result<std::string> OpenBundlePayload(std::string_view sealed, std::string_view key_hex);

}  // namespace mk::sync
