// Tests for TimeZone against the system zoneinfo, hand-built TZif files and the C library's view.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "sync/common/time_zone.h"

namespace mk {
namespace {

int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return CivilToUnixAsUtc(CivilTime{y, mo, d, h, mi, s});
}

CivilTime Civil(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) { return CivilTime{y, mo, d, h, mi, s}; }

TimeZone LoadZone(const std::string& name) {
  Result<TimeZone> zone = TimeZone::Load(name, MK_ZONEINFO_DIR);
  INFO(name << ": " << zone.status().message());
  REQUIRE(zone.ok());
  return *zone;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.is_open());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes a TZif version 2 file: a placeholder version 1 block (which readers of v2 skip), then
// the 64-bit block and the footer. Every type gets the abbreviation "X".
struct TypeSpec {
  int32_t utoff;
  bool isdst;
};

void Put32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

void Put64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xFF));
}

void PutHeader(std::string* out, uint32_t timecnt, uint32_t typecnt, uint32_t charcnt) {
  *out += "TZif2";
  out->append(15, '\0');
  Put32(out, 0);  // isutcnt
  Put32(out, 0);  // isstdcnt
  Put32(out, 0);  // leapcnt
  Put32(out, timecnt);
  Put32(out, typecnt);
  Put32(out, charcnt);
}

std::string BuildTzif(const std::vector<int64_t>& times, const std::vector<uint8_t>& type_of_time,
                      const std::vector<TypeSpec>& types, const std::string& footer) {
  std::string out;
  PutHeader(&out, 0, 1, 2);
  Put32(&out, 0);
  out += std::string("\0\0X\0", 4);  // isdst 0, abbreviation index 0, then "X\0"
  PutHeader(&out, static_cast<uint32_t>(times.size()), static_cast<uint32_t>(types.size()), 2);
  for (int64_t t : times) Put64(&out, static_cast<uint64_t>(t));
  for (uint8_t i : type_of_time) out.push_back(static_cast<char>(i));
  for (const TypeSpec& type : types) {
    Put32(&out, static_cast<uint32_t>(type.utoff));
    out.push_back(type.isdst ? 1 : 0);
    out.push_back(0);
  }
  out += std::string("X\0", 2);
  out += "\n" + footer + "\n";
  return out;
}

TimeZone FromRule(const std::string& footer) {
  Result<TimeZone> zone = TimeZone::FromTzif("Test/Rule", BuildTzif({}, {}, {{0, false}}, footer));
  INFO(footer << ": " << zone.status().message());
  REQUIRE(zone.ok());
  return *zone;
}

using OffsetFn = std::function<long(int64_t)>;

OffsetFn OffsetsOf(const TimeZone& zone) {
  return [zone](int64_t t) { return static_cast<long>(zone.OffsetAt(t)); };
}

