// Integration tests of the mintkiosk command line: the real binary against a temporary data directory.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "platform/paths.h"
#include "sqlite_probe.h"
#include "sync/common/time_zone.h"
#include "tests/support/test_support.h"

namespace mk::itest {
namespace {

using test::ProcessResult;
using test::TempDir;

// ---------------------------------------------------------------------------------------------
// Running the binary

const std::string& Mintkiosk() {
  static const std::string path = test::BinPath("mintkiosk");
  return path;
}

// mintkiosk --data DIR ARGS...
ProcessResult Mk(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Mintkiosk(), "--data", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::Run(argv);
}

// mintkiosk ARGS... (no --data)
ProcessResult MkBare(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Mintkiosk()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::Run(argv);
}

// Runs `argv` through /usr/bin/env in directory `cwd`, with some variables removed and others set.
ProcessResult RunWithEnv(const std::string& cwd, const std::vector<std::string>& unset,
                         const std::vector<std::string>& assignments, const std::vector<std::string>& argv) {
  std::vector<std::string> full = {"/usr/bin/env", "-C", cwd};
  for (const auto& name : unset) {
    full.push_back("-u");
    full.push_back(name);
  }
  full.insert(full.end(), assignments.begin(), assignments.end());
  full.insert(full.end(), argv.begin(), argv.end());
  return test::Run(full);
}

std::string Describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + " signal " + std::to_string(r.signal) + "\n--- stdout:\n" +
         r.out.substr(0, 4000) + "\n--- stderr:\n" + r.err.substr(0, 4000);
}

#define REQUIRE_EXIT(result, code)      \
  do {                                  \
    const auto& r_ = (result);          \
    INFO(Describe(r_));                 \
    REQUIRE(r_.exit_code == (code));    \
  } while (0)

#define CHECK_EXIT(result, code)        \
  do {                                  \
    const auto& r_ = (result);          \
    INFO(Describe(r_));                 \
    CHECK(r_.exit_code == (code));      \
  } while (0)

std::string DbPath(const std::string& data_dir) { return data_dir + "/mintkiosk.db"; }

void Seed(const std::string& data_dir, int teachers) {
  REQUIRE_EXIT(Mk(data_dir, {"demo", "--teachers", std::to_string(teachers)}), 0);
}

std::string DumpDb(const std::string& data_dir) {
  SqliteProbe db(DbPath(data_dir));
  return db.Dump();
}

// ---------------------------------------------------------------------------------------------
// Text

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// Lines of command output; each must end with '\n'.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  if (text.empty()) return lines;
  REQUIRE(text.back() == '\n');
  lines = Split(text.substr(0, text.size() - 1), '\n');
  return lines;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Time

const TimeZone& Berlin() {
  static const TimeZone zone = [] {
    auto tz = TimeZone::Load("Europe/Berlin", platform::ZoneInfoDir());
    if (!tz.ok()) throw std::runtime_error(tz.status().message());
    return *tz;
  }();
  return zone;
}

int64_t NowSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

std::string LocalDate(int64_t unix_seconds) {
  const CivilTime c = Berlin().ToCivil(unix_seconds);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

// "27.11.2026 09:00" for a local day `days_from_now` away from now, at hour:minute.
std::string GermanDateTime(int days_from_now, int hour, int minute) {
  const CivilTime c = Berlin().ToCivil(NowSeconds() + int64_t{days_from_now} * 86400);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", c.day, c.month, c.year, hour, minute);
  return buf;
}

// "2026-11-27" for the same day as GermanDateTime.
std::string IsoDate(int days_from_now) { return LocalDate(NowSeconds() + int64_t{days_from_now} * 86400); }

// Parses "2026-11-27T09:00:00+01:00" strictly; returns the instant in Unix seconds.
int64_t ParseIsoWithOffset(const std::string& text) {
  static const std::regex kIso(R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$)");
  std::smatch m;
  INFO("time '" << text << "'");
  REQUIRE(std::regex_match(text, m, kIso));
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  const int64_t as_utc = static_cast<int64_t>(::timegm(&tm));
  const int64_t offset = (m[7] == "-" ? -1 : 1) * (std::stoi(m[8]) * 3600 + std::stoi(m[9]) * 60);
  return as_utc - offset;
}

// ---------------------------------------------------------------------------------------------
// Sessions output

struct SessionLine {
  std::string line;
  std::string id;
  std::string start_text;
  std::string end_text;
  std::string title;
  std::string room;
  int64_t start = 0;
  int64_t end = 0;
};

std::vector<SessionLine> ParseSessions(const std::string& out) {
  std::vector<SessionLine> sessions;
  for (const std::string& line : Lines(out)) {
    const auto f = Split(line, '\t');
    INFO("line '" << line << "'");
    REQUIRE(f.size() == 5);
    SessionLine s{line, f[0], f[1], f[2], f[3], f[4], ParseIsoWithOffset(f[1]), ParseIsoWithOffset(f[2])};
    CHECK_FALSE(s.id.empty());
    CHECK_FALSE(s.title.empty());
    CHECK(s.start < s.end);
    // The offset printed is the centre's (Europe/Berlin) offset at that instant.
    CHECK(s.start_text.substr(19) == (Berlin().OffsetAt(s.start) == 7200 ? "+02:00" : "+01:00"));
    CHECK(s.end_text.substr(19) == (Berlin().OffsetAt(s.end) == 7200 ? "+02:00" : "+01:00"));
    sessions.push_back(s);
  }
  return sessions;
}

std::vector<SessionLine> ListSessions(const std::string& data_dir, bool today) {
  std::vector<std::string> args = {"sessions"};
  if (today) args.push_back("--today");
  const ProcessResult r = Mk(data_dir, args);
  REQUIRE_EXIT(r, 0);
  CHECK(r.err.empty());
  return ParseSessions(r.out);
}

// A session of the list that is running now (start <= now < end, a little margin at the end so
// it does not end while the test runs).
std::optional<SessionLine> RunningSession(const std::vector<SessionLine>& sessions) {
  const int64_t now = NowSeconds();
  for (const auto& s : sessions) {
    if (s.start <= now && now + 600 < s.end) return s;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// CSV (the export): quoted fields, ';' separator, CRLF records.

std::vector<std::vector<std::string>> ParseSemicolonCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ';') {
      record.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(field);
      field.clear();
      records.push_back(record);
      record.clear();
      ++i;
    } else {
      field += c;
    }
  }
  REQUIRE_FALSE(quoted);
  if (!field.empty() || !record.empty()) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Registrations

const char* const kGermanHeader = "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende;Raum\n";

int SummaryNumber(const std::string& out, const std::string& what) {
  const std::regex re("(\\d+) " + what);
  std::smatch m;
  INFO("'" << what << "' in: " << out);
  REQUIRE(std::regex_search(out, m, re));
  return std::stoi(m[1]);
}

std::set<std::string> FindIds(const std::string& data_dir, const std::string& text) {
  const ProcessResult r = Mk(data_dir, {"find", text, "--limit", "1000"});
  REQUIRE_EXIT(r, 0);
  std::set<std::string> ids;
  for (const std::string& line : Lines(r.out)) {
    const auto f = Split(line, '\t');
    INFO("find " << text << ": line '" << line << "'");
    REQUIRE(f.size() == 3);
    CHECK_FALSE(f[0].empty());
    CHECK(Contains(f[1], " "));  // "First Last"
    CHECK_FALSE(f[2].empty());
    CHECK(ids.insert(f[0]).second);  // each person once
  }
  return ids;
}

// =============================================================================================

TEST_CASE("mintkiosk prints its version and help", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("never-created");

  const ProcessResult version = MkBare({"--version"});
  REQUIRE_EXIT(version, 0);
  CHECK(std::regex_match(version.out, std::regex(R"(mintkiosk \d+\.\d+\.\d+\n)")));
  CHECK(version.err.empty());

  const ProcessResult help = MkBare({"--help"});
  REQUIRE_EXIT(help, 0);
  CHECK(Contains(help.out, "Usage: mintkiosk [--data DIR] COMMAND"));
  CHECK(Contains(help.out, "Exit status"));
  CHECK(help.err.empty());

  for (const std::string command : {"demo", "import", "sessions", "find", "checkin", "export"}) {
    INFO("command " << command);
    CHECK(Contains(help.out, "\n  " + command + " "));
    const std::string usage = "Usage: mintkiosk [--data DIR] " + command;
    const ProcessResult after = Mk(data, {command, "--help"});
    CHECK_EXIT(after, 0);
    CHECK(Contains(after.out, usage));
    CHECK(after.err.empty());
    const ProcessResult before = Mk(data, {"--help", command});
    CHECK_EXIT(before, 0);
    CHECK(before.out == after.out);
  }
  // Help touches no data.
  CHECK_FALSE(std::filesystem::exists(data));

  // No command opens the kiosk window (tests/e2e); its options are checked before anything opens.
  CHECK(Contains(help.out, "\n  kiosk "));
  CHECK(Contains(help.out, "\n  pin set "));
  for (const std::vector<std::string>& wrong : std::vector<std::vector<std::string>>{
           {"kiosk", "--size", "5x5"}, {"kiosk", "--size", "wide"}, {"kiosk", "--lang", "fr"}, {"kiosk", "extra"},
           {"pin"}, {"pin", "reset"}, {"--session", "x"}}) {
    const ProcessResult r = Mk(data, wrong);
    INFO(wrong[0] << " " << (wrong.size() > 1 ? wrong[1] : ""));
    CHECK_EXIT(r, 2);
    CHECK(Contains(r.err, "mintkiosk: "));
  }
  CHECK_FALSE(std::filesystem::exists(data));
}

TEST_CASE("mintkiosk command-line errors exit 2 and name the problem", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {{"frobnicate"}, {"unknown command", "frobnicate"}},
      {{"sessions", "--bogus"}, {"--bogus"}},
      {{"--bogus", "sessions"}, {"--bogus"}},
      {{"find", "Müller", "--today"}, {"--today", "find"}},
      {{"checkin", "--person", "someone"}, {"--session"}},
      {{"checkin", "--session", "s1"}, {"--person", "--code"}},
      {{"checkin", "--session", "s1", "--person", "p", "--code", "c"}, {"--person", "--code"}},
      {{"checkin", "--session", "s1", "--person", "p", "--method", "telepathy"}, {"--method"}},
      {{"checkin", "--session"}, {"--session"}},
      {{"import"}, {"import registrations FILE"}},
      {{"import", "registrations"}, {"FILE"}},
      {{"export"}, {"export attendance"}},
      {{"find"}, {"find"}},
      {{"find", "ab", "--limit", "0"}, {"--limit"}},
      {{"demo", "--teachers", "many"}, {"--teachers"}},
      {{"sessions", "extra"}, {"sessions"}},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    INFO("mintkiosk --data DIR " << joined);
    const ProcessResult r = Mk(data, c.args);
    CHECK_EXIT(r, 2);
    CHECK(r.out.empty());
    CHECK(Contains(r.err, "mintkiosk: "));
    for (const auto& m : c.mentions) CHECK(Contains(r.err, m));
  }
  // A wrong command line does nothing, not even create the data directory.
  CHECK_FALSE(std::filesystem::exists(data));

  const ProcessResult no_value = MkBare({"--data"});
  CHECK_EXIT(no_value, 2);
  CHECK(Contains(no_value.err, "--data"));
}

// An empty numeric value is a command-line error, not zero.
TEST_CASE("mintkiosk demo refuses an empty --teachers", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"demo", "--teachers="}, std::vector<std::string>{"demo", "--teachers", ""}}) {
    const ProcessResult r = Mk(data, args);
    CHECK_EXIT(r, 2);
    CHECK(Contains(r.err, "--teachers"));
  }
  CHECK_FALSE(std::filesystem::exists(DbPath(data)));
}

