// Gregorian calendar arithmetic and the strict date-time parser for text typed or imported by centres.
#include "civil_time.h"

#include <cstdio>

namespace mk {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Floor division, so that instants before 1970 land on the day they belong to.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

const char* MonthName(int month) {
  static constexpr const char* kNames[12] = {"January", "February", "March",     "April",   "May",      "June",
                                             "July",    "August",   "September", "October", "November", "December"};
  return kNames[month - 1];
}

// Error messages quote the offending text; an imported cell can be arbitrarily long, so long
// text is cut (on a UTF-8 character boundary, to keep the message valid UTF-8).
std::string Quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 60;
  if (text.size() <= kMaxQuoted) return "'" + std::string(text) + "'";
  size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A forward-only reader over the text being parsed.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  std::string_view Rest() const { return text_.substr(pos_ < text_.size() ? pos_ : text_.size()); }

  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Reads a run of ASCII digits; returns how many there were. The value saturates rather than
  // overflowing, since an over-long run is reported as an error by the caller anyway.
  int Digits(int* value) {
    int count = 0;
    int v = 0;
    while (!AtEnd() && IsDigit(text_[pos_])) {
      if (v < 100000000) v = v * 10 + (text_[pos_] - '0');
      ++pos_;
      ++count;
    }
    *value = v;
    return count;
  }

  // Reads exactly `n` digits, for fields whose width is fixed ("+0100" has no separator).
  bool FixedDigits(int n, int* value) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (AtEnd() || !IsDigit(text_[pos_])) return false;
      v = v * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    *value = v;
    return true;
  }

  int SkipSpaces() {
    int n = 0;
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      ++pos_;
      ++n;
    }
    return n;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Shared between both formats: everything after the date has been read, now check the numbers,
// date before time, so the first thing a person fixes is the most fundamental.
Status ValidateFields(std::string_view text, const ParsedDateTime& p) {
  const CivilTime& c = p.civil;
  if (c.month < 1 || c.month > 12) {
    return InvalidArgument(Quote(text) + " is not a date: month " + std::to_string(c.month) + " does not exist");
  }
  if (c.day < 1 || c.day > DaysInMonth(c.year, c.month)) {
    if (c.month == 2 && c.day == 29) {
      return InvalidArgument(Quote(text) + " is not a date: " + std::to_string(c.year) +
                             " is not a leap year, so 29 February does not exist");
    }
    return InvalidArgument(Quote(text) + " is not a date: day " + std::to_string(c.day) + " does not exist in " +
                           MonthName(c.month) + " (it has " + std::to_string(DaysInMonth(c.year, c.month)) +
                           " days)");
  }
  if (c.hour > 23) return InvalidArgument(Quote(text) + " has hour " + std::to_string(c.hour) + " (0-23)");
  if (c.minute > 59) return InvalidArgument(Quote(text) + " has minute " + std::to_string(c.minute) + " (0-59)");
  if (c.second > 59) return InvalidArgument(Quote(text) + " has second " + std::to_string(c.second) + " (0-59)");
  return Status::Ok();
}

Status YearDigitsError(std::string_view text, int count, int value) {
  if (count == 2) {
    return InvalidArgument(Quote(text) + " has a two-digit year (" + std::to_string(value) +
                           "); please write the year with four digits, e.g. 2026");
  }
  return InvalidArgument(Quote(text) + " is not a date: the year must have four digits");
}

Status TrailingError(std::string_view text, std::string_view rest) {
  return InvalidArgument(Quote(text) + " has unexpected text " + Quote(rest) + " at the end");
}

// "hh:mm[:ss]" after the date. `one_digit_hour` allows German "9:05".
Status ParseTime(std::string_view text, Cursor* cur, bool one_digit_hour, ParsedDateTime* out) {
  auto invalid = [&](const char* what) {
    return InvalidArgument(Quote(text) + what +
                           (one_digit_hour ? "expected a time like 9:00 or 09:00:30"
                                           : "expected a time like 09:00 or 09:00:30"));
  };
  int value = 0;
  const int n = cur->Digits(&value);
  if (n == 0 || n > 2 || (n == 1 && !one_digit_hour)) return invalid(" has no valid time after the date: ");
  out->civil.hour = value;
  if (!cur->Consume(':') || cur->Digits(&value) != 2) return invalid(" has no valid time after the date: ");
  out->civil.minute = value;
  if (cur->Consume(':')) {
    if (cur->Digits(&value) != 2) return invalid(" has no valid seconds in the time: ");
    out->civil.second = value;
  }
  out->has_time = true;
  return Status::Ok();
}

