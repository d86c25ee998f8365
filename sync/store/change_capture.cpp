// Change capture with TEMP triggers and three SQL functions (see change_capture.h).
#include "change_capture.h"

#include <string>

#include <nlohmann/json.hpp>

#include "sync_tables.h"

namespace mk::store {
namespace {

ChangeCapture* Self(sqlite3_context* ctx) { return static_cast<ChangeCapture*>(sqlite3_user_data(ctx)); }

void SqlHlc(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(Self(ctx)->hlc().Now()));
}
void SqlWall(sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_int64(ctx, Self(ctx)->WallMs()); }
void SqlCapturing(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3_result_int(ctx, Self(ctx)->capturing() ? 1 : 0);
}

// mk_clocks_for(tbl, op, hlc, fields): the clock entries a change sets in sync_clock.
void SqlClocksFor(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* tbl = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* op = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  const int64_t hlc = sqlite3_value_int64(argv[2]);
  const SyncTable* table = tbl ? FindSyncTable(tbl) : nullptr;
  if (!table || !op) {
    sqlite3_result_error(ctx, "mk_clocks_for: unknown table", -1);
    return;
  }
  const std::string stamp = std::to_string(hlc);
  std::string out = "{";
  auto add = [&](std::string_view key, const std::string& value) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += key;
    out += "\":";
    out += value;
  };
  if (op[0] == 'e') {
    add("_erased", stamp);
  } else if (table->merge == MergeKind::kFields || table->merge == MergeKind::kAttendance) {
    const auto* fields = reinterpret_cast<const char*>(sqlite3_value_text(argv[3]));
    nlohmann::json doc = nlohmann::json::parse(fields ? fields : "{}", nullptr, false);
    if (!doc.is_object()) {
      sqlite3_result_error(ctx, "mk_clocks_for: fields are not a JSON object", -1);
      return;
    }
    for (std::string_view column : table->columns) {
      if (doc.contains(column)) add(column, stamp);
    }
    if (table->merge == MergeKind::kAttendance) {
      add("_row", stamp);
      // A roster undo back to the kiosks' status: remembered, so older decisions stay withdrawn.
      const auto by = doc.find("status_by");
      const auto in = doc.find("checked_in_at");
      const auto upd = doc.find("updated_at");
      if (op[0] == 'u' && by != doc.end() && by->is_string() && upd != doc.end() && upd->is_number_integer() &&
          IsAttendanceWithdrawal(by->get<std::string>(), in != doc.end() && in->is_number_integer(),
                                 in != doc.end() && in->is_number_integer() ? in->get<int64_t>() : 0,
                                 upd->get<int64_t>())) {
        add("withdrawn", stamp);
      }
    }
  } else {
    add("_row", stamp);
    add("_del", op[0] == 'd' ? "1" : "0");
  }
  out += '}';
  sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

std::string KeyExpr(const SyncTable& t, std::string_view row) {
  std::string expr;
  for (std::string_view k : t.key_columns) {
    if (!expr.empty()) expr += " || '|' || ";
    expr += std::string(row) + "." + std::string(k);
  }
  return expr;
}

std::string FullRowJson(const SyncTable& t, std::string_view row) {
  std::string out = "json_object(";
  bool first = true;
  for (std::string_view c : t.columns) {
    if (!first) out += ", ";
    first = false;
    out += "'" + std::string(c) + "', " + std::string(row) + "." + std::string(c);
  }
  return out + ")";
}

// The stamp of a local change of a row: the hybrid clock's next stamp, or, when the row holds a
// clock further ahead (a change from a device whose clock runs far ahead, which the hybrid
// clock refuses to follow), one more than that. A local change always comes after what the
// device has seen of the row, so it wins the merge everywhere as it does here; without this a
// device would keep its own edit while the server kept the far-future one.
std::string StampExpr(const SyncTable& t, std::string_view row) {
  return "max(mk_hlc(), coalesce((SELECT max(CAST(j.value AS INTEGER)) + 1 FROM main.sync_clock AS c, "
         "json_each(c.clocks) AS j WHERE c.tbl = '" + std::string(t.name) + "' AND c.key = " + KeyExpr(t, row) +
         " AND j.key <> '_del'), 0))";
}

// The trigger SQL for one table.
std::string TriggersFor(const SyncTable& t) {
  const std::string name(t.name);
  const std::string insert_head =
      "INSERT INTO sync_outbox(tbl, key, op, hlc, device_time, fields) ";
  const std::string stamp_new = StampExpr(t, "NEW");
  std::string sql;
  sql += "CREATE TEMP TRIGGER IF NOT EXISTS mk_capture_" + name + "_insert AFTER INSERT ON main." + name +
         " WHEN mk_capturing() BEGIN " + insert_head + "VALUES ('" + name + "', " + KeyExpr(t, "NEW") +
         ", 'u', " + stamp_new + ", mk_wall_ms(), " + FullRowJson(t, "NEW") + "); END;\n";
  if (t.merge == MergeKind::kFields) {
    // Only the columns whose value changed, so edits of different fields on two devices merge.
    std::string changed;
    for (std::string_view c : t.columns) {
      if (!changed.empty()) changed += " UNION ALL ";
      changed += "SELECT '" + std::string(c) + "' AS c, NEW." + std::string(c) + " AS v WHERE OLD." +
                 std::string(c) + " IS NOT NEW." + std::string(c);
    }
    sql += "CREATE TEMP TRIGGER IF NOT EXISTS mk_capture_" + name + "_update AFTER UPDATE ON main." + name +
           " WHEN mk_capturing() BEGIN " + insert_head + "SELECT '" + name + "', " + KeyExpr(t, "NEW") +
           ", 'u', " + stamp_new + ", mk_wall_ms(), f FROM (SELECT json_group_object(c, v) AS f, count(*) AS n FROM (" +
           changed + ")) WHERE n > 0; END;\n";
  } else {
    sql += "CREATE TEMP TRIGGER IF NOT EXISTS mk_capture_" + name + "_update AFTER UPDATE ON main." + name +
           " WHEN mk_capturing() BEGIN " + insert_head + "VALUES ('" + name + "', " + KeyExpr(t, "NEW") +
           ", 'u', " + stamp_new + ", mk_wall_ms(), " + FullRowJson(t, "NEW") + "); END;\n";
  }
  if (t.merge == MergeKind::kRow) {
    sql += "CREATE TEMP TRIGGER IF NOT EXISTS mk_capture_" + name + "_delete AFTER DELETE ON main." + name +
           " WHEN mk_capturing() BEGIN " + insert_head + "VALUES ('" + name + "', " + KeyExpr(t, "OLD") +
           ", 'd', " + StampExpr(t, "OLD") + ", mk_wall_ms(), '{}'); END;\n";
  }
  return sql;
}

constexpr const char* kClockTrigger = R"sql(
CREATE TEMP TRIGGER IF NOT EXISTS mk_capture_clock AFTER INSERT ON main.sync_outbox BEGIN
  INSERT INTO sync_clock(tbl, key, clocks)
  VALUES (NEW.tbl, NEW.key, mk_clocks_for(NEW.tbl, NEW.op, NEW.hlc, NEW.fields))
  ON CONFLICT(tbl, key) DO UPDATE SET clocks = json_patch(clocks, excluded.clocks);
END;
)sql";

}  // namespace