TEST_CASE("mintkiosk demo seeds this week's sessions and sessions lists them", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  const ProcessResult demo = Mk(data, {"demo"});
  REQUIRE_EXIT(demo, 0);
  std::smatch m;
  REQUIRE(std::regex_search(demo.out, m, std::regex(R"((\d+) sessions this week \((\d+) today\), (\d+) people)")));
  const size_t seeded_sessions = std::stoul(m[1]);
  const size_t seeded_today = std::stoul(m[2]);
  CHECK(std::stoul(m[3]) >= 2000);
  CHECK(Contains(demo.out, data));

  const int64_t before = NowSeconds();
  const std::vector<SessionLine> all = ListSessions(data, false);
  const std::vector<SessionLine> today = ListSessions(data, true);
  const int64_t after = NowSeconds();

  CHECK(all.size() == seeded_sessions);
  CHECK(today.size() == seeded_today);
  CHECK_FALSE(today.empty());

  // Ordered by start, ids unique.
  std::set<std::string> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    INFO(all[i].line);
    CHECK(ids.insert(all[i].id).second);
    if (i > 0) CHECK(all[i - 1].start <= all[i].start);
  }
  for (size_t i = 1; i < today.size(); ++i) CHECK(today[i - 1].start <= today[i].start);

  // Monday to Friday of this week (local), apart from the session that runs now.
  const CivilTime now_civil = Berlin().ToCivil(before);
  const int64_t today_days = DaysFromCivil(now_civil.year, now_civil.month, now_civil.day);
  const int64_t monday = today_days - Weekday(now_civil.year, now_civil.month, now_civil.day);
  for (const auto& s : all) {
    if (s.start <= before && before < s.end) continue;
    const CivilTime c = Berlin().ToCivil(s.start);
    const int64_t day = DaysFromCivil(c.year, c.month, c.day);
    INFO(s.line);
    CHECK(((day >= monday && day <= monday + 4) || day == today_days));
  }

  // One session runs now, so the demo can check in.
  CHECK(RunningSession(today).has_value());

  // --open: the sessions open for check-in now (from an hour before the start to the end), the
  // running one among them; the demo script checks in to the first.
  const ProcessResult open = Mk(data, {"sessions", "--open"});
  REQUIRE_EXIT(open, 0);
  const std::vector<SessionLine> open_now = ParseSessions(open.out);
  REQUIRE_FALSE(open_now.empty());
  const int64_t listed_at = NowSeconds();
  for (const auto& s : open_now) {
    INFO(s.line);
    CHECK(s.start - 3600 <= listed_at);
    CHECK(before < s.end);
  }
  const std::optional<SessionLine> running = RunningSession(today);
  REQUIRE(running.has_value());
  bool running_listed = false;
  for (const auto& s : open_now) running_listed = running_listed || s.id == running->id;
  CHECK(running_listed);
  const std::string person = Mk(data, {"find", "mül", "--limit", "1"}).out.substr(0, 36);
  const ProcessResult checked_in = Mk(data, {"checkin", "--session", open_now.front().id, "--person", person});
  INFO(checked_in.err);
  CHECK(checked_in.exit_code == 0);

  // --today: exactly the sessions of the full list that touch today's local date.
  std::set<std::string> today_dates = {LocalDate(before), LocalDate(after)};
  std::set<std::string> all_lines;
  for (const auto& s : all) all_lines.insert(s.line);
  std::set<std::string> today_ids;
  for (const auto& s : today) {
    INFO(s.line);
    CHECK(all_lines.count(s.line) == 1);
    CHECK((today_dates.count(s.start_text.substr(0, 10)) == 1 || today_dates.count(s.end_text.substr(0, 10)) == 1));
    today_ids.insert(s.id);
  }
  if (today_dates.size() == 1) {  // not run across midnight
    for (const auto& s : all) {
      const bool touches_today = s.start_text.substr(0, 10) == *today_dates.begin() ||
                                 s.end_text.substr(0, 10) == *today_dates.begin();
      INFO(s.line);
      CHECK(touches_today == (today_ids.count(s.id) == 1));
    }
  }

  // Seeding again changes nothing.
  const std::string dump = DumpDb(data);
  const ProcessResult again = Mk(data, {"demo"});
  REQUIRE_EXIT(again, 0);
  CHECK(Contains(again.out, "nothing changed"));
  CHECK(DumpDb(data) == dump);
  const ProcessResult listed_again = Mk(data, {"sessions"});
  REQUIRE_EXIT(listed_again, 0);
  std::string first_listing;
  for (const auto& s : all) first_listing += s.line + "\n";
  CHECK(listed_again.out == first_listing);
}

