// The wire format: round trips, and every kind of damage refused with a clear message.
#include <catch2/catch.hpp>
#include <zstd.h>

#include <memory>

#include "sync/protocol/merge.h"
#include "sync/protocol/wire.h"

namespace mk::sync {
namespace {

std::vector<Change> SomeChanges() {
  std::vector<Change> out;
  for (int i = 0; i < 50; ++i) {
    Change c;
    c.table = "attendance";
    c.key = "0193a000-0000-7000-8000-000000000001|0193a000-0000-7000-8000-0000000001" + std::to_string(10 + i);
    c.hlc = MakeHlc(1'795'766'400'000 + i * 1000, static_cast<uint32_t>(i % 3));
    c.device_time_ms = 1'795'766'400'000 + i * 1000 + (i == 7 ? -5000 : 0);
    c.fields = {{"session_id", "0193a000-0000-7000-8000-000000000001"},
                {"person_id", "0193a000-0000-7000-8000-0000000001" + std::to_string(10 + i)},
                {"status", "present"}, {"checked_in_at", c.device_time_ms}, {"method", "kiosk_search"},
                {"device_id", "dev"}, {"left_at", nullptr}, {"note", "Ærøskøbing"}, {"status_by", "kiosk"},
                {"updated_at", c.device_time_ms}};
    out.push_back(c);
  }
  Change erase;
  erase.table = "people";
  erase.key = "p1";
  erase.op = ChangeOp::kErase;
  erase.hlc = MakeHlc(1'795'766'500'000, 0);
  erase.device_time_ms = 1'795'766'500'000;
  out.push_back(erase);
  return out;
}

TEST_CASE("Push batches and pull pages survive the wire unchanged", "[protocol][wire]") {
  PushBatch batch;
  batch.first_seq = 17;
  batch.clock_skew_ms = -1234;
  batch.changes = SomeChanges();
  auto decoded = DecodePushBatch(EncodePushBatch(batch));
  REQUIRE(decoded.ok());
  CHECK(decoded->first_seq == 17);
  CHECK(decoded->clock_skew_ms == -1234);
  CHECK(decoded->changes == batch.changes);

  PullPage page;
  page.cursor = 99;
  page.more = true;
  page.server_time_ms = 5;
  page.changes = SomeChanges();
  auto back = DecodePullPage(EncodePullPage(page));
  REQUIRE(back.ok());
  CHECK(back->cursor == 99);
  CHECK(back->more);
  CHECK(back->changes == page.changes);
}

TEST_CASE("A pull page written from stored wire text reads like an encoded page", "[protocol][wire]") {
  const std::vector<Change> changes = SomeChanges();
  // Attendance travels without its key columns (the key carries them); people keep theirs.
  const std::string text = WireFieldsText(changes[0]);
  CHECK(text.find("session_id") == std::string::npos);
  CHECK(text.find("person_id") == std::string::npos);
  CHECK(text.find("\"status\":\"present\"") != std::string::npos);
  Change person;
  person.table = "people";
  person.key = "p1";
  person.hlc = 1;
  person.fields = {{"id", "p1"}, {"first_name", "Zo\u00eb"}};
  CHECK(nlohmann::json::parse(WireFieldsText(person)) == person.fields);

  Change restored = changes[3];
  restored.fields = nlohmann::json::parse(WireFieldsText(restored));
  RestoreKeyFields(restored);
  CHECK(restored == changes[3]);

  PullPageWriter writer;
  for (const Change& c : changes) writer.Add(c.table, c.key, c.op, c.hlc, c.device_time_ms, WireFieldsText(c));
  // An entry stored with its key columns (as logs before the wire text were) reads the same.
  writer.Add(changes[5].table, changes[5].key, changes[5].op, changes[5].hlc, changes[5].device_time_ms,
             changes[5].fields.dump());
  CHECK(writer.count() == changes.size() + 1);
  auto page = DecodePullPage(writer.Finish(42, false, 7));
  REQUIRE(page.ok());
  CHECK(page->cursor == 42);
  CHECK_FALSE(page->more);
  CHECK(page->server_time_ms == 7);
  std::vector<Change> expected = changes;
  expected.push_back(changes[5]);
  CHECK(page->changes == expected);
}

TEST_CASE("Stored fields text is copied to the wire and reads like the parsed fields", "[protocol][wire]") {
  struct Case {
    const char* table;
    ChangeOp op;
    std::string stored;
  };
  const std::vector<Case> cases = {
      // As json_object writes an attendance row: the key columns stay home.
      {"attendance", ChangeOp::kUpsert,
       R"({"session_id":"s1","person_id":"p1","status":"present","checked_in_at":1795766400000,)"
       R"("method":"kiosk_search","device_id":"d1","left_at":null,"note":"\u00c6r\u00f8sk\u00f8bing \"Nord\"\\",)"
       R"("status_by":"kiosk","updated_at":-1795766400000})"},
      {"attendance", ChangeOp::kUpsert, "{\"session_id\":\"s1\",\"note\":\"Ærøskøbing, Łukasz Müller, Ørsted\\n\\t\"}"},
      // People merge per field and keep every field; values of each kind.
      {"people", ChangeOp::kUpsert,
       R"({"id":"p1","first_name":"Łukasz","share":0.25,"count":-0,"big":123456789012345678,"ok":true,"no":false,)"
       R"("esc":"\/\b\f\r\u001f"})"},
      {"people", ChangeOp::kUpsert, "{}"},
      {"attendance", ChangeOp::kDelete, "{}"},
      {"attendance", ChangeOp::kDelete, R"({"session_id":"s1"})"},  // only an upsert leaves the key out
      {"no_such_table", ChangeOp::kUpsert, R"({"a":1})"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.stored);
    Change parsed;
    parsed.table = k.table;
    parsed.op = k.op;
    parsed.fields = nlohmann::json::parse(k.stored);
    std::string wire = "kept:";
    REQUIRE(StoredFieldsToWire(k.table, k.op, k.stored, wire));
    REQUIRE(wire.substr(0, 5) == "kept:");
    CHECK(nlohmann::json::parse(wire.substr(5)) == nlohmann::json::parse(WireFieldsText(parsed)));
  }
  std::string wire;
  REQUIRE(StoredFieldsToWire("attendance", ChangeOp::kUpsert, cases[0].stored, wire));
  CHECK(wire.find("session_id") == std::string::npos);
  CHECK(wire.find("person_id") == std::string::npos);
}

TEST_CASE("Stored fields text in any other layout is left to the JSON library", "[protocol][wire]") {
  const std::vector<std::string> refused = {
      "", "{", "}", "[]", "null", R"( {"a":1})", R"({"a":1} )", R"({ "a":1})", R"({"a" :1})", R"({"a":1,})",
      R"({"a":1,,"b":2})", R"({"a":{}})", R"({"a":[1]})", R"({"a":1e5})", R"({"a":1.5E3})", R"({"a":01})",
      R"({"a":1.})", R"({"a":.5})", R"({"a":-})", R"({"a":1234567890123456789})", R"({"a":nul})", R"({"a":True})",
      R"({"a":"b)", R"({"a":"b"})" "}", R"({"a\u0062":1})", R"({"a":"\x"})", R"({"a":"\u12G4"})",
      R"({"a":"\ud800"})", R"({"a":"\udc00x"})", "{\"a\":\"line\nbreak\"}", "{\"a\":\"\xff\"}",
      "{\"a\":\"\xc3\"}", "{\"\xc3\xa9\":1}", R"({"a":1"b":2})", R"({"a"})", R"({"a":})", R"({a:1})",
  };
  for (const std::string& text : refused) {
    CAPTURE(text);
    std::string out = "unchanged";
    CHECK_FALSE(StoredFieldsToWire("people", ChangeOp::kUpsert, text, out));
    CHECK(out == "unchanged");
  }
}

