// Encoding and decoding of push batches and pull pages (see wire.h).
//
// A change travels as a JSON array [table, key, op, hlc, time, fields]: `hlc` is the difference
// to the previous change's stamp (the first is absolute), `time` the device time minus the
// stamp's milliseconds (0 for a sane clock), and for tables merged as whole rows the key
// columns are left out of `fields` (the key carries them). Repetition across changes (table
// names, session ids, device ids, field names) is what zstd removes best.
#include "wire.h"

#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <memory>

#include "merge.h"
#include "sync/common/text_encoding.h"
#include "sync/store/sync_tables.h"

namespace mk::sync {
namespace {

using nlohmann::json;

bool KeyInFieldsOnWire(const store::SyncTable& t) { return t.merge == store::MergeKind::kFields; }

// Bodies up to this size are compressed at level 9, larger ones at kFastLevel (CompressionLevelFor).
constexpr size_t kStrongCompressionBytes = 256 * 1024;
constexpr int kFastLevel = 3;

bool LeavesKeyOut(const Change& c) {
  if (c.op != ChangeOp::kUpsert) return false;
  const store::SyncTable* t = store::FindSyncTable(c.table);
  return t && !KeyInFieldsOnWire(*t);
}

// `text` as a JSON string, exactly as nlohmann's dump(-1, ' ', false, replace) writes it (so
// stored log text and wire bytes do not depend on which path wrote them), without building a
// json value and a serializer per string: quote and backslash escaped, \b \f \n \r \t short,
// other control characters as \u00xx, everything else (UTF-8 included) as it is. Text that is
// not valid UTF-8 takes nlohmann's path, which replaces the bad bytes.
// Eight bytes of text at `p` are printable ASCII other than quote and backslash: they go into a
// JSON string as they are. (A byte b is flagged by (b - k) & ~b & 0x80 when b < k, per byte.)
bool PlainAsciiWord(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  const auto below = [&](uint64_t x, uint64_t k) { return (x - k * kOnes) & ~x & kHigh; };
  const uint64_t quote = w ^ (0x22 * kOnes);
  const uint64_t backslash = w ^ (0x5C * kOnes);
  return ((w & kHigh) | below(w, 0x20) | below(quote, 1) | below(backslash, 1)) == 0;
}

void AppendJsonString(std::string& out, std::string_view text) {
  // Ids, keys and most names: whole words of plain ASCII, then a short tail, need no escape and
  // no UTF-8 check.
  size_t plain = 0;
  while (text.size() - plain >= 8 && PlainAsciiWord(text.data() + plain)) plain += 8;
  while (plain < text.size()) {
    const auto c = static_cast<unsigned char>(text[plain]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++plain;
  }
  if (plain == text.size()) {
    out += '"';
    out.append(text);
    out += '"';
    return;
  }
  if (!IsValidUtf8(text)) {
    out += json(text).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Runs that need no escape (nearly all of every value) are appended whole.
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text.data() + plain_from, text.size() - plain_from);
  out += '"';
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonString(out, text);
  return out;
}

// A field's value as JSON text, as nlohmann's dump writes it; the common scalars directly.
void AppendJsonValue(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::string: AppendJsonString(out, v.get_ref<const std::string&>()); return;
    case json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
    case json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::null: out += "null"; return;
    default: out += v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// One change as its wire array [table, key, op, hlc delta, time, fields], appended to `out`.
void AppendChange(std::string& out, HlcStamp& previous, std::string_view table, std::string_view key, ChangeOp op,
                  HlcStamp hlc, int64_t device_time_ms, std::string_view fields_text) {
  const int64_t delta = static_cast<int64_t>(hlc - previous);
  previous = hlc;
  out += '[';
  out += JsonString(table);
  out += ',';
  out += JsonString(key);
  out += ",\"";
  out += ChangeOpCode(op);
  out += "\",";
  out += std::to_string(delta);
  out += ',';
  out += std::to_string(device_time_ms - HlcMillis(hlc));
  out += ',';
  out += fields_text;
  out += ']';
}

// Names change `i` of a batch or page in a message (built only when there is one to give).
std::string Where(std::string_view what, size_t i) { return std::string(what) + ", change " + std::to_string(i); }

// Change `i` from its wire array `e` (its strings and fields are moved, not copied); `previous`
// is the stamp of the change before, and becomes this one's.
Result<Change> DecodeChange(json& e, size_t i, std::string_view what, HlcStamp& previous) {
  if (!e.is_array() || e.size() != 6 || !e[0].is_string() || !e[1].is_string() || !e[2].is_string() ||
      !e[3].is_number_integer() || !e[4].is_number_integer() || !e[5].is_object()) {
    return InvalidArgument(Where(what, i) + ": not of the form [table, key, op, clock, time, fields]");
  }
  Change c;
  c.table = std::move(e[0].get_ref<std::string&>());
  c.key = std::move(e[1].get_ref<std::string&>());
  auto op = ParseChangeOp(e[2].get_ref<const std::string&>());
  if (!op) return InvalidArgument(Where(what, i) + ": unknown operation");
  c.op = *op;
  c.hlc = previous + static_cast<HlcStamp>(e[3].get<int64_t>());
  previous = c.hlc;
  c.device_time_ms = HlcMillis(c.hlc) + e[4].get<int64_t>();
  c.fields = std::move(e[5]);
  const store::SyncTable* t = store::FindSyncTable(c.table);
  if (!t) return InvalidArgument(Where(what, i) + ": unknown table '" + c.table.substr(0, 64) + "'");
  // A wrong number of key parts is reported by ValidateChange.
  RestoreKeyFields(c);
  return c;
}

// Takes the changes out of `doc`: their strings and fields are moved, not copied.
Result<std::vector<Change>> DecodeChanges(json& doc, std::string_view what) {
  if (!doc.is_array()) return InvalidArgument(std::string(what) + ": 'changes' is not a list");
  std::vector<Change> out;
  out.reserve(doc.size());
  HlcStamp previous = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    MK_ASSIGN_OR_RETURN(Change c, DecodeChange(doc[i], i, what, previous));
    out.push_back(std::move(c));
  }
  return out;
}

Result<json> ParsePlainObject(std::string_view plain, std::string_view what) {
  json doc = json::parse(plain, nullptr, false);
  if (!doc.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  auto v = doc.find("v");
  if (v == doc.end() || !v->is_number_integer() || v->get<int>() != kProtocolVersion) {
    return InvalidArgument(std::string(what) + " has protocol version " + (v == doc.end() ? "none" : v->dump()) +
                           "; this side speaks version " + std::to_string(kProtocolVersion));
  }
  return doc;
}

Result<json> ParseObject(std::string_view bytes, std::string_view what) {
  MK_ASSIGN_OR_RETURN(std::string plain, Decompress(bytes));
  return ParsePlainObject(plain, what);
}

Result<int64_t> IntField(const json& doc, const char* name, std::string_view what) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_number_integer()) {
    return InvalidArgument(std::string(what) + ": '" + name + "' is missing or not an integer");
  }
  return it->get<int64_t>();
}

}  // namespace

std::string Compress(std::string_view plain, int level) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const size_t n = ZSTD_compress2(cctx.get(), out.data(), out.size(), plain.data(), plain.size());
  if (ZSTD_isError(n)) return std::string();  // cannot happen with a bound-sized buffer
  out.resize(n);
  return out;
}

