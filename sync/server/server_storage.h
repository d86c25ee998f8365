// ServerStorage: everything the central server keeps, behind one interface (SQLite now, PostgreSQL later).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/common/status.h"
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
  virtual Result<RedeemResult> RedeemEnrolmentCode(const std::string& code_hash, const std::string& token_hash,
                                                   const std::string& device_name, int64_t now_ms) = 0;

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
};

}  // namespace mk::server
