// The kiosk as a person uses it: the real mintkiosk in a real window under Xvfb, driven with xdotool, checked in SQLite.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "tests/e2e/e2e_support.h"
#include "tests/support/test_support.h"

using namespace mk::e2e;

namespace {

// A seeded demo centre, a private X display and the kiosk window on it.
class KioskUnderTest {
 public:
  explicit KioskUnderTest(const std::string& size = "1280x800") : x_(1920, 1080, dir_.File("xvfb.log")) {
    REQUIRE(x_.ok());
    const auto seeded = mk::test::Run({mk::test::BinPath("mintkiosk"), "--data", data(), "demo", "--teachers", "300"});
    INFO(seeded.err);
    REQUIRE(seeded.exit_code == 0);
    started_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    app_ = std::make_unique<Child>(
        std::vector<std::string>{mk::test::BinPath("mintkiosk"), "--data", data(), "kiosk", "--windowed", "--size", size,
                                 "--lang", "de"},
        std::map<std::string, std::string>{{"DISPLAY", x_.display()},
                                           {"SDL_VIDEODRIVER", "x11"},
                                           {"MINTKIOSK_TEST_LAYOUT", dir_.File("layout.tsv")}},
        dir_.File("kiosk.log"));
    REQUIRE(app_->started());
    driver_ = std::make_unique<WindowDriver>(x_.display(), dir_.File("layout.tsv"));
    INFO(Log());
    REQUIRE(driver_->FindWindow("^mintkiosk$"));
    REQUIRE(driver_->WaitFor("home", "home.session.0"));
  }
  ~KioskUnderTest() {
    if (app_) app_->Stop();
  }

  std::string data() const { return dir_.File("data"); }
  std::string display() const { return x_.display(); }
  std::string db() const { return dir_.File("data/mintkiosk.db"); }
  std::string Log() const { return mk::test::ReadFile(dir_.File("kiosk.log")); }
  WindowDriver& driver() { return *driver_; }

  // Taps the first session on Home whose check-in is open, as a teacher at the door would.
  void OpenRunningSession() {
    bool opened = false;
    for (int i = 0; i < 8 && !opened; ++i) {
      const std::string name = "home.session." + std::to_string(i);
      if (!driver_->WaitFor("home", name, 2000)) break;
      REQUIRE(driver_->Click(name));
      opened = driver_->WaitFor("checkin", "checkin.search", 1500).has_value();
    }
    INFO(Log());
    REQUIRE(opened);
  }

  // Polls until one attendance row by `method` for the people matching `person_where` was
  // written since the kiosk started (the demo centre has attendance of past sessions too).
  bool WaitForAttendance(const std::string& person_where, const std::string& method) {
    return WaitUntil([&] {
      return QueryInt(db(), "SELECT count(*) FROM attendance a JOIN people p ON p.id = a.person_id WHERE " +
                                person_where + " AND a.method = '" + method +
                                "' AND a.status IN ('present','late') AND a.updated_at >= " +
                                std::to_string(started_ms_)) == 1;
    });
  }
  // Attendance rows written since the kiosk started.
  long long NewAttendance() {
    return QueryInt(db(), "SELECT count(*) FROM attendance WHERE updated_at >= " + std::to_string(started_ms_));
  }

 private:
  mk::test::TempDir dir_;
  XvfbServer x_;
  long long started_ms_ = 0;
  std::unique_ptr<Child> app_;
  std::unique_ptr<WindowDriver> driver_;
};

// A teacher whose full name is unique in the centre and typed with a German keyboard alone.
const char* kUniqueTypableTeacher =
    "SELECT id FROM people p WHERE kind = 'teacher' AND erased_at IS NULL "
    "AND first_name || last_name GLOB '*[A-Za-zäöüÄÖÜß]*' "
    "AND NOT (first_name || last_name) GLOB '*[^A-Za-zäöüÄÖÜß -]*' "
    "AND length(last_name) >= 4 "
    "AND (SELECT count(*) FROM people q WHERE q.first_name = p.first_name AND q.last_name = p.last_name) = 1 "
    "ORDER BY id LIMIT 1";

}  // namespace