Result<std::string> Decompress(std::string_view compressed, size_t max_bytes) {
  if (compressed.empty()) return InvalidArgument("the body is empty");
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  // A whole frame that states its size (as Compress writes them) is unpacked in one go, straight
  // into its place. Only when the size is within reason for the bytes that came (a small body
  // claiming a huge size would reserve memory for nothing); anything wrong with the frame is left
  // to the stream below, which names it.
  const unsigned long long stated = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (stated != ZSTD_CONTENTSIZE_UNKNOWN && stated != ZSTD_CONTENTSIZE_ERROR && stated <= max_bytes &&
      stated <= 256 * static_cast<unsigned long long>(compressed.size()) + 64 * 1024 &&
      ZSTD_findFrameCompressedSize(compressed.data(), compressed.size()) == compressed.size()) {
    std::string whole(static_cast<size_t>(stated), '\0');
    const size_t n = ZSTD_decompressDCtx(dctx.get(), whole.data(), whole.size(), compressed.data(), compressed.size());
    if (!ZSTD_isError(n) && n == whole.size()) return whole;
    ZSTD_DCtx_reset(dctx.get(), ZSTD_reset_session_and_parameters);
  }
  std::string out;
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  std::string chunk(64 * 1024, '\0');
  while (true) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    const size_t ret = ZSTD_decompressStream(dctx.get(), &o, &in);
    if (ZSTD_isError(ret)) {
      return InvalidArgument(std::string("the body is not valid zstd data (") + ZSTD_getErrorName(ret) + ")");
    }
    out.append(chunk.data(), o.pos);
    if (out.size() > max_bytes) {
      return InvalidArgument("the body unpacks to more than " + std::to_string(max_bytes) + " bytes");
    }
    if (ret == 0) {  // the frame is complete and its checksum verified
      if (in.pos < in.size) return InvalidArgument("the body has bytes after its end");
      break;
    }
    if (in.pos == in.size && o.pos < o.size) {
      return InvalidArgument("the body is truncated (the compressed data ends early)");
    }
  }
  return out;
}

