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
#include <memory>

#include "sync/store/sync_tables.h"

namespace mk::sync {
namespace {

using nlohmann::json;

bool KeyInFieldsOnWire(const store::SyncTable& t) { return t.merge == store::MergeKind::kFields; }

json EncodeChanges(const std::vector<Change>& changes) {
  json out = json::array();
  HlcStamp previous = 0;
  for (const Change& c : changes) {
    json fields = c.fields;
    const store::SyncTable* t = store::FindSyncTable(c.table);
    if (t && !KeyInFieldsOnWire(*t) && c.op == ChangeOp::kUpsert) {
      for (std::string_view k : t->key_columns) fields.erase(std::string(k));
    }
    const int64_t delta = static_cast<int64_t>(c.hlc - previous);
    previous = c.hlc;
    out.push_back(json::array({c.table, c.key, ChangeOpCode(c.op), delta,
                               c.device_time_ms - HlcMillis(c.hlc), std::move(fields)}));
  }
  return out;
}

// Names change `i` of a batch or page in a message (built only when there is one to give).
std::string Where(std::string_view what, size_t i) { return std::string(what) + ", change " + std::to_string(i); }

// Takes the changes out of `doc`: their strings and fields are moved, not copied.
Result<std::vector<Change>> DecodeChanges(json& doc, std::string_view what) {
  if (!doc.is_array()) return InvalidArgument(std::string(what) + ": 'changes' is not a list");
  std::vector<Change> out;
  out.reserve(doc.size());
  HlcStamp previous = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    json& e = doc[i];
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
    if (!KeyInFieldsOnWire(*t) && c.op == ChangeOp::kUpsert) {
      // Restore the key columns (a wrong number of key parts is reported by ValidateChange).
      size_t start = 0;
      for (std::string_view k : t->key_columns) {
        const size_t bar = c.key.find(kKeySeparator, start);
        c.fields[std::string(k)] = c.key.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<json> ParseObject(std::string_view bytes, std::string_view what) {
  MK_ASSIGN_OR_RETURN(std::string plain, Decompress(bytes));
  json doc = json::parse(plain, nullptr, false);
  if (!doc.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  auto v = doc.find("v");
  if (v == doc.end() || !v->is_number_integer() || v->get<int>() != kProtocolVersion) {
    return InvalidArgument(std::string(what) + " has protocol version " + (v == doc.end() ? "none" : v->dump()) +
                           "; this side speaks version " + std::to_string(kProtocolVersion));
  }
  return doc;
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

std::string EncodePushBatch(const PushBatch& batch) {
  json doc = {{"v", kProtocolVersion},
              {"first_seq", batch.first_seq},
              {"skew", batch.clock_skew_ms},
              {"changes", EncodeChanges(batch.changes)}};
  return Compress(doc.dump(-1, ' ', false, json::error_handler_t::replace));
}

Result<PushBatch> DecodePushBatch(std::string_view bytes) {
  MK_ASSIGN_OR_RETURN(json doc, ParseObject(bytes, "the push batch"));
  PushBatch b;
  MK_ASSIGN_OR_RETURN(b.first_seq, IntField(doc, "first_seq", "the push batch"));
  MK_ASSIGN_OR_RETURN(b.clock_skew_ms, IntField(doc, "skew", "the push batch"));
  if (b.first_seq < 1) return InvalidArgument("the push batch: 'first_seq' must be 1 or more");
  auto changes = doc.find("changes");
  if (changes == doc.end()) return InvalidArgument("the push batch has no 'changes'");
  MK_ASSIGN_OR_RETURN(b.changes, DecodeChanges(*changes, "the push batch"));
  return b;
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
  json doc = {{"v", kProtocolVersion},
              {"cursor", page.cursor},
              {"more", page.more},
              {"server_time", page.server_time_ms},
              {"changes", EncodeChanges(page.changes)}};
  return Compress(doc.dump(-1, ' ', false, json::error_handler_t::replace));
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