// An instant in (lo, hi] where `fn` no longer gives fn(lo), given that fn(hi) differs.
int64_t FindChange(const OffsetFn& fn, int64_t lo, int64_t hi) {
  const long before = fn(lo);
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (fn(mid) == before) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

// Compares two offset sources once a day and, around every change either one shows, to the
// second, so a transition misplaced by even one second is caught without probing every hour.
void ExpectSameOffsets(const OffsetFn& a, const OffsetFn& b, int64_t from, int64_t to, const std::string& what) {
  INFO(what);
  int mismatches = 0;
  auto compare = [&](int64_t t) {
    if (a(t) != b(t) && ++mismatches < 5) {
      FAIL_CHECK("differ at " << FormatCivilIso(UnixToCivilAsUtc(t)) << "Z: " << a(t) << " vs " << b(t));
    }
  };
  for (int64_t t = from; t < to; t += 86400) {
    compare(t);
    for (const OffsetFn* fn : {&a, &b}) {
      if ((*fn)(t) != (*fn)(t + 86400)) {
        const int64_t change = FindChange(*fn, t, t + 86400);
        compare(change - 1);
        compare(change);
      }
    }
  }
  CHECK(mismatches == 0);
}

void ExpectSameOffsets(const TimeZone& a, const TimeZone& b, int64_t from, int64_t to) {
  ExpectSameOffsets(OffsetsOf(a), OffsetsOf(b), from, to, a.name() + " vs " + b.name());
}

TEST_CASE("Europe/Berlin offsets in winter and summer, now and beyond the transition table", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  CHECK(berlin.name() == "Europe/Berlin");
  CHECK(berlin.OffsetAt(Utc(2026, 1, 15, 12)) == 3600);
  CHECK(berlin.OffsetAt(Utc(2026, 7, 15, 12)) == 7200);
  CHECK(berlin.OffsetAt(Utc(2026, 11, 27, 8)) == 3600);
  // Fat TZif files list transitions up to 2037; 2045 and 2100 come from the footer rule.
  CHECK(berlin.OffsetAt(Utc(2045, 1, 15, 12)) == 3600);
  CHECK(berlin.OffsetAt(Utc(2045, 7, 15, 12)) == 7200);
  CHECK(berlin.OffsetAt(Utc(2100, 7, 15, 12)) == 7200);
  CHECK(berlin.OffsetAt(Utc(2100, 12, 15, 12)) == 3600);
  CHECK(berlin.OffsetAt(Utc(2045, 3, 26, 0, 59, 59)) == 3600);
  CHECK(berlin.OffsetAt(Utc(2045, 3, 26, 1)) == 7200);
  CHECK(berlin.OffsetAt(Utc(2045, 10, 29, 0, 59, 59)) == 7200);
  CHECK(berlin.OffsetAt(Utc(2045, 10, 29, 1)) == 3600);
  // Historical data: 1945 had "double summer time" and 1890 local mean time.
  CHECK(berlin.OffsetAt(Utc(1945, 6, 15)) == 10800);
  CHECK(berlin.OffsetAt(Utc(1890, 1, 1)) == 3208);
}

TEST_CASE("Europe/Berlin switches at the exact DST instants of 2026", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  const int64_t spring = Utc(2026, 3, 29, 1);
  const int64_t autumn = Utc(2026, 10, 25, 1);
  CHECK(berlin.OffsetAt(spring - 1) == 3600);
  CHECK(berlin.OffsetAt(spring) == 7200);
  CHECK(berlin.OffsetAt(autumn - 1) == 7200);
  CHECK(berlin.OffsetAt(autumn) == 3600);
  CHECK(berlin.ToCivil(spring - 1) == Civil(2026, 3, 29, 1, 59, 59));
  CHECK(berlin.ToCivil(spring) == Civil(2026, 3, 29, 3, 0, 0));
  CHECK(berlin.ToCivil(autumn - 1) == Civil(2026, 10, 25, 2, 59, 59));
  CHECK(berlin.ToCivil(autumn) == Civil(2026, 10, 25, 2, 0, 0));
}

TEST_CASE("FromCivil resolves ordinary times, gaps and overlaps", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  CHECK(berlin.FromCivil(Civil(2026, 11, 27, 9, 0)) == Utc(2026, 11, 27, 8, 0));
  CHECK(berlin.FromCivil(Civil(2026, 7, 1, 9, 0)) == Utc(2026, 7, 1, 7, 0));

  // 02:30 does not exist on 29 March: moved forward by the gap to 03:30 CEST.
  const int64_t gap = berlin.FromCivil(Civil(2026, 3, 29, 2, 30));
  CHECK(gap == Utc(2026, 3, 29, 1, 30));
  CHECK(berlin.ToCivil(gap) == Civil(2026, 3, 29, 3, 30));
  CHECK(berlin.FromCivil(Civil(2026, 3, 29, 2, 0)) == Utc(2026, 3, 29, 1, 0));
  CHECK(berlin.FromCivil(Civil(2026, 3, 29, 1, 59, 59)) == Utc(2026, 3, 29, 0, 59, 59));
  CHECK(berlin.FromCivil(Civil(2026, 3, 29, 3, 0)) == Utc(2026, 3, 29, 1, 0));

  // 02:30 happens twice on 25 October: the earlier (CEST) instant wins.
  CHECK(berlin.FromCivil(Civil(2026, 10, 25, 2, 30)) == Utc(2026, 10, 25, 0, 30));
  CHECK(berlin.FromCivil(Civil(2026, 10, 25, 2, 0)) == Utc(2026, 10, 25, 0, 0));
  CHECK(berlin.FromCivil(Civil(2026, 10, 25, 3, 0)) == Utc(2026, 10, 25, 2, 0));

  // The same in 2045, where only the footer rule knows the transitions.
  CHECK(berlin.FromCivil(Civil(2045, 3, 26, 2, 30)) == Utc(2045, 3, 26, 1, 30));
  CHECK(berlin.FromCivil(Civil(2045, 10, 29, 2, 30)) == Utc(2045, 10, 29, 0, 30));
}

TEST_CASE("America/New_York follows the US rule", "[common][time]") {
  const TimeZone ny = LoadZone("America/New_York");
  CHECK(ny.OffsetAt(Utc(2026, 1, 15)) == -18000);
  CHECK(ny.OffsetAt(Utc(2026, 7, 15)) == -14400);
  CHECK(ny.OffsetAt(Utc(2026, 3, 8, 6, 59, 59)) == -18000);
  CHECK(ny.OffsetAt(Utc(2026, 3, 8, 7)) == -14400);
  CHECK(ny.OffsetAt(Utc(2026, 11, 1, 5, 59, 59)) == -14400);
  CHECK(ny.OffsetAt(Utc(2026, 11, 1, 6)) == -18000);
  CHECK(ny.OffsetAt(Utc(2045, 7, 15)) == -14400);
  CHECK(ny.OffsetAt(Utc(2045, 12, 15)) == -18000);
  CHECK(ny.FromCivil(Civil(2026, 3, 8, 2, 30)) == Utc(2026, 3, 8, 7, 30));   // gap: 03:30 EDT
  CHECK(ny.FromCivil(Civil(2026, 11, 1, 1, 30)) == Utc(2026, 11, 1, 5, 30));  // overlap: EDT
  CHECK(ny.FormatIso(Utc(2026, 11, 27, 14)) == "2026-11-27T09:00:00-05:00");
}

TEST_CASE("Europe/Dublin: standard time in summer, negative DST in winter", "[common][time]") {
  const TimeZone dublin = LoadZone("Europe/Dublin");
  CHECK(dublin.OffsetAt(Utc(2026, 1, 15)) == 0);
  CHECK(dublin.OffsetAt(Utc(2026, 7, 15)) == 3600);
  CHECK(dublin.OffsetAt(Utc(2026, 3, 29, 0, 59, 59)) == 0);
  CHECK(dublin.OffsetAt(Utc(2026, 3, 29, 1)) == 3600);
  CHECK(dublin.OffsetAt(Utc(2026, 10, 25, 0, 59, 59)) == 3600);
  CHECK(dublin.OffsetAt(Utc(2026, 10, 25, 1)) == 0);
  CHECK(dublin.OffsetAt(Utc(2045, 1, 10)) == 0);
  CHECK(dublin.OffsetAt(Utc(2045, 7, 1)) == 3600);
  CHECK(dublin.FromCivil(Civil(2026, 3, 29, 1, 30)) == Utc(2026, 3, 29, 1, 30));   // gap
  CHECK(dublin.FromCivil(Civil(2026, 10, 25, 1, 30)) == Utc(2026, 10, 25, 0, 30));  // overlap
}

TEST_CASE("Australia/Sydney has summer time around New Year", "[common][time]") {
  const TimeZone sydney = LoadZone("Australia/Sydney");
  CHECK(sydney.OffsetAt(Utc(2026, 1, 15)) == 39600);
  CHECK(sydney.OffsetAt(Utc(2026, 7, 15)) == 36000);
  CHECK(sydney.OffsetAt(Utc(2026, 4, 4, 15, 59, 59)) == 39600);
  CHECK(sydney.OffsetAt(Utc(2026, 4, 4, 16)) == 36000);
  CHECK(sydney.OffsetAt(Utc(2026, 10, 3, 15, 59, 59)) == 36000);
  CHECK(sydney.OffsetAt(Utc(2026, 10, 3, 16)) == 39600);
  CHECK(sydney.OffsetAt(Utc(2045, 1, 1)) == 39600);
  CHECK(sydney.OffsetAt(Utc(2045, 7, 1)) == 36000);
  CHECK(sydney.FromCivil(Civil(2026, 10, 4, 2, 30)) == Utc(2026, 10, 3, 16, 30));  // gap -> 03:30 AEDT
  CHECK(sydney.FromCivil(Civil(2026, 4, 5, 2, 30)) == Utc(2026, 4, 4, 15, 30));   // overlap: AEDT
  CHECK(sydney.FormatIso(Utc(2026, 11, 26, 22)) == "2026-11-27T09:00:00+11:00");
}

TEST_CASE("Asia/Kolkata has a half-hour offset and no DST", "[common][time]") {
  const TimeZone kolkata = LoadZone("Asia/Kolkata");
  CHECK(kolkata.OffsetAt(Utc(2026, 1, 15)) == 19800);
  CHECK(kolkata.OffsetAt(Utc(2026, 7, 15)) == 19800);
  CHECK(kolkata.OffsetAt(Utc(2045, 7, 15)) == 19800);
  CHECK(kolkata.FromCivil(Civil(2026, 11, 27, 9, 0)) == Utc(2026, 11, 27, 3, 30));
  CHECK(kolkata.FormatIso(Utc(2026, 11, 27, 3, 30)) == "2026-11-27T09:00:00+05:30");
}

TEST_CASE("UTC from the zoneinfo directory and built in", "[common][time]") {
  const TimeZone loaded = LoadZone("UTC");
  const TimeZone builtin = TimeZone::Utc();
  CHECK(builtin.name() == "UTC");
  for (int64_t t : {Utc(1900, 1, 1), int64_t{0}, Utc(2026, 7, 1), Utc(2400, 1, 1)}) {
    CHECK(loaded.OffsetAt(t) == 0);
    CHECK(builtin.OffsetAt(t) == 0);
    CHECK(builtin.ToCivil(t) == UnixToCivilAsUtc(t));
    CHECK(builtin.FromCivil(UnixToCivilAsUtc(t)) == t);
  }
  CHECK(builtin.FormatIso(Utc(2026, 11, 27, 9)) == "2026-11-27T09:00:00+00:00");
  CHECK(loaded.FormatIso(Utc(2026, 11, 27, 9)) == "2026-11-27T09:00:00+00:00");
}

TEST_CASE("FormatIso prints the wall time with its offset", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  CHECK(berlin.FormatIso(Utc(2026, 11, 27, 8)) == "2026-11-27T09:00:00+01:00");
  CHECK(berlin.FormatIso(Utc(2026, 7, 1, 7, 0, 30)) == "2026-07-01T09:00:30+02:00");
  CHECK(berlin.FormatIso(Utc(2026, 12, 31, 23)) == "2027-01-01T00:00:00+01:00");
  // Local mean time before 1893 was 53 min 28 s ahead; the seconds are kept.
  CHECK(berlin.FormatIso(Utc(1890, 1, 1)) == "1890-01-01T00:53:28+00:53:28");
}

TEST_CASE("Resolve honours an explicit offset, else the zone", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  Result<ParsedDateTime> with_offset = ParseDateTime("2026-11-27T09:00-05:00");
  REQUIRE(with_offset.ok());
  CHECK(berlin.Resolve(*with_offset) == Utc(2026, 11, 27, 14));
  Result<ParsedDateTime> wall = ParseDateTime("27.11.2026 9:00");
  REQUIRE(wall.ok());
  CHECK(berlin.Resolve(*wall) == Utc(2026, 11, 27, 8));
  Result<ParsedDateTime> date = ParseDateTime("2026-07-01");
  REQUIRE(date.ok());
  CHECK(berlin.Resolve(*date) == Utc(2026, 6, 30, 22));
  Result<ParsedDateTime> zulu = ParseDateTime("2026-07-01T00:00Z");
  REQUIRE(zulu.ok());
  CHECK(berlin.Resolve(*zulu) == Utc(2026, 7, 1));
}

TEST_CASE("Load refuses names that are paths or unknown", "[common][time]") {
  struct Case {
    const char* name;
    ErrorCode code;
    const char* mention;
  };
  const std::vector<Case> cases = {
      {"../etc/passwd", ErrorCode::kInvalidArgument, "'..'"},
      {"Europe/../../etc/passwd", ErrorCode::kInvalidArgument, "'..'"},
      {"/etc/localtime", ErrorCode::kInvalidArgument, "not a path"},
      {"", ErrorCode::kInvalidArgument, "empty"},
      {"Europe/Berlin ", ErrorCode::kInvalidArgument, "character ' '"},
      {"Europe\\Berlin", ErrorCode::kInvalidArgument, "character '\\'"},
      {"Europe/Berlin\n", ErrorCode::kInvalidArgument, "'\\x0A'"},
      {"zone.tab", ErrorCode::kInvalidArgument, "character '.'"},
      {"Europe//Berlin", ErrorCode::kInvalidArgument, "empty part"},
      {"Europe/", ErrorCode::kInvalidArgument, "empty part"},
      {"Foo/Bar", ErrorCode::kNotFound, "unknown time zone 'Foo/Bar'"},
      {"Europe", ErrorCode::kNotFound, "unknown time zone 'Europe'"},
      {"leapseconds", ErrorCode::kCorrupt, "not a compiled time zone (TZif) file"},
  };
  for (const Case& c : cases) {
    INFO("name: '" << c.name << "'");
    Result<TimeZone> zone = TimeZone::Load(c.name, MK_ZONEINFO_DIR);
    REQUIRE_FALSE(zone.ok());
    INFO("message: " << zone.status().message());
    CHECK(zone.status().code() == c.code);
    CHECK(zone.status().message().find(c.mention) != std::string::npos);
  }
  Result<TimeZone> no_dir = TimeZone::Load("Europe/Berlin", "/nonexistent/zoneinfo");
  REQUIRE_FALSE(no_dir.ok());
  CHECK(no_dir.status().code() == ErrorCode::kNotFound);
}

TEST_CASE("Load refuses zones with leap seconds", "[common][time]") {
  const std::string path = std::string(MK_ZONEINFO_DIR) + "/right/Europe/Berlin";
  if (!std::filesystem::exists(path)) {
    WARN("no right/ zones installed; skipped");
    return;
  }
  Result<TimeZone> zone = TimeZone::Load("right/Europe/Berlin", MK_ZONEINFO_DIR);
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.status().code() == ErrorCode::kCorrupt);
  CHECK(zone.status().message().find("leap seconds") != std::string::npos);
}

