// Language-dependent date and time formatting.
#include "date_format.h"

#include <cstdio>

namespace mk::i18n {
namespace {

constexpr const char* kWeekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

}  // namespace

const char* WeekdayName(int monday_based_index) {
  return (monday_based_index >= 0 && monday_based_index < 7) ? kWeekdays[monday_based_index] : "";
}

const char* MonthName(int month_1_based) { return (month_1_based >= 1 && month_1_based <= 12) ? kMonths[month_1_based - 1] : ""; }

std::string FormatLongDate(const Catalogue& catalogue, const CivilTime& t) {
  const std::string day = std::to_string(t.day);
  const std::string year = std::to_string(t.year);
  return catalogue.Format(Msg("{0}, {1} {2} {3}"),
                          {catalogue.Translate("weekday", WeekdayName(Weekday(t.year, t.month, t.day))), day,
                           catalogue.Translate("month", MonthName(t.month)), year});
}

std::string FormatTime(const Catalogue& /*catalogue*/, const CivilTime& t) {
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", t.hour % 24, t.minute % 60);
  return hm;
}

std::string FormatTimeRange(const Catalogue& catalogue, const CivilTime& from, const CivilTime& to) {
  return FormatTime(catalogue, from) + "\xE2\x80\x93" + FormatTime(catalogue, to);
}

}  // namespace mk::i18n
