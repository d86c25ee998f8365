// The merge rules of sync (see merge.h and store::MergeKind). Every rule is a join over the set
// of changes a database has seen: the result does not depend on the order they arrived in.
#include "merge.h"

#include <algorithm>
#include <climits>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sync/common/text_encoding.h"
#include "sync/store/search_index.h"
#include "sync/store/sync_tables.h"

namespace mk::sync {
namespace {

using nlohmann::json;
using store::Database;
using store::MergeKind;
using store::Statement;
using store::SyncTable;

std::string Describe(const Change& c) { return c.table + " " + c.key; }

std::vector<std::string> SplitKey(std::string_view key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t bar = key.find(kKeySeparator, start);
    parts.emplace_back(key.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return parts;
}

// The SQL the merge runs on one table, built once per process.
struct TableSql {
  std::string key_where;   // "session_id = ?1 AND person_id = ?2"
  // The row as a JSON object of its replicated columns (NULL when none) and its clocks (NULL
  // when sync_clock has no entry), in one statement: ?1.. the key columns, then the joined key.
  std::string read_stored;
  std::string delete_row;
  // The column that decides the centre of a row ("" for none): centre_id, or the parent's id.
  std::string_view centre_column;
  // Rows of this table have their centre looked up (and remembered by a MergeSession): a delete
  // or a new centre column makes what was remembered stale.
  bool centre_looked_up = false;
  // Per column of the table: its place in the key, or -1 when it is not a key column.
  std::vector<int> key_index;
};

const TableSql& SqlOf(const SyncTable& t) {
  static const std::vector<TableSql> kSql = [] {
    const std::vector<SyncTable>& tables = store::SyncTables();
    std::vector<TableSql> out(tables.size());
    for (size_t n = 0; n < tables.size(); ++n) {
      const SyncTable& table = tables[n];
      TableSql& sql = out[n];
      int i = 1;
      for (std::string_view k : table.key_columns) {
        if (!sql.key_where.empty()) sql.key_where += " AND ";
        sql.key_where += std::string(k) + " = ?" + std::to_string(i++);
      }
      std::string cols;
      for (std::string_view c : table.columns) {
        if (!cols.empty()) cols += ", ";
        cols += "'" + std::string(c) + "', " + std::string(c);
      }
      const std::string name(table.name);
      sql.read_stored = "SELECT (SELECT json_object(" + cols + ") FROM " + name + " WHERE " + sql.key_where +
                        "), (SELECT clocks FROM sync_clock WHERE tbl = '" + name + "' AND key = ?" +
                        std::to_string(i) + ")";
      sql.delete_row = "DELETE FROM " + name + " WHERE " + sql.key_where;
      for (std::string_view c : table.columns) {
        const auto at = std::find(table.key_columns.begin(), table.key_columns.end(), c);
        sql.key_index.push_back(at == table.key_columns.end() ? -1 : static_cast<int>(at - table.key_columns.begin()));
      }
      if (table.scope == SyncTable::Scope::kOwnColumn) {
        sql.centre_column = "centre_id";
        sql.centre_looked_up = true;
      } else if (table.scope == SyncTable::Scope::kParent) {
        sql.centre_column = table.parent.column;
      }
    }
    // Tables whose rows are parents or referenced rows of other tables.
    for (const SyncTable& table : tables) {
      std::vector<std::string_view> targets;
      if (table.scope == SyncTable::Scope::kParent) targets.push_back(table.parent.table);
      for (const store::Reference& ref : table.references) targets.push_back(ref.table);
      for (std::string_view target : targets) {
        const SyncTable* found = store::FindSyncTable(target);
        if (found) out[static_cast<size_t>(found - tables.data())].centre_looked_up = true;
      }
    }
    return out;
  }();
  return kSql[static_cast<size_t>(&t - store::SyncTables().data())];
}

// BindKey and BindValue bind text without a copy: every caller runs the statement while the key
// parts and the values it binds are alive.
void BindKey(Statement& st, const std::vector<std::string>& parts) {
  for (size_t i = 0; i < parts.size(); ++i) st.BindView(static_cast<int>(i + 1), parts[i]);
}

Status BindValue(Statement& st, int index, const json& v) {
  if (v.is_null()) {
    st.BindNull(index);
  } else if (v.is_string()) {
    st.BindView(index, v.get_ref<const std::string&>());
  } else if (v.is_number_integer()) {
    st.Bind(index, v.get<int64_t>());
  } else if (v.is_number_float()) {
    st.Bind(index, v.get<double>());
  } else {
    return InvalidArgument("a value is neither text, a number nor null");
  }
  return Status::Ok();
}

// A stored row as a JSON object of its replicated columns (nullopt when there is none) and its
// clocks (nullopt when sync_clock has no entry for the row; an entry that is not a JSON object
// counts as an empty one).
struct Stored {
  std::optional<json> row;
  std::optional<json> clocks;
};

Result<Stored> ReadStored(Database& db, const SyncTable& t, const Change& c, const std::vector<std::string>& key) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(SqlOf(t).read_stored));
  BindKey(*st, key);
  st->BindView(static_cast<int>(key.size()) + 1, c.key);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  Stored out;
  if (row) {
    if (!st->ColumnIsNull(0)) out.row = json::parse(st->ColumnView(0), nullptr, false);
    if (!st->ColumnIsNull(1)) {
      out.clocks = json::parse(st->ColumnView(1), nullptr, false);
      if (!out.clocks->is_object()) out.clocks = json::object();
    }
  }
  MK_RETURN_IF_ERROR(st->Reset());
  return out;
}

// The row's clocks; nullopt when sync_clock has no entry for the row (a stored entry that is
// not a JSON object counts as an empty one).
Result<std::optional<json>> ReadClocks(Database& db, const Change& c) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached("SELECT clocks FROM sync_clock WHERE tbl = ?1 AND key = ?2"));
  st->BindView(1, c.table).BindView(2, c.key);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<json> clocks;
  if (row) {
    clocks = json::parse(st->ColumnText(0), nullptr, false);
    if (!clocks->is_object()) clocks = json::object();
  }
  MK_RETURN_IF_ERROR(st->Reset());
  return clocks;
}

Status WriteClocksText(Database& db, const Change& c, const std::string& clocks) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "INSERT INTO sync_clock(tbl, key, clocks) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(tbl, key) DO UPDATE SET clocks = excluded.clocks"));
  st->BindView(1, c.table).BindView(2, c.key).BindView(3, clocks);
  return st->Run();
}