TEST_CASE("Copies share the loaded data", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  const TimeZone copy = berlin;  // NOLINT(performance-unnecessary-copy-initialization): the point
  CHECK(&copy.name() == &berlin.name());
}

TEST_CASE("POSIX TZ rules in the footer are evaluated like the explicit tables", "[common][time]") {
  // Zones whose current rule matches their transitions since at least 2008: the rule alone
  // must give the same offsets as the transition table up to 2037.
  const int64_t from = Utc(2008, 1, 1);
  const int64_t to = Utc(2037, 12, 1);
  ExpectSameOffsets(FromRule("CET-1CEST,M3.5.0,M10.5.0/3"), LoadZone("Europe/Berlin"), from, to);
  ExpectSameOffsets(FromRule("EST5EDT,M3.2.0,M11.1.0"), LoadZone("America/New_York"), from, to);
  ExpectSameOffsets(FromRule("AEST-10AEDT,M10.1.0,M4.1.0/3"), LoadZone("Australia/Sydney"), from, to);
  ExpectSameOffsets(FromRule("IST-1GMT0,M10.5.0,M3.5.0/1"), LoadZone("Europe/Dublin"), from, to);
  // Negative rule times (Nuuk: Saturday 23:00 local) land on the EU instants.
  ExpectSameOffsets(FromRule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"), LoadZone("America/Nuuk"), Utc(2024, 1, 1), to);
  ExpectSameOffsets(FromRule("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45"), LoadZone("Pacific/Chatham"), from, to);
  // Rule times past 24:00 (Israel: Thursday 26:00 = Friday 02:00).
  ExpectSameOffsets(FromRule("IST-2IDT,M3.4.4/26,M10.5.0"), LoadZone("Asia/Jerusalem"), Utc(2013, 1, 1), to);
}

TEST_CASE("POSIX TZ rule forms: fixed, Jn, n, defaults and all-year DST", "[common][time]") {
  const TimeZone plus3 = FromRule("<+03>-3");
  CHECK(plus3.OffsetAt(Utc(2026, 1, 1)) == 10800);
  CHECK(plus3.OffsetAt(Utc(2100, 7, 1)) == 10800);
  CHECK(FromRule("<-0330>3:30").OffsetAt(Utc(2026, 1, 1)) == -12600);
  CHECK(FromRule("<+0545>-5:45").FormatIso(Utc(2026, 1, 1)) == "2026-01-01T05:45:00+05:45");

  // Jn counts 1..365 and never 29 February: J60 is 1 March in every year.
  const TimeZone julian = FromRule("STD-1DST,J60,J300");
  for (int year : {2024, 2026}) {
    INFO("year " << year);
    CHECK(julian.OffsetAt(Utc(year, 3, 1, 0, 59, 59)) == 3600);
    CHECK(julian.OffsetAt(Utc(year, 3, 1, 1)) == 7200);
    CHECK(julian.OffsetAt(Utc(year, 10, 26, 23, 59, 59)) == 7200);  // J300 = 27 October, 02:00 DST
    CHECK(julian.OffsetAt(Utc(year, 10, 27, 0)) == 3600);
  }
  // n counts 0..365 including 29 February: day 59 is 1 March, or 29 February in leap years.
  const TimeZone zero_based = FromRule("STD-1DST,59,299");
  CHECK(zero_based.OffsetAt(Utc(2026, 3, 1, 1)) == 7200);
  CHECK(zero_based.OffsetAt(Utc(2026, 3, 1, 0, 59, 59)) == 3600);
  CHECK(zero_based.OffsetAt(Utc(2024, 2, 29, 1)) == 7200);
  CHECK(zero_based.OffsetAt(Utc(2024, 2, 29, 0, 59, 59)) == 3600);
  CHECK(zero_based.OffsetAt(Utc(2026, 10, 27, 0)) == 3600);  // day 299 = 27 October
  CHECK(zero_based.OffsetAt(Utc(2024, 10, 26, 0)) == 3600);  // ... or 26 October
  CHECK(zero_based.OffsetAt(Utc(2024, 10, 25, 23, 59, 59)) == 7200);

  // Without a rule, POSIX leaves the dates to the implementation; we use the US ones.
  const TimeZone us_default = FromRule("EST5EDT");
  CHECK(us_default.OffsetAt(Utc(2026, 3, 8, 6, 59, 59)) == -18000);
  CHECK(us_default.OffsetAt(Utc(2026, 3, 8, 7)) == -14400);
  CHECK(us_default.OffsetAt(Utc(2026, 11, 1, 6)) == -18000);
  // An explicit DST offset other than one hour ahead.
  const TimeZone two_hours = FromRule("XXX0YYY-2,M3.5.0/1,M10.5.0/3");
  CHECK(two_hours.OffsetAt(Utc(2026, 7, 1)) == 7200);
  CHECK(two_hours.OffsetAt(Utc(2026, 1, 1)) == 0);

  // DST all year round (RFC 8536, 3.3.1): starts 1 January 00:00, ends 31 December 25:00.
  const TimeZone all_year = FromRule("EST5EDT,0/0,J365/25");
  for (int64_t t : {Utc(2026, 1, 1, 5), Utc(2026, 1, 1, 4, 59, 59), Utc(2026, 6, 1), Utc(2026, 12, 31, 23, 59, 59),
                    Utc(2027, 1, 1, 5), Utc(2024, 12, 31, 12)}) {
    INFO("at " << all_year.FormatIso(t));
    CHECK(all_year.OffsetAt(t) == -14400);
  }
}

TEST_CASE("A footer rule continues after explicit transitions", "[common][time]") {
  // One transition in 2020 from +02:00 to the CET rule.
  const std::string bytes =
      BuildTzif({Utc(2020, 1, 1)}, {1}, {{7200, false}, {3600, false}}, "CET-1CEST,M3.5.0,M10.5.0/3");
  Result<TimeZone> zone = TimeZone::FromTzif("Test/Mixed", bytes);
  REQUIRE(zone.ok());
  CHECK(zone->OffsetAt(Utc(2019, 6, 1)) == 7200);
  CHECK(zone->OffsetAt(Utc(2019, 12, 31, 23, 59, 59)) == 7200);
  CHECK(zone->OffsetAt(Utc(2020, 1, 1)) == 3600);
  CHECK(zone->OffsetAt(Utc(2020, 7, 1)) == 7200);
  CHECK(zone->OffsetAt(Utc(2020, 12, 1)) == 3600);
  // 00:30 on 1 January 2020 happens twice (+02:00, then +01:00): the earlier is chosen.
  CHECK(zone->FromCivil(Civil(2020, 1, 1, 1, 30)) == Utc(2019, 12, 31, 23, 30));
  CHECK(zone->FromCivil(Civil(2020, 3, 29, 2, 30)) == Utc(2020, 3, 29, 1, 30));
}

TEST_CASE("Before the first transition the first standard-time type applies", "[common][time]") {
  const std::string bytes = BuildTzif({Utc(2000, 1, 1)}, {0}, {{7200, true}, {3600, false}}, "");
  Result<TimeZone> zone = TimeZone::FromTzif("Test/Early", bytes);
  REQUIRE(zone.ok());
  CHECK(zone->OffsetAt(Utc(1999, 1, 1)) == 3600);
  CHECK(zone->OffsetAt(Utc(2000, 1, 1)) == 7200);
  CHECK(zone->OffsetAt(Utc(2050, 1, 1)) == 7200);  // no footer: the last type stays
}

TEST_CASE("A version 1 TZif file is read from its 32-bit block", "[common][time]") {
  std::string bytes = ReadFile(std::string(MK_ZONEINFO_DIR) + "/Europe/Berlin");
  REQUIRE(bytes.size() > 44);
  // Turn the file into version 1: mark it so and cut it after the first data block.
  auto count = [&](size_t at) {
    return (uint32_t{static_cast<unsigned char>(bytes[at])} << 24) |
           (uint32_t{static_cast<unsigned char>(bytes[at + 1])} << 16) |
           (uint32_t{static_cast<unsigned char>(bytes[at + 2])} << 8) | static_cast<unsigned char>(bytes[at + 3]);
  };
  const uint32_t isut = count(20), isstd = count(24), leap = count(28), time = count(32), type = count(36),
                 chars = count(40);
  const size_t v1_size = 44 + time * 5 + type * 6 + chars + leap * 8 + isstd + isut;
  REQUIRE(bytes.size() > v1_size);
  bytes[4] = '\0';
  bytes.resize(v1_size);
  Result<TimeZone> v1 = TimeZone::FromTzif("Europe/Berlin", bytes);
  REQUIRE(v1.ok());
  ExpectSameOffsets(*v1, LoadZone("Europe/Berlin"), Utc(1901, 12, 14), Utc(2037, 12, 1));
}

TEST_CASE("Damaged TZif data is refused, never crashes", "[common][time]") {
  const std::string berlin = ReadFile(std::string(MK_ZONEINFO_DIR) + "/Europe/Berlin");
  int accepted = 0;
  for (size_t length = 0; length < berlin.size(); ++length) {
    Result<TimeZone> zone = TimeZone::FromTzif("Europe/Berlin", std::string_view(berlin).substr(0, length));
    if (zone.ok()) {
      ++accepted;
    } else if (zone.status().code() != ErrorCode::kCorrupt) {
      FAIL_CHECK("unexpected error code for length " << length);
    }
  }
  CHECK(accepted == 0);

  Result<TimeZone> text = TimeZone::FromTzif("Test/Text", "Zone Europe/Berlin 0:53:28 - LMT 1893 Apr\n");
  REQUIRE_FALSE(text.ok());
  CHECK(text.status().message().find("'Test/Text' is not a compiled time zone (TZif) file") != std::string::npos);

  for (const char* footer : {"CET-1CEST,M13.5.0,M10.5.0", "CET", "C-1", "CET-1CEST,M3.5.0", "CET-1CEST,J0,J300",
                             "CET-1CEST,M3.5.0,M10.5.0/168", "CET-1CEST,M3.5.0,M10.5.0x", "CET25", "<+03-3"}) {
    INFO("footer: " << footer);
    Result<TimeZone> zone = TimeZone::FromTzif("Test/Bad", BuildTzif({}, {}, {{0, false}}, footer));
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.status().code() == ErrorCode::kCorrupt);
    CHECK(zone.status().message().find(footer) != std::string::npos);
  }

  // A transition pointing at a type that does not exist, and unordered transitions.
  CHECK_FALSE(TimeZone::FromTzif("Test/Bad", BuildTzif({0}, {1}, {{0, false}}, "")).ok());
  CHECK_FALSE(TimeZone::FromTzif("Test/Bad", BuildTzif({10, 5}, {0, 0}, {{0, false}}, "")).ok());
  CHECK_FALSE(TimeZone::FromTzif("Test/Bad", BuildTzif({}, {}, {{100000, false}}, "")).ok());
}

