// Merging changes that came from elsewhere into a database (a device's store or the server's),
// by the rules of store::MergeKind. The same code runs on both sides, so both end identical.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "change.h"
#include "sync/store/database.h"

namespace mk::sync {

// Checks a change on its own: known table, key with the right number of parts, known columns,
// value types (text, integer, real, null) and sizes, an op the table allows. The message names
// the table, the key and the field: "attendance 0193...|0193...: field 'status' must be text".
Status ValidateChange(const Change& change);

// The centre the changed row belongs to: its centre_id field, or the stored row's, or its
// parent's (session -> course -> centre). "" for global tables (target groups).
// kNotFound when the row or its parent is not stored (the message names which).
Result<std::string> CentreOfChange(store::Database& db, const Change& change);

enum class ApplyOutcome {
  kApplied,   // the database changed
  kNoEffect,  // already known, or superseded by what is stored (nothing changed)
};

// Merges one validated change. REQUIRES: a write transaction is open on `db` and change capture
// (if installed) is suppressed. Keeps the name search index and the field clocks up to date.
// On kErase, also scrubs the person's personal fields from changes still queued in the outbox.
// Personal fields of an erased person in an upsert are dropped (erasure wins for good).
// Fails (and the caller rolls back) when the row breaks a constraint: the message names it.
Result<ApplyOutcome> ApplyChange(store::Database& db, const Change& change);

// Removes from `change` what an erasure of its person forbids (personal fields of people rows
// and attendance notes of erased people). Returns true when the change still has any effect.
// For the server's log, so an erased person's name is not kept in old changes either.
Result<bool> ScrubErased(store::Database& db, Change& change);

// True when `person_id` is erased in this database.
Result<bool> IsErased(store::Database& db, const std::string& person_id);

// The functions above for many changes in a row (a push batch on the server, a pull page or a
// bundle on a device): each change is decided by exactly the same rules, in the order given,
// with the same results and messages. What differs is the cost: what one change looked up (the
// centre of a session or of a person, whether a person is erased) is remembered for the next
// changes, and a change of a row the database has neither stored nor clocked is written at once
// (there is nothing to merge it with).
//
// Contract:
//   - one write transaction is open on `db` for the session's whole life: created after BEGIN,
//     dropped before COMMIT or ROLLBACK;
//   - while it lives, the replicated tables and sync_clock of `db` are written only through its
//     Apply (another writer would leave what it remembers out of date);
//   - after any call fails, the caller rolls the transaction back and drops the session.
// Not thread-safe (like the Database).
class MergeSession {
 public:
  explicit MergeSession(store::Database& db);
  ~MergeSession();
  MergeSession(const MergeSession&) = delete;
  MergeSession& operator=(const MergeSession&) = delete;

  // CentreOfChange.
  Result<std::string> CentreOf(const Change& change);
  // ApplyChange for a change that passed ValidateChange (it is not validated again).
  // REQUIRES: change capture (if installed) is suppressed.
  Result<ApplyOutcome> Apply(const Change& change);
  // IsErased.
  Result<bool> IsErased(const std::string& person_id);
  // ScrubErased without touching `change`: a copy with the personal fields of its erased person
  // blanked, or nullopt when the change has nothing to blank (kept as it is).
  Result<std::optional<Change>> Scrubbed(const Change& change);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mk::sync