// A clock that is not a column's: "_row", "_del", "_erased", "withdrawn" (0 when there is none).
int64_t ClockOf(const json& clocks, std::string_view name) {
  auto it = clocks.find(name);
  return it != clocks.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The clock entry kAllColumns stands for every column without an entry of its own: a row whose
// columns all took the stamp of one change keeps one entry instead of one per column (a
// check-in's row is written whole, and check-ins are most of sync_clock).
constexpr std::string_view kAllColumns = "*";

// A column's clock: its own entry, else kAllColumns, else 0.
int64_t FieldClock(const json& clocks, std::string_view column) {
  auto it = clocks.find(column);
  if (it == clocks.end()) it = clocks.find(kAllColumns);
  return it != clocks.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The clocks as stored: when every column of a per-field table has the same clock, the column
// entries give way to one kAllColumns entry. Every merge writes clocks through this, so the same
// changes leave the same text whichever way they were applied.
Status WriteClocks(Database& db, const SyncTable& t, const Change& c, json clocks) {
  if (t.merge == MergeKind::kFields || t.merge == MergeKind::kAttendance) {
    const int64_t all = FieldClock(clocks, t.columns.front());
    bool same = all != 0;
    for (std::string_view col : t.columns) same = same && FieldClock(clocks, col) == all;
    if (same) {
      for (std::string_view col : t.columns) clocks.erase(std::string(col));
      clocks[std::string(kAllColumns)] = all;
    }
  }
  return WriteClocksText(db, c, clocks.dump());
}

// Writes `values` (column -> value) into the row, inserting it when `exists` is false.
Status WriteRow(Database& db, const SyncTable& t, const std::vector<std::string>& key, const json& values,
                bool exists, const Change& c) {
  if (values.empty() && exists) return Status::Ok();
  std::string sql;
  std::vector<const json*> binds;
  json key_values = json::object();
  for (size_t i = 0; i < t.key_columns.size(); ++i) key_values[std::string(t.key_columns[i])] = key[i];
  if (!exists) {
    std::string cols, params;
    int i = 1;
    auto add = [&](const std::string& col, const json* v) {
      if (!cols.empty()) {
        cols += ", ";
        params += ", ";
      }
      cols += col;
      params += "?" + std::to_string(i++);
      binds.push_back(v);
    };
    for (auto& [col, v] : key_values.items()) add(col, &v);
    for (auto& [col, v] : values.items()) {
      if (!key_values.contains(col)) add(col, &v);
    }
    sql = "INSERT INTO " + std::string(t.name) + "(" + cols + ") VALUES (" + params + ")";
  } else {
    std::string sets;
    int i = static_cast<int>(t.key_columns.size()) + 1;
    for (auto& [col, v] : values.items()) {
      if (key_values.contains(col)) continue;
      if (!sets.empty()) sets += ", ";
      sets += col + " = ?" + std::to_string(i++);
      binds.push_back(&v);
    }
    if (sets.empty()) return Status::Ok();
    sql = "UPDATE " + std::string(t.name) + " SET " + sets + " WHERE " + SqlOf(t).key_where;
  }
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(sql));
  int index = exists ? static_cast<int>(t.key_columns.size()) + 1 : 1;
  if (exists) BindKey(*st, key);
  for (const json* v : binds) MK_RETURN_IF_ERROR(BindValue(*st, index++, *v));
  Status run = st->Run();
  if (run.ok()) return run;
  return run.WithContext(exists ? "updating " + Describe(c) : "inserting " + Describe(c) +
                                      " (a new row needs all its required fields)");
}

// The values an erasure leaves in a person's personal columns: the same on every device.
json ErasedValue(const std::string& person_id, std::string_view column) {
  if (column == "email") return nullptr;
  if (column == "participant_code") return person_id;
  return "";
}

// Replaces the personal fields of `fields` (a people or attendance change of an erased person)
// by the erased values. Returns true when anything was replaced.
bool BlankPersonal(std::string_view table, const std::string& person_id, json& fields) {
  bool changed = false;
  for (auto& [col, v] : fields.items()) {
    if (!store::IsPersonalColumn(table, col)) continue;
    json blank = ErasedValue(person_id, col);
    if (v != blank) {
      v = blank;
      changed = true;
    }
  }
  return changed;
}

// Whether an erasure of `person_id` would change `c` (an upsert of a people or attendance
// row): a people change takes over erased_at, any other change only when it sets a personal
// field to something else than the erased value (an attendance change without a note does not).
bool ErasureWouldChange(const Change& c, const std::string& person_id) {
  if (c.table == "people") return true;
  for (std::string_view col : store::PersonalColumns(c.table)) {
    auto it = c.fields.find(col);
    if (it != c.fields.end() && *it != ErasedValue(person_id, col)) return true;
  }
  return false;
}

std::string PersonOf(const Change& c) {
  if (c.table == "people") return c.key;
  if (c.table == "attendance") {
    const size_t bar = c.key.find(kKeySeparator);
    return bar == std::string::npos ? std::string() : c.key.substr(bar + 1);
  }
  return {};
}

// Keeps the name search index in step with a person row.
Status Reindex(Database& db, const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "SELECT centre_id, first_name, last_name, erased_at IS NOT NULL FROM people WHERE id = ?1"));
  st->Bind(1, person_id);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return st->Reset();
  const std::string centre = st->ColumnText(0), first = st->ColumnText(1), last = st->ColumnText(2);
  const bool erased = st->ColumnInt(3) != 0;
  MK_RETURN_IF_ERROR(st->Reset());
  if (erased) return store::RemoveFromSearchIndex(db, person_id);
  return store::IndexPerson(db, person_id, centre, first, last);
}

// (hlc, value) order of last-writer-wins, values compared by their JSON text.
bool Newer(int64_t hlc, const json& value, int64_t stored_hlc, const json* stored_value) {
  if (hlc != stored_hlc) return hlc > stored_hlc;
  if (!stored_value) return true;
  return value.dump() > stored_value->dump();
}

