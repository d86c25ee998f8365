// Tests for civil_time: calendar arithmetic and the date-time parser's accepted and rejected text.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sync/common/civil_time.h"

namespace mk {
namespace {

CivilTime Civil(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) { return CivilTime{y, mo, d, h, mi, s}; }

TEST_CASE("DaysFromCivil matches known day numbers", "[common][time]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(1969, 12, 31) == -1);
  CHECK(DaysFromCivil(1970, 1, 2) == 1);
  CHECK(DaysFromCivil(2000, 3, 1) == 11017);
  CHECK(DaysFromCivil(2026, 11, 27) == 20784);
  CHECK(DaysFromCivil(1, 1, 1) == -719162);
  CHECK(DaysFromCivil(9999, 12, 31) == 2932896);
  CHECK(DaysFromCivil(1600, 2, 29) + 1 == DaysFromCivil(1600, 3, 1));
}

TEST_CASE("DaysFromCivil carries months and days outside their usual range", "[common][time]") {
  CHECK(DaysFromCivil(2026, 13, 1) == DaysFromCivil(2027, 1, 1));
  CHECK(DaysFromCivil(2026, 0, 1) == DaysFromCivil(2025, 12, 1));
  CHECK(DaysFromCivil(2026, -11, 1) == DaysFromCivil(2025, 1, 1));
  CHECK(DaysFromCivil(2026, 3, 0) == DaysFromCivil(2026, 2, 28));
  CHECK(DaysFromCivil(2024, 2, 30) == DaysFromCivil(2024, 3, 1));
}

TEST_CASE("Days and civil dates round-trip over a wide range", "[common][time]") {
  // From 2.5 million days before 1970 to 2.5 million after (about year -4875 to 8814), every
  // day must map to the next calendar date and back.
  int y = 0;
  int m = 0;
  int d = 0;
  CivilFromDays(-2500001, &y, &m, &d);
  int failures = 0;
  for (int64_t days = -2500000; days <= 2500000; ++days) {
    int ny = 0;
    int nm = 0;
    int nd = 0;
    CivilFromDays(days, &ny, &nm, &nd);
    // The expected successor of (y, m, d).
    int ey = y;
    int em = m;
    int ed = d + 1;
    if (!IsValidDate(ey, em, ed)) {
      ed = 1;
      if (++em > 12) {
        em = 1;
        ++ey;
      }
    }
    if (ny != ey || nm != em || nd != ed || DaysFromCivil(ny, nm, nd) != days) {
      if (++failures < 5) FAIL_CHECK("day " << days << " -> " << ny << "-" << nm << "-" << nd);
    }
    y = ny;
    m = nm;
    d = nd;
  }
  CHECK(failures == 0);
}

TEST_CASE("IsValidDate knows month lengths and leap years", "[common][time]") {
  CHECK(IsValidDate(2024, 2, 29));
  CHECK(IsValidDate(2000, 2, 29));
  CHECK_FALSE(IsValidDate(2026, 2, 29));
  CHECK_FALSE(IsValidDate(1900, 2, 29));
  CHECK_FALSE(IsValidDate(2026, 4, 31));
  CHECK(IsValidDate(2026, 12, 31));
  CHECK_FALSE(IsValidDate(2026, 0, 1));
  CHECK_FALSE(IsValidDate(2026, 13, 1));
  CHECK_FALSE(IsValidDate(2026, 1, 0));
  CHECK_FALSE(IsValidDate(2026, 1, 32));
}

TEST_CASE("Weekday counts from Monday = 0", "[common][time]") {
  CHECK(Weekday(1970, 1, 1) == 3);    // Thursday
  CHECK(Weekday(1969, 12, 31) == 2);  // Wednesday
  CHECK(Weekday(2000, 1, 1) == 5);    // Saturday
  CHECK(Weekday(2026, 11, 27) == 4);  // Friday
  CHECK(Weekday(2026, 11, 29) == 6);  // Sunday
  CHECK(Weekday(2026, 11, 30) == 0);  // Monday
  CHECK(Weekday(1, 1, 1) == 0);       // proleptic Gregorian 0001-01-01 was a Monday
}

TEST_CASE("Unix seconds and civil UTC convert both ways", "[common][time]") {
  CHECK(CivilToUnixAsUtc(Civil(1970, 1, 1)) == 0);
  CHECK(CivilToUnixAsUtc(Civil(2026, 11, 27, 8, 0, 0)) == 1795766400);
  CHECK(UnixToCivilAsUtc(1795766400) == Civil(2026, 11, 27, 8, 0, 0));
  CHECK(UnixToCivilAsUtc(-1) == Civil(1969, 12, 31, 23, 59, 59));
  CHECK(UnixToCivilAsUtc(-86400) == Civil(1969, 12, 31));
  CHECK(UnixToCivilAsUtc(-86401) == Civil(1969, 12, 30, 23, 59, 59));
  CHECK(CivilToUnixAsUtc(Civil(1900, 1, 1)) == -2208988800);
  int failures = 0;
  for (int64_t t = -5'000'000'000; t <= 5'000'000'000; t += 999'983) {
    if (CivilToUnixAsUtc(UnixToCivilAsUtc(t)) != t) ++failures;
  }
  CHECK(failures == 0);
}

TEST_CASE("FormatCivilIso prints a zero-padded ISO date-time", "[common][time]") {
  CHECK(FormatCivilIso(Civil(2026, 11, 27, 9, 0, 0)) == "2026-11-27T09:00:00");
  CHECK(FormatCivilIso(Civil(987, 1, 2, 3, 4, 5)) == "0987-01-02T03:04:05");
}

struct Accepted {
  const char* text;
  CivilTime civil;
  bool has_time;
  std::optional<int> offset;
};

TEST_CASE("ParseDateTime accepts every documented format", "[common][time]") {
  const std::vector<Accepted> cases = {
      {"2026-11-27", Civil(2026, 11, 27), false, std::nullopt},
      {"2026-11-27T09:00", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
      {"2026-11-27 09:00", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
      {"2026-11-27T09:00:30", Civil(2026, 11, 27, 9, 0, 30), true, std::nullopt},
      {"2026-11-27 23:59:59", Civil(2026, 11, 27, 23, 59, 59), true, std::nullopt},
      {"2026-11-27T09:00Z", Civil(2026, 11, 27, 9, 0), true, 0},
      {"2026-11-27T09:00:30Z", Civil(2026, 11, 27, 9, 0, 30), true, 0},
      {"2026-11-27T09:00+01:00", Civil(2026, 11, 27, 9, 0), true, 3600},
      {"2026-11-27T09:00+0100", Civil(2026, 11, 27, 9, 0), true, 3600},
      {"2026-11-27 09:00:30-05:00", Civil(2026, 11, 27, 9, 0, 30), true, -18000},
      {"2026-11-27T09:00+05:30", Civil(2026, 11, 27, 9, 0), true, 19800},
      {"2026-11-27T09:00-0330", Civil(2026, 11, 27, 9, 0), true, -12600},
      {"2024-02-29", Civil(2024, 2, 29), false, std::nullopt},
      {"27.11.2026", Civil(2026, 11, 27), false, std::nullopt},
      {"27.11.2026 09:00", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
      {"27.11.2026 9:00", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
      {"27.11.2026 09:00:30", Civil(2026, 11, 27, 9, 0, 30), true, std::nullopt},
      {"1.2.2026 9:05", Civil(2026, 2, 1, 9, 5), true, std::nullopt},
      {"01.02.2026", Civil(2026, 2, 1), false, std::nullopt},
      {"29.2.2024 0:00", Civil(2024, 2, 29), true, std::nullopt},
      {"  2026-11-27T09:00  ", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
      {"\t27.11.2026 09:00\r\n", Civil(2026, 11, 27, 9, 0), true, std::nullopt},
  };
  for (const Accepted& c : cases) {
    INFO("text: '" << c.text << "'");
    Result<ParsedDateTime> parsed = ParseDateTime(c.text);
    REQUIRE(parsed.ok());
    CHECK(parsed->civil == c.civil);
    CHECK(parsed->has_time == c.has_time);
    CHECK(parsed->utc_offset_seconds == c.offset);
  }
}

struct Rejected {
  const char* text;
  std::vector<std::string> mentions;  // each must appear in the error message
};

TEST_CASE("ParseDateTime rejects malformed text with a message naming the problem", "[common][time]") {
  const std::vector<Rejected> cases = {
      {"", {"empty"}},
      {"   ", {"empty"}},
      {"2026-13-01", {"'2026-13-01' is not a date: month 13 does not exist"}},
      {"2026-00-10", {"month 0 does not exist"}},
      {"2026-02-29", {"'2026-02-29'", "29 February", "leap year"}},
      {"2026-04-31", {"day 31 does not exist in April"}},
      {"32.1.2026", {"day 32 does not exist in January"}},
      {"27.11.2026 25:00", {"'27.11.2026 25:00' has hour 25 (0-23)"}},
      {"2026-11-27T24:00", {"hour 24 (0-23)"}},
      {"2026-11-27T09:60", {"minute 60 (0-59)"}},
      {"2026-11-27T09:00:60", {"second 60 (0-59)"}},
      {"27.11.26", {"'27.11.26'", "two-digit year", "four digits"}},
      {"26-11-27", {"two-digit year", "four digits"}},
      {"202-11-27", {"four digits"}},
      {"20260-11-27", {"four digits"}},
      {"27.11.20260", {"four digits"}},
      {"27.11.", {"year is missing"}},
      {"2026-11-27x", {"unexpected text 'x'"}},
      {"2026-11-27T09:00:00.5", {"unexpected text '.5'"}},
      {"27.11.2026 09:00 Uhr", {"unexpected text ' Uhr'"}},
      {"27.11.2026 09:00+01:00", {"unexpected text '+01:00'"}},
      {"2026-11-27T09:00 +01:00", {"unexpected text ' +01:00'"}},
      {"2026-11-27T09:00+01", {"UTC offset '+01'"}},
      {"2026-11-27T09:00+1:00", {"UTC offset"}},
      {"2026-11-27T09:00+01:000", {"UTC offset"}},
      {"2026-11-27T09:00+25:00", {"offset hour 25"}},
      {"2026-11-27T09:00+01:75", {"offset minute 75"}},
      {"2026-11-27Z", {"offset but no time"}},
      {"2026-11-27+01:00", {"offset but no time"}},
      {"2026-1-5", {"YYYY-MM-DD"}},
      {"2026-11-27T", {"no valid time"}},
      {"2026-11-27T9:00", {"no valid time"}},
      {"2026-11-27T0900", {"no valid time"}},
      {"27.11.2026 9", {"no valid time"}},
      {"27.11.2026 9:5", {"no valid time"}},
      {"2026-11-27T09:00:5", {"seconds"}},
      {"123.11.2026", {"D.M.YYYY"}},
      {"27.113.2026", {"D.M.YYYY"}},
      {"2026/11/27", {"'2026/11/27' is not a date"}},
      {"tomorrow", {"'tomorrow' is not a date"}},
      {"11/27/2026", {"not a date"}},
  };
  for (const Rejected& c : cases) {
    INFO("text: '" << c.text << "'");
    Result<ParsedDateTime> parsed = ParseDateTime(c.text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == ErrorCode::kInvalidArgument);
    for (const std::string& mention : c.mentions) {
      INFO("message: " << parsed.status().message());
      CHECK(parsed.status().message().find(mention) != std::string::npos);
    }
  }
}

TEST_CASE("ParseDateTime keeps messages about long text short", "[common][time]") {
  const std::string text = "2026-11-27T09:00" + std::string(500, 'x');
  Result<ParsedDateTime> parsed = ParseDateTime(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().size() < 300);
  CHECK(parsed.status().message().find("...") != std::string::npos);
}

TEST_CASE("ParseDateTime does not cut a quoted UTF-8 character in half", "[common][time]") {
  std::string text = "2026-11-27T09:00 ";
  while (text.size() < 120) text += "\xC3\xA4";  // 'ä'
  Result<ParsedDateTime> parsed = ParseDateTime(text);
  REQUIRE_FALSE(parsed.ok());
  const std::string& message = parsed.status().message();
  const size_t dots = message.find("...");
  REQUIRE(dots != std::string::npos);
  // The byte before "..." must end a character: ASCII or the second byte of "ä".
  CHECK((message[dots - 1] == ' ' || message[dots - 1] == '\xA4'));
}

}  // namespace
}  // namespace mk