std::string WireFieldsText(const Change& change) {
  if (!change.fields.is_object()) return change.fields.dump(-1, ' ', false, json::error_handler_t::replace);
  // Whole-row upserts leave the key columns out; everything else travels whole.
  const store::SyncTable* t = LeavesKeyOut(change) ? store::FindSyncTable(change.table) : nullptr;
  std::string out = "{";
  for (auto it = change.fields.begin(); it != change.fields.end(); ++it) {
    const std::string& col = it.key();
    if (t && std::find(t->key_columns.begin(), t->key_columns.end(), col) != t->key_columns.end()) continue;
    if (out.size() > 1) out += ',';
    AppendJsonString(out, col);
    out += ':';
    AppendJsonValue(out, it.value());
  }
  out += '}';
  return out;
}

void RestoreKeyFields(Change& change) {
  if (!LeavesKeyOut(change) || !change.fields.is_object()) return;
  const store::SyncTable* t = store::FindSyncTable(change.table);
  size_t start = 0;
  for (std::string_view k : t->key_columns) {
    const size_t bar = change.key.find(kKeySeparator, start);
    change.fields[std::string(k)] =
        change.key.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
}

int CompressionLevelFor(size_t plain_bytes) { return plain_bytes <= kStrongCompressionBytes ? 9 : kFastLevel; }

PullPageWriter::PullPageWriter() : text_("[") {}

void PullPageWriter::Add(std::string_view table, std::string_view key, ChangeOp op, HlcStamp hlc,
                         int64_t device_time_ms, std::string_view fields_text) {
  if (count_ > 0) text_ += ',';
  AppendChange(text_, previous_, table, key, op, hlc, device_time_ms, fields_text);
  ++count_;
}

std::string PullPageWriter::Finish(int64_t cursor, bool more, int64_t server_time_ms) {
  std::string doc = "{\"v\":" + std::to_string(kProtocolVersion) + ",\"cursor\":" + std::to_string(cursor) +
                    ",\"more\":" + (more ? "true" : "false") + ",\"server_time\":" + std::to_string(server_time_ms) +
                    ",\"changes\":";
  doc += text_;
  doc += "]}";
  text_.clear();
  return Compress(doc, CompressionLevelFor(doc.size()));
}

namespace {

// The end of the JSON string whose opening quote is at `pos` (one past its closing quote), or
// npos when it is not one StoredFieldsToWire copies: a raw control character, an escape JSON
// does not have, a \u escape of half a surrogate pair, or bytes that are not UTF-8.
size_t EndOfPlainString(std::string_view text, size_t pos) {
  bool ascii = true;
  for (size_t i = pos + 1; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      if (!ascii && !IsValidUtf8(text.substr(pos + 1, i - pos - 1))) return std::string_view::npos;
      return i + 1;
    }
    if (c < 0x20) return std::string_view::npos;
    if (c >= 0x80) ascii = false;
    if (c != '\\') continue;
    if (++i == text.size()) return std::string_view::npos;
    const char e = text[i];
    if (e == 'u') {
      if (i + 4 >= text.size()) return std::string_view::npos;
      unsigned code = 0;
      for (size_t k = 1; k <= 4; ++k) {
        const char h = text[i + k];
        const int digit = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (digit < 0) return std::string_view::npos;
        code = code * 16 + static_cast<unsigned>(digit);
      }
      if (code >= 0xD800 && code <= 0xDFFF) return std::string_view::npos;
      i += 4;
    } else if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// The end of the JSON number at `pos` when it is an integer of up to 18 digits or a decimal
// without exponent of up to 18 digits before and after the point (values every parser reads
// the same), else npos.
size_t EndOfPlainNumber(std::string_view text, size_t pos) {
  size_t i = pos;
  if (i < text.size() && text[i] == '-') ++i;
  const auto digits = [&] {
    const size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - from;
  };
  const size_t whole_from = i;
  const size_t whole = digits();
  if (whole == 0 || whole > 18 || (whole > 1 && text[whole_from] == '0')) return std::string_view::npos;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t fraction = digits();
    if (fraction == 0 || fraction > 18) return std::string_view::npos;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) return std::string_view::npos;
  return i;
}

}  // namespace

bool StoredFieldsToWire(std::string_view table, ChangeOp op, std::string_view stored, std::string& out) {
  const store::SyncTable* t = nullptr;
  if (op == ChangeOp::kUpsert) {
    t = store::FindSyncTable(table);
    if (t && KeyInFieldsOnWire(*t)) t = nullptr;
  }
  if (stored.size() < 2 || stored.front() != '{' || stored.back() != '}') return false;
  std::string wire = "{";
  size_t pos = 1;
  const size_t end = stored.size() - 1;
  while (pos < end) {
    // "name":
    if (stored[pos] != '"') return false;
    const size_t name_end = stored.find('"', pos + 1);
    if (name_end == std::string_view::npos || name_end >= end) return false;
    const std::string_view name = stored.substr(pos + 1, name_end - pos - 1);
    for (const char c : name) {
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) return false;
    }
    if (name_end + 1 >= end || stored[name_end + 1] != ':') return false;
    const size_t value = name_end + 2;
    if (value >= end) return false;
    size_t value_end = std::string_view::npos;
    switch (stored[value]) {
      case '"': value_end = EndOfPlainString(stored, value); break;
      case 'n': value_end = stored.substr(value, 4) == "null" ? value + 4 : value_end; break;
      case 't': value_end = stored.substr(value, 4) == "true" ? value + 4 : value_end; break;
      case 'f': value_end = stored.substr(value, 5) == "false" ? value + 5 : value_end; break;
      default: value_end = EndOfPlainNumber(stored, value);
    }
    if (value_end == std::string_view::npos || value_end > end) return false;
    const bool key_column =
        t && std::find(t->key_columns.begin(), t->key_columns.end(), name) != t->key_columns.end();
    if (!key_column) {
      if (wire.size() > 1) wire += ',';
      wire.append(stored.data() + pos, value_end - pos);
    }
    pos = value_end;
    if (pos < end) {
      if (stored[pos] != ',' || pos + 1 == end) return false;
      ++pos;
    }
  }
  wire += '}';
  out += wire;
  return true;
}

