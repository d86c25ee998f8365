// Fuzz target: a translator's .po catalogue as the kiosk reads it.
#include "client/i18n/po_file.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto entries = mk::i18n::ParsePo(mk::fuzz::AsText(data, size));
  if (!entries.ok()) MK_FUZZ_CHECK(!entries.status().message().empty());
  return 0;
}
