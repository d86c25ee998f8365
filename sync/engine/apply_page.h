// Applying a page of changes from the server (a pull, or a server-to-device bundle) to the
// device's store: the changes and the new cursor in ONE local transaction.
#pragma once

#include <cstdint>
#include <optional>

#include "sync/common/status.h"
#include "sync/protocol/wire.h"
#include "sync/store/store.h"

namespace mk::sync {

struct PageOutcome {
  int64_t applied = 0;     // changes that changed the store
  int64_t no_effect = 0;   // changes already known or superseded
  int64_t cursor = 0;      // the stored pull cursor afterwards
  int64_t acknowledged_to = 0;  // the outbox is acknowledged up to here (0: untouched)
};

struct PageApplyOptions {
  // The clock skew measured with this page (server time - device time), stored with it.
  std::optional<int64_t> clock_skew_ms;
  // Acknowledge the device's outbox up to this seq in the same transaction (bundles; 0: no).
  int64_t acknowledge_outbox_to = 0;
  // The caller has run ValidatePage on this very page (the sync engine does, on the thread that
  // fetched it, while the page before is merged); ApplyPage then does not check it again.
  bool validated = false;
};

// Checks every change of `page` (mk::sync::ValidateChange); the first invalid one refuses the
// page, named by its position. Reads nothing but the page: safe on any thread.
Status ValidatePage(const PullPage& page);

// Validates every change of `page` first unless options.validated (one invalid change refuses
// the page, naming it), then in one IMMEDIATE transaction with change capture suppressed:
// merges each change (mk::sync::ApplyChange), moves the local hybrid clock past every stamp
// seen (and remembers it in meta hlc_last), stores pull cursor = max(stored cursor,
// page.cursor), and applies the options. Either all of it is committed or nothing.
// Idempotent: the same page applied twice changes nothing the second time, so a page whose
// commit was interrupted is simply fetched and applied again.
Result<PageOutcome> ApplyPage(store::Store& store, const PullPage& page, const PageApplyOptions& options = {});

}  // namespace mk::sync