TEST_CASE("mintkiosk find ignores case, accents and umlaut spellings", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  REQUIRE_EXIT(Mk(data, {"demo"}), 0);
  // The three spellings of one name, next to the demo's Müllers.
  const std::string csv = std::string(kGermanHeader) +
                          "Greta;Mueller;Grundschule Kassel;greta.mueller@example.org;Suchtest;" +
                          GermanDateTime(20, 9, 0) + ";" + GermanDateTime(20, 12, 0) + ";Raum 1\n" +
                          "Hans;Muller;Grundschule Kassel;hans.muller@example.org;Suchtest;" + GermanDateTime(20, 9, 0) +
                          ";" + GermanDateTime(20, 12, 0) + ";Raum 1\n" +
                          "Ida;Müller;Grundschule Kassel;ida.mueller@example.org;Suchtest;" + GermanDateTime(20, 9, 0) +
                          ";" + GermanDateTime(20, 12, 0) + ";Raum 1\n";
  test::WriteFile(dir.File("names.csv"), csv);
  REQUIRE_EXIT(Mk(data, {"import", "registrations", dir.File("names.csv")}), 0);

  std::set<std::string> expected;
  {
    SqliteProbe db(DbPath(data));
    for (const auto& r : db.Query("SELECT id FROM people WHERE last_name IN ('Müller', 'Mueller', 'Muller') "
                                  "OR last_name LIKE 'Müller-%'")) {
      expected.insert(r[0]);
    }
  }
  REQUIRE(expected.size() >= 3);

  const std::set<std::string> umlaut = FindIds(data, "mül");
  const std::set<std::string> transliterated = FindIds(data, "Mueller");
  const std::set<std::string> plain = FindIds(data, "muller");
  const std::set<std::string> upper = FindIds(data, "MÜLLER");
  CHECK(umlaut == expected);
  CHECK(transliterated == expected);
  CHECK(plain == expected);
  CHECK(upper == expected);

  // Two words: both must match (first name and last name).
  const std::set<std::string> greta = FindIds(data, "greta mül");
  CHECK(greta.size() >= 1);
  for (const auto& id : greta) CHECK(expected.count(id) == 1);

  // One letter is too little to search: nothing, and no error.
  for (const std::string one : {"m", "ü", "Ø"}) {
    const ProcessResult r = Mk(data, {"find", one});
    INFO("find " << one);
    CHECK_EXIT(r, 0);
    CHECK(r.out.empty());
  }
  const ProcessResult limited = Mk(data, {"find", "mül", "--limit", "2"});
  REQUIRE_EXIT(limited, 0);
  CHECK(Lines(limited.out).size() == 2);
}