// `row` and `clocks`: the stored row (nullopt when none) and its clocks ({} when none).
Result<ApplyOutcome> ApplyFields(Database& db, const SyncTable& t, const Change& c, const std::vector<std::string>& key,
                                 const json& fields, const std::optional<json>& row, const json& clocks) {
  json take = json::object();
  json new_clocks = clocks;
  bool clock_moved = false;
  for (auto& [col, v] : fields.items()) {
    const int64_t stored = FieldClock(clocks, col);
    const json* stored_value = nullptr;
    if (row) {
      auto it = row->find(col);
      if (it != row->end()) stored_value = &*it;
    }
    if (row && !Newer(static_cast<int64_t>(c.hlc), v, stored, stored_value)) continue;
    if (!stored_value || *stored_value != v) take[col] = v;
    if (static_cast<int64_t>(c.hlc) != stored) {
      new_clocks[col] = static_cast<int64_t>(c.hlc);
      clock_moved = true;
    }
  }
  if (take.empty() && !clock_moved) return ApplyOutcome::kNoEffect;
  MK_RETURN_IF_ERROR(WriteRow(db, t, key, take, row.has_value(), c));
  if (clock_moved) MK_RETURN_IF_ERROR(WriteClocks(db, t, c, std::move(new_clocks)));
  if (t.name == "people" && (take.contains("first_name") || take.contains("last_name") ||
                             take.contains("centre_id") || !row)) {
    MK_RETURN_IF_ERROR(Reindex(db, c.key));
  }
  return ApplyOutcome::kApplied;
}

Result<ApplyOutcome> ApplyRow(Database& db, const SyncTable& t, const Change& c, const std::vector<std::string>& key,
                              const json& fields, std::optional<json>& row, const json& clocks) {
  const int64_t stored_hlc = ClockOf(clocks, "_row");
  const bool stored_deleted = ClockOf(clocks, "_del") != 0;
  const bool incoming_delete = c.op == ChangeOp::kDelete;
  // (hlc, delete over upsert, row text): a total order of the changes of one row.
  json incoming_row = fields;
  for (size_t i = 0; i < t.key_columns.size(); ++i) incoming_row[std::string(t.key_columns[i])] = key[i];
  const std::string incoming_text = incoming_delete ? std::string() : incoming_row.dump();
  const std::string stored_text = row ? row->dump() : std::string();
  const auto incoming_rank = std::make_tuple(static_cast<int64_t>(c.hlc), incoming_delete ? 1 : 0, incoming_text);
  const auto stored_rank = std::make_tuple(stored_hlc, stored_deleted ? 1 : 0, stored_text);
  if ((stored_hlc != 0 || !row) && !(incoming_rank > stored_rank)) return ApplyOutcome::kNoEffect;
  if (incoming_delete) {
    if (row) {
      MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(SqlOf(t).delete_row));
      BindKey(*st, key);
      Status run = st->Run();
      if (!run.ok()) return run.WithContext("deleting " + Describe(c));
    }
  } else {
    json values = json::object();
    for (auto& [col, v] : incoming_row.items()) {
      if (!row || !row->contains(col) || (*row)[col] != v) values[col] = v;
    }
    MK_RETURN_IF_ERROR(WriteRow(db, t, key, values, row.has_value(), c));
  }
  json new_clocks = {{"_row", static_cast<int64_t>(c.hlc)}, {"_del", incoming_delete ? 1 : 0}};
  MK_RETURN_IF_ERROR(WriteClocks(db, t, c, std::move(new_clocks)));
  return ApplyOutcome::kApplied;
}

int KioskStrength(const json& status) {
  if (!status.is_string()) return -1;
  const std::string& s = status.get_ref<const std::string&>();
  if (s == "present") return 3;
  if (s == "late") return 2;
  if (s == "excused") return 1;
  return 0;
}

// The order of status decisions: any trainer decision over any kiosk status; among trainer
// decisions the later (by hlc); among kiosk statuses the stronger; ties by the status text.
std::tuple<int, int64_t, std::string> StatusRank(const json& status, const json& status_by, int64_t hlc) {
  const std::string text = status.is_string() ? status.get<std::string>() : std::string();
  if (status_by == "trainer") return {1, hlc, text};
  return {0, KioskStrength(status), text};
}

// The first check-in: the earliest time (a missing time counts as never), then device, method.
std::tuple<int64_t, std::string, std::string> FirstRank(const json& row) {
  auto text = [&](const char* col) {
    auto it = row.find(col);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto it = row.find("checked_in_at");
  const int64_t at = it != row.end() && it->is_number_integer() ? it->get<int64_t>() : INT64_MAX;
  return {at, text("device_id"), text("method")};
}

// Whether an attendance change's fields withdraw the trainer's decision (a roster undo).
bool IsWithdrawal(const json& fields) {
  const auto by = fields.find("status_by");
  const auto in = fields.find("checked_in_at");
  const auto upd = fields.find("updated_at");
  if (by == fields.end() || !by->is_string() || upd == fields.end() || !upd->is_number_integer()) return false;
  const bool has_in = in != fields.end() && in->is_number_integer();
  return store::IsAttendanceWithdrawal(by->get<std::string>(), has_in, has_in ? in->get<int64_t>() : 0,
                                       upd->get<int64_t>());
}

// The status a kiosk gives a check-in at `checked_in_at` (null: nobody checked in, which the
// roster shows as not marked): late after the centre's late_after_minutes, as Store::CheckIn.
Result<json> KioskStatusAt(Database& db, const std::string& session_id, const json& checked_in_at) {
  if (!checked_in_at.is_number_integer()) return json("absent");
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "SELECT s.starts_at, ce.late_after_minutes FROM sessions s JOIN courses c ON c.id = s.course_id "
      "JOIN centres ce ON ce.id = c.centre_id WHERE s.id = ?1"));
  st->Bind(1, session_id);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  const int64_t starts = row ? st->ColumnInt(0) : INT64_MAX / 2;
  const int64_t late = row ? st->ColumnInt(1) : 0;
  MK_RETURN_IF_ERROR(st->Reset());
  return json(checked_in_at.get<int64_t>() > starts + late * 60000 ? "late" : "present");
}

