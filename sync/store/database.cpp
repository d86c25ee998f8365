// SQLite connection, statement and transaction wrappers; the one place SQLite codes become Status.
#include "database.h"

namespace mk::store {

Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = std::string(what) + ": " + detail;
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(ErrorCode::kBusy, msg + " (another program is writing to the database; try again)");
    case SQLITE_FULL:
      return IoError(msg + " (the disk is full; free some space and try again)");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return IoError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Corrupt(msg + " (the database file is damaged or not a mintkiosk database)");
    case SQLITE_CONSTRAINT:
      return Status(ErrorCode::kFailedPrecondition, msg);
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return Internal(msg);
    default:
      return Status(ErrorCode::kIo, msg);
  }
}

namespace {

// Process-wide settings, made once before the first connection (SQLite takes them only before it
// initialises). Memory statistics are off: with them on, every allocation SQLite makes takes a
// global mutex to count it, and nothing here reads the counts.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE when already initialised: harmless
    return true;
  }();
  (void)configured;
}

}  // namespace

Result<Database> Database::Open(const std::string& path, const Options& options) {
  ConfigureSqliteOnce();
  sqlite3* raw = nullptr;
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw, path);
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, "cannot open database " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  // journal_mode=WAL needs a write; a read-only open keeps whatever mode the file has.
  if (!options.read_only) {
    // Switching a brand-new file to WAL while another process does the same returns
    // SQLITE_BUSY at once (the busy handler does not cover it), so retry a bounded number of
    // times, yielding the processor in between.
    Status wal;
    for (int attempt = 0; attempt < 2000; ++attempt) {
      wal = db.Exec("PRAGMA journal_mode=WAL");
      if (wal.code() != ErrorCode::kBusy) break;
      sqlite3_sleep(5);
    }
    MK_RETURN_IF_ERROR(wal.WithContext("cannot open database " + path));
  }
  // Reads go through a memory map (no system call per page) and an 8 MB page cache: search
  // touches a few hundred pages per keystroke.
  MK_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA mmap_size=268435456; "
                             "PRAGMA cache_size=-8192;")
                         .WithContext("cannot open database " + path));
  return db;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    cache_.clear();
    if (db_) sqlite3_close_v2(db_);
    db_ = other.db_;
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
    other.db_ = nullptr;
  }
  return *this;
}

Database::~Database() {
  cache_.clear();  // statements are finalized before their connection closes
  if (db_) sqlite3_close_v2(db_);
}

Result<Statement*> Database::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    MK_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
    it = cache_.emplace(sql, std::make_unique<Statement>(std::move(st))).first;
  }
  MK_RETURN_IF_ERROR(it->second->Reset());
  return it->second.get();
}

Status Database::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  return SqliteStatus(rc, db_, "database");
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db_, "preparing a query");
  return Statement(stmt, db_);
}

Result<std::string> Database::IntegrityCheck() {
  MK_ASSIGN_OR_RETURN(Statement st, Prepare("PRAGMA integrity_check"));
  std::string out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += st.ColumnText(0);
  }
  return out;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    bind_error_ = other.bind_error_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "binding a value");
  return *this;
}

Statement& Statement::BindView(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "binding a value");
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "binding a value");
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "binding a value");
  return *this;
}

Statement& Statement::BindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqliteStatus(rc, db_, "binding a value");
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, "database");
}

Status Statement::Run() {
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Status Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
  return Status::Ok();
}

std::string Statement::ColumnText(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> Statement::ColumnOptionalText(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnText(col);
}

std::optional<int64_t> Statement::ColumnOptionalInt(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnInt(col);
}

Result<Transaction> Transaction::Begin(Database& db) {
  MK_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE").WithContext("starting a transaction"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (!done_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status s = db_->Exec("COMMIT");
  if (!s.ok()) {
    (void)db_->Exec("ROLLBACK");
    done_ = true;
    return s.WithContext("saving the change");
  }
  done_ = true;
  return Status::Ok();
}

}  // namespace mk::store