TEST_CASE("mintkiosk checkin records one attendance per person and session", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  Seed(data, 300);
  const auto running = RunningSession(ListSessions(data, true));
  REQUIRE(running.has_value());
  const std::string session = running->id;

  std::string person;
  std::string first;
  std::string last;
  std::string enrolled_person;
  std::string enrolled_code;
  {
    SqliteProbe db(DbPath(data));
    const auto not_enrolled = db.Query(
        "SELECT id, first_name, last_name FROM people WHERE kind = 'teacher' AND id NOT IN "
        "(SELECT person_id FROM enrolments WHERE session_id = ?1) ORDER BY id LIMIT 1", {session});
    REQUIRE(not_enrolled.size() == 1);
    person = not_enrolled[0][0];
    first = not_enrolled[0][1];
    last = not_enrolled[0][2];
    const auto enrolled = db.Query(
        "SELECT p.id, p.participant_code FROM people p JOIN enrolments e ON e.person_id = p.id "
        "WHERE e.session_id = ?1 ORDER BY p.id LIMIT 1", {session});
    REQUIRE(enrolled.size() == 1);
    enrolled_person = enrolled[0][0];
    enrolled_code = enrolled[0][1];
  }

  const ProcessResult first_time = Mk(data, {"checkin", "--session", session, "--person", person});
  REQUIRE_EXIT(first_time, 0);
  CHECK(first_time.out.rfind("Checked in: " + first + " " + last + " - " + running->title, 0) == 0);
  CHECK(std::regex_search(first_time.out, std::regex(R"( - at \d\d:\d\d \((present|late)\)\n$)")));

  std::vector<SqliteProbe::Row> row_after_first;
  {
    SqliteProbe db(DbPath(data));
    row_after_first = db.Query("SELECT status, checked_in_at, method, device_id FROM attendance "
                               "WHERE session_id = ?1 AND person_id = ?2", {session, person});
    REQUIRE(row_after_first.size() == 1);
    CHECK((row_after_first[0][0] == "present" || row_after_first[0][0] == "late"));
    CHECK(row_after_first[0][1] != "<NULL>");
    CHECK(row_after_first[0][2] == "admin");
    // The person was not enrolled: now they are.
    CHECK(db.Scalar("SELECT source FROM enrolments WHERE session_id = ?1 AND person_id = ?2", {session, person}) ==
          "manual");
  }

  const ProcessResult second_time = Mk(data, {"checkin", "--session", session, "--person", person});
  REQUIRE_EXIT(second_time, 0);
  CHECK(second_time.out.rfind("Already checked in: " + first + " " + last, 0) == 0);
  {
    SqliteProbe db(DbPath(data));
    CHECK(db.Count("SELECT count(*) FROM attendance WHERE session_id = ?1 AND person_id = ?2", {session, person}) == 1);
    CHECK(db.Query("SELECT status, checked_in_at, method, device_id FROM attendance "
                   "WHERE session_id = ?1 AND person_id = ?2", {session, person}) == row_after_first);
    CHECK(db.Count("SELECT count(*) FROM enrolments WHERE session_id = ?1 AND person_id = ?2", {session, person}) == 1);
  }

  SECTION("--code checks in the person with that participant code") {
    const ProcessResult by_code =
        Mk(data, {"checkin", "--session", session, "--code", enrolled_code, "--method", "code"});
    REQUIRE_EXIT(by_code, 0);
    CHECK(by_code.out.rfind("Checked in: ", 0) == 0);
    SqliteProbe db(DbPath(data));
    CHECK(db.Scalar("SELECT method FROM attendance WHERE session_id = ?1 AND person_id = ?2",
                    {session, enrolled_person}) == "code");
    // Already enrolled: the enrolment is the imported one.
    CHECK(db.Scalar("SELECT source FROM enrolments WHERE session_id = ?1 AND person_id = ?2",
                    {session, enrolled_person}) == "import");

    const ProcessResult again = Mk(data, {"checkin", "--session", session, "--code", enrolled_code});
    CHECK_EXIT(again, 0);
    CHECK(again.out.rfind("Already checked in: ", 0) == 0);

    const ProcessResult unknown = Mk(data, {"checkin", "--session", session, "--code", "ZZZZZZZZ"});
    CHECK_EXIT(unknown, 1);
    CHECK(Contains(unknown.err, "ZZZZZZZZ"));
  }

  SECTION("a session that has ended refuses check-in") {
    std::optional<SessionLine> ended;
    const int64_t now = NowSeconds();
    for (const auto& s : ListSessions(data, false)) {
      if (s.end < now) ended = s;
    }
    if (!ended) {
      // Early in the week: no demo session is over yet, so import one that is.
      test::WriteFile(dir.File("past.csv"), std::string(kGermanHeader) +
                                                "Jörg;Vergangen;Schule am Berg;;Rückblick;" + GermanDateTime(-8, 9, 0) +
                                                ";" + GermanDateTime(-8, 12, 0) + ";Raum 2\n");
      REQUIRE_EXIT(Mk(data, {"import", "registrations", dir.File("past.csv")}), 0);
      for (const auto& s : ListSessions(data, false)) {
        if (s.end < now) ended = s;
      }
    }
    REQUIRE(ended.has_value());
    // Someone with no record for that session (the demo recorded who came to past sessions).
    std::string late_comer;
    {
      SqliteProbe db(DbPath(data));
      late_comer = db.Scalar("SELECT id FROM people WHERE kind = 'teacher' AND id NOT IN "
                             "(SELECT person_id FROM attendance WHERE session_id = ?1) ORDER BY id LIMIT 1",
                             {ended->id});
    }
    REQUIRE_FALSE(late_comer.empty());
    const std::string dump = DumpDb(data);
    const ProcessResult refused = Mk(data, {"checkin", "--session", ended->id, "--person", late_comer});
    CHECK_EXIT(refused, 1);
    CHECK(refused.out.empty());
    CHECK(Contains(refused.err, "ended"));
    CHECK(DumpDb(data) == dump);
  }

  SECTION("unknown people and sessions are errors") {
    const std::string dump = DumpDb(data);
    const std::string nobody = "00000000-0000-7000-8000-000000000000";
    const ProcessResult no_person = Mk(data, {"checkin", "--session", session, "--person", nobody});
    CHECK_EXIT(no_person, 1);
    CHECK(no_person.out.empty());
    CHECK(Contains(no_person.err, nobody));
    const ProcessResult no_session = Mk(data, {"checkin", "--session", nobody, "--person", person});
    CHECK_EXIT(no_session, 1);
    CHECK(no_session.out.empty());
    CHECK(Contains(no_session.err, nobody));
    CHECK(DumpDb(data) == dump);
  }

  SECTION("a walk-in is enrolled as a walk-in") {
    std::string walk_in;
    {
      SqliteProbe db(DbPath(data));
      walk_in = db.Scalar("SELECT id FROM people WHERE kind = 'teacher' AND id NOT IN "
                          "(SELECT person_id FROM enrolments WHERE session_id = ?1) ORDER BY id LIMIT 1", {session});
    }
    REQUIRE_FALSE(walk_in.empty());
    REQUIRE_EXIT(Mk(data, {"checkin", "--session", session, "--person", walk_in, "--method", "walk_in"}), 0);
    SqliteProbe db(DbPath(data));
    CHECK(db.Scalar("SELECT source FROM enrolments WHERE session_id = ?1 AND person_id = ?2", {session, walk_in}) ==
          "walk_in");
    CHECK(db.Scalar("SELECT method FROM attendance WHERE session_id = ?1 AND person_id = ?2", {session, walk_in}) ==
          "walk_in");
  }
}