Result<ApplyOutcome> ApplyAttendance(Database& db, const SyncTable& t, const Change& c,
                                     const std::vector<std::string>& key, const json& fields,
                                     std::optional<json>& row, const json& clocks) {
  if (!row) return ApplyFields(db, t, c, key, fields, row, clocks);
  const int64_t hlc = static_cast<int64_t>(c.hlc);
  json take = json::object();
  json new_clocks = clocks;
  bool clock_moved = false;

  if (fields.contains("checked_in_at") || fields.contains("device_id") || fields.contains("method")) {
    json incoming = *row;
    for (const char* col : {"checked_in_at", "device_id", "method"}) {
      if (fields.contains(col)) incoming[col] = fields[col];
    }
    if (FirstRank(incoming) < FirstRank(*row)) {
      for (const char* col : {"checked_in_at", "device_id", "method"}) {
        if (incoming[col] != (*row)[col]) take[col] = incoming[col];
      }
    }
  }
  if (fields.contains("status")) {
    const json by = fields.contains("status_by") ? fields["status_by"] : json("kiosk");
    // The latest decision on the row: a trainer's (its status stamp) or a withdrawal of one.
    const int64_t withdrawn = ClockOf(clocks, "withdrawn");
    if (IsWithdrawal(fields)) {
      const int64_t decided = std::max((*row)["status_by"] == "trainer" ? FieldClock(clocks, "status") : 0, withdrawn);
      if (hlc > decided) {
        // Back to the kiosks' status, derived from the earliest check-in the row now has.
        const json& checked_in = take.contains("checked_in_at") ? take["checked_in_at"] : (*row)["checked_in_at"];
        const std::string session_id = key.empty() ? std::string() : key[0];
        MK_ASSIGN_OR_RETURN(json status, KioskStatusAt(db, session_id, checked_in));
        if (status != (*row)["status"]) take["status"] = status;
        if (by != (*row)["status_by"]) take["status_by"] = by;
        new_clocks["status"] = hlc;
        new_clocks["withdrawn"] = hlc;
        clock_moved = true;
      }
    } else {
      const auto in_rank = StatusRank(fields["status"], by, hlc);
      // A kiosk status after a withdrawal still ranks by strength; a trainer's decision must be
      // later than the withdrawal.
      const auto stored_rank = (*row)["status_by"] != "trainer" && withdrawn > 0 && by == "trainer"
                                   ? std::tuple<int, int64_t, std::string>{1, withdrawn, std::string()}
                                   : StatusRank((*row)["status"], (*row)["status_by"], FieldClock(clocks, "status"));
      if (in_rank > stored_rank) {
        if (fields["status"] != (*row)["status"]) take["status"] = fields["status"];
        if (by != (*row)["status_by"]) take["status_by"] = by;
        new_clocks["status"] = hlc;
        clock_moved = true;
      }
    }
  }
  for (const char* col : {"left_at", "note", "updated_at"}) {
    if (!fields.contains(col)) continue;
    const json& v = fields[col];
    const int64_t stored = FieldClock(clocks, col);
    if (!Newer(hlc, v, stored, &(*row)[col])) continue;
    if ((*row)[col] != v) take[col] = v;
    if (hlc != stored) {
      new_clocks[col] = hlc;
      clock_moved = true;
    }
  }
  if (take.empty() && !clock_moved) return ApplyOutcome::kNoEffect;
  MK_RETURN_IF_ERROR(WriteRow(db, t, key, take, true, c));
  if (clock_moved) MK_RETURN_IF_ERROR(WriteClocks(db, t, c, std::move(new_clocks)));
  return ApplyOutcome::kApplied;
}

// Rewrites the personal fields of outbox entries of an erased person.
Status ScrubOutbox(Database& db, const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT seq, tbl, fields FROM sync_outbox WHERE (tbl = 'people' AND key = ?1) OR "
      "(tbl = 'attendance' AND key LIKE '%|' || ?1)"));
  st.Bind(1, person_id);
  std::vector<std::pair<int64_t, std::string>> rewrites;
  while (true) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    json fields = json::parse(st.ColumnText(2), nullptr, false);
    if (!fields.is_object()) continue;
    if (BlankPersonal(st.ColumnText(1), person_id, fields)) rewrites.emplace_back(st.ColumnInt(0), fields.dump());
  }
  for (const auto& [seq, text] : rewrites) {
    MK_ASSIGN_OR_RETURN(Statement up, db.Prepare("UPDATE sync_outbox SET fields = ?1 WHERE seq = ?2"));
    up.Bind(1, text).Bind(2, seq);
    MK_RETURN_IF_ERROR(up.Run());
  }
  return Status::Ok();
}

Result<ApplyOutcome> ApplyErase(Database& db, const Change& c) {
  MK_ASSIGN_OR_RETURN(std::optional<json> stored_clocks, ReadClocks(db, c));
  json clocks = stored_clocks ? std::move(*stored_clocks) : json::object();
  const int64_t stored = ClockOf(clocks, "_erased");
  const int64_t hlc = static_cast<int64_t>(c.hlc);
  // The earliest erasure defines erased_at; every later one changes nothing.
  if (stored != 0 && stored <= hlc) return ApplyOutcome::kNoEffect;
  clocks["_erased"] = hlc;
  MK_RETURN_IF_ERROR(WriteClocks(db, *store::FindSyncTable("people"), c, std::move(clocks)));
  MK_ASSIGN_OR_RETURN(Statement* up, db.Cached(
      "UPDATE people SET first_name = '', last_name = '', school = '', email = NULL, subjects = '', "
      "participant_code = id, erased_at = ?2 WHERE id = ?1"));
  up->Bind(1, c.key).Bind(2, HlcMillis(c.hlc));
  MK_RETURN_IF_ERROR(up->Run().WithContext("erasing person " + c.key));
  MK_ASSIGN_OR_RETURN(Statement* notes, db.Cached("UPDATE attendance SET note = '' WHERE person_id = ?1 AND note <> ''"));
  notes->Bind(1, c.key);
  MK_RETURN_IF_ERROR(notes->Run());
  MK_RETURN_IF_ERROR(store::RemoveFromSearchIndex(db, c.key));
  MK_RETURN_IF_ERROR(ScrubOutbox(db, c.key));
  return ApplyOutcome::kApplied;
}

Result<std::optional<std::string>> StoredColumn(Database& db, std::string_view table, std::string_view column,
                                                const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached("SELECT " + std::string(column) + " FROM " + std::string(table) +
                                               " WHERE id = ?1"));
  st->Bind(1, id);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<std::string> out;
  if (row) out = st->ColumnOptionalText(0).value_or("");
  MK_RETURN_IF_ERROR(st->Reset());
  return out;
}

}  // namespace

