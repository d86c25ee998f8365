// A SQLite VFS for fault-injection tests: it wraps the platform's VFS and, when told to, fails
// every write, sync and truncate from the N-th one on, as a dying disk or a full disk does.
//
// Install() registers it as the process's default VFS, so every database opened afterwards (by
// the store, the sync engine, anything in the test process) goes through it. Only files whose
// path starts with the armed prefix count and fail (databases opened before arming too);
// everything else passes straight through.
#pragma once

#include <cstdint>
#include <string>

namespace mk::faults {

class FaultyVfs {
 public:
  // Registers the VFS as the default (once per process). REQUIRES: no other thread opens a
  // database while the first call runs.
  static void Install();

  // From now on, counting writes, syncs and truncates of files under `path_prefix`: operation
  // number `nth` (1 = the next one) and every one after it fails with `sqlite_code`
  // (SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_FULL, ...) until Disarm().
  static void Arm(const std::string& path_prefix, int64_t nth, int sqlite_code);
  static void Disarm();

  // Operations counted since the last Arm (including failed ones), and how many failed.
  static int64_t Counted();
  static int64_t Failed();
};

}  // namespace mk::faults