void PushBatchWriter::Add(std::string_view table, std::string_view key, ChangeOp op, HlcStamp hlc,
                          int64_t device_time_ms, std::string_view fields_text) {
  if (!ends_.empty()) text_ += ',';
  AppendChange(text_, previous_, table, key, op, hlc, device_time_ms, fields_text);
  ends_.push_back(text_.size());
}

std::string PushBatchWriter::Encode(int64_t first_seq, int64_t clock_skew_ms, size_t n) const {
  std::string doc = "{\"v\":" + std::to_string(kProtocolVersion) + ",\"first_seq\":" + std::to_string(first_seq) +
                    ",\"skew\":" + std::to_string(clock_skew_ms) + ",\"changes\":[";
  doc.append(text_, 0, plain_bytes(n));
  doc += "]}";
  return Compress(doc, CompressionLevelFor(doc.size()));
}

std::string EncodePushBatch(const PushBatch& batch) {
  PushBatchWriter writer;
  for (const Change& c : batch.changes) {
    writer.Add(c.table, c.key, c.op, c.hlc, c.device_time_ms, WireFieldsText(c));
  }
  return writer.Encode(batch.first_seq, batch.clock_skew_ms, writer.count());
}

namespace {

// DecodePushBatch of the unpacked body.
Result<PushBatch> DecodePlainPushBatch(std::string_view plain) {
  MK_ASSIGN_OR_RETURN(json doc, ParsePlainObject(plain, "the push batch"));
  PushBatch b;
  MK_ASSIGN_OR_RETURN(b.first_seq, IntField(doc, "first_seq", "the push batch"));
  MK_ASSIGN_OR_RETURN(b.clock_skew_ms, IntField(doc, "skew", "the push batch"));
  if (b.first_seq < 1) return InvalidArgument("the push batch: 'first_seq' must be 1 or more");
  auto changes = doc.find("changes");
  if (changes == doc.end()) return InvalidArgument("the push batch has no 'changes'");
  MK_ASSIGN_OR_RETURN(b.changes, DecodeChanges(*changes, "the push batch"));
  return b;
}

}  // namespace

