// Sneakernet on the device: writing its outbox into a bundle file for the server, and applying
// a bundle the server made for it (sync/protocol/bundle.h has the file layout).
#pragma once

#include <cstdint>
#include <string>

#include "sync/common/status.h"
#include "sync/store/store.h"
#include "sync_config.h"

namespace mk::sync {

// A bundle file holds at most this much encoded change data, so the reader's limit on a
// decoded batch (kMaxDecodedBytes) is never reached; what does not fit waits for the next one.
inline constexpr size_t kMaxBundleChangeBytes = 16 * 1024 * 1024;
// Larger files are not read as bundles.
inline constexpr size_t kMaxBundleFileBytes = 64 * 1024 * 1024;

struct ExportedBundle {
  int64_t changes = 0;     // changes in the file
  int64_t first_seq = 0;   // their seqs: first_seq .. first_seq + changes - 1
  int64_t remaining = 0;   // changes still waiting that did not fit (export again later)
  int64_t bytes = 0;       // size of the file
};

// Writes every waiting outbox entry (from the oldest on, up to kMaxBundleChangeBytes) as a
// device-to-server bundle for this device and its home centre, signed with BundleKeyHex of
// the token. The file is written atomically: a temporary file beside it, flushed to disk, then
// renamed over `path`, so a crash or a pulled USB stick leaves the old file or the new one.
// Nothing in the store changes: the outbox is acknowledged when the server's answer bundle is
// imported (ImportServerBundle).
Result<ExportedBundle> ExportDeviceBundle(store::Store& store, const SyncConfig& config, const std::string& path);

struct ImportedBundle {
  int64_t changes = 0;         // changes in the bundle
  int64_t applied = 0;         // of them, those that changed the store
  int64_t pull_cursor = 0;     // the stored cursor afterwards
  int64_t acknowledged_to = 0; // the outbox is acknowledged up to here
};

// Applies a server-to-device bundle: checks the layout, that it is a server-to-device bundle
// made for this device (its id) and its home centre, its signature (BundleKeyHex of the
// token), and every change; then applies it like a pulled page (ApplyPage: changes, cursor =
// max(cursor, page cursor)) and acknowledges the outbox up to the header's acked_seq, all in
// one transaction. Refused bundles change nothing; importing the same bundle twice changes
// nothing the second time.
Result<ImportedBundle> ImportServerBundle(store::Store& store, const SyncConfig& config, const std::string& path);

}  // namespace mk::sync