// "Z", "+hh:mm", "+hhmm" or "-hh:mm" after an ISO time; nothing at all is fine too.
Status ParseOffset(std::string_view text, Cursor* cur, ParsedDateTime* out) {
  if (cur->Consume('Z') || cur->Consume('z')) {
    out->utc_offset_seconds = 0;
    return Status::Ok();
  }
  const std::string_view offset_text = cur->Rest();
  int sign = 0;
  if (cur->Consume('+')) {
    sign = 1;
  } else if (cur->Consume('-')) {
    sign = -1;
  } else {
    return Status::Ok();
  }
  auto unreadable = [&] {
    return InvalidArgument(Quote(text) + " has an unreadable UTC offset " + Quote(offset_text) +
                           ": expected Z, +01:00, +0100 or -05:00");
  };
  int hours = 0;
  int minutes = 0;
  if (!cur->FixedDigits(2, &hours)) return unreadable();
  cur->Consume(':');
  if (!cur->FixedDigits(2, &minutes) || IsDigit(cur->Peek())) return unreadable();
  if (hours > 23) {
    return InvalidArgument(Quote(text) + " has UTC offset hour " + std::to_string(hours) + " (0-23)");
  }
  if (minutes > 59) {
    return InvalidArgument(Quote(text) + " has UTC offset minute " + std::to_string(minutes) + " (0-59)");
  }
  out->utc_offset_seconds = sign * (hours * 3600 + minutes * 60);
  return Status::Ok();
}

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  // Months outside 1..12 are carried into the year so callers can add months without
  // normalising first; days are linear, so day 0 or day 32 simply roll over too.
  int64_t y = year;
  int64_t m = month;
  y += FloorDiv(m - 1, 12);
  m = FloorMod(m - 1, 12) + 1;
  // Count from 1 March so the leap day is the last day of the (shifted) year.
  if (m <= 2) --y;
  const int64_t era = FloorDiv(y, 400);
  const int64_t year_of_era = y - era * 400;                              // [0, 399]
  const int64_t shifted_month = (m + 9) % 12;                             // March = 0
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + (day - 1);  // from 1 March
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

void CivilFromDays(int64_t days, int* year, int* month, int* day) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t day_of_era = z - era * 146097;  // [0, 146096]
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const int64_t d = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const int64_t m = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const int64_t y = year_of_era + era * 400 + (m <= 2 ? 1 : 0);
  *year = static_cast<int>(y);
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

bool IsValidDate(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

int Weekday(int year, int month, int day) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(FloorMod(DaysFromCivil(year, month, day) + 3, 7));
}

int64_t CivilToUnixAsUtc(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * kSecondsPerDay + int64_t{t.hour} * 3600 + int64_t{t.minute} * 60 +
         t.second;
}

CivilTime UnixToCivilAsUtc(int64_t unix_seconds) {
  CivilTime t;
  const int64_t days = FloorDiv(unix_seconds, kSecondsPerDay);
  const int64_t rem = unix_seconds - days * kSecondsPerDay;
  CivilFromDays(days, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem / 60 % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

Result<ParsedDateTime> ParseDateTime(std::string_view input) {
  const std::string_view text = Trim(input);
  if (text.empty()) {
    return InvalidArgument("empty text is not a date: expected e.g. 2026-11-27 or 27.11.2026");
  }
  ParsedDateTime out;
  Cursor cur(text);
  int first = 0;
  const int first_count = cur.Digits(&first);
  if (first_count == 0 || (cur.Peek() != '-' && cur.Peek() != '.')) {
    return InvalidArgument(Quote(text) +
                           " is not a date: expected e.g. 2026-11-27, 2026-11-27T09:00 or 27.11.2026 9:00");
  }

  if (cur.Consume('-')) {
    // ISO 8601: the year comes first.
    if (first_count != 4) return YearDigitsError(text, first_count, first);
    out.civil.year = first;
    int month = 0;
    int day = 0;
    if (cur.Digits(&month) != 2 || !cur.Consume('-') || cur.Digits(&day) != 2) {
      return InvalidArgument(Quote(text) + " is not a date: expected YYYY-MM-DD, e.g. 2026-11-27");
    }
    out.civil.month = month;
    out.civil.day = day;
    if (cur.Consume('T') || cur.Consume('t') || cur.SkipSpaces() > 0) {
      MK_RETURN_IF_ERROR(ParseTime(text, &cur, /*one_digit_hour=*/false, &out));
      MK_RETURN_IF_ERROR(ParseOffset(text, &cur, &out));
    } else if (cur.Peek() == 'Z' || cur.Peek() == 'z' || cur.Peek() == '+' || cur.Peek() == '-') {
      return InvalidArgument(Quote(text) + " has a UTC offset but no time; write e.g. 2026-11-27T09:00" +
                             std::string(cur.Rest()));
    }
  } else {
    // German: day.month.year, day and month with one or two digits.
    cur.Consume('.');
    int month = 0;
    int year = 0;
    const int month_count = cur.Digits(&month);
    if (first_count > 2 || month_count < 1 || month_count > 2 || !cur.Consume('.')) {
      return InvalidArgument(Quote(text) + " is not a date: expected D.M.YYYY, e.g. 27.11.2026");
    }
    const int year_count = cur.Digits(&year);
    if (year_count == 0) {
      return InvalidArgument(Quote(text) + " is not a date: the year is missing (expected e.g. 27.11.2026)");
    }
    if (year_count != 4) return YearDigitsError(text, year_count, year);
    out.civil.day = first;
    out.civil.month = month;
    out.civil.year = year;
    if (cur.SkipSpaces() > 0 && !cur.AtEnd()) {
      MK_RETURN_IF_ERROR(ParseTime(text, &cur, /*one_digit_hour=*/true, &out));
    }
  }
  if (!cur.AtEnd()) return TrailingError(text, cur.Rest());
  MK_RETURN_IF_ERROR(ValidateFields(text, out));
  return out;
}

std::string FormatCivilIso(const CivilTime& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                t.second);
  return buf;
}

}  // namespace mk
