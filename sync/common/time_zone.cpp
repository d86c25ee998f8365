// TZif (RFC 8536) reader and POSIX TZ rule evaluator behind TimeZone, so wall-clock times are right across DST.
#include "time_zone.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <vector>

namespace mk {

struct TimeZone::Data {
  // One ttinfo record of the TZif file.
  struct LocalType {
    int32_t utoff = 0;  // seconds east of UTC
    bool isdst = false;
    uint8_t abbr_index = 0;
  };

  // One end of daylight saving time in a POSIX TZ rule.
  struct RuleDate {
    enum class Kind { kJulianNoLeap, kJulianZeroBased, kMonthWeekDay };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;        // Jn: 1..365; n: 0..365; Mm.w.d: weekday 0..6 with Sunday = 0
    int month = 0;      // Mm.w.d only: 1..12
    int week = 0;       // Mm.w.d only: 1..5, 5 meaning the last one in the month
    int32_t time = 7200;  // seconds after local midnight; RFC 8536 allows -167h..167h
  };

  // The footer rule, used after the last explicit transition.
  struct PosixRule {
    int32_t std_offset = 0;  // seconds east of UTC (POSIX writes the opposite sign)
    bool has_dst = false;
    int32_t dst_offset = 0;
    RuleDate start;  // in local standard time
    RuleDate end;    // in local daylight time
  };

  // A switch generated from the footer rule.
  struct RuleEdge {
    int64_t at;      // UTC instant of the switch
    int32_t offset;  // offset from then on
  };

  std::string name_;
  std::vector<int64_t> transitions_;       // strictly ascending UTC instants
  std::vector<uint8_t> transition_types_;  // index into types_, one per transition
  std::vector<LocalType> types_;
  std::string abbreviations_;  // kept for diagnostics; the API exposes offsets only
  uint8_t initial_type_ = 0;   // in effect before the first transition
  std::optional<PosixRule> rule_;
  std::vector<RuleEdge> rule_cycle_;  // one 400-year cycle of rule_ (see BuildRuleCycle); empty without DST
  int64_t rule_cycle_start_ = 0;
};

namespace {

using Data = TimeZone::Data;

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
// Instants are clamped to about +-1.1e9 years before calendar arithmetic so that adding an
// offset can never overflow and years still fit in an int; nobody schedules a course there.
constexpr int64_t kMinInstant = -(int64_t{1} << 55);
constexpr int64_t kMaxInstant = int64_t{1} << 55;
// RFC 8536 keeps UT offsets within (-25 h, +26 h); a wall time's instant lies within this of it.
constexpr int64_t kOffsetWindow = 27 * 3600;
constexpr int32_t kMinUtoff = -89999;
constexpr int32_t kMaxUtoff = 93599;
// A real TZif file is a few KiB; anything much larger is not one and is not worth reading.
constexpr size_t kMaxFileSize = 1 << 20;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// A stretch of time with one UTC offset: [start, end).
struct Segment {
  int64_t start;
  int64_t end;
  int32_t offset;
};

// ---------------------------------------------------------------------------------------------
// POSIX TZ rule

// Parses the footer TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3", with the RFC 8536 extensions
// (rule times of -167..167 hours).
class RuleParser {
 public:
  explicit RuleParser(std::string_view text) : text_(text) {}

