// One page of the server's log into the local store, with its cursor, atomically.
#include "apply_page.h"

#include <algorithm>

#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"
#include "sync_status.h"

namespace mk::sync {

Status ValidatePage(const PullPage& page) {
  for (size_t i = 0; i < page.changes.size(); ++i) {
    if (Status s = ValidateChange(page.changes[i]); !s.ok()) {
      return s.WithContext("change " + std::to_string(i + 1) + " of " + std::to_string(page.changes.size()) +
                           " of the page is invalid; nothing of the page was applied");
    }
  }
  return Status::Ok();
}

Result<PageOutcome> ApplyPage(store::Store& store, const PullPage& page, const PageApplyOptions& options) {
  if (!options.validated) MK_RETURN_IF_ERROR(ValidatePage(page));
  store::Database& db = store.db();
  store::ChangeCapture& capture = store.capture();
  PageOutcome outcome;
  MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
  {
    store::ChangeCapture::Suppress quiet(capture);
    // Every change was validated above; the session remembers lookups from change to change.
    MergeSession merge(db);
    for (const Change& change : page.changes) {
      auto applied = merge.Apply(change);
      if (!applied.ok()) {
        return applied.status().WithContext(change.table + " " + change.key + " could not be applied");
      }
      if (*applied == ApplyOutcome::kApplied) {
        ++outcome.applied;
      } else {
        ++outcome.no_effect;
      }
      // A stamp far ahead of this device's clock is refused by the clock, not by the merge: the
      // change is kept, only the local clock does not jump that far.
      (void)capture.hlc().Observe(change.hlc);
    }
  }
  MK_RETURN_IF_ERROR(store::RememberStamp(db, capture.hlc().Last()));
  MK_ASSIGN_OR_RETURN(const int64_t stored, ReadMetaInt(db, kMetaPullCursor, 0));
  outcome.cursor = std::max(stored, page.cursor);
  if (outcome.cursor != stored) MK_RETURN_IF_ERROR(WriteMeta(db, kMetaPullCursor, std::to_string(outcome.cursor)));
  if (options.clock_skew_ms) MK_RETURN_IF_ERROR(WriteMeta(db, kMetaClockSkew, std::to_string(*options.clock_skew_ms)));
  if (options.acknowledge_outbox_to > 0) {
    MK_RETURN_IF_ERROR(AcknowledgeOutbox(db, options.acknowledge_outbox_to));
    outcome.acknowledged_to = options.acknowledge_outbox_to;
  }
  MK_RETURN_IF_ERROR(tx.Commit());
  return outcome;
}

}  // namespace mk::sync
