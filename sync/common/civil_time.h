// Civil (wall-clock) dates and times, and parsing/formatting of the formats centres use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "status.h"

namespace mk {

// A date and time on a wall clock, with no time zone attached.
// Invariant when produced by this module: a valid Gregorian date, 0 <= hour < 24, etc.
struct CivilTime {
  int year = 1970;
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59
  friend bool operator==(const CivilTime&, const CivilTime&) = default;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int year, int month, int day);
void CivilFromDays(int64_t days, int* year, int* month, int* day);
bool IsValidDate(int year, int month, int day);
// 0 = Monday .. 6 = Sunday.
int Weekday(int year, int month, int day);

// Treats the civil time as UTC and returns seconds since the Unix epoch.
int64_t CivilToUnixAsUtc(const CivilTime& t);
CivilTime UnixToCivilAsUtc(int64_t unix_seconds);

// A parsed date-time: the civil part, plus the UTC offset if the text carried one
// ("Z", "+01:00", "+0100"). Without an offset the text is in the centre's time zone.
struct ParsedDateTime {
  CivilTime civil;
  std::optional<int> utc_offset_seconds;
  bool has_time = false;  // false for a bare date ("2026-11-27", "27.11.2026")
};

// Accepts, with surrounding whitespace ignored:
//   ISO 8601: 2026-11-27, 2026-11-27T09:00, 2026-11-27 09:00, 2026-11-27T09:00:30,
//             each optionally followed by Z, +01:00, +0100 or -05:00 (with a time only)
//   German:   27.11.2026, 27.11.2026 09:00, 27.11.2026 9:00, 27.11.2026 09:00:30,
//             1.2.2026 9:05 (day and month with one or two digits)
// Errors say what is wrong with the text ("month 13 does not exist in '2026-13-01'").
Result<ParsedDateTime> ParseDateTime(std::string_view text);

// "2026-11-27T09:00:00" (no offset).
std::string FormatCivilIso(const CivilTime& t);

}  // namespace mk
