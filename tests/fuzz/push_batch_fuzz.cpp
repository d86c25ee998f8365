// Fuzz target: a push batch as mintkiosk-server receives it from an enrolled kiosk: decoded,
// checked (types, sizes, scope, references) and applied in one transaction to the demo centre.
//
// Byte 0 of an input chooses its form. Bit 0 set: the rest is the batch's JSON, compressed here
// so inputs reach the checks behind the zstd frame and its checksum; clear: the rest is the
// request body exactly as sent. Bit 1 set: the batch is renumbered to start at the seq the
// server expects next, so the sequence check does not stop it. The rest is also taken as an
// outbox entry's stored fields text, which a device copies to the wire without parsing.
#include <vector>

#include "fuzz_target.h"
#include "fuzz_world.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/wire.h"

using namespace mk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::AsText(data + 1, size - 1);
  const std::string body = (data[0] & 1) ? sync::Compress(rest, 1) : std::string(rest);
  auto batch = sync::DecodePushBatch(body);
  // The server decodes while it merges (PushBatchStream): it must take exactly what the decoder
  // takes, with the same changes, and refuse the rest with the decoder's message.
  {
    auto stream = sync::PushBatchStream::Open(body);
    Status streamed = stream.ok() ? Status::Ok() : stream.status();
    std::vector<sync::Change> changes;
    while (streamed.ok()) {
      auto next = (*stream)->Next();
      if (!next.ok()) {
        streamed = next.status();
      } else if (*next == nullptr) {
        break;
      } else {
        const sync::CheckedChange& checked = **next;
        const Status valid = sync::ValidateChange(checked.change);
        MK_FUZZ_CHECK(checked.validity.ok() == valid.ok() && checked.validity.message() == valid.message());
        MK_FUZZ_CHECK(checked.wire_fields == (valid.ok() ? sync::WireFieldsText(checked.change) : std::string()));
        changes.push_back(checked.change);
      }
    }
    MK_FUZZ_CHECK(streamed.ok() == batch.ok());
    if (batch.ok() && streamed.ok()) {
      MK_FUZZ_CHECK((*stream)->first_seq() == batch->first_seq);
      MK_FUZZ_CHECK((*stream)->clock_skew_ms() == batch->clock_skew_ms);
      MK_FUZZ_CHECK(changes == batch->changes);
    }
    if (!batch.ok() && !streamed.ok()) MK_FUZZ_CHECK(streamed.message() == batch.status().message());
  }
  // The input as an outbox entry's stored fields: what the device copies to the wire without
  // parsing must read exactly like the parsed fields written again (StoredFieldsToWire).
  for (const char* table : {"attendance", "people"}) {
    std::string copied;
    if (!sync::StoredFieldsToWire(table, sync::ChangeOp::kUpsert, rest, copied)) continue;
    sync::Change parsed;
    parsed.table = table;
    parsed.fields = nlohmann::json::parse(rest, nullptr, false);
    MK_FUZZ_CHECK(parsed.fields.is_object());
    MK_FUZZ_CHECK(nlohmann::json::parse(copied, nullptr, false) ==
                  nlohmann::json::parse(sync::WireFieldsText(parsed), nullptr, false));
  }
  if (!batch.ok()) {
    fuzz::Note("not decoded: " + batch.status().message());
    MK_FUZZ_CHECK(!batch.status().message().empty());
    return 0;
  }
  fuzz::ServerWorld& w = fuzz::TheServer();
  static int64_t expected_seq = 0;  // 0 until the first push has set the device's numbering
  if ((data[0] & 2) && expected_seq > 0) batch->first_seq = expected_seq;
  auto result = w.storage->ApplyPush(w.device, *batch, fuzz::kWorldNowMs);
  // Anything a device can send is answered with a refusal or an acknowledgement: a storage
  // failure here would be a 500.
  MK_FUZZ_CHECK(result.ok());
  fuzz::Note("refusal " + std::to_string(static_cast<int>(result->refusal)) + " " + result->message + ", applied " +
             std::to_string(result->applied) + ", logged " + std::to_string(result->logged));
  switch (result->refusal) {
    case server::PushRefusal::kNone:
      if (!batch->changes.empty()) {
        MK_FUZZ_CHECK(result->ack.acked_seq >= batch->first_seq + static_cast<int64_t>(batch->changes.size()) - 1);
      }
      expected_seq = result->ack.acked_seq + 1;
      break;
    case server::PushRefusal::kSequenceGap:
      MK_FUZZ_CHECK(result->expected_seq > 0);
      expected_seq = result->expected_seq;
      break;
    case server::PushRefusal::kInvalidChange:
    case server::PushRefusal::kForeignCentre:
    case server::PushRefusal::kMalformed:
      MK_FUZZ_CHECK(!result->message.empty());
      MK_FUZZ_CHECK(result->logged == 0);
      break;
  }
  return 0;
}
