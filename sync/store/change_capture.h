// Change capture: every write of a replicated table is recorded in sync_outbox by the same
// SQLite transaction, whatever code path made it.
#pragma once

#include <cstdint>
#include <memory>

#include "database.h"
#include "sync/common/clock.h"
#include "sync/common/hybrid_clock.h"

namespace mk::store {

// Installs on one connection:
//   - SQL functions mk_hlc() (a fresh hybrid-clock stamp), mk_wall_ms() (the wall clock) and
//     mk_capturing() (0 while a Suppress is alive);
//   - TEMP triggers on every table of SyncTables(): AFTER INSERT records the whole row, AFTER
//     UPDATE only the columns whose value changed, AFTER DELETE a tombstone; each as one row
//     of sync_outbox(seq, tbl, key, op, hlc, device_time, fields) and, through a trigger on
//     sync_outbox, the new field clocks in sync_clock.
// Because the triggers are TEMP, other connections (the sqlite3 shell, an old binary) write
// without capture; mintkiosk's own connections always go through Store::Open, which installs it.
//
// The HLC is seeded from the greatest stamp the database has seen (meta hlc_last, the outbox,
// sync_clock), so stamps never go backwards across restarts.
//
// Thread safety: like the Database it is installed on (one thread at a time).
class ChangeCapture {
 public:
  // What Install puts on the connection.
  enum class Mode {
    kRecord,     // the functions and the triggers: every write is recorded
    // The functions and the clock only, no triggers: nothing written through the connection is
    // recorded. For a connection that only ever applies changes recorded elsewhere (the server's
    // merge of pushed changes), where a suppressed trigger would still cost SQLite a trigger
    // program for every row written.
    kClockOnly,
  };
  // `db` and `wall` outlive the returned object; uninstall happens when it dies.
  static Result<std::unique_ptr<ChangeCapture>> Install(Database& db, Clock* wall, Mode mode = Mode::kRecord);
  ~ChangeCapture();
  ChangeCapture(const ChangeCapture&) = delete;
  ChangeCapture& operator=(const ChangeCapture&) = delete;

  HybridClock& hlc() { return hlc_; }

  // Catches up with stamps other connections to the same file have seen (meta hlc_last, the
  // outbox), so this connection's next stamps order after them. Store::Write calls it at the
  // start of every write transaction.
  Status CatchUp();

  // While alive, writes on the connection are not captured: for applying changes that came
  // from elsewhere (they are in another device's outbox or in the server's log already).
  class Suppress {
   public:
    explicit Suppress(ChangeCapture& c) : c_(c) { ++c_.suppressed_; }
    ~Suppress() { --c_.suppressed_; }
    Suppress(const Suppress&) = delete;
    Suppress& operator=(const Suppress&) = delete;

   private:
    ChangeCapture& c_;
  };

  // For the SQL functions (internal).
  bool capturing() const { return suppressed_ == 0; }
  int64_t WallMs() const { return wall_->NowMs(); }

 private:
  ChangeCapture(Database& db, Clock* wall, HlcStamp last) : db_(db), wall_(wall), hlc_(wall, last) {}
  Database& db_;
  Clock* wall_;
  HybridClock hlc_;
  int suppressed_ = 0;
};

// The greatest HLC stamp this device's clock issued, as recorded in the database (meta hlc_last,
// the newest outbox entry), leaving out stamps beyond the clock's bound ahead of `wall_ms`.
Result<HlcStamp> LastStamp(Database& db, int64_t wall_ms);
// Remembers `stamp` in meta hlc_last when it is greater than the stored one.
// REQUIRES: a write transaction is open.
Status RememberStamp(Database& db, HlcStamp stamp);

}  // namespace mk::store