  bool Parse(Data::PosixRule* rule) {
    if (!SkipName()) return false;
    int32_t posix_offset = 0;
    if (!Hms(/*max_hours=*/24, /*allow_sign=*/true, &posix_offset)) return false;
    rule->std_offset = -posix_offset;
    if (AtEnd()) return true;

    if (!SkipName()) return false;
    rule->has_dst = true;
    rule->dst_offset = rule->std_offset + 3600;  // POSIX default: one hour ahead of standard time
    if (!AtEnd() && Peek() != ',') {
      if (!Hms(24, true, &posix_offset)) return false;
      rule->dst_offset = -posix_offset;
    }
    if (AtEnd()) {
      // POSIX leaves the default rule to the implementation; like glibc, use the US rule.
      rule->start = {Data::RuleDate::Kind::kMonthWeekDay, 0, 3, 2, 7200};
      rule->end = {Data::RuleDate::Kind::kMonthWeekDay, 0, 11, 1, 7200};
      return true;
    }
    if (!Consume(',') || !Date(&rule->start) || !Consume(',') || !Date(&rule->end)) return false;
    return AtEnd();
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

  // Zone abbreviations ("CET", "<+03>") carry no information we need; only their syntax matters.
  bool SkipName() {
    size_t length = 0;
    if (Consume('<')) {
      while (!AtEnd() && Peek() != '>') {
        const char c = Peek();
        if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-') return false;
        ++pos_;
        ++length;
      }
      if (!Consume('>')) return false;
    } else {
      while (!AtEnd() && IsAlpha(Peek())) {
        ++pos_;
        ++length;
      }
    }
    return length >= 3;
  }

  bool Number(int max_digits, int* value) {
    int v = 0;
    int count = 0;
    while (!AtEnd() && IsDigit(Peek()) && count < max_digits) {
      v = v * 10 + (Peek() - '0');
      ++pos_;
      ++count;
    }
    if (count == 0 || (!AtEnd() && IsDigit(Peek()))) return false;
    *value = v;
    return true;
  }

  // [+-]hh[:mm[:ss]], the sign as written (POSIX offsets are positive west of Greenwich).
  bool Hms(int max_hours, bool allow_sign, int32_t* seconds) {
    int sign = 1;
    if (allow_sign) {
      if (Consume('-')) {
        sign = -1;
      } else {
        Consume('+');
      }
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!Number(3, &hours) || hours > max_hours) return false;
    if (Consume(':')) {
      if (!Number(2, &minutes) || minutes > 59) return false;
      if (Consume(':') && (!Number(2, &secs) || secs > 59)) return false;
    }
    *seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return true;
  }

  bool Date(Data::RuleDate* date) {
    using Kind = Data::RuleDate::Kind;
    if (Consume('J')) {
      date->kind = Kind::kJulianNoLeap;
      if (!Number(3, &date->day) || date->day < 1 || date->day > 365) return false;
    } else if (Consume('M')) {
      date->kind = Kind::kMonthWeekDay;
      if (!Number(2, &date->month) || date->month < 1 || date->month > 12) return false;
      if (!Consume('.') || !Number(1, &date->week) || date->week < 1 || date->week > 5) return false;
      if (!Consume('.') || !Number(1, &date->day) || date->day > 6) return false;
    } else {
      date->kind = Kind::kJulianZeroBased;
      if (!Number(3, &date->day) || date->day > 365) return false;
    }
    date->time = 7200;
    if (Consume('/')) return Hms(/*max_hours=*/167, /*allow_sign=*/true, &date->time);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Days since 1970-01-01 of the local date on which `date` falls in `year`.
int64_t RuleDay(const Data::RuleDate& date, int year) {
  using Kind = Data::RuleDate::Kind;
  const int64_t jan1 = DaysFromCivil(year, 1, 1);
  switch (date.kind) {
    case Kind::kJulianNoLeap:
      // Jn never counts 29 February, so from March on a leap year is one day further along.
      return jan1 + date.day - 1 + (date.day >= 60 && IsValidDate(year, 2, 29) ? 1 : 0);
    case Kind::kJulianZeroBased:
      return jan1 + date.day;
    case Kind::kMonthWeekDay:
      break;
  }
  const int64_t first = DaysFromCivil(year, date.month, 1);
  const int64_t days_in_month = DaysFromCivil(year, date.month + 1, 1) - first;
  const int64_t first_weekday = FloorMod(first + 4, 7);  // Sunday = 0; 1970-01-01 was a Thursday
  int64_t offset = FloorMod(date.day - first_weekday, 7) + 7 * (date.week - 1);
  while (offset >= days_in_month) offset -= 7;  // week 5 means "last"
  return first + offset;
}

// The rule repeats every 400 years: the Gregorian calendar does, and 146097 days are a whole
// number of weeks. So one cycle of rule transitions, computed at load time, answers every
// query by binary search after shifting the instant into that cycle.
constexpr int kCycleBaseYear = 2000;
constexpr int kCycleYears = 400;
constexpr int64_t kCycleSeconds = int64_t{146097} * 86400;

int64_t CycleStart() { return DaysFromCivil(kCycleBaseYear, 1, 1) * 86400; }

std::vector<Data::RuleEdge> BuildRuleCycle(const Data::PosixRule& rule) {
  struct Edge {
    int64_t at;
    bool to_dst;
  };
  std::vector<Edge> edges;
  // Rule times may stray a week into neighbouring years (up to 167 h), so two extra years on
  // each side guarantee an edge before and after every instant of the cycle.
  for (int y = kCycleBaseYear - 2; y < kCycleBaseYear + kCycleYears + 2; ++y) {
    edges.push_back({RuleDay(rule.start, y) * 86400 + rule.start.time - rule.std_offset, true});
    edges.push_back({RuleDay(rule.end, y) * 86400 + rule.end.time - rule.dst_offset, false});
  }
  // On a tie the switch to DST sorts last, so all-year DST ("EST5EDT,0/0,J365/25": the end of
  // one year meets the start of the next) stays DST.
  std::stable_sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.at != b.at ? a.at < b.at : (!a.to_dst && b.to_dst);
  });
  std::vector<Data::RuleEdge> cycle;
  cycle.reserve(edges.size());
  for (const Edge& e : edges) cycle.push_back({e.at, e.to_dst ? rule.dst_offset : rule.std_offset});
  return cycle;
}

Segment RuleSegment(const Data& data, int64_t t) {
  const Data::PosixRule& rule = *data.rule_;
  if (!rule.has_dst) return {kMinTime, kMaxTime, rule.std_offset};
  // Freeze the rule beyond the supported range instead of computing absurd multiples.
  if (t > kMaxInstant) return {kMaxInstant, kMaxTime, RuleSegment(data, kMaxInstant).offset};
  if (t < kMinInstant) return {kMinTime, kMinInstant, RuleSegment(data, kMinInstant).offset};
  const auto& cycle = data.rule_cycle_;
  const int64_t shift = FloorDiv(t - data.rule_cycle_start_, kCycleSeconds) * kCycleSeconds;
  const int64_t in_cycle = t - shift;
  const auto next = std::upper_bound(cycle.begin(), cycle.end(), in_cycle,
                                     [](int64_t v, const Data::RuleEdge& e) { return v < e.at; });
  // BuildRuleCycle's margin years make both neighbours exist; stay safe if that ever changes.
  if (next == cycle.begin() || next == cycle.end()) return {kMinTime, kMaxTime, rule.std_offset};
  const auto prev = next - 1;
  return {prev->at + shift, next->at + shift, prev->offset};
}

// The stretch of constant offset containing `t`: explicit transitions first, then the footer.
Segment SegmentAt(const Data& data, int64_t t) {
  const auto& tr = data.transitions_;
  const size_t count = tr.size();
  const size_t idx = static_cast<size_t>(std::upper_bound(tr.begin(), tr.end(), t) - tr.begin());
  if (count == 0) {
    if (data.rule_) return RuleSegment(data, t);
    return {kMinTime, kMaxTime, data.types_[data.initial_type_].utoff};
  }
  if (idx == 0) return {kMinTime, tr[0], data.types_[data.initial_type_].utoff};
  if (idx < count) return {tr[idx - 1], tr[idx], data.types_[data.transition_types_[idx - 1]].utoff};
  if (!data.rule_) return {tr[count - 1], kMaxTime, data.types_[data.transition_types_[count - 1]].utoff};
  Segment seg = RuleSegment(data, t);
  seg.start = std::max(seg.start, tr[count - 1]);
  return seg;
}

// ---------------------------------------------------------------------------------------------
// TZif reading

// Big-endian reads; callers check Has() once for a whole block, so the reads themselves do not.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  bool Has(uint64_t n) const { return n <= bytes_.size() - pos_; }
  size_t pos() const { return pos_; }

