// ServerStorage: everything the central server keeps, behind one interface (SQLite now, PostgreSQL later).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"
#include "sync/protocol/wire.h"
#include "sync/store/demo_data.h"
#include "sync/store/domain.h"
#include "sync/store/registration_import.h"

namespace mk::server {

// A device enrolled with the server. It belongs to exactly one centre for its whole life.
struct DeviceRecord {
  std::string id;
  std::string centre_id;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> last_seen_at;
  std::optional<int64_t> revoked_at;  // set: every request with its token gets 401
};

// Why an enrolment code was refused; kOk when the device was created.
enum class RedeemOutcome { kOk, kUnknown, kUsed, kExpired };

struct RedeemResult {
  RedeemOutcome outcome = RedeemOutcome::kUnknown;
  DeviceRecord device;  // when kOk
};

// Why a push (over HTTP or from a bundle) was refused as a whole; kNone when it was applied.
enum class PushRefusal {
  kNone,
  kSequenceGap,    // the batch starts after a change the server has not seen (expected_seq)
  kInvalidChange,  // a change is malformed, breaks a constraint or names a row that is not known
  kForeignCentre,  // a change touches (or points into) a centre other than the device's
  kMalformed,      // ApplyPushStream: the batch turned out unreadable part-way (message says where)
};

struct PushResult {
  PushRefusal refusal = PushRefusal::kNone;
  std::string message;       // when refused: which change (index, table, key) and what is wrong
  int64_t expected_seq = 0;  // kSequenceGap: the outbox seq the server waits for
  sync::PushAck ack;         // when applied: every seq up to ack.acked_seq is applied
  int64_t applied = 0;       // changes applied by this call (changing the server's data or not)
  int64_t skipped = 0;       // changes applied before (seq <= the acked seq): replays
  int64_t logged = 0;        // changes that changed the server's data and went into the log
};

// What an erasure did on the server.
struct EraseResult {
  std::string centre_id;
  bool already_erased = false;       // erased before: nothing changed, nothing logged
  int64_t log_entries_scrubbed = 0;  // older log entries whose personal fields were blanked
};

// A server->device bundle for one device.
struct ExportedBundle {
  std::string bytes;     // the signed bundle file
  std::string centre_id;
  int64_t changes = 0;
  int64_t cursor = 0;     // the last log seq it covers
  int64_t acked_seq = 0;  // the device's outbox is applied up to here
};

// A device->server bundle after import.
struct ImportedBundle {
  std::string device_id;
  std::string centre_id;
  PushResult push;  // refusal kNone when applied
};

// Thread safety: every implementation is safe to call from many threads at once (the HTTP
// layer calls it from its worker pool). Every write is one transaction: a failure changes
// nothing. Codes and tokens arrive hashed (secret.h); no implementation ever sees them in clear.
//
// Scoping: functions that read a centre's data take the centre id and return only rows of that
// centre; the HTTP layer passes the authenticated device's centre, never an id from the request.
class ServerStorage {
 public:
  virtual ~ServerStorage() = default;

  // --- centres
  virtual Result<std::string> AddCentre(const store::Centre& centre) = 0;
  virtual Result<std::vector<store::Centre>> ListCentres() = 0;
  virtual Result<std::optional<store::Centre>> FindCentre(const std::string& id) = 0;

  // --- enrolment codes
  // Stores a code (by its hash) for `centre_id`, usable until `expires_at` (UTC ms).
  // Fails with kNotFound when the centre does not exist.
  virtual Status AddEnrolmentCode(const std::string& code_hash, const std::string& centre_id, int64_t now_ms,
                                  int64_t expires_at) = 0;
  // In one transaction: checks the code is known, unused and not expired; marks it used; creates
  // a device of the code's centre holding `token_hash`. A code is redeemed at most once, even by
  // concurrent requests.
  // `proposed_id` (a lower-case UUID, or empty) becomes the device's id when no device and not
  // the server itself has it, so a device's own id and the server's id for it are the same;
  // otherwise the server makes a new id.
  virtual Result<RedeemResult> RedeemEnrolmentCode(const std::string& code_hash, const std::string& token_hash,
                                                   const std::string& device_name, const std::string& proposed_id,
                                                   int64_t now_ms) = 0;

