// Change: one replicated edit of one row, as it travels between devices and the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sync/common/hybrid_clock.h"

namespace mk::sync {

// What a change does to its row.
//   kUpsert: sets the listed fields (all of them for a new row; only the changed ones for
//            an edit of a table merged per field).
//   kDelete: removes the row (a tombstone; only tables whose MergeKind allows it).
//   kErase:  GDPR erasure of a person: blanks every personal field of the person and of
//            their attendance notes, for good. Only on the people table; `fields` is empty.
enum class ChangeOp { kUpsert, kDelete, kErase };

std::string_view ChangeOpCode(ChangeOp op);           // "u", "d", "e"
std::optional<ChangeOp> ParseChangeOp(std::string_view code);

struct Change {
  std::string table;      // a table of SyncTables()
  std::string key;        // the row's key columns joined by kKeySeparator, in schema order
  ChangeOp op = ChangeOp::kUpsert;
  HlcStamp hlc = 0;       // orders changes across devices (never a wall clock alone)
  int64_t device_time_ms = 0;  // the origin's wall clock when the change was made (data only)
  nlohmann::json fields = nlohmann::json::object();  // column -> string | integer | real | null

  bool operator==(const Change&) const = default;
};

// Key columns are joined with this byte, which no id, code or natural key contains.
inline constexpr char kKeySeparator = '|';

// Limits a receiver enforces on every change (wire.h refuses anything larger).
inline constexpr size_t kMaxFieldBytes = 8 * 1024;
inline constexpr size_t kMaxKeyBytes = 512;

}  // namespace mk::sync