TEST_CASE("mintkiosk import registrations reads a German spreadsheet once", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  Seed(data, 50);

  const std::string a_start = GermanDateTime(30, 9, 0);
  const std::string a_end = GermanDateTime(30, 12, 30);
  const std::string b_start = GermanDateTime(31, 13, 0);
  const std::string b_end = GermanDateTime(31, 16, 0);
  const std::string csv =
      std::string(kGermanHeader) +
      "Anna;Müller;Gymnasium Ærøskøbing;anna.mueller@example.org;Integrationstest Robotik für Einsteiger;" + a_start +
      ";" + a_end + ";Labor Ørsted\n" +
      "Łukasz;Wiśniewski;Szkoła Podstawowa nr 3 Łódź;lukasz.w@example.org;Integrationstest Robotik für Einsteiger;" +
      a_start + ";" + a_end + ";Labor Ørsted\n" +
      "Mette;Ørsted;Ærøskøbing Skole;;Integrationstest Optik im Alltag;" + b_start + ";" + b_end + ";Raum 3\n" +
      "Anna;Müller;Gymnasium Ærøskøbing;anna.mueller@example.org;Integrationstest Optik im Alltag;" + b_start + ";" +
      b_end + ";Raum 3\n";
  const std::string file = dir.File("anmeldungen.csv");
  test::WriteFile(file, csv);

  const auto counts = [&] {
    SqliteProbe db(DbPath(data));
    return std::vector<long long>{db.Count("SELECT count(*) FROM people"), db.Count("SELECT count(*) FROM enrolments"),
                                  db.Count("SELECT count(*) FROM sessions"), db.Count("SELECT count(*) FROM courses")};
  };
  const std::vector<long long> before = counts();

  const ProcessResult first = Mk(data, {"import", "registrations", file});
  REQUIRE_EXIT(first, 0);
  CHECK(Contains(first.out, "Imported 4 registrations from " + file));
  CHECK(SummaryNumber(first.out, "new people") == 3);
  CHECK(SummaryNumber(first.out, "rows of people already known") == 1);
  CHECK(SummaryNumber(first.out, "new courses") == 2);
  CHECK(SummaryNumber(first.out, "new sessions") == 2);
  CHECK(SummaryNumber(first.out, "new enrolments") == 4);
  const std::vector<long long> after = counts();
  CHECK(after == std::vector<long long>{before[0] + 3, before[1] + 4, before[2] + 2, before[3] + 2});

  {
    SqliteProbe db(DbPath(data));
    CHECK(db.Scalar("SELECT school FROM people WHERE last_name = 'Müller' AND first_name = 'Anna' "
                    "AND email = 'anna.mueller@example.org'") == "Gymnasium Ærøskøbing");
    CHECK(db.Count("SELECT count(*) FROM people WHERE first_name = 'Łukasz' AND last_name = 'Wiśniewski'") == 1);
    CHECK(db.Count("SELECT count(*) FROM people WHERE last_name = 'Ørsted' AND school = 'Ærøskøbing Skole' "
                   "AND email IS NULL") == 1);
    CHECK(db.Count("SELECT count(*) FROM enrolments e JOIN people p ON p.id = e.person_id "
                   "WHERE p.email = 'anna.mueller@example.org'") == 2);
  }

  // The new sessions are listed at the local times of the spreadsheet.
  std::map<std::string, SessionLine> by_title;
  for (const auto& s : ListSessions(data, false)) {
    if (s.title.rfind("Integrationstest", 0) == 0) by_title[s.title] = s;
  }
  REQUIRE(by_title.size() == 2);
  const SessionLine& robotik = by_title["Integrationstest Robotik für Einsteiger"];
  CHECK(robotik.start_text.substr(0, 19) == IsoDate(30) + "T09:00:00");
  CHECK(robotik.end_text.substr(0, 19) == IsoDate(30) + "T12:30:00");
  CHECK(robotik.room == "Labor Ørsted");
  const SessionLine& optik = by_title["Integrationstest Optik im Alltag"];
  CHECK(optik.start_text.substr(0, 19) == IsoDate(31) + "T13:00:00");
  CHECK(optik.end_text.substr(0, 19) == IsoDate(31) + "T16:00:00");
  CHECK(optik.room == "Raum 3");

  // The imported people can be found with plain letters.
  {
    SqliteProbe db(DbPath(data));
    const std::string lukasz = db.Scalar("SELECT id FROM people WHERE first_name = 'Łukasz' AND last_name = 'Wiśniewski'");
    const std::string mette = db.Scalar("SELECT id FROM people WHERE first_name = 'Mette' AND last_name = 'Ørsted'");
    CHECK(FindIds(data, "lukasz wis").count(lukasz) == 1);
    CHECK(FindIds(data, "orsted").count(mette) == 1);
    CHECK(FindIds(data, "Ørst").count(mette) == 1);
  }

  // Importing the same file again changes nothing.
  const std::string dump = DumpDb(data);
  const ProcessResult second = Mk(data, {"import", "registrations", file});
  REQUIRE_EXIT(second, 0);
  CHECK(SummaryNumber(second.out, "new people") == 0);
  CHECK(SummaryNumber(second.out, "rows of people already known") == 4);
  CHECK(SummaryNumber(second.out, "new courses") == 0);
  CHECK(SummaryNumber(second.out, "new sessions") == 0);
  CHECK(SummaryNumber(second.out, "new enrolments") == 0);
  CHECK(counts() == after);
  CHECK(DumpDb(data) == dump);

  SECTION("the same file as Excel saves it (BOM, CRLF) is the same registrations") {
    std::string excel = "\xEF\xBB\xBF";
    for (char c : csv) {
      if (c == '\n') excel += '\r';
      excel += c;
    }
    const std::string excel_file = dir.File("anmeldungen-excel.csv");
    test::WriteFile(excel_file, excel);
    const ProcessResult r = Mk(data, {"import", "registrations", excel_file});
    REQUIRE_EXIT(r, 0);
    CHECK(Contains(r.out, "Imported 4 registrations"));
    CHECK(SummaryNumber(r.out, "new people") == 0);
    CHECK(SummaryNumber(r.out, "new enrolments") == 0);
    CHECK(DumpDb(data) == dump);
  }

  SECTION("a file with an invalid date is refused as a whole") {
    const std::string bad = dir.File("kaputt.csv");
    test::WriteFile(bad, std::string(kGermanHeader) +
                             "Søren;Kjærgaard;Ærøskøbing Skole;soren@example.org;Integrationstest Neu;" + a_start +
                             ";" + a_end + ";Raum 4\n" +
                             "Zofia;Kowalczyk;Szkoła w Łodzi;zofia@example.org;Integrationstest Neu;31.02.2027 09:00;" +
                             a_end + ";Raum 4\n");
    const ProcessResult refused = Mk(data, {"import", "registrations", bad});
    CHECK_EXIT(refused, 1);
    CHECK(refused.out.empty());
    CHECK(Contains(refused.err, bad));
    CHECK(Contains(refused.err, "line 3"));
    CHECK(Contains(refused.err, "Beginn"));
    CHECK_FALSE(Contains(refused.err, "line 2"));
    CHECK(DumpDb(data) == dump);
  }

  SECTION("a file that does not exist is an error naming it") {
    const std::string missing = dir.File("gibt-es-nicht.csv");
    const ProcessResult r = Mk(data, {"import", "registrations", missing});
    CHECK_EXIT(r, 1);
    CHECK(Contains(r.err, missing));
    CHECK(DumpDb(data) == dump);
  }
}