  uint8_t U8() { return static_cast<uint8_t>(bytes_[pos_++]); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | U8();
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return static_cast<int64_t>(v);
  }
  std::string_view Take(size_t n) {
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void Skip(uint64_t n) { pos_ += static_cast<size_t>(n); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;  // 0 for version 1, else '2', '3', '4', ...
  uint32_t isutcnt = 0;
  uint32_t isstdcnt = 0;
  uint32_t leapcnt = 0;
  uint32_t timecnt = 0;
  uint32_t typecnt = 0;
  uint32_t charcnt = 0;

  uint64_t BlockSize(uint64_t time_size) const {
    return uint64_t{timecnt} * time_size + timecnt + uint64_t{typecnt} * 6 + charcnt +
           uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

constexpr size_t kHeaderSize = 44;

bool ReadHeader(ByteReader* r, Header* h) {
  if (!r->Has(kHeaderSize) || r->Take(4) != "TZif") return false;
  h->version = static_cast<char>(r->U8());
  r->Skip(15);
  h->isutcnt = r->U32();
  h->isstdcnt = r->U32();
  h->leapcnt = r->U32();
  h->timecnt = r->U32();
  h->typecnt = r->U32();
  h->charcnt = r->U32();
  return true;
}

// Makes person-readable messages about zone names that may contain anything.
std::string QuoteName(std::string_view name) {
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (name.size() > 80) out += "...";
  return out + "'";
}

Result<std::shared_ptr<const Data>> ParseTzif(std::string_view name, std::string_view bytes) {
  auto corrupt = [&](const std::string& why) {
    return Corrupt("time zone " + QuoteName(name) + " has a damaged TZif file: " + why);
  };
  ByteReader r(bytes);
  Header h;
  if (!ReadHeader(&r, &h)) {
    return Corrupt("time zone " + QuoteName(name) + " is not a compiled time zone (TZif) file");
  }
  uint64_t time_size = 4;
  if (h.version != 0) {
    // Version 2+ repeats everything with 64-bit times; the 32-bit block is only for old readers.
    const uint64_t v1_size = h.BlockSize(4);
    if (!r.Has(v1_size)) return corrupt("the version 1 data is cut short");
    r.Skip(v1_size);
    if (!ReadHeader(&r, &h)) return corrupt("the version 2 header is missing");
    time_size = 8;
  }
  if (h.typecnt == 0 || h.typecnt > 256) return corrupt("it has " + std::to_string(h.typecnt) + " local time types");
  if (h.charcnt == 0) return corrupt("it has no time zone abbreviations");
  if ((h.isstdcnt != 0 && h.isstdcnt != h.typecnt) || (h.isutcnt != 0 && h.isutcnt != h.typecnt)) {
    return corrupt("the standard/UT indicator counts do not match the type count");
  }
  if (h.leapcnt != 0) {
    // Such files count leap seconds in their timestamps; our instants are POSIX seconds.
    return Corrupt("time zone " + QuoteName(name) +
                   " includes leap seconds (a 'right/' zone), which is not supported; use the zone without "
                   "the 'right/' prefix");
  }
  if (!r.Has(h.BlockSize(time_size))) return corrupt("the data is cut short");

  auto data = std::make_shared<Data>();
  data->name_ = std::string(name);
  data->transitions_.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    const int64_t t = time_size == 8 ? r.I64() : r.I32();
    if (i > 0 && t <= data->transitions_.back()) return corrupt("transition times are not in ascending order");
    data->transitions_.push_back(t);
  }
  data->transition_types_.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    const uint8_t type = r.U8();
    if (type >= h.typecnt) return corrupt("a transition refers to a local time type that does not exist");
    data->transition_types_.push_back(type);
  }
  data->types_.reserve(h.typecnt);
  for (uint32_t i = 0; i < h.typecnt; ++i) {
    Data::LocalType type;
    type.utoff = r.I32();
    const uint8_t isdst = r.U8();
    type.abbr_index = r.U8();
    if (type.utoff < kMinUtoff || type.utoff > kMaxUtoff) {
      return corrupt("UTC offset " + std::to_string(type.utoff) + " s is out of range");
    }
    if (isdst > 1) return corrupt("a DST flag is neither 0 nor 1");
    if (type.abbr_index >= h.charcnt) return corrupt("an abbreviation index is out of range");
    type.isdst = isdst == 1;
    data->types_.push_back(type);
  }
  data->abbreviations_ = std::string(r.Take(h.charcnt));
  r.Skip(uint64_t{h.isstdcnt} + h.isutcnt);  // only matter for POSIX-rule defaults we do not use

  // RFC 8536 prefers type 0 here; zic has made that the right answer for years, but older
  // files could start with a DST type, so the first standard-time type is the safer guess.
  for (uint32_t i = 0; i < h.typecnt; ++i) {
    if (!data->types_[i].isdst) {
      data->initial_type_ = static_cast<uint8_t>(i);
      break;
    }
  }

  if (time_size == 8) {
    if (!r.Has(1) || r.U8() != '\n') return corrupt("the TZ rule footer is missing");
    const std::string_view rest = bytes.substr(r.pos());
    const size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return corrupt("the TZ rule footer is not terminated");
    const std::string_view footer = rest.substr(0, newline);
    // Anything after the footer is ignored, in case a future version appends data.
    if (!footer.empty()) {
      Data::PosixRule rule;
      if (!RuleParser(footer).Parse(&rule)) {
        return corrupt("the TZ rule '" + std::string(footer) + "' cannot be read");
      }
      if (rule.std_offset < kMinUtoff || rule.std_offset > kMaxUtoff || rule.dst_offset < kMinUtoff ||
          rule.dst_offset > kMaxUtoff) {
        return corrupt("the TZ rule '" + std::string(footer) + "' has an offset out of range");
      }
      data->rule_ = rule;
      if (rule.has_dst) {
        data->rule_cycle_ = BuildRuleCycle(rule);
        data->rule_cycle_start_ = CycleStart();
      }
    }
  }
  return std::shared_ptr<const Data>(std::move(data));
}

Status ValidateName(std::string_view name) {
  if (name.empty()) return InvalidArgument("the time zone name is empty; expected e.g. 'Europe/Berlin'");
  const std::string quoted = QuoteName(name);
  if (name.size() > 255) return InvalidArgument(quoted + " is not a time zone name: it is too long");
  if (name.front() == '/') {
    return InvalidArgument(quoted + " is not a time zone name: it must be a zone like 'Europe/Berlin', not a path");
  }
  if (name.find("..") != std::string_view::npos) {
    return InvalidArgument(quoted + " is not a time zone name: it must not contain '..'");
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '-' || c == '/';
    if (!ok) {
      return InvalidArgument(quoted + " is not a time zone name: character " + QuoteName(std::string_view(&c, 1)) +
                             " is not allowed (only letters, digits, '_', '+', '-' and '/')");
    }
  }
  if (name.back() == '/' || name.find("//") != std::string_view::npos) {
    return InvalidArgument(quoted + " is not a time zone name: it has an empty part between slashes");
  }
  return Status::Ok();
}

int64_t ClampInstant(int64_t t) { return std::clamp(t, kMinInstant, kMaxInstant); }

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name, const std::string& zoneinfo_dir) {
  MK_RETURN_IF_ERROR(ValidateName(name));
  try {
    const std::string path = zoneinfo_dir + "/" + std::string(name);
    const Status unknown = NotFound("unknown time zone " + QuoteName(name));
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return unknown;  // "Europe" is a folder of zones
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) return unknown;
    std::string bytes;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      bytes.append(buffer, static_cast<size_t>(in.gcount()));
      if (bytes.size() > kMaxFileSize) {
        return Corrupt("time zone " + QuoteName(name) + " is not a compiled time zone (TZif) file (" + path +
                       " is far too large)");
      }
    }
    if (in.bad()) return IoError("cannot read time zone file " + path);
    MK_ASSIGN_OR_RETURN(std::shared_ptr<const Data> data, ParseTzif(name, bytes));
    return TimeZone(std::move(data));
  } catch (const std::exception& e) {
    return IoError("cannot read time zone " + QuoteName(name) + ": " + e.what());
  }
}

Result<TimeZone> TimeZone::FromTzif(std::string_view name, std::string_view tzif_bytes) {
  try {
    MK_ASSIGN_OR_RETURN(std::shared_ptr<const Data> data, ParseTzif(name, tzif_bytes));
    return TimeZone(std::move(data));
  } catch (const std::exception& e) {
    return Internal("cannot build time zone " + QuoteName(name) + ": " + e.what());
  }
}

TimeZone TimeZone::Utc() {
  // Built once and shared: Utc() is the fallback on hot paths and must not allocate each call.
  static const std::shared_ptr<const Data> kUtc = [] {
    auto data = std::make_shared<Data>();
    data->name_ = "UTC";
    data->types_.push_back({0, false, 0});
    data->abbreviations_ = std::string("UTC\0", 4);
    return std::shared_ptr<const Data>(std::move(data));
  }();
  return TimeZone(kUtc);
}

const std::string& TimeZone::name() const { return data_->name_; }

int TimeZone::OffsetAt(int64_t unix_seconds) const { return SegmentAt(*data_, unix_seconds).offset; }

CivilTime TimeZone::ToCivil(int64_t unix_seconds) const {
  const int64_t t = ClampInstant(unix_seconds);
  return UnixToCivilAsUtc(t + OffsetAt(t));
}

int64_t TimeZone::FromCivil(const CivilTime& civil) const {
  const int64_t local = CivilToUnixAsUtc(civil);
  // Offsets change rarely, so only a handful of stretches can lie within a day of the wall time.
  constexpr int kMaxSegments = 16;
  const int64_t window_end = local + kOffsetWindow;

  // The earliest instant whose wall clock shows `local`; stretches are visited in time order,
  // so the first match is the earlier one of an overlap.
  Segment seg = SegmentAt(*data_, local - kOffsetWindow);
  for (int i = 0; i < kMaxSegments; ++i) {
    const int64_t candidate = local - seg.offset;
    if (candidate >= seg.start && candidate < seg.end) return candidate;
    if (seg.end == kMaxTime || seg.end > window_end) break;
    seg = SegmentAt(*data_, seg.end);
  }

  // No instant shows `local`: it is skipped by a forward jump. Reading it with the offset from
  // before the jump moves it forward by the size of the gap (02:30 CET -> 03:30 CEST).
  seg = SegmentAt(*data_, local - kOffsetWindow);
  for (int i = 0; i < kMaxSegments; ++i) {
    if (seg.end == kMaxTime || seg.end > window_end) break;
    const Segment next = SegmentAt(*data_, seg.end);
    if (seg.end + seg.offset <= local && local < seg.end + next.offset) return local - seg.offset;
    seg = next;
  }
  return local - OffsetAt(local);  // only for inconsistent data; keeps the result sensible
}

int64_t TimeZone::Resolve(const ParsedDateTime& parsed) const {
  if (parsed.utc_offset_seconds) return CivilToUnixAsUtc(parsed.civil) - *parsed.utc_offset_seconds;
  return FromCivil(parsed.civil);
}

std::string TimeZone::FormatIso(int64_t unix_seconds) const {
  const int64_t t = ClampInstant(unix_seconds);
  const int offset = OffsetAt(t);
  std::string out = FormatCivilIso(UnixToCivilAsUtc(t + offset));
  const int magnitude = offset < 0 ? -offset : offset;
  char buf[16];
  // Historical local mean time has offsets with seconds; dropping them would misstate the instant.
  if (magnitude % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", offset < 0 ? '-' : '+', magnitude / 3600,
                  magnitude / 60 % 60, magnitude % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 3600, magnitude / 60 % 60);
  }
  return out + buf;
}

}  // namespace mk
