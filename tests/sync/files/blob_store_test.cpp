// Tests of the BlobStore on real files: hashing, dedupe, ordered appends, verified completion.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "sync/files/blob_store.h"
#include "tests/sync/files/file_fixture.h"
#include "tests/support/test_support.h"

namespace mk::files_test {
namespace {

using sync::BlobStore;

BlobStore OpenStore(const test::TempDir& dir) {
  auto blobs = BlobStore::Open(dir.File("files"));
  INFO(blobs.status().message());
  REQUIRE(blobs.ok());
  return std::move(*blobs);
}

// Appends `bytes` in pieces of `piece` bytes from offset 0.
void AppendAll(BlobStore& blobs, const std::string& sha, const std::string& bytes, size_t piece) {
  for (size_t at = 0; at < bytes.size(); at += piece) {
    Status s = blobs.AppendChunk(sha, static_cast<int64_t>(at), std::string_view(bytes).substr(at, piece));
    INFO(s.message());
    REQUIRE(s.ok());
  }
}

TEST_CASE("SHA-256 names are 64 lower-case hex digits and nothing else", "[files]") {
  const std::string good = sync::Sha256Hex("abc");
  CHECK(good == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sync::IsValidSha256(good));
  std::string upper = good;
  upper[0] = 'B';
  for (const std::string& bad : {upper, good.substr(1), good + "0", std::string("../") + good.substr(3),
                                 std::string(64, 'g'), std::string(), std::string(62, 'a') + "/a"}) {
    INFO(bad);
    CHECK_FALSE(sync::IsValidSha256(bad));
  }

  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  for (const std::string& bad : {upper, std::string("../../etc/passwd"), std::string(64, '.')}) {
    INFO(bad);
    CHECK(blobs.Has(bad).status().code() == ErrorCode::kInvalidArgument);
    CHECK(blobs.PartialSize(bad).status().code() == ErrorCode::kInvalidArgument);
    CHECK(blobs.AppendChunk(bad, 0, "x").code() == ErrorCode::kInvalidArgument);
    CHECK(blobs.Complete(bad, 1).code() == ErrorCode::kInvalidArgument);
    CHECK(blobs.Read(bad, 0, 1).status().code() == ErrorCode::kInvalidArgument);
    CHECK(blobs.MarkOutgoing(bad).code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("AddFile hashes while copying, dedupes by content and marks the blob outgoing", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(300 * 1024 + 7, 1);
  test::WriteFile(dir.File("a.bin"), bytes);
  test::WriteFile(dir.File("b.bin"), bytes);

  auto a = blobs.AddFile(dir.File("a.bin"));
  REQUIRE(a.ok());
  CHECK(a->sha256 == sync::Sha256Hex(bytes));
  CHECK(a->size == static_cast<int64_t>(bytes.size()));
  CHECK(blobs.Has(a->sha256).value());
  CHECK(test::ReadFile(blobs.BlobPath(a->sha256)) == bytes);
  CHECK(blobs.Outgoing().value() == std::vector<std::string>{a->sha256});

  auto b = blobs.AddFile(dir.File("b.bin"));
  REQUIRE(b.ok());
  CHECK(b->sha256 == a->sha256);
  CHECK(blobs.Outgoing().value().size() == 1);

  REQUIRE(blobs.ClearOutgoing(a->sha256).ok());
  CHECK(blobs.Outgoing().value().empty());
  CHECK(blobs.ClearOutgoing(a->sha256).ok());  // twice is fine

  CHECK(blobs.AddFile(dir.File("missing.bin")).status().code() == ErrorCode::kNotFound);
  CHECK(blobs.AddFile(dir.path()).status().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("Prune deletes the complete and partial files it is not told to keep but never an outgoing one",
          "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  auto complete = [&](const std::string& bytes) {
    const std::string sha = sync::Sha256Hex(bytes);
    AppendAll(blobs, sha, bytes, 64 * 1024);
    REQUIRE(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).ok());
    return sha;
  };
  const std::string kept_bytes = TestBytes(70000, 11);
  const std::string dropped_bytes = TestBytes(90000, 12);
  const std::string kept = complete(kept_bytes);
  const std::string dropped = complete(dropped_bytes);
  // A download of a material that went meanwhile: 5 000 of its bytes arrived.
  const std::string partial_bytes = TestBytes(20000, 13);
  const std::string partial = sync::Sha256Hex(partial_bytes);
  REQUIRE(blobs.AppendChunk(partial, 0, std::string_view(partial_bytes).substr(0, 5000)).ok());
  // Added on this device ("Übung Ærøskøbing.pdf"), its row not written yet: outgoing.
  const std::string added_bytes = TestBytes(30000, 14);
  test::WriteFile(dir.File("Übung Ærøskøbing.pdf"), added_bytes);
  auto added = blobs.AddFile(dir.File("Übung Ærøskøbing.pdf"));
  REQUIRE(added.ok());
  // Something in the store that is not a blob of it.
  test::WriteFile(dir.File("files/sha256/notes.txt"), "not a blob");

  std::vector<std::string> asked;
  auto pruned = blobs.Prune([&](const std::string& sha) {
    asked.push_back(sha);
    return sha == kept;
  });
  INFO(pruned.status().message());
  REQUIRE(pruned.ok());
  CHECK(pruned->files == 2);
  CHECK(pruned->bytes == static_cast<int64_t>(dropped_bytes.size() + 5000));
  CHECK(blobs.Has(kept).value());
  CHECK(test::ReadFile(blobs.BlobPath(kept)) == kept_bytes);
  CHECK_FALSE(blobs.Has(dropped).value());
  CHECK(blobs.PartialSize(partial).value() == 0);
  CHECK(blobs.Has(added->sha256).value());  // never asked about: it is outgoing
  CHECK(std::find(asked.begin(), asked.end(), added->sha256) == asked.end());
  CHECK(test::ReadFile(dir.File("files/sha256/notes.txt")) == "not a blob");

  // Once uploaded (the marker cleared) it goes like any other unnamed file; nothing is left to
  // delete after that.
  REQUIRE(blobs.ClearOutgoing(added->sha256).ok());
  auto again = blobs.Prune([&](const std::string& sha) { return sha == kept; });
  REQUIRE(again.ok());
  CHECK(again->files == 1);
  CHECK(again->bytes == static_cast<int64_t>(added_bytes.size()));
  CHECK_FALSE(blobs.Has(added->sha256).value());
  auto nothing = blobs.Prune([&](const std::string& sha) { return sha == kept; });
  REQUIRE(nothing.ok());
  CHECK(nothing->files == 0);
  CHECK(blobs.Has(kept).value());
  // The dropped file can come again: a download starts from the beginning.
  REQUIRE(blobs.AppendChunk(dropped, 0, dropped_bytes).ok());
  REQUIRE(blobs.Complete(dropped, static_cast<int64_t>(dropped_bytes.size())).ok());
  CHECK(blobs.Read(dropped, 0, 1 << 20).value() == dropped_bytes);
}

TEST_CASE("a partial file is never reported as available", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(100000, 2);
  const std::string sha = sync::Sha256Hex(bytes);
  REQUIRE(blobs.AppendChunk(sha, 0, std::string_view(bytes).substr(0, 99999)).ok());
  CHECK(blobs.PartialSize(sha).value() == 99999);
  CHECK_FALSE(blobs.Has(sha).value());
  CHECK(blobs.Size(sha).status().code() == ErrorCode::kNotFound);
  CHECK(blobs.Read(sha, 0, 10).status().code() == ErrorCode::kNotFound);
  // One byte short is not finished: kept, not deleted.
  CHECK(blobs.Complete(sha, 100000).code() == ErrorCode::kFailedPrecondition);
  CHECK(blobs.PartialSize(sha).value() == 99999);

  REQUIRE(blobs.AppendChunk(sha, 99999, std::string_view(bytes).substr(99999)).ok());
  CHECK_FALSE(blobs.Has(sha).value());  // all bytes, not verified yet
  REQUIRE(blobs.Complete(sha, 100000).ok());
  CHECK(blobs.Has(sha).value());
  CHECK(blobs.PartialSize(sha).value() == 0);
  CHECK(blobs.Read(sha, 0, 1 << 20).value() == bytes);
  CHECK(blobs.Complete(sha, 100000).ok());  // idempotent
  CHECK(blobs.AppendChunk(sha, 0, "x").code() == ErrorCode::kAlreadyExists);
  CHECK(blobs.Outgoing().value().empty());  // received, not added here
}

TEST_CASE("AppendChunk takes only the next offset and says which one that is", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(1000, 3);
  const std::string sha = sync::Sha256Hex(bytes);
  int64_t held = -1;
  REQUIRE(blobs.AppendChunk(sha, 0, bytes.substr(0, 400), &held).ok());
  CHECK(held == 400);
  for (int64_t wrong : {0, 399, 401, 5000}) {
    INFO(wrong);
    held = -1;
    Status s = blobs.AppendChunk(sha, wrong, "zzz", &held);
    CHECK(s.code() == ErrorCode::kFailedPrecondition);
    CHECK(s.message().find("400") != std::string::npos);
    CHECK(held == 400);
  }
  CHECK(blobs.AppendChunk(sha, -1, "z").code() == ErrorCode::kInvalidArgument);
  CHECK(blobs.PartialSize(sha).value() == 400);
  REQUIRE(blobs.AppendChunk(sha, 400, bytes.substr(400), &held).ok());
  CHECK(held == 1000);
  REQUIRE(blobs.Complete(sha, 1000).ok());
  CHECK(test::ReadFile(blobs.BlobPath(sha)) == bytes);
}

TEST_CASE("a corrupt or oversized partial is discarded at completion", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(200 * 1024, 4);
  const std::string sha = sync::Sha256Hex(bytes);

  SECTION("one flipped byte") {
    std::string corrupt = bytes;
    corrupt[123457] = static_cast<char>(corrupt[123457] ^ 0x01);
    AppendAll(blobs, sha, corrupt, 64 * 1024);
    Status s = blobs.Complete(sha, static_cast<int64_t>(bytes.size()));
    CHECK(s.code() == ErrorCode::kCorrupt);
    CHECK(s.message().find("SHA-256") != std::string::npos);
  }
  SECTION("more bytes than the material says") {
    AppendAll(blobs, sha, bytes + "x", 64 * 1024);
    CHECK(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).code() == ErrorCode::kCorrupt);
  }
  CHECK_FALSE(FileExists(blobs.PartialPath(sha)));
  CHECK(blobs.PartialSize(sha).value() == 0);
  CHECK_FALSE(blobs.Has(sha).value());
  // The transfer starts again from 0 and succeeds.
  AppendAll(blobs, sha, bytes, 64 * 1024);
  REQUIRE(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).ok());
  CHECK(blobs.Has(sha).value());
}

TEST_CASE("the empty file completes without any chunk", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string sha = sync::Sha256Hex("");
  CHECK(blobs.AppendChunk(sha, 0, "").ok());
  REQUIRE(blobs.Complete(sha, 0).ok());
  CHECK(blobs.Has(sha).value());
  CHECK(blobs.Read(sha, 0, 10).value().empty());
}

TEST_CASE("Read serves bounded ranges of complete blobs", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(5 * 1024 * 1024 + 3, 5);
  test::WriteFile(dir.File("big.bin"), bytes);
  auto info = blobs.AddFile(dir.File("big.bin"));
  REQUIRE(info.ok());
  CHECK(blobs.Read(info->sha256, 10, 20).value() == bytes.substr(10, 20));
  CHECK(blobs.Read(info->sha256, info->size - 2, 100).value() == bytes.substr(bytes.size() - 2));
  CHECK(blobs.Read(info->sha256, info->size, 100).value().empty());
  CHECK(blobs.Read(info->sha256, info->size + 1, 1).status().code() == ErrorCode::kInvalidArgument);
  CHECK(blobs.Read(info->sha256, 0, info->size).value().size() == static_cast<size_t>(BlobStore::kMaxReadBytes));
}

TEST_CASE("a PartialWriter appends piece by piece from the offset it was opened at", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(100 * 1000 + 17, 7);
  const std::string sha = sync::Sha256Hex(bytes);

  // The first response: three pieces, then the link drops; what arrived is flushed and kept.
  {
    auto writer = blobs.OpenPartial(sha, 0);
    INFO(writer.status().message());
    REQUIRE(writer.ok());
    for (size_t at = 0; at < 30000; at += 10000) REQUIRE(writer->Append(std::string_view(bytes).substr(at, 10000)).ok());
    CHECK(writer->Append("").ok());
    CHECK(writer->size() == 30000);
    CHECK(blobs.PartialSize(sha).value() == 30000);  // in the file before the flush already
    REQUIRE(writer->Flush().ok());
    REQUIRE(writer->Flush().ok());  // nothing new: a no-op
  }
  CHECK(blobs.PartialSize(sha).value() == 30000);
  CHECK_FALSE(blobs.Has(sha).value());

  // Opened at any other offset: refused, and told where to continue.
  for (int64_t wrong : {0, 29999, 30001}) {
    INFO(wrong);
    int64_t held = -1;
    auto refused = blobs.OpenPartial(sha, wrong, &held);
    CHECK(refused.status().code() == ErrorCode::kFailedPrecondition);
    CHECK(refused.status().message().find("offset mismatch") != std::string::npos);
    CHECK(held == 30000);
  }
  CHECK(blobs.OpenPartial(sha, -1).status().code() == ErrorCode::kInvalidArgument);
  CHECK(blobs.OpenPartial("../x", 0).status().code() == ErrorCode::kInvalidArgument);

  // The next response continues at the exact byte; a writer survives being moved.
  auto opened = blobs.OpenPartial(sha, 30000);
  REQUIRE(opened.ok());
  BlobStore::PartialWriter writer = std::move(*opened);
  for (size_t at = 30000; at < bytes.size(); at += 16384) {
    REQUIRE(writer.Append(std::string_view(bytes).substr(at, 16384)).ok());
  }
  REQUIRE(writer.Flush().ok());
  CHECK(writer.size() == static_cast<int64_t>(bytes.size()));
  REQUIRE(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).ok());
  CHECK(test::ReadFile(blobs.BlobPath(sha)) == bytes);
  // Complete now: nothing more is taken.
  CHECK(writer.Append("x").code() == ErrorCode::kAlreadyExists);
  CHECK(blobs.OpenPartial(sha, 0).status().code() == ErrorCode::kAlreadyExists);
  CHECK_FALSE(FileExists(blobs.PartialPath(sha)));
}

TEST_CASE("a PartialWriter stops when another writer changed the partial file", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(4000, 8);
  const std::string sha = sync::Sha256Hex(bytes);
  auto writer = blobs.OpenPartial(sha, 0);
  REQUIRE(writer.ok());
  REQUIRE(writer->Append(std::string_view(bytes).substr(0, 1000)).ok());

  SECTION("another writer appended in between") {
    REQUIRE(blobs.AppendChunk(sha, 1000, std::string_view(bytes).substr(1000, 500)).ok());
    Status s = writer->Append(std::string_view(bytes).substr(1000, 1000));
    CHECK(s.code() == ErrorCode::kFailedPrecondition);
    CHECK(s.message().find("1500") != std::string::npos);
    CHECK(writer->size() == 1000);
    CHECK(blobs.PartialSize(sha).value() == 1500);  // nothing written twice
  }
  SECTION("another writer discarded it") {
    REQUIRE(blobs.DiscardPartial(sha).ok());
    Status s = writer->Append(std::string_view(bytes).substr(1000, 1000));
    CHECK(s.code() == ErrorCode::kFailedPrecondition);
    CHECK(s.message().find("replaced or deleted") != std::string::npos);
    CHECK(blobs.PartialSize(sha).value() == 0);
    CHECK_FALSE(FileExists(blobs.PartialPath(sha)));
  }
  SECTION("another writer completed the blob") {
    REQUIRE(blobs.AppendChunk(sha, 1000, std::string_view(bytes).substr(1000)).ok());
    REQUIRE(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).ok());
    CHECK(writer->Append(std::string_view(bytes).substr(1000, 1000)).code() == ErrorCode::kAlreadyExists);
    CHECK(test::ReadFile(blobs.BlobPath(sha)) == bytes);
  }
  CHECK(writer->Flush().ok());
}

TEST_CASE("concurrent writers of one blob never interleave: each offset is taken once", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(64 * 40, 6);
  const std::string sha = sync::Sha256Hex(bytes);
  constexpr size_t kPiece = 64;
  std::atomic<int> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      // Each writer keeps offering the next piece until the file is whole; bounded attempts.
      BlobStore mine = BlobStore::Open(blobs.dir()).value();
      for (int attempt = 0; attempt < 100000; ++attempt) {
        auto held = mine.PartialSize(sha);
        if (!held.ok() || *held >= static_cast<int64_t>(bytes.size())) return;
        const auto at = static_cast<size_t>(*held);
        if (mine.AppendChunk(sha, *held, std::string_view(bytes).substr(at, kPiece)).ok()) appended.fetch_add(1);
      }
    });
  }
  for (auto& t : writers) t.join();
  CHECK(appended.load() == static_cast<int>(bytes.size() / kPiece));
  REQUIRE(blobs.Complete(sha, static_cast<int64_t>(bytes.size())).ok());
  CHECK(test::ReadFile(blobs.BlobPath(sha)) == bytes);
}

