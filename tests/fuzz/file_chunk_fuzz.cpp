// Fuzz target: chunks of a content-addressed file arriving in any order, size and content (the
// server's PUT /v1/files/{sha256}?offset=N and a kiosk's resumed download write the same way).
// The promise under test: a blob is complete only with exactly the bytes its name says.
//
// Input: a list of chunks, each [offset: 2 bytes][length: 1 byte][bytes], then a final
// completion with the size the file should have.
#include <algorithm>
#include <cstdio>
#include <string>

#include "fuzz_target.h"
#include "sync/files/blob_store.h"

using namespace mk;

namespace {

const std::string& Original() {
  static const std::string bytes = [] {
    std::string s;
    for (int i = 0; i < 700; ++i) s.push_back(static_cast<char>('a' + (i * 7) % 26));
    return s;
  }();
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sync::BlobStore* blobs = [] {
    auto opened = sync::BlobStore::Open(fuzz::ScratchDir() + "/blobs");
    MK_FUZZ_CHECK(opened.ok());
    return new sync::BlobStore(std::move(*opened));
  }();
  const std::string sha = sync::Sha256Hex(Original());
  (void)blobs->DiscardPartial(sha);
  size_t at = 0;
  while (at + 3 <= size) {
    const int64_t offset = (int64_t{data[at]} << 8) | data[at + 1];
    const size_t length = std::min<size_t>(data[at + 2], size - at - 3);
    at += 3;
    const std::string_view bytes = fuzz::AsText(data + at, length);
    at += length;
    int64_t partial = 0;
    const Status appended = blobs->AppendChunk(sha, offset, bytes, &partial);
    MK_FUZZ_CHECK(appended.ok() || !appended.message().empty());
  }
  const Status done = blobs->Complete(sha, static_cast<int64_t>(Original().size()));
  if (done.ok()) {
    auto read = blobs->Read(sha, 0, static_cast<int64_t>(Original().size()));
    MK_FUZZ_CHECK(read.ok() && *read == Original());
    // Start the next input from nothing: the blob is removed by hand, as a test may.
    MK_FUZZ_CHECK(std::remove(blobs->BlobPath(sha).c_str()) == 0);
  }
  return 0;
}