TEST_CASE("FromCivil and ToCivil agree for every hour of 2026 and 2045", "[common][time]") {
  for (const char* name : {"Europe/Berlin", "America/New_York", "Europe/Dublin", "Australia/Sydney", "Asia/Kolkata",
                           "America/Nuuk", "Asia/Jerusalem", "Pacific/Chatham"}) {
    INFO(name);
    const TimeZone zone = LoadZone(name);
    int failures = 0;
    for (int year : {2026, 2045}) {
      for (int64_t t = Utc(year, 1, 1); t < Utc(year + 1, 1, 1); t += 1800) {
        const CivilTime wall = zone.ToCivil(t);
        const int64_t back = zone.FromCivil(wall);
        // Equal, or the earlier instant of an overlap showing the same wall time.
        if (back != t && !(back < t && zone.ToCivil(back) == wall)) ++failures;
      }
    }
    CHECK(failures == 0);
  }
}

// Points TZ at `tz` for the C library while alive, restoring the previous value afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(const std::string& tz) {
    const char* old = std::getenv("TZ");
    had_tz_ = old != nullptr;
    if (had_tz_) saved_ = old;
    Set(tz);
  }
  ~ScopedTz() {
    if (had_tz_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

  void Set(const std::string& tz) {
    setenv("TZ", tz.c_str(), 1);
    tzset();
  }

 private:
  bool had_tz_ = false;
  std::string saved_;
};

long LibcOffset(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  struct tm local {};
  return localtime_r(&tt, &local) == nullptr ? -1L : static_cast<long>(local.tm_gmtoff);
}

TEST_CASE("Offsets agree with the C library reading the same files", "[common][time]") {
  // glibc reads the same TZif files independently; any disagreement points at our reader.
  ScopedTz scoped("UTC0");
  // Chosen for variety: negative DST (Dublin, Casablanca), 30-minute and 2-hour DST (Lord_Howe,
  // Troll), odd offsets (Chatham), rule times outside 0-24 h (Nuuk, Jerusalem), the south.
  for (const char* name : {"Europe/Berlin", "America/New_York", "Europe/Dublin", "Australia/Sydney",
                           "Africa/Casablanca", "Pacific/Chatham", "America/Nuuk", "Asia/Jerusalem",
                           "Australia/Lord_Howe", "America/Santiago", "Antarctica/Troll", "Pacific/Apia"}) {
    const TimeZone zone = LoadZone(name);
    scoped.Set(std::string(":") + MK_ZONEINFO_DIR + "/" + name);
    const std::string what = std::string(name) + " vs libc";
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(1902, 1, 1), Utc(2100, 1, 1), what);
    // Far beyond any table, across the 400-year cycle boundary the rule evaluation relies on.
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(2395, 1, 1), Utc(2405, 1, 1), what);
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(9995, 1, 1), Utc(10001, 1, 1), what);
  }
}

