// Fuzz target: a pull page as a kiosk receives it from the server: decoded, every change checked,
// then merged into the device's store with the new cursor in one transaction.
//
// Byte 0 of an input chooses its form. Bit 0 set: the rest is the page's JSON, compressed here
// so inputs reach the checks behind the zstd frame; clear: the rest is the response body as
// received.
#include "fuzz_target.h"
#include "fuzz_world.h"
#include "sync/engine/apply_page.h"
#include "sync/engine/sync_status.h"
#include "sync/protocol/wire.h"

using namespace mk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::AsText(data + 1, size - 1);
  const std::string body = (data[0] & 1) ? sync::Compress(rest, 1) : std::string(rest);
  auto page = sync::DecodePullPage(body);
  if (!page.ok()) {
    fuzz::Note("not decoded: " + page.status().message());
    MK_FUZZ_CHECK(!page.status().message().empty());
    return 0;
  }
  fuzz::DeviceWorld& w = fuzz::TheDevice();
  auto applied = sync::ApplyPage(*w.store, *page);
  fuzz::Note(applied.ok() ? "applied " + std::to_string(applied->applied) + ", no effect " + std::to_string(applied->no_effect)
                          : "refused: " + applied.status().message());
  if (applied.ok()) {
    // The cursor never goes back, whatever a page says.
    static int64_t last_cursor = 0;
    MK_FUZZ_CHECK(applied->cursor >= last_cursor);
    MK_FUZZ_CHECK(applied->cursor >= page->cursor);
    last_cursor = applied->cursor;
  } else {
    MK_FUZZ_CHECK(!applied.status().message().empty());
  }
  return 0;
}