TEST_CASE("mintkiosk export attendance writes CSV for German Excel", "[integration][cli]") {
  TempDir dir;
  const std::string data = dir.File("data");
  Seed(data, 300);
  const auto running = RunningSession(ListSessions(data, true));
  REQUIRE(running.has_value());
  const std::string session = running->id;
  std::string person;
  {
    SqliteProbe db(DbPath(data));
    person = db.Scalar("SELECT person_id FROM enrolments WHERE session_id = ?1 ORDER BY person_id LIMIT 1", {session});
  }
  REQUIRE_FALSE(person.empty());
  REQUIRE_EXIT(Mk(data, {"checkin", "--session", session, "--person", person, "--method", "kiosk_search"}), 0);
  // People whose cells a spreadsheet would run as formulas, or split at a ';'.
  test::WriteFile(dir.File("tricky.csv"),
                  std::string(kGermanHeader) + "Eva;Formel;\"=HYPERLINK(\"\"http://example.org\"\")\";;Exporttest;" +
                      GermanDateTime(3, 9, 0) + ";" + GermanDateTime(3, 10, 0) + ";@Raum\n" +
                      "Otto;Trenner;\"Schule; Zweigstelle \"\"Nord\"\"\";;Exporttest;" + GermanDateTime(3, 9, 0) + ";" +
                      GermanDateTime(3, 10, 0) + ";@Raum\n");
  REQUIRE_EXIT(Mk(data, {"import", "registrations", dir.File("tricky.csv")}), 0);

  const std::string bom = "\xEF\xBB\xBF";
  const auto check_csv = [&](const ProcessResult& r) {
    REQUIRE_EXIT(r, 0);
    REQUIRE(r.out.rfind(bom, 0) == 0);
    const std::string body = r.out.substr(bom.size());
    REQUIRE(body.size() >= 2);
    CHECK(body.substr(body.size() - 2) == "\r\n");
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\n') {
        INFO("byte " << i);
        REQUIRE(i > 0);
        REQUIRE(body[i - 1] == '\r');
      }
    }
    auto rows = ParseSemicolonCsv(body);
    REQUIRE_FALSE(rows.empty());
    for (const auto& row : rows) REQUIRE(row.size() == rows[0].size());
    return rows;
  };

  const auto all = check_csv(Mk(data, {"export", "attendance"}));
  const std::vector<std::string> header = all[0];
  REQUIRE(header.size() == 16);
  CHECK(header[0] == "session_id");
  CHECK(header[6] == "person_id");
  CHECK(header[11] == "status");
  CHECK(header[12] == "checked_in_at");
  CHECK(header[13] == "method");

  const auto find_row = [&](const std::vector<std::vector<std::string>>& rows) -> const std::vector<std::string>* {
    const std::vector<std::string>* found = nullptr;
    for (size_t i = 1; i < rows.size(); ++i) {
      if (rows[i][0] == session && rows[i][6] == person) {
        CHECK(found == nullptr);
        found = &rows[i];
      }
    }
    return found;
  };
  const auto* row = find_row(all);
  REQUIRE(row != nullptr);
  CHECK(((*row)[11] == "present" || (*row)[11] == "late"));
  CHECK(std::regex_match((*row)[12], std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d)")));
  CHECK((*row)[13] == "kiosk_search");
  CHECK((*row)[2] == running->title);

  long long enrolled_all = 0;
  long long enrolled_session = 0;
  {
    SqliteProbe db(DbPath(data));
    enrolled_all = db.Count("SELECT count(*) FROM enrolments e JOIN people p ON p.id = e.person_id "
                            "WHERE p.erased_at IS NULL");
    enrolled_session = db.Count("SELECT count(*) FROM enrolments WHERE session_id = ?1", {session});
  }
  CHECK(static_cast<long long>(all.size()) - 1 == enrolled_all);
  int tricky = 0;
  for (const auto& r : all) {
    if (r[8] == "Formel") {
      ++tricky;
      CHECK(r[9] == "'=HYPERLINK(\"http://example.org\")");
      CHECK(r[5] == "'@Raum");
      CHECK(r[11].empty());  // enrolled, no record yet
    }
    if (r[8] == "Trenner") {
      ++tricky;
      CHECK(r[9] == "Schule; Zweigstelle \"Nord\"");
    }
  }
  CHECK(tricky == 2);

  const auto one = check_csv(Mk(data, {"export", "attendance", "--session", session}));
  CHECK(one[0] == header);
  CHECK(static_cast<long long>(one.size()) - 1 == enrolled_session);
  for (size_t i = 1; i < one.size(); ++i) CHECK(one[i][0] == session);
  REQUIRE(find_row(one) != nullptr);
  CHECK(*find_row(one) == *row);

  const auto german = check_csv(Mk(data, {"export", "attendance", "--session", session, "--german"}));
  CHECK(german[0][0] == "Termin-ID");
  CHECK(german.size() == one.size());

  const ProcessResult unknown = Mk(data, {"export", "attendance", "--session", "no-such-session"});
  CHECK_EXIT(unknown, 1);
  CHECK(Contains(unknown.err, "no-such-session"));
}

