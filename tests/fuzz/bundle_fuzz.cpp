// Fuzz target: a bundle file as `mintkiosk-server import-bundle` reads it from a USB stick:
// layout, header, signature, sealed payload, then the push it carries.
//
// Byte 0 of an input chooses its form. Bit 0 clear: the rest is the bundle file as found on the
// stick. Bit 0 set: the rest is the JSON of the push batch inside, which is compressed, sealed
// and signed here with the enrolled kiosk's key, so inputs get past the signature to the
// payload's checks. Bit 1 set (with bit 0): the batch is renumbered to start where the server
// expects.
#include "fuzz_target.h"
#include "fuzz_world.h"
#include "sync/protocol/bundle.h"
#include "sync/protocol/wire.h"
#include "sync/server/secret.h"

using namespace mk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  fuzz::ServerWorld& w = fuzz::TheServer();
  static int64_t expected_seq = 0;
  const std::string_view rest = fuzz::AsText(data + 1, size - 1);
  std::string file;
  if (data[0] & 1) {
    std::string payload = sync::Compress(rest, 1);
    if (data[0] & 2) {
      auto batch = sync::DecodePushBatch(payload);
      if (batch.ok() && expected_seq > 0) {
        batch->first_seq = expected_seq;
        payload = sync::EncodePushBatch(*batch);
      }
    }
    sync::BundleHeader header;
    header.kind = sync::BundleKind::kDeviceToServer;
    header.device_id = w.device.id;
    header.centre_id = w.device.centre_id;
    header.created_at_ms = fuzz::kWorldNowMs;
    file = sync::EncodeBundle(header, payload, server::HashSecret(fuzz::kWorldDeviceToken));
  } else {
    file = std::string(rest);
    auto parsed = sync::ParseBundle(file);
    if (!parsed.ok()) MK_FUZZ_CHECK(!parsed.status().message().empty());
  }
  auto imported = w.storage->ImportBundle(file, fuzz::kWorldNowMs);
  if (!imported.ok()) {
    fuzz::Note("not imported: " + imported.status().message());
    MK_FUZZ_CHECK(!imported.status().message().empty());
    return 0;
  }
  fuzz::Note("refusal " + std::to_string(static_cast<int>(imported->push.refusal)) + " " + imported->push.message +
             ", logged " + std::to_string(imported->push.logged));
  if (imported->push.refusal == server::PushRefusal::kNone) expected_seq = imported->push.ack.acked_seq + 1;
  if (imported->push.refusal == server::PushRefusal::kSequenceGap) expected_seq = imported->push.expected_seq;
  return 0;
}
