// IANA time zones read from TZif files, for converting UTC instants to a centre's wall clock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "civil_time.h"
#include "status.h"

namespace mk {

// An immutable, thread-safe (after Load) IANA time zone such as "Europe/Berlin".
// Built from the system's compiled zoneinfo (TZif v1/v2/v3, including the POSIX TZ footer
// rule that covers instants after the last explicit transition), so it is correct across
// DST for past and future dates. Copying is cheap (shared immutable data).
class TimeZone {
 public:
  // Loads `name` from `zoneinfo_dir` (e.g. the platform's zoneinfo directory).
  // Rejects names that are empty, absolute, or contain ".." (no path tricks), and files that
  // are not TZif, with a message naming the zone.
  static Result<TimeZone> Load(std::string_view name, const std::string& zoneinfo_dir);
  static TimeZone Utc();
  // Builds a zone from the bytes of a TZif file already in memory (embedded data, tests);
  // `name` is only used for name() and in error messages.
  static Result<TimeZone> FromTzif(std::string_view name, std::string_view tzif_bytes);

  const std::string& name() const;

  // Seconds east of UTC in effect at the instant (e.g. 3600 for CET, 7200 for CEST).
  int OffsetAt(int64_t unix_seconds) const;

  // The wall-clock time at the instant.
  CivilTime ToCivil(int64_t unix_seconds) const;

  // The instant a wall-clock time denotes. In a gap (spring forward, 02:30 does not exist)
  // the result is shifted forward by the gap (02:30 -> 03:30 CEST); in an overlap (fall back,
  // 02:30 happens twice) the earlier instant is chosen.
  int64_t FromCivil(const CivilTime& civil) const;

  // Interprets a parsed date-time: with an explicit offset it is exact, otherwise it is a
  // wall-clock time in this zone. A bare date means 00:00 on that day.
  int64_t Resolve(const ParsedDateTime& parsed) const;

  // "2026-11-27T09:00:00+01:00" for the instant in this zone.
  std::string FormatIso(int64_t unix_seconds) const;

  struct Data;

 private:
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

}  // namespace mk
