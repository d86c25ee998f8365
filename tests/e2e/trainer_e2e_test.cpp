// The trainer's roster in the real kiosk under Xvfb: sign in with a personal PIN, mark, undo, mark
// again, close the session; the SQLite file afterwards holds the decisions and the closing.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/e2e_support.h"
#include "tests/support/test_support.h"

using namespace mk::e2e;

namespace {

constexpr const char* kPin = "5823";

// The first tab-separated field of every line of `text`.
std::vector<std::string> FirstFields(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

// Where `id` is in `ids`; -1 when it is not there.
int IndexOf(const std::vector<std::string>& ids, const std::string& id) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == id) return static_cast<int>(i);
  }
  return -1;
}

mk::test::ProcessResult Mintkiosk(const std::string& data, std::vector<std::string> args) {
  args.insert(args.begin(), {mk::test::BinPath("mintkiosk"), "--data", data});
  return mk::test::Run(args);
}

std::string Quoted(const std::string& id) { return "'" + id + "'"; }

}  // namespace

TEST_CASE("a trainer signs in with a PIN, marks, undoes, marks again and closes the session", "[e2e][ui][trainer]") {
  mk::test::TempDir dir;
  const std::string data = dir.File("data");
  const std::string db = dir.File("data/mintkiosk.db");
  XvfbServer x(1920, 1080, dir.File("xvfb.log"));
  REQUIRE(x.ok());
  const auto seeded = Mintkiosk(data, {"demo", "--teachers", "200"});
  INFO(seeded.err);
  REQUIRE(seeded.exit_code == 0);

  // The session running now (the demo always has one), its trainer and its people.
  const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string session = QueryText(
      db, "SELECT s.id FROM sessions s WHERE s.starts_at <= " + std::to_string(now_ms) + " AND s.ends_at > " +
              std::to_string(now_ms + 10 * 60 * 1000) +
              " AND s.trainer_id IS NOT NULL AND s.closed_at IS NULL "
              "AND EXISTS (SELECT 1 FROM enrolments e WHERE e.session_id = s.id) ORDER BY s.starts_at, s.id LIMIT 1");
  REQUIRE_FALSE(session.empty());
  const std::string trainer = QueryText(db, "SELECT trainer_id FROM sessions WHERE id = " + Quoted(session));
  const long long enrolled = QueryInt(db, "SELECT count(*) FROM enrolments WHERE session_id = " + Quoted(session));
  REQUIRE(enrolled >= 2);
  CHECK(QueryInt(db, "SELECT count(*) FROM attendance WHERE session_id = " + Quoted(session)) == 0);

  // The trainer's personal PIN, as a centre sets it up once.
  const auto pin = mk::test::Run({"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$1\" --data \"$2\" trainer pin set --person \"$3\"",
                                  kPin, mk::test::BinPath("mintkiosk"), data, trainer});
  INFO(pin.err);
  REQUIRE(pin.exit_code == 0);

  // Where the screens put them: the sign-in lists trainers as `trainer list` does; the trainer's
  // sessions of today by start, course title and id; the roster as `roster` does.
  const auto trainers = Mintkiosk(data, {"trainer", "list"});
  REQUIRE(trainers.exit_code == 0);
  const int trainer_index = IndexOf(FirstFields(trainers.out), trainer);
  REQUIRE(trainer_index >= 0);
  const auto today = Mintkiosk(data, {"sessions", "--today"});
  REQUIRE(today.exit_code == 0);
  std::string today_ids;
  for (const std::string& id : FirstFields(today.out)) today_ids += (today_ids.empty() ? "" : ",") + Quoted(id);
  REQUIRE_FALSE(today_ids.empty());
  const long long session_index = QueryInt(
      db, "SELECT count(*) FROM sessions s JOIN courses c ON c.id = s.course_id, sessions r JOIN courses rc ON rc.id = r.course_id "
          "WHERE r.id = " + Quoted(session) + " AND s.trainer_id = r.trainer_id AND s.id IN (" + today_ids + ") "
          "AND (s.starts_at < r.starts_at OR (s.starts_at = r.starts_at AND (c.title < rc.title OR "
          "(c.title = rc.title AND s.id < r.id))))");
  REQUIRE(session_index >= 0);
  const auto roster = Mintkiosk(data, {"roster", "--session", session});
  REQUIRE(roster.exit_code == 0);
  const std::vector<std::string> rows = FirstFields(roster.out);
  const std::string person = rows.front();
  REQUIRE(QueryInt(db, "SELECT count(*) FROM enrolments WHERE session_id = " + Quoted(session) +
                           " AND person_id = " + Quoted(person)) == 1);
  INFO("session " << session << " (row " << session_index << " of the trainer's), trainer row " << trainer_index << ", person " << person);

  Child app({mk::test::BinPath("mintkiosk"), "--data", data, "kiosk", "--windowed", "--size", "1280x800", "--lang", "de"},
            {{"DISPLAY", x.display()}, {"SDL_VIDEODRIVER", "x11"}, {"MINTKIOSK_TEST_LAYOUT", dir.File("layout.tsv")}},
            dir.File("kiosk.log"));
  REQUIRE(app.started());
  WindowDriver d(x.display(), dir.File("layout.tsv"));
  INFO(mk::test::ReadFile(dir.File("kiosk.log")));
  REQUIRE(d.FindWindow("^mintkiosk$"));
  REQUIRE(d.WaitFor("home", "home.trainer"));

  // Sign in: the name, then the PIN on the keypad.
  REQUIRE(d.Click("home.trainer"));
  const std::string choose = "trainer.choose." + std::to_string(trainer_index);
  REQUIRE(d.WaitFor("trainer", choose));
  REQUIRE(d.Click(choose));
  REQUIRE(d.WaitFor("trainer", "trainer.pin.ok"));
  for (const char* digit = kPin; *digit != '\0'; ++digit) REQUIRE(d.Click(std::string("trainer.pin.") + *digit));
  REQUIRE(d.Click("trainer.pin.ok"));
  const std::string open = "trainer.session." + std::to_string(session_index);
  INFO("screen: " << d.last_screen());
  REQUIRE(d.WaitFor("trainer", open));
  REQUIRE(d.Click(open));
  REQUIRE(d.WaitFor("trainer", "roster.0.present"));

  const std::string row = "session_id = " + Quoted(session) + " AND person_id = " + Quoted(person);
  auto marked_present = [&] {
    return QueryInt(db, "SELECT count(*) FROM attendance WHERE " + row + " AND status = 'present' AND status_by = 'trainer'") == 1;
  };
  auto not_marked = [&] {
    return QueryInt(db, "SELECT count(*) FROM attendance WHERE " + row +
                            " AND (status_by = 'trainer' OR checked_in_at IS NOT NULL)") == 0;
  };

  // The screen as drawn last: a tap waits for the frame that shows the last change, since a
  // notice line appearing or going moves the rows below it.
  auto shows_notice = [&](bool shown) {
    return WaitUntil([&] {
      const auto snap = ReadLayout(dir.File("layout.tsv"));
      return snap && snap->Has("notice") == shown;
    });
  };

  // One tap marks the first person present; Undo takes it back ("Undone for …"); one tap again.
  REQUIRE(d.Click("roster.0.present"));
  REQUIRE(WaitUntil(marked_present));
  REQUIRE(shows_notice(false));
  REQUIRE(d.Click("roster.undo"));
  REQUIRE(WaitUntil([&] { return not_marked() && !marked_present(); }));
  REQUIRE(shows_notice(true));
  REQUIRE(d.Click("roster.0.present"));
  REQUIRE(WaitUntil(marked_present));
  REQUIRE(shows_notice(false));

  // Close, with the confirmation.
  REQUIRE(d.Click("roster.close"));
  REQUIRE(d.Click("roster.close.confirm"));
  REQUIRE(WaitUntil([&] { return QueryInt(db, "SELECT closed_at FROM sessions WHERE id = " + Quoted(session)) > 0; }));
  REQUIRE(d.WaitFor("trainer", "roster.reopen"));

  // The file: the closing time, the one present, and everyone else absent by the trainer (the
  // centre's default), nobody left unmarked.
  const long long closed_at = QueryInt(db, "SELECT closed_at FROM sessions WHERE id = " + Quoted(session));
  CHECK(closed_at >= now_ms);
  CHECK(marked_present());
  CHECK(QueryInt(db, "SELECT count(*) FROM attendance WHERE session_id = " + Quoted(session) +
                         " AND status = 'present' AND status_by = 'trainer'") == 1);
  CHECK(QueryInt(db, "SELECT count(*) FROM attendance WHERE session_id = " + Quoted(session) +
                         " AND status = 'absent' AND status_by = 'trainer'") == enrolled - 1);
  CHECK(QueryInt(db, "SELECT count(*) FROM enrolments e LEFT JOIN attendance a ON a.session_id = e.session_id AND "
                     "a.person_id = e.person_id WHERE e.session_id = " + Quoted(session) + " AND a.person_id IS NULL") == 0);
  const auto after = Mintkiosk(data, {"roster", "--session", session});
  REQUIRE(after.exit_code == 0);
  CHECK(after.out.find(person + "\tpresent\ttrainer") != std::string::npos);

  // Sign out: Home again, nothing of the roster on screen.
  REQUIRE(d.Click("trainer.sign_out"));
  CHECK(d.WaitFor("home", "home.trainer"));
  CHECK(app.Stop() == 0);
}