Result<HlcStamp> LastStamp(Database& db, int64_t wall_ms) {
  // A stamp further ahead of the wall clock than the hybrid clock follows (a row clock bumped
  // past a far-future change by StampExpr, or a clock that ran a year ahead and was fixed) must
  // not drag the clock there after a restart. Rows stay ordered: StampExpr puts every local
  // change after the row's own clocks whatever the hybrid clock says.
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hlc_last'"
      "                     AND (CAST(value AS INTEGER) >> 16) <= ?1), 0),"
      "           coalesce((SELECT hlc FROM sync_outbox WHERE (hlc >> 16) <= ?1 ORDER BY seq DESC LIMIT 1), 0))"));
  st.Bind(1, wall_ms + HybridClock::kDefaultMaxAheadMs);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return HlcStamp{0};
  return static_cast<HlcStamp>(st.ColumnInt(0));
}

Status RememberStamp(Database& db, HlcStamp stamp) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "INSERT INTO meta(key, value) VALUES ('hlc_last', ?1) ON CONFLICT(key) DO UPDATE SET value = "
      "CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)"));
  st->Bind(1, std::to_string(static_cast<int64_t>(stamp)));
  return st->Run();
}

Result<std::unique_ptr<ChangeCapture>> ChangeCapture::Install(Database& db, Clock* wall, Mode mode) {
  MK_ASSIGN_OR_RETURN(HlcStamp last, LastStamp(db, wall->NowMs()));
  std::unique_ptr<ChangeCapture> capture(new ChangeCapture(db, wall, last));
  sqlite3* h = db.handle();
  struct Fn {
    const char* name;
    int args;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  const Fn fns[] = {{"mk_hlc", 0, SqlHlc},
                    {"mk_wall_ms", 0, SqlWall},
                    {"mk_capturing", 0, SqlCapturing},
                    {"mk_clocks_for", 4, SqlClocksFor}};
  for (const Fn& f : fns) {
    const int flags = SQLITE_UTF8 | (f.fn == SqlClocksFor ? SQLITE_DETERMINISTIC : 0);
    const int rc = sqlite3_create_function_v2(h, f.name, f.args, flags, capture.get(), f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(rc, h, std::string("registering ") + f.name);
  }
  if (mode == Mode::kClockOnly) return capture;
  std::string sql;
  for (const SyncTable& t : SyncTables()) sql += TriggersFor(t);
  sql += kClockTrigger;
  MK_RETURN_IF_ERROR(db.Exec(sql).WithContext("installing change capture"));
  return capture;
}

Status ChangeCapture::CatchUp() {
  MK_ASSIGN_OR_RETURN(Statement* st, db_.Cached(
      "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hlc_last'), 0),"
      "           coalesce((SELECT hlc FROM sync_outbox ORDER BY seq DESC LIMIT 1), 0))"));
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  const HlcStamp seen = row ? static_cast<HlcStamp>(st->ColumnInt(0)) : 0;
  MK_RETURN_IF_ERROR(st->Reset());
  // A stamp far ahead of this device's clock is not followed (HybridClock::Observe refuses it).
  if (seen > hlc_.Last()) (void)hlc_.Observe(seen);
  return Status::Ok();
}

ChangeCapture::~ChangeCapture() {
  // Drop the triggers before the functions they call go away with this object.
  std::string sql;
  for (const SyncTable& t : SyncTables()) {
    for (const char* what : {"insert", "update", "delete"}) {
      sql += "DROP TRIGGER IF EXISTS temp.mk_capture_" + std::string(t.name) + "_" + what + ";";
    }
  }
  sql += "DROP TRIGGER IF EXISTS temp.mk_capture_clock;";
  (void)db_.Exec(sql);
  sqlite3* h = db_.handle();
  if (h) {
    for (const char* name : {"mk_hlc", "mk_wall_ms", "mk_capturing"}) {
      sqlite3_create_function_v2(h, name, 0, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
    }
    sqlite3_create_function_v2(h, "mk_clocks_for", 4, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
  }
}

}  // namespace mk::store