TEST_CASE("a teacher finds her name and checks in", "[e2e][ui]") {
  KioskUnderTest kiosk;
  const std::string person = QueryText(kiosk.db(), kUniqueTypableTeacher);
  REQUIRE_FALSE(person.empty());
  const std::string first = QueryText(kiosk.db(), "SELECT first_name FROM people WHERE id = '" + person + "'");
  const std::string last = QueryText(kiosk.db(), "SELECT last_name FROM people WHERE id = '" + person + "'");
  INFO(first << " " << last);

  kiosk.OpenRunningSession();
  WindowDriver& d = kiosk.driver();
  REQUIRE(d.ClickField("checkin.search"));
  REQUIRE(d.Type(first + " " + last));
  INFO(kiosk.Log());
  REQUIRE(d.WaitFor("checkin", "checkin.result.0"));
  REQUIRE(d.Click("checkin.result.0"));
  REQUIRE(d.WaitFor("confirmation", "confirmation.done"));
  CHECK(kiosk.WaitForAttendance("p.id = '" + person + "'", "kiosk_search"));
  CHECK(kiosk.NewAttendance() == 1);

  // "Done" brings the next person back to Home.
  REQUIRE(d.Click("confirmation.done"));
  CHECK(d.WaitFor("home", "home.session.0"));
}

TEST_CASE("a walk-in registers at the kiosk and is checked in", "[e2e][ui]") {
  KioskUnderTest kiosk;
  kiosk.OpenRunningSession();
  WindowDriver& d = kiosk.driver();
  REQUIRE(d.Click("checkin.walkin"));
  REQUIRE(d.WaitFor("walkin", "walkin.submit"));
  REQUIRE(d.ClickField("walkin.first"));
  REQUIRE(d.Type("Jördis"));
  REQUIRE(d.ClickField("walkin.last"));
  REQUIRE(d.Type("Straßberger"));
  REQUIRE(d.ClickField("walkin.school"));
  REQUIRE(d.Type("Gesamtschule Nord"));
  REQUIRE(d.Click("walkin.subject.physics"));
  REQUIRE(d.Click("walkin.consent"));
  REQUIRE(d.Click("walkin.submit"));
  INFO(kiosk.Log());
  REQUIRE(d.WaitFor("confirmation", "confirmation.done"));
  CHECK(kiosk.WaitForAttendance("p.first_name = 'Jördis' AND p.last_name = 'Straßberger'", "walk_in"));
  CHECK(QueryText(kiosk.db(), "SELECT school FROM people WHERE last_name = 'Straßberger'") == "Gesamtschule Nord");
  CHECK(QueryInt(kiosk.db(), "SELECT consent_data FROM people WHERE last_name = 'Straßberger'") == 1);
}

TEST_CASE("a scanned participant code checks the teacher in", "[e2e][ui]") {
  KioskUnderTest kiosk;
  const std::string code = QueryText(kiosk.db(), "SELECT participant_code FROM people WHERE kind = 'teacher' ORDER BY id LIMIT 1");
  REQUIRE_FALSE(code.empty());
  INFO(code);
  kiosk.OpenRunningSession();
  WindowDriver& d = kiosk.driver();
  // A USB scanner is a keyboard that types the code within milliseconds and ends with Return.
  REQUIRE(d.Type(code, 1));
  REQUIRE(d.Key("Return"));
  INFO(kiosk.Log());
  const auto confirmed = d.WaitFor("confirmation", "confirmation.done");
  INFO("screen: " << d.last_screen());
  REQUIRE(confirmed);
  CHECK(kiosk.WaitForAttendance("p.participant_code = '" + code + "'", "code"));
}
