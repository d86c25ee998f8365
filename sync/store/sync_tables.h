// The replicated tables: which ones sync, their keys and columns, how they merge, and how a
// row finds its centre. The one place that knows the shape of replicated data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mk::store {

// How concurrent changes of one row combine. Every rule is a join (commutative, associative,
// idempotent), so devices that have seen the same set of changes hold the same row whatever
// order they saw them in. docs/sync-protocol.md has examples of each.
enum class MergeKind {
  // Per field, the change with the greater (hlc, value) wins: edits of different fields on
  // two devices both survive. Rows are never deleted (people are erased instead).
  kFields,
  // The whole row: the change with the greater (hlc, op, value) wins, a delete being a
  // tombstone with its hlc: an older upsert arriving later does not bring the row back.
  kRow,
  // Like kRow, but rows are never deleted (feedback, certificates, target groups).
  kInsertOnly,
  // Attendance of one (session, person): the first check-in (time, device, method) is kept; the
  // status is the latest trainer decision when there is one, else the strongest kiosk status
  // (present > late > excused > absent); every other column per field as kFields.
  kAttendance,
};

// A column holding the id of a row of another table; the server checks it belongs to the
// same centre as the row itself.
struct Reference {
  std::string_view column;
  std::string_view table;
};

struct SyncTable {
  std::string_view name;
  std::vector<std::string_view> key_columns;
  std::vector<std::string_view> columns;  // every replicated column, key columns first
  MergeKind merge;
  // How the row finds its centre: its own centre_id column, its id (the centres table), or the
  // centre of the row named by `parent` (a column of the row, or of its key).
  enum class Scope { kOwnColumn, kIsCentre, kParent, kGlobal } scope;
  Reference parent{};              // for kParent
  std::vector<Reference> references;  // other references checked for the centre
};

// In the order parents come before children.
const std::vector<SyncTable>& SyncTables();
const SyncTable* FindSyncTable(std::string_view name);

// Whether an attendance change withdraws the trainer's decision on the status (a roster undo
// back to a kiosk's status or to "not marked"): status_by 'kiosk' with no check-in time, or with a
// check-in time other than the change's updated_at. A kiosk's own check-in writes both times
// equal, and every other trainer edit writes status_by 'trainer', so nothing else looks like it.
// The merge ranks a withdrawal with the trainer's decisions (the later stamp wins) and then
// derives the status from the check-in as a kiosk would; sync_clock keeps its stamp under
// "withdrawn" so an older decision arriving later does not come back.
bool IsAttendanceWithdrawal(std::string_view status_by, bool has_checked_in_at, int64_t checked_in_at,
                            int64_t updated_at);

// Whether `column` of `table` holds personal data (mirrors schema_personal_columns): what an
// erasure blanks.
bool IsPersonalColumn(std::string_view table, std::string_view column);

// The personal columns of `table` (none for most tables), in schema order.
const std::vector<std::string_view>& PersonalColumns(std::string_view table);

}  // namespace mk::store