TEST_CASE("PartialWriters and AppendChunk on one blob at once never interleave", "[files]") {
  test::TempDir dir;
  BlobStore blobs = OpenStore(dir);
  const std::string bytes = TestBytes(64 * 60, 9);
  const std::string sha = sync::Sha256Hex(bytes);
  const auto total = static_cast<int64_t>(bytes.size());
  constexpr size_t kPiece = 64;
  std::atomic<int> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, streaming = w % 2 == 0] {
      BlobStore mine = BlobStore::Open(blobs.dir()).value();
      for (int attempt = 0; attempt < 100000; ++attempt) {
        auto held = mine.PartialSize(sha);
        if (!held.ok() || *held >= total) return;
        if (!streaming) {
          const auto at = static_cast<size_t>(*held);
          if (mine.AppendChunk(sha, *held, std::string_view(bytes).substr(at, kPiece)).ok()) appended.fetch_add(1);
          continue;
        }
        // A "response" of up to five pieces, until another writer gets in between.
        auto writer = mine.OpenPartial(sha, *held);
        if (!writer.ok()) continue;
        for (int piece = 0; piece < 5 && writer->size() < total; ++piece) {
          const auto at = static_cast<size_t>(writer->size());
          if (!writer->Append(std::string_view(bytes).substr(at, kPiece)).ok()) break;
          appended.fetch_add(1);
        }
        if (!writer->Flush().ok()) return;
      }
    });
  }
  for (auto& t : writers) t.join();
  CHECK(appended.load() == static_cast<int>(bytes.size() / kPiece));
  REQUIRE(blobs.Complete(sha, total).ok());
  CHECK(test::ReadFile(blobs.BlobPath(sha)) == bytes);
}

}  // namespace
}  // namespace mk::files_test