TEST_CASE("POSIX TZ rules agree with the C library in any year", "[common][time]") {
  // Rules without dates ("EST5EDT") are left out: glibc takes those from its posixrules file.
  ScopedTz scoped("UTC0");
  for (const char* rule : {"CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0", "IST-1GMT0,M10.5.0,M3.5.0/1",
                           "AEST-10AEDT,M10.1.0,M4.1.0/3", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
                           "IST-2IDT,M3.4.4/26,M10.5.0", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
                           "STD-1DST,J60,J300", "STD-1DST,59,299", "<+0330>-3:30<+0430>,J79/24,J263/24",
                           "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3"}) {
    const TimeZone zone = FromRule(rule);
    scoped.Set(rule);
    const std::string what = std::string(rule) + " vs libc";
    // glibc evaluates rules from 1970 only; across the 400-year cycle boundary and far beyond.
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(1970, 1, 1), Utc(2105, 1, 1), what);
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(2395, 1, 1), Utc(2405, 1, 1), what);
    ExpectSameOffsets(OffsetsOf(zone), LibcOffset, Utc(9995, 1, 1), Utc(10001, 1, 1), what);
  }
}

// The last Sunday of a month, found the slow obvious way.
int LastSunday(int year, int month) {
  int day = 31;
  while (!IsValidDate(year, month, day)) --day;
  while (Weekday(year, month, day) != 6) --day;
  return day;
}