Result<PushBatch> DecodePushBatch(std::string_view bytes) {
  MK_ASSIGN_OR_RETURN(std::string plain, Decompress(bytes));
  return DecodePlainPushBatch(plain);
}

// --- PushBatchStream -------------------------------------------------------------------------
//
// The fast path reads the batch exactly as EncodePushBatch writes it: the header
// {"v":1,"first_seq":N,"skew":N,"changes":[ with nothing between the tokens, the changes one
// array at a time, and "]}" at the very end. Each change is parsed and decoded on its own by the
// code DecodePushBatch uses. Anything else (whitespace, other keys, another order, a change that
// does not parse) hands the whole body to DecodePushBatch's code, whose result or message is then
// the stream's: the changes already handed out must be its first ones, else the batch is refused.

CheckedChange CheckChange(Change change) {
  CheckedChange out{std::move(change), Status::Ok(), std::string()};
  out.validity = ValidateChange(out.change);
  if (out.validity.ok()) out.wire_fields = WireFieldsText(out.change);
  return out;
}

struct PushBatchStream::Shared {
  std::mutex mu;
  std::condition_variable more;
  std::deque<CheckedChange> changes;  // a deque: handing out a change never moves the ones before
  bool done = false;
  bool stop = false;  // the stream is being destroyed: decoding may end early
  Status error;
  std::thread thread;
};