// What a session remembers, and the merge itself.
class MergeSession::Impl {
 public:
  explicit Impl(Database& db) : db_(db) {}

  Result<std::string> CentreOf(const Change& c);
  Result<ApplyOutcome> Apply(const Change& c);
  // When the person was erased (the earliest erasure's time), from the row or, before the row
  // arrived, from the clocks; nullopt when not erased.
  Result<std::optional<int64_t>> ErasedAt(const std::string& person_id);

 private:
  Result<std::optional<std::string>> OwnCentre(const SyncTable& t, const std::string& id);
  Result<std::string> CentreOfRow(std::string_view table, const std::string& id, int depth = 0);
  Result<ApplyOutcome> InsertNew(const SyncTable& t, const Change& c, const std::vector<std::string>& key,
                                 const json& fields);
  Result<bool> InsertIfNew(const SyncTable& t, const Change& c, const std::vector<std::string>& key,
                           const json& fields);
  // What BindNewRow prepared: the bound INSERT, and whether the change sets every column of the
  // table (its key columns included), which decides the clocks of the new row.
  struct NewRow {
    Statement* insert = nullptr;
    bool every_column = false;
  };
  Result<NewRow> BindNewRow(const SyncTable& t, const std::vector<std::string>& key, const json& fields, bool if_new);
  // A statement kept for the session in `slot` (prepared, or reset for another run).
  Result<Statement*> Reuse(Statement*& slot, const std::string& sql);
  void Forget(const SyncTable& t, const Change& c, const json& fields, bool row_existed);

  static std::string RowKey(std::string_view table, const std::string& id) {
    std::string k(table);
    k += '\x1f';
    k += id;
    return k;
  }

  Database& db_;
  // The centre of stored rows looked up so far ("table\x1fid" -> centre). Only rows found are
  // remembered, so a row that arrives later is looked up again.
  std::unordered_map<std::string, std::string> centres_;
  // ErasedAt per person looked up so far.
  std::unordered_map<std::string, std::optional<int64_t>> erased_at_;
  // INSERT statements of InsertNew and InsertIfNew, per table, set of columns and kind (the
  // connection's statement cache owns them), and InsertIfNew's clock statement.
  std::unordered_map<uint64_t, Statement*> inserts_;
  Statement* insert_clock_ = nullptr;
  // OwnCentre's lookup of a person.
  Statement* person_centre_ = nullptr;
};

Result<std::optional<int64_t>> MergeSession::Impl::ErasedAt(const std::string& person_id) {
  if (auto it = erased_at_.find(person_id); it != erased_at_.end()) return it->second;
  // The row tells when it exists (an erasure sets erased_at, a later insert takes it over);
  // before the row arrives, only the clocks know.
  MK_ASSIGN_OR_RETURN(Statement* row, db_.Cached("SELECT erased_at FROM people WHERE id = ?1"));
  row->Bind(1, person_id);
  MK_ASSIGN_OR_RETURN(bool found, row->Step());
  std::optional<int64_t> out;
  if (found) {
    out = row->ColumnOptionalInt(0);
    MK_RETURN_IF_ERROR(row->Reset());
  } else {
    MK_RETURN_IF_ERROR(row->Reset());
    MK_ASSIGN_OR_RETURN(Statement* st, db_.Cached(
        "SELECT json_extract(clocks, '$._erased') FROM sync_clock WHERE tbl = 'people' AND key = ?1"));
    st->Bind(1, person_id);
    MK_ASSIGN_OR_RETURN(bool clocked, st->Step());
    if (clocked && !st->ColumnIsNull(0)) out = HlcMillis(static_cast<HlcStamp>(st->ColumnInt(0)));
    MK_RETURN_IF_ERROR(st->Reset());
  }
  erased_at_.emplace(person_id, out);
  return out;
}

// The centre_id of a stored row of a table with its own centre column; nullopt when the row is
// not stored. A person's erasure is read along (most changes that name a person need both).
Result<std::optional<std::string>> MergeSession::Impl::OwnCentre(const SyncTable& t, const std::string& id) {
  std::string cache_key = RowKey(t.name, id);
  if (auto it = centres_.find(cache_key); it != centres_.end()) return std::optional<std::string>(it->second);
  std::optional<std::string> centre;
  if (t.name == "people") {
    // Nearly every check-in names another person: kept for the session instead of found again.
    static const std::string kSql = "SELECT centre_id, erased_at FROM people WHERE id = ?1";
    MK_ASSIGN_OR_RETURN(Statement* st, Reuse(person_centre_, kSql));
    st->BindView(1, id);
    MK_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) {
      centre = st->ColumnOptionalText(0).value_or("");
      erased_at_.emplace(id, st->ColumnOptionalInt(1));
    }
    MK_RETURN_IF_ERROR(st->Reset());
  } else {
    MK_ASSIGN_OR_RETURN(centre, StoredColumn(db_, t.name, "centre_id", id));
  }
  if (centre) centres_.emplace(std::move(cache_key), *centre);
  return centre;
}

// The centre of a stored row of a table with a single id key.
Result<std::string> MergeSession::Impl::CentreOfRow(std::string_view table, const std::string& id, int depth) {
  const SyncTable* t = store::FindSyncTable(table);
  if (!t || depth > 4) return Internal("no centre rule for " + std::string(table));
  switch (t->scope) {
    case SyncTable::Scope::kGlobal: return std::string();
    case SyncTable::Scope::kIsCentre: return id;
    case SyncTable::Scope::kOwnColumn: {
      MK_ASSIGN_OR_RETURN(std::optional<std::string> centre, OwnCentre(*t, id));
      if (!centre) return NotFound(std::string(table) + " " + id + " is not known here");
      return *centre;
    }
    case SyncTable::Scope::kParent: {
      const std::string cache_key = RowKey(table, id);
      if (auto it = centres_.find(cache_key); it != centres_.end()) return it->second;
      MK_ASSIGN_OR_RETURN(std::optional<std::string> parent, StoredColumn(db_, table, t->parent.column, id));
      if (!parent) return NotFound(std::string(table) + " " + id + " is not known here");
      MK_ASSIGN_OR_RETURN(std::string centre, CentreOfRow(t->parent.table, *parent, depth + 1));
      centres_.emplace(cache_key, centre);
      return centre;
    }
  }
  return Internal("unreachable");
}

