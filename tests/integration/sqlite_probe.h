// Integration-test helper: reads a mintkiosk database with plain SQLite, independent of the store code.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace mk::itest {

// One connection to a database file, for looking at what the programs under test wrote.
// Opened read-write (a WAL database left behind by a killed process needs recovery, which a
// read-only connection cannot always do) but used only for reading.
class SqliteProbe {
 public:
  using Row = std::vector<std::string>;

  explicit SqliteProbe(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 30000);
  }
  ~SqliteProbe() { sqlite3_close(db_); }
  SqliteProbe(const SqliteProbe&) = delete;
  SqliteProbe& operator=(const SqliteProbe&) = delete;

  // Runs `sql` with text parameters ?1, ?2, ... and returns every row; NULL reads as "<NULL>".
  std::vector<Row> Query(const std::string& sql, const std::vector<std::string>& params = {}) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot prepare '" + sql + "': " + sqlite3_errmsg(db_));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), static_cast<int>(params[i].size()),
                        SQLITE_TRANSIENT);
    }
    std::vector<Row> rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Row row;
      const int n = sqlite3_column_count(st);
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          row.emplace_back("<NULL>");
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
          row.emplace_back(text, static_cast<size_t>(sqlite3_column_bytes(st, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error("query '" + sql + "' failed: " + message);
    return rows;
  }

  // The first column of the first row ("" when there is no row).
  std::string Scalar(const std::string& sql, const std::vector<std::string>& params = {}) {
    auto rows = Query(sql, params);
    return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
  }

  long long Count(const std::string& sql, const std::vector<std::string>& params = {}) {
    return std::stoll(Scalar(sql, params));
  }

  std::string IntegrityCheck() {
    std::string out;
    for (const Row& r : Query("PRAGMA integrity_check")) out += (out.empty() ? "" : "\n") + r[0];
    return out;
  }

  // Every row of every table, rows sorted within each table: equal dumps mean equal contents.
  std::string Dump() {
    std::string out;
    for (const Row& t : Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                              "ORDER BY name")) {
      std::vector<std::string> lines;
      for (const Row& r : Query("SELECT * FROM \"" + t[0] + "\"")) {
        std::string line;
        for (const std::string& v : r) line += v + '\x1f';
        lines.push_back(std::move(line));
      }
      std::sort(lines.begin(), lines.end());
      out += "== " + t[0] + " (" + std::to_string(lines.size()) + " rows)\n";
      for (const std::string& l : lines) out += l + "\n";
    }
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace mk::itest
