// A thin RAII layer over SQLite: connections, prepared statements, transactions, error mapping.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>

#include "sync/common/status.h"

namespace mk::store {

// Maps an SQLite result code (and the connection's message) onto a Status, in one place.
Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

class Statement;

// One connection. Not thread-safe: use one Database per thread (SQLite's WAL mode lets
// several connections and processes read while one writes).
// Opened with foreign keys on, WAL journal, synchronous=FULL (a commit survives power loss
// once it returns), and a busy timeout so concurrent writers wait instead of failing.
class Database {
 public:
  struct Options {
    bool read_only = false;
    int busy_timeout_ms = 10000;
  };

  static Result<Database> Open(const std::string& path, const Options& options);
  static Result<Database> Open(const std::string& path) { return Open(path, Options{}); }

  Database(Database&& other) noexcept
      : db_(other.db_), path_(std::move(other.path_)), cache_(std::move(other.cache_)) {
    other.db_ = nullptr;
  }
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements with no results.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once per connection and reused (reset, bindings cleared) on every
  // call: for hot paths such as search. The pointer stays valid until the Database dies.
  // REQUIRES: the previous user of the same SQL has finished with it.
  Result<Statement*> Cached(const std::string& sql);

  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // PRAGMA integrity_check; "ok" or the problems found.
  Result<std::string> IntegrityCheck();

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// A prepared statement. Bind indexes are 1-based; column indexes 0-based as in SQLite.
class Statement {
 public:
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, std::string_view text);  // SQLite keeps a copy of the bytes
  // Binds text without a copy, for the hot paths of sync (a copy and its free cost as much as the
  // lookup itself there).
  // REQUIRES: the bytes stay valid and unchanged until the statement has been stepped for the
  // last time (Run returned, or Reset); a temporary string is never passed here.
  Statement& BindView(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<int64_t>& value);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements without results.
  Status Run();
  Status Reset();

  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  std::string ColumnText(int col) const;
  // The column's text without a copy: valid until the next Step or Reset (read each column one
  // way only: another type conversion of the same column may move it).
  std::string_view ColumnView(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
  }
  int64_t ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  double ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
  bool ColumnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<std::string> ColumnOptionalText(int col) const;
  std::optional<int64_t> ColumnOptionalInt(int col) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  Status bind_error_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless committed. Immediate, so a
// writer takes the write lock up front and never fails half-way with SQLITE_BUSY on upgrade.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_), done_(other.done_) { other.done_ = true; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
  bool done_ = false;
};

}  // namespace mk::store