TEST_CASE("mintkiosk keeps its data under $XDG_DATA_HOME or $HOME/.local/share by default", "[integration][cli]") {
  TempDir home;
  const std::vector<std::string> demo = {Mintkiosk(), "demo", "--teachers", "5"};

  SECTION("HOME") {
    const ProcessResult r = RunWithEnv(home.path(), {"XDG_DATA_HOME"}, {"HOME=" + home.path()}, demo);
    REQUIRE_EXIT(r, 0);
    const std::string expected_dir = home.path() + "/.local/share/mintkiosk";
    CHECK(Contains(r.out, expected_dir));
    CHECK(std::filesystem::is_regular_file(expected_dir + "/mintkiosk.db"));
    struct stat st {};
    REQUIRE(::stat(expected_dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);  // personal data: only the owner may look
    const ProcessResult sessions =
        RunWithEnv(home.path(), {"XDG_DATA_HOME"}, {"HOME=" + home.path()}, {Mintkiosk(), "sessions"});
    REQUIRE_EXIT(sessions, 0);
    CHECK_FALSE(sessions.out.empty());
  }

  SECTION("XDG_DATA_HOME wins over HOME") {
    const std::string xdg = home.path() + "/xdg";
    const ProcessResult r = RunWithEnv(home.path(), {}, {"HOME=" + home.path(), "XDG_DATA_HOME=" + xdg}, demo);
    REQUIRE_EXIT(r, 0);
    CHECK(std::filesystem::is_regular_file(xdg + "/mintkiosk/mintkiosk.db"));
    CHECK_FALSE(std::filesystem::exists(home.path() + "/.local"));
  }

  SECTION("a relative XDG_DATA_HOME is ignored") {
    const ProcessResult r = RunWithEnv(home.path(), {}, {"HOME=" + home.path(), "XDG_DATA_HOME=relative/dir"}, demo);
    REQUIRE_EXIT(r, 0);
    CHECK(std::filesystem::is_regular_file(home.path() + "/.local/share/mintkiosk/mintkiosk.db"));
    CHECK_FALSE(std::filesystem::exists(home.path() + "/relative"));
  }
}

}  // namespace
}  // namespace mk::itest