TEST_CASE("A POSIX TZ rule holds in every year, before 1970 and centuries ahead", "[common][time]") {
  const TimeZone eu = FromRule("CET-1CEST,M3.5.0,M10.5.0/3");
  int failures = 0;
  for (int year = 1500; year <= 2900; ++year) {
    const int64_t spring = Utc(year, 3, LastSunday(year, 3), 1);
    const int64_t autumn = Utc(year, 10, LastSunday(year, 10), 1);
    if (eu.OffsetAt(spring - 1) != 3600 || eu.OffsetAt(spring) != 7200 || eu.OffsetAt(autumn - 1) != 7200 ||
        eu.OffsetAt(autumn) != 3600) {
      if (++failures < 5) FAIL_CHECK("wrong switch in " << year);
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("Extreme instants and wall times do not overflow", "[common][time]") {
  const TimeZone berlin = LoadZone("Europe/Berlin");
  for (int64_t t : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{1} << 60,
                    -(int64_t{1} << 60)}) {
    (void)berlin.OffsetAt(t);
    (void)berlin.ToCivil(t);
    (void)berlin.FormatIso(t);
  }
  (void)berlin.FromCivil(Civil(std::numeric_limits<int>::max(), 12, 31, 23, 59, 59));
  (void)berlin.FromCivil(Civil(std::numeric_limits<int>::min(), 1, 1));
  CHECK(berlin.OffsetAt(std::numeric_limits<int64_t>::max()) == berlin.OffsetAt(int64_t{1} << 55));
}

}  // namespace
}  // namespace mk