Result<std::string> MergeSession::Impl::CentreOf(const Change& c) {
  const SyncTable* t = store::FindSyncTable(c.table);
  if (!t) return InvalidArgument("unknown table '" + c.table + "'");
  const std::vector<std::string> key = SplitKey(c.key);
  auto field_text = [&](std::string_view col) -> std::optional<std::string> {
    for (size_t i = 0; i < t->key_columns.size(); ++i) {
      if (t->key_columns[i] == col) return key[i];
    }
    auto it = c.fields.find(col);
    if (it != c.fields.end() && it->is_string()) return it->get<std::string>();
    return std::nullopt;
  };
  std::string centre;
  switch (t->scope) {
    case SyncTable::Scope::kGlobal: return std::string();
    case SyncTable::Scope::kIsCentre: centre = key[0]; break;
    case SyncTable::Scope::kOwnColumn: {
      MK_ASSIGN_OR_RETURN(std::optional<std::string> stored, OwnCentre(*t, key[0]));
      std::optional<std::string> named = field_text("centre_id");
      if (stored && named && *stored != *named) {
        return PermissionDenied(Describe(c) + ": a row cannot move to another centre");
      }
      if (!stored && !named) return NotFound(Describe(c) + ": the row is not known here and the change names no centre");
      centre = stored ? *stored : *named;
      break;
    }
    case SyncTable::Scope::kParent: {
      std::optional<std::string> parent = field_text(t->parent.column);
      if (!parent && t->key_columns.size() == 1) {
        MK_ASSIGN_OR_RETURN(parent, StoredColumn(db_, t->name, t->parent.column, key[0]));
      }
      if (!parent || parent->empty()) {
        return NotFound(Describe(c) + ": the row is not known here and the change names no " +
                        std::string(t->parent.column));
      }
      auto parent_centre = CentreOfRow(t->parent.table, *parent);
      if (!parent_centre.ok()) return parent_centre.status().WithContext(Describe(c) + ": " + std::string(t->parent.column));
      centre = *parent_centre;
      break;
    }
  }
  for (const store::Reference& ref : t->references) {
    std::optional<std::string> id = field_text(ref.column);
    if (!id || id->empty()) continue;
    auto ref_centre = CentreOfRow(ref.table, *id);
    if (!ref_centre.ok()) return ref_centre.status().WithContext(Describe(c) + ": " + std::string(ref.column));
    if (*ref_centre != centre) {
      return PermissionDenied(Describe(c) + ": " + std::string(ref.column) + " belongs to another centre");
    }
  }
  return centre;
}

Result<Statement*> MergeSession::Impl::Reuse(Statement*& slot, const std::string& sql) {
  if (slot != nullptr) {
    MK_RETURN_IF_ERROR(slot->Reset());
    return slot;
  }
  MK_ASSIGN_OR_RETURN(slot, db_.Cached(sql));
  return slot;
}

namespace {

// The INSERT of the `columns` (a bit per column of `t`) of a new row; `if_new` passes over a
// row with the same key.
std::string InsertSql(const SyncTable& t, uint64_t columns, bool if_new) {
  std::string cols, params;
  int n = 1;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!(columns & (uint64_t{1} << i))) continue;
    if (!cols.empty()) {
      cols += ", ";
      params += ", ";
    }
    cols += t.columns[i];
    params += "?" + std::to_string(n++);
  }
  std::string sql = "INSERT INTO " + std::string(t.name) + "(" + cols + ") VALUES (" + params + ")";
  if (if_new) {
    // Only a row with the same key is passed over; any other constraint still fails the insert.
    std::string target;
    for (std::string_view k : t.key_columns) {
      if (!target.empty()) target += ", ";
      target += k;
    }
    sql += " ON CONFLICT(" + target + ") DO NOTHING";
  }
  return sql;
}

}  // namespace

// The INSERT of a new row with the key and the change's values, prepared and bound.
Result<MergeSession::Impl::NewRow> MergeSession::Impl::BindNewRow(const SyncTable& t,
                                                                  const std::vector<std::string>& key,
                                                                  const json& fields, bool if_new) {
  constexpr size_t kMaxColumns = 56;  // a set of columns is a bit mask (InsertSql)
  if (t.columns.size() > kMaxColumns) return Internal("table " + std::string(t.name) + " has too many columns");
  const std::vector<int>& key_index = SqlOf(t).key_index;
  const json* values[kMaxColumns] = {};
  uint64_t columns = 0;
  size_t values_found = 0;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (key_index[i] < 0) {
      auto it = fields.find(t.columns[i]);
      if (it == fields.end()) continue;
      values[i] = &*it;
      ++values_found;
    }
    columns |= uint64_t{1} << i;
  }
  NewRow out;
  // Every column: each value column was found, and the key columns are among the fields too.
  out.every_column = values_found + t.key_columns.size() == t.columns.size();
  for (size_t k = 0; out.every_column && k < t.key_columns.size(); ++k) {
    out.every_column = fields.contains(t.key_columns[k]);
  }
  // Bits 0-55 the columns, 56 the kind, 57-63 the table.
  const uint64_t cache_key = (static_cast<uint64_t>(&t - store::SyncTables().data()) << 57) |
                             (static_cast<uint64_t>(if_new) << 56) | columns;
  Statement*& slot = inserts_[cache_key];
  Statement* st = slot;
  if (st == nullptr) {
    MK_ASSIGN_OR_RETURN(st, Reuse(slot, InsertSql(t, columns, if_new)));
  } else {
    MK_RETURN_IF_ERROR(st->Reset());
  }
  int index = 1;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!(columns & (uint64_t{1} << i))) continue;
    if (key_index[i] >= 0) {
      st->BindView(index++, key[static_cast<size_t>(key_index[i])]);
    } else {
      MK_RETURN_IF_ERROR(BindValue(*st, index++, *values[i]));
    }
  }
  out.insert = st;
  return out;
}