  // --- devices
  // The device holding this token hash, revoked or not; nullopt when none does.
  virtual Result<std::optional<DeviceRecord>> FindDeviceByTokenHash(const std::string& token_hash) = 0;
  // Records that the device was seen (cheap: writes only when the stored time is a minute old).
  virtual Status TouchDevice(const DeviceRecord& device, int64_t now_ms) = 0;
  virtual Result<std::vector<DeviceRecord>> ListDevices() = 0;
  // Revokes the device; kNotFound for an unknown id. Revoking twice keeps the first time.
  virtual Status RevokeDevice(const std::string& device_id, int64_t now_ms) = 0;

  // --- a centre's sessions
  virtual Result<std::vector<store::SessionView>> ListSessions(const std::string& centre_id, int64_t from_ms,
                                                               int64_t to_ms) = 0;
  // nullopt when there is no such session in this centre (whether or not it exists elsewhere).
  virtual Result<std::optional<store::SessionView>> FindSession(const std::string& centre_id,
                                                                const std::string& session_id) = 0;

  // --- administration
  // The registration importer of the devices, with its rules (all or nothing, idempotent).
  virtual Result<store::ImportSummary> ImportRegistrations(const std::string& path,
                                                           const store::ImportOptions& options) = 0;
  virtual Result<store::DemoSummary> SeedDemo(const store::DemoOptions& options) = 0;

  // --- sync (the server's writes above land in the sync log too, before any pull sees the log)
  // Applies a device's batch in one transaction: changes with seq <= the device's acked seq are
  // skipped; every other change is validated, scope-checked against the device's centre, merged,
  // and logged when it changed anything. A refusal (PushResult::refusal) applies nothing.
  // The first batch a device ever sends sets where its numbering starts.
  virtual Result<PushResult> ApplyPush(const DeviceRecord& device, const sync::PushBatch& batch, int64_t now_ms) = 0;
  // ApplyPush of a batch that is still being decoded while the first changes are merged: the same
  // checks, results and refusals as ApplyPush of the decoded batch, and a batch that cannot be read
  // (wherever the fault is) applies nothing and is refused as kMalformed with the decoder's message.
  virtual Result<PushResult> ApplyPushStream(const DeviceRecord& device, sync::PushBatchStream& stream,
                                             int64_t now_ms) = 0;
  // Log entries of the centre and of global rows with seq > `after`, oldest first, at most
  // `limit`, leaving out those that came from `exclude_origin` (the cursor still moves past them),
  // as a pull page encoded for the wire with `now_ms` as its server time.
  virtual Result<sync::EncodedPullPage> ReadLog(const std::string& centre_id, int64_t after, size_t limit,
                                         const std::string& exclude_origin, int64_t now_ms) = 0;
  // Remembers when the device last pulled (cheap: writes only when the stored time is a minute old).
  virtual Status NotePull(const std::string& device_id, int64_t now_ms) = 0;
  // Erases a person (GDPR) in `centre_id` ("" for whichever centre holds them): blanks their
  // personal fields, logs the erasure for every device of the centre, and blanks the personal
  // fields in the older log entries too. kNotFound for an unknown person (or one of another centre).
  virtual Result<EraseResult> ErasePerson(const std::string& centre_id, const std::string& person_id) = 0;
  // The centre's whole log except the device's own changes, as a signed server->device bundle
  // (built in memory, one snapshot). kNotFound for an unknown device, kFailedPrecondition for a
  // revoked one.
  virtual Result<ExportedBundle> ExportBundleFor(const std::string& device_id, int64_t now_ms) = 0;
  // Verifies a device->server bundle (signed with the key of an enrolled, not revoked device,
  // for that device's centre), then applies it exactly like ApplyPush. A bundle that cannot be
  // trusted is an error (kInvalidArgument, kPermissionDenied, kNotFound) and changes nothing.
  virtual Result<ImportedBundle> ImportBundle(std::string_view bytes, int64_t now_ms) = 0;
};

}  // namespace mk::server