TEST_CASE("A push batch written change by change reads like an encoded batch, cut anywhere", "[protocol][wire]") {
  const std::vector<Change> changes = SomeChanges();
  PushBatchWriter writer;
  for (const Change& c : changes) writer.Add(c.table, c.key, c.op, c.hlc, c.device_time_ms, WireFieldsText(c));
  REQUIRE(writer.count() == changes.size());
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, changes.size()}) {
    CAPTURE(n);
    PushBatch expected;
    expected.first_seq = 40;
    expected.clock_skew_ms = -12;
    expected.changes.assign(changes.begin(), changes.begin() + static_cast<std::ptrdiff_t>(n));
    auto decoded = DecodePushBatch(writer.Encode(40, -12, n));
    REQUIRE(decoded.ok());
    CHECK(decoded->first_seq == 40);
    CHECK(decoded->clock_skew_ms == -12);
    CHECK(decoded->changes == expected.changes);
    CHECK(writer.Encode(40, -12, n) == EncodePushBatch(expected));
    CHECK(writer.plain_bytes(n) <= writer.plain_bytes(changes.size()));
  }
}

TEST_CASE("Fields are written as JSON text exactly as the JSON library writes them", "[protocol][wire]") {
  // The server's log stores this text and pages are written from it: whichever path wrote a
  // value, the bytes must be the same.
  const std::vector<nlohmann::json> values = {
      "Müller", "Łukasz Ørsted", "Ærøskøbing", "", "quote \" and \\ backslash", "tab\tnew\nline\rcr\bbs\ffeed",
      "\"quoted at both ends\"", "\\", "\n",
      std::string("nul \0 and \x01 \x1f \x7f", 15), "emoji \xF0\x9F\x98\x80", std::string("bad \xFF\xC3 bytes"),
      std::string("surrogate \xED\xA0\x80"), 0, -42, int64_t{9'007'199'254'740'993}, uint64_t{18'446'744'073'709'551'615u},
      true, false, nullptr, 1.5, nlohmann::json::array({1, "x"}), nlohmann::json::object({{"a", "ä"}})};
  for (const nlohmann::json& v : values) {
    Change c;
    c.table = "people";  // merged per field: the fields travel whole
    c.key = "p1";
    c.fields = {{"note", v}, {"first_name", v}};
    const std::string expected = c.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    CHECK(WireFieldsText(c) == expected);
    Change row = c;
    row.table = "attendance";  // a whole-row table: the key columns stay out, the rest the same
    row.key = "s1|p1";
    row.fields["session_id"] = "s1";
    row.fields["person_id"] = "p1";
    CHECK(WireFieldsText(row) == expected);
  }
}

TEST_CASE("Text of every length with a special byte anywhere is written as the JSON library writes it",
          "[protocol][wire]") {
  // Plain ASCII is copied eight bytes at a time: a byte that needs an escape (or starts a UTF-8
  // sequence, valid or not) must be noticed at every position within and after those words.
  const std::vector<std::string> specials = {"\"", "\\", "\n", std::string("\0", 1), "\x1f", "\x7f", " ", "~",
                                             "\xC3\xA4", "\xC5\x81", "\xFF", "\xE2\x82"};
  for (size_t length = 0; length <= 20; ++length) {
    for (size_t at = 0; at <= length; ++at) {
      for (const std::string& special : specials) {
        std::string text(length, 'a');
        for (size_t i = 0; i < length; ++i) text[i] = static_cast<char>('0' + (i * 7) % 75);
        text.insert(at, special);
        Change c;
        c.table = "people";
        c.key = "p1";
        c.fields = {{"note", text}};
        INFO("length " << length << ", special byte(s) at " << at);
        CHECK(WireFieldsText(c) == c.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
  }
}

// Everything a stream hands out, and how it ended.
struct Streamed {
  Status status;
  std::vector<Change> changes;
  int64_t first_seq = 0;
  int64_t skew = 0;
};

Streamed ReadStream(std::string_view body) {
  Streamed out;
  auto stream = PushBatchStream::Open(body);
  if (!stream.ok()) {
    out.status = stream.status();
    return out;
  }
  out.first_seq = (*stream)->first_seq();
  out.skew = (*stream)->clock_skew_ms();
  for (;;) {
    auto next = (*stream)->Next();
    if (!next.ok()) {
      out.status = next.status();
      break;
    }
    if (*next == nullptr) break;
    // Checked on the decoding thread exactly as the server would check it after the decoder.
    const CheckedChange& checked = **next;
    const Status valid = ValidateChange(checked.change);
    CHECK(checked.validity.ok() == valid.ok());
    CHECK(checked.validity.message() == valid.message());
    CHECK(checked.wire_fields == (valid.ok() ? WireFieldsText(checked.change) : std::string()));
    out.changes.push_back(checked.change);
  }
  if (out.status.ok()) out.status = (*stream)->Finish();
  return out;
}

// The stream reads `body` exactly as DecodePushBatch does.
void CheckStreamLikeDecoder(std::string_view body) {
  auto decoded = DecodePushBatch(body);
  const Streamed streamed = ReadStream(body);
  REQUIRE(streamed.status.ok() == decoded.ok());
  if (!decoded.ok()) {
    CHECK(streamed.status.message() == decoded.status().message());
    return;
  }
  CHECK(streamed.first_seq == decoded->first_seq);
  CHECK(streamed.skew == decoded->clock_skew_ms);
  CHECK(streamed.changes == decoded->changes);
}

// The JSON text of a batch (what EncodePushBatch compresses).
std::string PlainBatch(const PushBatch& batch) {
  auto plain = Decompress(EncodePushBatch(batch));
  REQUIRE(plain.ok());
  return *plain;
}

TEST_CASE("A push batch decoded while it is used reads exactly like one decoded whole", "[protocol][wire]") {
  PushBatch batch;
  batch.first_seq = 41;
  batch.clock_skew_ms = -1500;
  for (int round = 0; round < 6; ++round) {  // more changes than the stream hands over at a time
    for (Change& c : SomeChanges()) batch.changes.push_back(std::move(c));
  }
  const std::string plain = PlainBatch(batch);
  SECTION("as the encoder writes it") {
    const Streamed streamed = ReadStream(EncodePushBatch(batch));
    REQUIRE(streamed.status.ok());
    CHECK(streamed.first_seq == 41);
    CHECK(streamed.skew == -1500);
    CHECK(streamed.changes == DecodePushBatch(EncodePushBatch(batch))->changes);
    CheckStreamLikeDecoder(EncodePushBatch(PushBatch{1, 0, {}}));
  }
  SECTION("valid JSON written another way") {
    std::string spaced = plain;
    spaced.insert(plain.find("\"changes\":[") + 11, " ");
    CheckStreamLikeDecoder(Compress(spaced));
    std::string reordered = R"({"changes":[],"skew":3,"first_seq":2,"v":1})";
    CheckStreamLikeDecoder(Compress(reordered));
    std::string extra = plain.substr(0, plain.size() - 1) + R"(,"note":"Ørsted"})";
    CheckStreamLikeDecoder(Compress(extra));
    std::string leading_zero = plain;
    leading_zero.replace(plain.find("\"first_seq\":41"), 14, "\"first_seq\":041");
    CheckStreamLikeDecoder(Compress(leading_zero));
  }
  SECTION("a fault behind many good changes, with the decoder's message") {
    const std::string head = plain.substr(0, plain.size() - 2);
    for (const std::string& tail : {std::string(R"(,["people"]]})"), std::string(R"(,["people","p9","u",1,0,{"a":]]})"),
                                    std::string(R"(,["people","p9","u",1,0,{}],]})"), std::string(R"(]]})"),
                                    std::string(R"(,["nowhere","p9","u",1,0,{}]]})"),
                                    std::string(R"(,["people","p9","x",1,0,{}]]})")}) {
      INFO(tail);
      CheckStreamLikeDecoder(Compress(head + tail));
      CHECK_FALSE(ReadStream(Compress(head + tail)).status.ok());
    }
  }
  SECTION("the changes twice: refused, though JSON takes the later ones") {
    const std::string twice = plain.substr(0, plain.size() - 1) + R"(,"changes":[]})";
    REQUIRE(DecodePushBatch(Compress(twice)).ok());
    const Streamed streamed = ReadStream(Compress(twice));
    CHECK_FALSE(streamed.status.ok());
    CHECK_THAT(streamed.status.message(), Catch::Contains("more than once"));
  }
  SECTION("damaged bodies") {
    const std::string good = EncodePushBatch(batch);
    for (size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 30) CheckStreamLikeDecoder(good.substr(0, cut));
    for (size_t at = 0; at < plain.size(); at += 1 + plain.size() / 200) {
      std::string bad = plain;
      bad[at] = static_cast<char>(bad[at] ^ 0x20);
      CheckStreamLikeDecoder(Compress(bad));
    }
  }
  SECTION("dropped half-way: the decoding thread ends with it") {
    auto stream = PushBatchStream::Open(EncodePushBatch(batch));
    REQUIRE(stream.ok());
    auto first = (*stream)->Next();
    REQUIRE(first.ok());
    REQUIRE(*first != nullptr);
    CHECK((*first)->change == batch.changes.front());
  }
}

TEST_CASE("Large bodies are compressed fast, small ones strongly, and both decode", "[protocol][wire]") {
  CHECK(CompressionLevelFor(1000) > CompressionLevelFor(4 * 1024 * 1024));
  PushBatch batch;
  batch.first_seq = 1;
  for (int round = 0; round < 400; ++round) {
    for (Change c : SomeChanges()) {
      c.key += "-" + std::to_string(round);
      if (c.table == "attendance") c.fields["person_id"] = c.key.substr(c.key.find('|') + 1);
      batch.changes.push_back(std::move(c));
    }
  }
  const std::string wire = EncodePushBatch(batch);
  auto decoded = DecodePushBatch(wire);
  REQUIRE(decoded.ok());
  CHECK(decoded->changes == batch.changes);
  CHECK(wire.size() < 40 * batch.changes.size());
}

TEST_CASE("Damaged bodies are refused, never half-read", "[protocol][wire]") {
  PushBatch batch;
  batch.first_seq = 1;
  batch.changes = SomeChanges();
  const std::string good = EncodePushBatch(batch);

  SECTION("truncated at many points") {
    for (size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 40) {
      auto r = DecodePushBatch(good.substr(0, cut));
      CHECK_FALSE(r.ok());
    }
  }
  SECTION("one flipped byte anywhere: refused, or (a flag of the frame header) the same content") {
    for (size_t at = 0; at < good.size(); ++at) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x20);
      auto r = DecodePushBatch(bad);
      if (r.ok()) CHECK(r->changes == batch.changes);
    }
  }
  SECTION("not zstd at all") {
    auto r = DecodePushBatch("{\"v\":1}");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("zstd"));
  }
  SECTION("another protocol version") {
    auto r = DecodePushBatch(Compress(R"({"v":2,"first_seq":1,"skew":0,"changes":[]})"));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("version"));
  }
  SECTION("a change of the wrong shape names its position") {
    auto r = DecodePushBatch(Compress(R"({"v":1,"first_seq":1,"skew":0,"changes":[["people","p1","u",1,0,{}],["people"]]})"));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("change 1"));
  }
  SECTION("a bomb that unpacks beyond the limit") {
    const std::string big(kMaxDecodedBytes + 10, ' ');
    auto r = Decompress(Compress(big, 1));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("more than"));
  }
}

