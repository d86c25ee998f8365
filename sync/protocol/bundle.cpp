// Bundle files: magic line, header JSON line, payload, HMAC-SHA-256 (libsodium) over all of it.
#include "bundle.h"

#include <sodium.h>

#include <cassert>
#include <nlohmann/json.hpp>

namespace mk::sync {
namespace {

constexpr std::string_view kMagicPrefix = "MINTKIOSK-BUNDLE ";
constexpr size_t kMacBytes = crypto_auth_hmacsha256_BYTES;
static_assert(kMacBytes == 32, "the bundle layout has a 32-byte MAC");
// A header is a few hundred bytes; a longer first line means this is not a bundle.
constexpr size_t kMaxHeaderBytes = 4096;
constexpr size_t kMaxIdBytes = 200;

std::string MagicLine() { return std::string(kMagicPrefix) + std::to_string(kProtocolVersion) + "\n"; }

std::string_view KindCode(BundleKind kind) {
  switch (kind) {
    case BundleKind::kDeviceToServer: return "device_to_server";
    case BundleKind::kServerToDevice: return "server_to_device";
  }
  return "";
}

std::optional<BundleKind> ParseKind(std::string_view code) {
  if (code == "device_to_server") return BundleKind::kDeviceToServer;
  if (code == "server_to_device") return BundleKind::kServerToDevice;
  return std::nullopt;
}

void EnsureSodium() {
  static const int kInit = sodium_init();
  assert(kInit >= 0 && "libsodium failed to initialise");
  (void)kInit;
}

// The 32 raw key bytes of 64 hex digits; false when `hex` is not exactly that.
bool KeyBytes(std::string_view hex, unsigned char (&key)[crypto_auth_hmacsha256_KEYBYTES]) {
  if (hex.size() != 2 * sizeof key) return false;
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(key, sizeof key, hex.data(), hex.size(), nullptr, &written, &end) != 0) return false;
  return written == sizeof key && end == hex.data() + hex.size();
}

void Mac(std::string_view signed_part, const unsigned char* key, unsigned char* out) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key, crypto_auth_hmacsha256_KEYBYTES);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signed_part.data()),
                                signed_part.size());
  crypto_auth_hmacsha256_final(&state, out);
}

// The secretbox key of a bundle key: SHA-256 over a label and the key bytes, so the MAC key and
// the encryption key are never the same bytes.
void SealKey(const unsigned char* key, unsigned char (&out)[crypto_secretbox_KEYBYTES]) {
  static_assert(crypto_secretbox_KEYBYTES == crypto_hash_sha256_BYTES, "a SHA-256 digest is a secretbox key");
  static constexpr std::string_view kLabel = "mintkiosk bundle payload v1";
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size());
  crypto_hash_sha256_update(&state, key, crypto_auth_hmacsha256_KEYBYTES);
  crypto_hash_sha256_final(&state, out);
}

std::string Seal(std::string_view plain, const unsigned char* key) {
  unsigned char box_key[crypto_secretbox_KEYBYTES];
  SealKey(key, box_key);
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), bytes, box_key);
  sodium_memzero(box_key, sizeof box_key);
  return out;
}

// Reads one member of the header; the message names the member and what it must be.
Status HeaderString(const nlohmann::json& doc, const char* name, std::string* out) {
  auto it = doc.find(name);
  if (it == doc.end()) return InvalidArgument(std::string("the bundle header has no '") + name + "'");
  if (!it->is_string()) return InvalidArgument(std::string("the bundle header's '") + name + "' is not text");
  *out = it->get<std::string>();
  if (out->empty() || out->size() > kMaxIdBytes) {
    return InvalidArgument(std::string("the bundle header's '") + name + "' is empty or too long");
  }
  return Status::Ok();
}

Status HeaderInt(const nlohmann::json& doc, const char* name, int64_t* out) {
  auto it = doc.find(name);
  if (it == doc.end()) return InvalidArgument(std::string("the bundle header has no '") + name + "'");
  if (!it->is_number_integer()) {
    return InvalidArgument(std::string("the bundle header's '") + name + "' is not a whole number");
  }
  *out = it->get<int64_t>();
  if (*out < 0) return InvalidArgument(std::string("the bundle header's '") + name + "' is negative");
  return Status::Ok();
}

}  // namespace

std::string EncodeBundle(const BundleHeader& header, std::string_view payload, std::string_view key_hex) {
  EnsureSodium();
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  const bool key_ok = KeyBytes(key_hex, key);
  assert(key_ok && "a bundle key is 64 hex digits (a device's token hash)");
  (void)key_ok;
  const nlohmann::json doc = {{"version", header.version},
                              {"kind", std::string(KindCode(header.kind))},
                              {"device_id", header.device_id},
                              {"centre_id", header.centre_id},
                              {"created_at_ms", header.created_at_ms},
                              {"acked_seq", header.acked_seq}};
  std::string out = MagicLine();
  // dump() escapes nothing into a newline, so the header stays one line.
  out += doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
  out += Seal(payload, key);
  unsigned char mac[kMacBytes];
  Mac(out, key, mac);
  out.append(reinterpret_cast<const char*>(mac), sizeof mac);
  sodium_memzero(key, sizeof key);
  return out;
}