namespace {

// The clocks of a row that a change creates, as the JSON text WriteClocks would store: the
// change's stamp on every field it sets (on the whole row for whole-row tables), one
// kAllColumns entry when it sets every column (`every_column`, as BindNewRow found).
std::string NewRowClocks(const SyncTable& t, const Change& c, const json& fields, bool every_column) {
  const std::string stamp = std::to_string(static_cast<int64_t>(c.hlc));
  const bool upsert = c.op == ChangeOp::kUpsert;
  std::string clocks = "{";
  if (t.merge == MergeKind::kFields || t.merge == MergeKind::kAttendance) {
    if (every_column) {
      clocks += "\"*\":";  // kAllColumns, which sorts before every column name
      clocks += stamp;
    } else {
      for (auto& [col, v] : fields.items()) {
        if (clocks.size() > 1) clocks += ',';
        clocks += '"';
        clocks += col;
        clocks += "\":";
        clocks += stamp;
      }
    }
    if (t.merge == MergeKind::kAttendance && upsert && IsWithdrawal(fields)) {
      if (clocks.size() > 1) clocks += ',';
      clocks += "\"withdrawn\":" + stamp;
    }
  } else {
    clocks += upsert ? "\"_del\":0,\"_row\":" : "\"_del\":1,\"_row\":";
    clocks += stamp;
  }
  clocks += '}';
  return clocks;
}

}  // namespace

// A change of a row this database has neither stored nor clocked. Every rule takes all of such a
// change (there is nothing to compare it with), so this writes exactly what ApplyFields, ApplyRow
// and ApplyAttendance write for it, without their comparisons: the row with the key and the
// change's values (nothing for a delete), and the change's stamp on every field it sets (on the
// whole row for whole-row tables). The clocks are the JSON text WriteClocks would store: one
// kAllColumns entry when the change sets every column.
Result<ApplyOutcome> MergeSession::Impl::InsertNew(const SyncTable& t, const Change& c,
                                                   const std::vector<std::string>& key, const json& fields) {
  bool every_column = false;
  if (c.op == ChangeOp::kUpsert) {
    MK_ASSIGN_OR_RETURN(NewRow row, BindNewRow(t, key, fields, false));
    Status run = row.insert->Run();
    if (!run.ok()) return run.WithContext("inserting " + Describe(c) + " (a new row needs all its required fields)");
    every_column = row.every_column;
  }
  MK_RETURN_IF_ERROR(WriteClocksText(db_, c, NewRowClocks(t, c, fields, every_column)));
  if (t.name == "people") MK_RETURN_IF_ERROR(Reindex(db_, c.key));
  return ApplyOutcome::kApplied;
}

// InsertNew for an upsert without reading first: the clocks and the row are inserted unless
// they exist, which is what nearly every change of a push or a pull page finds. Returns false,
// with nothing written, when the row or its clocks exist; the change then takes the merge.
Result<bool> MergeSession::Impl::InsertIfNew(const SyncTable& t, const Change& c,
                                             const std::vector<std::string>& key, const json& fields) {
  // The row's INSERT is bound first: binding finds whether the change sets every column.
  MK_ASSIGN_OR_RETURN(NewRow row, BindNewRow(t, key, fields, true));
  const std::string clocks = NewRowClocks(t, c, fields, row.every_column);
  MK_ASSIGN_OR_RETURN(Statement* clock, Reuse(insert_clock_,
      "INSERT INTO sync_clock(tbl, key, clocks) VALUES (?1, ?2, ?3) ON CONFLICT(tbl, key) DO NOTHING"));
  clock->BindView(1, c.table).BindView(2, c.key).BindView(3, clocks);
  MK_RETURN_IF_ERROR(clock->Run());
  if (db_.Changes() == 0) return false;
  auto take_back = [&]() -> Status {
    MK_ASSIGN_OR_RETURN(Statement* undo, db_.Cached("DELETE FROM sync_clock WHERE tbl = ?1 AND key = ?2"));
    undo->BindView(1, c.table).BindView(2, c.key);
    return undo->Run();
  };
  Status run = row.insert->Run();
  if (!run.ok()) {
    MK_RETURN_IF_ERROR(take_back());
    return run.WithContext("inserting " + Describe(c) + " (a new row needs all its required fields)");
  }
  if (db_.Changes() == 0) {  // the row is stored without clocks
    MK_RETURN_IF_ERROR(take_back());
    return false;
  }
  if (t.name == "people") MK_RETURN_IF_ERROR(Reindex(db_, c.key));
  return true;
}

// After `c` changed the database: drops what it made stale.
void MergeSession::Impl::Forget(const SyncTable& t, const Change& c, const json& fields, bool row_existed) {
  if (t.name == "people") erased_at_.erase(c.key);
  // A new row makes nothing stale (only rows found are remembered); a deleted row or a row with
  // a new centre or parent may change the centre of this row and of rows below it.
  const TableSql& sql = SqlOf(t);
  if (!row_existed || !sql.centre_looked_up) return;
  if (c.op == ChangeOp::kDelete || (!sql.centre_column.empty() && fields.contains(sql.centre_column))) {
    centres_.clear();
  }
}

Result<ApplyOutcome> MergeSession::Impl::Apply(const Change& change) {
  const SyncTable* t = store::FindSyncTable(change.table);
  if (!t) return InvalidArgument("unknown table '" + change.table.substr(0, 64) + "'");
  if (change.op == ChangeOp::kErase) {
    MK_ASSIGN_OR_RETURN(ApplyOutcome outcome, ApplyErase(db_, change));
    if (outcome == ApplyOutcome::kApplied) erased_at_.erase(change.key);
    return outcome;
  }
  // Erasure wins for good: personal fields of an erased person take the erased values.
  const json* fields = &change.fields;
  json blanked;
  const std::string person = PersonOf(change);
  if (!person.empty() && change.op == ChangeOp::kUpsert && ErasureWouldChange(change, person)) {
    MK_ASSIGN_OR_RETURN(std::optional<int64_t> erased_at, ErasedAt(person));
    if (erased_at) {
      blanked = change.fields;
      BlankPersonal(change.table, person, blanked);
      if (change.table == "people") blanked["erased_at"] = *erased_at;
      fields = &blanked;
    }
  }
  if (fields->empty() && change.op == ChangeOp::kUpsert) return ApplyOutcome::kNoEffect;
  const std::vector<std::string> key = SplitKey(change.key);
  if (change.op == ChangeOp::kUpsert) {
    MK_ASSIGN_OR_RETURN(bool inserted, InsertIfNew(*t, change, key, *fields));
    if (inserted) {
      Forget(*t, change, *fields, false);
      return ApplyOutcome::kApplied;
    }
  }
  MK_ASSIGN_OR_RETURN(Stored stored, ReadStored(db_, *t, change, key));
  std::optional<json>& row = stored.row;
  const std::optional<json>& clocks = stored.clocks;
  ApplyOutcome outcome = ApplyOutcome::kNoEffect;
  if (!row && !clocks) {
    MK_ASSIGN_OR_RETURN(outcome, InsertNew(*t, change, key, *fields));
  } else {
    const json none = json::object();
    const json& stored_clocks = clocks ? *clocks : none;
    const bool row_existed = row.has_value();
    switch (t->merge) {
      case MergeKind::kFields: {
        MK_ASSIGN_OR_RETURN(outcome, ApplyFields(db_, *t, change, key, *fields, row, stored_clocks));
        break;
      }
      case MergeKind::kAttendance: {
        MK_ASSIGN_OR_RETURN(outcome, ApplyAttendance(db_, *t, change, key, *fields, row, stored_clocks));
        break;
      }
      case MergeKind::kRow:
      case MergeKind::kInsertOnly: {
        MK_ASSIGN_OR_RETURN(outcome, ApplyRow(db_, *t, change, key, *fields, row, stored_clocks));
        break;
      }
    }
    if (outcome == ApplyOutcome::kApplied) Forget(*t, change, *fields, row_existed);
    return outcome;
  }
  if (outcome == ApplyOutcome::kApplied) Forget(*t, change, *fields, false);
  return outcome;
}

