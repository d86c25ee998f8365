// Dates and times as people read them in the kiosk's language.
#pragma once

#include <string>

#include "catalogue.h"
#include "sync/common/civil_time.h"

namespace mk::i18n {

// "Freitag, 27. November 2026" / "Friday, 27 November 2026". Weekday and month names and the
// pattern come from the catalogue (contexts "weekday" and "month"), so translators own them.
std::string FormatLongDate(const Catalogue& catalogue, const CivilTime& t);

// The wall-clock time "09:02". Both languages use the 24-hour clock: the centres are in
// Europe, where "09:02" reads the same in German and English and nothing is ambiguous.
std::string FormatTime(const Catalogue& catalogue, const CivilTime& t);

// "09:00-12:00" with an en dash.
std::string FormatTimeRange(const Catalogue& catalogue, const CivilTime& from, const CivilTime& to);

// The English names the catalogue translates (index 0 = Monday / January).
const char* WeekdayName(int monday_based_index);
const char* MonthName(int month_1_based);

}  // namespace mk::i18n