Result<DecodedBundle> ParseBundle(std::string_view bytes) {
  if (bytes.substr(0, kMagicPrefix.size()) != kMagicPrefix) {
    return InvalidArgument("this is not a mintkiosk bundle (it does not start with 'MINTKIOSK-BUNDLE')");
  }
  const size_t magic_end = bytes.find('\n');
  if (magic_end == std::string_view::npos || magic_end > kMagicPrefix.size() + 10) {
    return InvalidArgument("the bundle's first line is damaged (no end of line after 'MINTKIOSK-BUNDLE N')");
  }
  const std::string_view version_text = bytes.substr(kMagicPrefix.size(), magic_end - kMagicPrefix.size());
  if (version_text != std::to_string(kProtocolVersion)) {
    return InvalidArgument("the bundle has format version '" + std::string(version_text.substr(0, 10)) +
                           "'; this build reads version " + std::to_string(kProtocolVersion) +
                           " (update mintkiosk on the side that reads it)");
  }
  if (bytes.size() < magic_end + 1 + kMacBytes) {
    return InvalidArgument("the bundle is truncated: " + std::to_string(bytes.size()) +
                           " bytes, too short to hold a header and its 32-byte signature");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kMacBytes);
  const size_t header_begin = magic_end + 1;
  const size_t header_end = body.find('\n', header_begin);
  if (header_end == std::string_view::npos || header_end - header_begin > kMaxHeaderBytes) {
    return InvalidArgument("the bundle is truncated or damaged: its header line has no end");
  }
  const nlohmann::json doc =
      nlohmann::json::parse(body.substr(header_begin, header_end - header_begin), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument("the bundle's header is not a JSON object (the file is damaged)");
  }
  DecodedBundle out;
  int64_t version = 0;
  MK_RETURN_IF_ERROR(HeaderInt(doc, "version", &version));
  if (version != kProtocolVersion) {
    return InvalidArgument("the bundle header has version " + std::to_string(version) + "; this build reads version " +
                           std::to_string(kProtocolVersion));
  }
  out.header.version = static_cast<int>(version);
  std::string kind;
  auto kind_it = doc.find("kind");
  if (kind_it == doc.end() || !kind_it->is_string()) return InvalidArgument("the bundle header has no 'kind' text");
  kind = kind_it->get<std::string>();
  std::optional<BundleKind> parsed_kind = ParseKind(kind);
  if (!parsed_kind) {
    return InvalidArgument("the bundle's kind '" + kind.substr(0, 40) +
                           "' is unknown (expected device_to_server or server_to_device)");
  }
  out.header.kind = *parsed_kind;
  MK_RETURN_IF_ERROR(HeaderString(doc, "device_id", &out.header.device_id));
  MK_RETURN_IF_ERROR(HeaderString(doc, "centre_id", &out.header.centre_id));
  MK_RETURN_IF_ERROR(HeaderInt(doc, "created_at_ms", &out.header.created_at_ms));
  MK_RETURN_IF_ERROR(HeaderInt(doc, "acked_seq", &out.header.acked_seq));
  out.payload = std::string(body.substr(header_end + 1));
  return out;
}

Status VerifyBundle(std::string_view bytes, std::string_view key_hex) {
  EnsureSodium();
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  if (!KeyBytes(key_hex, key)) return InvalidArgument("the bundle key is not 64 hex digits");
  if (bytes.size() < kMacBytes) {
    return InvalidArgument("the bundle is truncated: " + std::to_string(bytes.size()) +
                           " bytes, shorter than its 32-byte signature");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - kMacBytes);
  unsigned char expected[kMacBytes];
  Mac(body, key, expected);
  sodium_memzero(key, sizeof key);
  if (sodium_memcmp(expected, bytes.data() + body.size(), kMacBytes) != 0) {
    return PermissionDenied(
        "the bundle's signature does not match: it was changed or damaged after it was written, or it "
        "was not made by this device");
  }
  return Status::Ok();
}

Result<std::string> OpenBundlePayload(std::string_view sealed, std::string_view key_hex) {
  EnsureSodium();
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  if (!KeyBytes(key_hex, key)) return InvalidArgument("a bundle key is 64 hexadecimal digits");
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return InvalidArgument("the bundle's payload is too short to be sealed data (the file is damaged)");
  }
  unsigned char box_key[crypto_secretbox_KEYBYTES];
  SealKey(key, box_key);
  sodium_memzero(key, sizeof key);
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                            bytes + crypto_secretbox_NONCEBYTES,
                                            sealed.size() - crypto_secretbox_NONCEBYTES, bytes, box_key);
  sodium_memzero(box_key, sizeof box_key);
  if (rc != 0) {
    return PermissionDenied("the bundle's payload cannot be opened with this device's key (made for another "
                            "device, or damaged)");
  }
  return plain;
}

}  // namespace mk::sync