TEST_CASE("A body is unpacked whole or as a stream with the same result and the same faults", "[protocol][wire]") {
  PushBatch batch;
  batch.first_seq = 1;
  batch.changes = SomeChanges();
  const std::string good = EncodePushBatch(batch);
  auto plain = Decompress(good);
  REQUIRE(plain.ok());
  CHECK(DecodePushBatch(good)->changes == batch.changes);

  // A frame that does not state its size, and one that states a size far beyond its bytes
  // (a run of spaces), take the stream: the same text comes out.
  const auto compress_without_size = [](std::string_view text) {
    std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 0);
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
    std::string out(ZSTD_compressBound(text.size()), '\0');
    out.resize(ZSTD_compress2(cctx.get(), out.data(), out.size(), text.data(), text.size()));
    return out;
  };
  auto unsized = Decompress(compress_without_size(*plain));
  REQUIRE(unsized.ok());
  CHECK(*unsized == *plain);
  const std::string spaces(4 * 1024 * 1024, ' ');
  const std::string sparse = Compress(spaces, 1);
  REQUIRE(sparse.size() * 256 + 64 * 1024 < spaces.size());
  auto unpacked = Decompress(sparse);
  REQUIRE(unpacked.ok());
  CHECK(*unpacked == spaces);
  auto empty = Decompress(Compress(""));
  REQUIRE(empty.ok());
  CHECK(empty->empty());

  // Faults are named by the stream, whichever way the frame looked.
  auto trailing = Decompress(good + "x");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.status().message() == "the body has bytes after its end");
  auto cut = Decompress(good.substr(0, good.size() - 1));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().message() == "the body is truncated (the compressed data ends early)");
  std::string bad_sum = good;
  bad_sum.back() = static_cast<char>(bad_sum.back() ^ 0x01);
  auto sum = Decompress(bad_sum);
  REQUIRE_FALSE(sum.ok());
  CHECK_THAT(sum.status().message(), Catch::StartsWith("the body is not valid zstd data ("));
  auto small_limit = Decompress(good, plain->size() - 1);
  REQUIRE_FALSE(small_limit.ok());
  CHECK_THAT(small_limit.status().message(), Catch::Contains("more than"));
}

}  // namespace
}  // namespace mk::sync