namespace {

// A JSON integer as EncodePushBatch writes one (optional minus, no leading zero, at most 18
// digits) at `pos`, followed by `then`. Moves `pos` past both.
bool ReadCanonicalInt(std::string_view text, size_t& pos, std::string_view then, int64_t& out) {
  size_t p = pos;
  if (p < text.size() && text[p] == '-') ++p;
  const size_t digits = p;
  while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
  const size_t n = p - digits;
  if (n == 0 || n > 18 || (n > 1 && text[digits] == '0')) return false;
  if (text.substr(p, then.size()) != then) return false;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + p, out);
  if (ec != std::errc() || end != text.data() + p) return false;
  pos = p + then.size();
  return true;
}

// The end of the JSON array or object that starts at `pos` (one past its closing bracket), by
// counting brackets outside strings; npos when it does not close before `end`.
size_t EndOfValue(std::string_view text, size_t pos, size_t end) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < end; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

constexpr size_t kStreamChunk = 64;  // changes handed over to the user at a time
constexpr size_t kStreamMinBytes = 32 * 1024;  // smaller bodies are decoded whole, on the caller's thread

}  // namespace

Result<std::unique_ptr<PushBatchStream>> PushBatchStream::Open(std::string_view bytes) {
  std::unique_ptr<PushBatchStream> stream(new PushBatchStream());
  stream->shared_ = std::make_unique<Shared>();
  MK_ASSIGN_OR_RETURN(stream->plain_, Decompress(bytes));
  const std::string_view text = stream->plain_;
  const std::string head = "{\"v\":" + std::to_string(kProtocolVersion) + ",\"first_seq\":";
  size_t pos = head.size();
  const bool canonical = text.substr(0, head.size()) == head &&
                         ReadCanonicalInt(text, pos, ",\"skew\":", stream->first_seq_) &&
                         ReadCanonicalInt(text, pos, ",\"changes\":[", stream->clock_skew_ms_) &&
                         stream->first_seq_ >= 1 && text.size() >= pos + 2 &&
                         text.substr(text.size() - 2) == "]}";
  // A small batch (a few check-ins, the usual push of a kiosk) is decoded at once: a thread would
  // cost more than it saves.
  if (!canonical || text.size() < kStreamMinBytes) {
    MK_ASSIGN_OR_RETURN(PushBatch batch, DecodePlainPushBatch(text));
    stream->first_seq_ = batch.first_seq;
    stream->clock_skew_ms_ = batch.clock_skew_ms;
    for (Change& c : batch.changes) stream->shared_->changes.push_back(CheckChange(std::move(c)));
    stream->shared_->done = true;
    return stream;
  }
  stream->changes_begin_ = pos;
  stream->shared_->thread = std::thread(&PushBatchStream::Decode, stream.get());
  return stream;
}

PushBatchStream::~PushBatchStream() {
  if (!shared_) return;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
  }
  if (shared_->thread.joinable()) shared_->thread.join();
}

void PushBatchStream::Decode() {
  const std::string_view text = plain_;
  const size_t end = text.size() - 2;  // before the closing "]}"
  std::vector<CheckedChange> chunk;
  auto hand_over = [&](bool last, Status error) {
    std::lock_guard<std::mutex> lock(shared_->mu);
    for (CheckedChange& c : chunk) shared_->changes.push_back(std::move(c));
    chunk.clear();
    if (last) {
      shared_->done = true;
      shared_->error = std::move(error);
    }
    shared_->more.notify_one();
    return !shared_->stop;
  };
  // Everything the fast path cannot read goes through DecodePushBatch's code.
  auto whole_body = [&] {
    auto batch = DecodePlainPushBatch(text);
    if (!batch.ok()) return (void)hand_over(true, batch.status());
    std::lock_guard<std::mutex> lock(shared_->mu);
    const size_t before = shared_->changes.size();
    bool same = batch->first_seq == first_seq_ && batch->clock_skew_ms == clock_skew_ms_ &&
                batch->changes.size() >= before;
    for (size_t i = 0; same && i < before; ++i) same = shared_->changes[i].change == batch->changes[i];
    if (same) {
      for (size_t i = before; i < batch->changes.size(); ++i) {
        shared_->changes.push_back(CheckChange(std::move(batch->changes[i])));
      }
    } else {
      shared_->error = InvalidArgument("the push batch holds its header or its changes more than once");
    }
    shared_->done = true;
    shared_->more.notify_one();
  };
  HlcStamp previous = 0;
  size_t pos = changes_begin_;
  size_t i = 0;
  while (pos < end) {
    if (text[pos] != '[') return whole_body();
    const size_t close = EndOfValue(text, pos, end);
    if (close == std::string_view::npos) return whole_body();
    json e = json::parse(text.substr(pos, close - pos), nullptr, false);
    if (e.is_discarded()) return whole_body();
    auto c = DecodeChange(e, i, "the push batch", previous);
    if (!c.ok()) return whole_body();
    chunk.push_back(CheckChange(std::move(*c)));
    ++i;
    pos = close;
    if (pos < end) {
      if (text[pos] != ',' || pos + 1 == end) return whole_body();
      ++pos;
    }
    if (chunk.size() == kStreamChunk && !hand_over(false, Status::Ok())) return;
  }
  hand_over(true, Status::Ok());
}