MergeSession::MergeSession(Database& db) : impl_(std::make_unique<Impl>(db)) {}
MergeSession::~MergeSession() = default;

Result<std::string> MergeSession::CentreOf(const Change& change) { return impl_->CentreOf(change); }

Result<ApplyOutcome> MergeSession::Apply(const Change& change) { return impl_->Apply(change); }

Result<bool> MergeSession::IsErased(const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(std::optional<int64_t> at, impl_->ErasedAt(person_id));
  return at.has_value();
}

Result<std::optional<Change>> MergeSession::Scrubbed(const Change& change) {
  const std::string person = PersonOf(change);
  if (person.empty() || change.op != ChangeOp::kUpsert || !ErasureWouldChange(change, person)) {
    return std::optional<Change>();
  }
  MK_ASSIGN_OR_RETURN(std::optional<int64_t> erased_at, impl_->ErasedAt(person));
  if (!erased_at) return std::optional<Change>();
  Change copy = change;
  if (!BlankPersonal(copy.table, person, copy.fields)) return std::optional<Change>();
  return std::optional<Change>(std::move(copy));
}

Status ValidateChange(const Change& c) {
  const SyncTable* t = store::FindSyncTable(c.table);
  if (!t) return InvalidArgument("unknown table '" + c.table.substr(0, 64) + "'");
  if (c.key.empty() || c.key.size() > kMaxKeyBytes || !IsValidUtf8(c.key)) {
    return InvalidArgument(c.table + ": the key is empty, too long or not UTF-8");
  }
  const std::vector<std::string> key = SplitKey(c.key);
  if (key.size() != t->key_columns.size()) {
    return InvalidArgument(Describe(c) + ": the key needs " + std::to_string(t->key_columns.size()) + " part(s)");
  }
  for (const std::string& part : key) {
    if (part.empty()) return InvalidArgument(Describe(c) + ": a part of the key is empty");
  }
  if (c.hlc == 0) return InvalidArgument(Describe(c) + ": the change has no clock stamp");
  if (!c.fields.is_object()) return InvalidArgument(Describe(c) + ": fields must be an object");
  switch (c.op) {
    case ChangeOp::kErase:
      if (c.table != "people") return InvalidArgument(Describe(c) + ": only people can be erased");
      if (!c.fields.empty()) return InvalidArgument(Describe(c) + ": an erasure carries no fields");
      return Status::Ok();
    case ChangeOp::kDelete:
      if (t->merge != MergeKind::kRow) {
        return InvalidArgument(Describe(c) + ": rows of " + c.table + " are never deleted");
      }
      if (!c.fields.empty()) return InvalidArgument(Describe(c) + ": a delete carries no fields");
      return Status::Ok();
    case ChangeOp::kUpsert: break;
  }
  if (c.fields.empty()) return InvalidArgument(Describe(c) + ": the change sets no field");
  if (t->merge != MergeKind::kFields) {
    // Whole-row merges compare whole rows: every column must be there.
    for (std::string_view col : t->columns) {
      if (!c.fields.contains(col)) {
        return InvalidArgument(Describe(c) + ": field '" + std::string(col) + "' is missing (rows of " + c.table +
                               " travel whole)");
      }
    }
  }
  for (auto& [col, v] : c.fields.items()) {
    const bool known = std::find(t->columns.begin(), t->columns.end(), col) != t->columns.end();
    if (!known) return InvalidArgument(Describe(c) + ": unknown field '" + col.substr(0, 64) + "'");
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.size() > kMaxFieldBytes) {
        return InvalidArgument(Describe(c) + ": field '" + col + "' is longer than " +
                               std::to_string(kMaxFieldBytes) + " bytes");
      }
      if (!IsValidUtf8(s)) return InvalidArgument(Describe(c) + ": field '" + col + "' is not valid UTF-8");
    } else if (!v.is_null() && !v.is_number()) {
      return InvalidArgument(Describe(c) + ": field '" + col + "' must be text, a number or null");
    }
    for (size_t i = 0; i < t->key_columns.size(); ++i) {
      if (t->key_columns[i] == col && (!v.is_string() || v.get_ref<const std::string&>() != key[i])) {
        return InvalidArgument(Describe(c) + ": field '" + col + "' differs from the key");
      }
    }
  }
  return Status::Ok();
}

Result<std::string> CentreOfChange(Database& db, const Change& c) { return MergeSession(db).CentreOf(c); }

Result<bool> IsErased(Database& db, const std::string& person_id) { return MergeSession(db).IsErased(person_id); }

Result<bool> ScrubErased(Database& db, Change& change) {
  MK_ASSIGN_OR_RETURN(std::optional<Change> scrubbed, MergeSession(db).Scrubbed(change));
  if (scrubbed) change = std::move(*scrubbed);
  return true;
}

Result<ApplyOutcome> ApplyChange(Database& db, const Change& change) {
  MK_RETURN_IF_ERROR(ValidateChange(change));
  return MergeSession(db).Apply(change);
}

}  // namespace mk::sync