Result<CheckedChange*> PushBatchStream::Next() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->more.wait(lock, [&] { return next_ < shared_->changes.size() || shared_->done; });
  if (next_ < shared_->changes.size()) return &shared_->changes[next_++];
  if (!shared_->error.ok()) return shared_->error;
  return static_cast<CheckedChange*>(nullptr);
}

Status PushBatchStream::Finish() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->more.wait(lock, [&] { return shared_->done; });
  return shared_->error;
}

std::string EncodePushAck(const PushAck& ack) {
  return json({{"acked_seq", ack.acked_seq}, {"server_time", ack.server_time_ms}, {"server_hlc", ack.server_hlc}})
      .dump();
}

Result<PushAck> DecodePushAck(std::string_view bytes) {
  json doc = json::parse(bytes, nullptr, false);
  if (!doc.is_object()) return InvalidArgument("the server's answer to a push is not JSON");
  PushAck a;
  MK_ASSIGN_OR_RETURN(a.acked_seq, IntField(doc, "acked_seq", "the push answer"));
  MK_ASSIGN_OR_RETURN(a.server_time_ms, IntField(doc, "server_time", "the push answer"));
  auto hlc = doc.find("server_hlc");
  if (hlc == doc.end() || !hlc->is_number_unsigned()) {
    if (hlc == doc.end() || !hlc->is_number_integer() || hlc->get<int64_t>() < 0) {
      return InvalidArgument("the push answer: 'server_hlc' is missing or not a stamp");
    }
  }
  a.server_hlc = hlc->get<uint64_t>();
  return a;
}

std::string EncodePullPage(const PullPage& page) {
  PullPageWriter writer;
  for (const Change& c : page.changes) {
    writer.Add(c.table, c.key, c.op, c.hlc, c.device_time_ms, WireFieldsText(c));
  }
  return writer.Finish(page.cursor, page.more, page.server_time_ms);
}

Result<PullPage> DecodePullPage(std::string_view bytes) {
  MK_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, "the pull page"));
  PullPage p;
  MK_ASSIGN_OR_RETURN(p.cursor, IntField(doc, "cursor", "the pull page"));
  MK_ASSIGN_OR_RETURN(p.server_time_ms, IntField(doc, "server_time", "the pull page"));
  auto more = doc.find("more");
  if (more == doc.end() || !more->is_boolean()) return InvalidArgument("the pull page: 'more' is missing");
  p.more = more->get<bool>();
  auto changes = doc.find("changes");
  if (changes == doc.end()) return InvalidArgument("the pull page has no 'changes'");
  MK_ASSIGN_OR_RETURN(p.changes, DecodeChanges(*changes, "the pull page"));
  return p;
}

}  // namespace mk::sync
