// The kiosk view-model over a real store: search, check-in, scanner, walk-in, idle reset, privacy, PIN.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <latch>
#include <thread>

#include "client/viewmodels/trainer_pin.h"
#include "kiosk_fixture.h"

using namespace mk;
using namespace mk::client;
using test::Count;
using test::KioskFixture;

namespace {

void OpenRunningSession(KioskFixture& f) {
  f.vm->OpenSession(f.session_id);
  REQUIRE(f.vm->screen() == Screen::kCheckIn);
}

}  // namespace

TEST_CASE("Home lists the sessions running now and later today, not yesterday's", "[ui][viewmodel]") {
  KioskFixture f;
  const auto& sessions = f.vm->sessions();
  REQUIRE(sessions.size() == 2);
  CHECK(sessions[0].id == f.session_id);
  CHECK(sessions[0].running);
  CHECK(sessions[0].open);
  CHECK(sessions[0].starts == CivilTime{2026, 11, 27, 9, 0, 0});
  CHECK(sessions[0].room == "Raum 1.12");
  CHECK(sessions[1].id == f.later_session_id);
  CHECK_FALSE(sessions[1].open);
  CHECK(sessions[1].opens == CivilTime{2026, 11, 27, 13, 0, 0});
  CHECK(f.vm->centre_name() == "MINT-Zentrum Ærøskøbing");
  CHECK(f.vm->Today() == CivilTime{2026, 11, 27, 9, 0, 0});
  // A later session cannot be opened yet; yesterday's session is not offered at all.
  f.vm->OpenSession(f.later_session_id);
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK_FALSE(f.vm->notice().empty());
  f.vm->OpenSession(f.yesterday_session_id);
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.AttendanceCount() == 0);
}

TEST_CASE("Search starts at 2 letters and shows first name, last initial and school only", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  CHECK(f.vm->focused() == FieldId::kSearch);
  f.TypeSlowly("A");
  CHECK(f.vm->results().empty());  // no list of people for one letter
  CHECK(f.vm->search_hint().id == "Type at least 2 letters of your name.");
  f.TypeSlowly("n");
  REQUIRE(f.vm->results().size() == 2);
  // Anna is enrolled in the chosen session: she comes first.
  CHECK(f.vm->results()[0].person_id == f.anna);
  CHECK(f.vm->results()[0].display_name == "Anna M.");
  CHECK(f.vm->results()[0].school == "Gymnasium Eschwege");
  CHECK(f.vm->results()[1].display_name == "Anton M.");
  for (const PersonRow& r : f.vm->results()) {
    CHECK(r.display_name.find("Müller") == std::string::npos);
    CHECK(r.display_name.find("Meier") == std::string::npos);
  }
  f.vm->OnBackspace();
  CHECK(f.vm->results().empty());
  // Folded: "lukasz" finds Łukasz.
  f.vm->OnBackspace();
  f.TypeSlowly("lukasz");
  REQUIRE(f.vm->results().size() == 1);
  CHECK(f.vm->results()[0].display_name == "Łukasz N.");
}

TEST_CASE("Choosing a result checks in and confirms, then Home comes back by itself", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.TypeSlowly("Anna");
  REQUIRE(f.vm->results().size() == 1);
  f.clock.Set(test::kFixtureNowMs + 2 * 60000);
  f.vm->ChooseResult(0);
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  const ConfirmationView& c = f.vm->confirmation();
  CHECK(c.display_name == "Anna M.");
  CHECK(c.course_title == "Optik im Schülerlabor");
  CHECK(c.room == "Raum 1.12");
  CHECK(c.checked_in_at == CivilTime{2026, 11, 27, 9, 2, 0});
  CHECK_FALSE(c.late);
  auto a = f.store->GetAttendance(f.session_id, f.anna);
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK((*a)->method == store::CheckInMethod::kKioskSearch);
  // Nothing typed stays behind the confirmation.
  CHECK(f.vm->field(FieldId::kSearch).empty());
  CHECK(f.vm->results().empty());
  const int generation = f.vm->generation();
  f.clock.Advance(5999);
  f.vm->Update();
  CHECK(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->NextWakeInMs() == 1);
  f.clock.Advance(1);
  f.vm->Update();
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.vm->generation() != generation);
  CHECK(f.vm->confirmation().display_name.empty());
}

TEST_CASE("Checking in again is friendly and writes nothing", "[ui][viewmodel]") {
  KioskFixture f;
  REQUIRE(f.store->CheckIn({f.session_id, f.anna, store::CheckInMethod::kTrainer}).ok());
  const std::string before = f.Dump();
  OpenRunningSession(f);
  f.TypeSlowly("Anna");
  f.vm->ChooseResult(0);
  CHECK(f.vm->screen() == Screen::kAlreadyCheckedIn);
  CHECK(f.vm->confirmation().display_name == "Anna M.");
  CHECK(f.Dump() == before);
}

TEST_CASE("A double tap does not act twice", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.TypeSlowly("An");
  f.vm->ChooseResult(1);  // Anton
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  f.vm->ChooseResult(0);  // the second tap lands where Anna was: ignored
  f.vm->SubmitCode();
  f.vm->SubmitWalkIn();
  f.clock.Advance(100);
  f.vm->Done();           // and not on "Done" either, this soon
  CHECK(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.AttendanceCount() == 1);
  auto anna = f.store->GetAttendance(f.session_id, f.anna);
  REQUIRE(anna.ok());
  CHECK_FALSE(anna->has_value());
  f.clock.Advance(1000);
  f.vm->Done();
  CHECK(f.vm->screen() == Screen::kHome);
}

TEST_CASE("A scanned badge checks in from Home and from the search screen", "[ui][viewmodel]") {
  KioskFixture f;
  // From Home: Łukasz is not enrolled anywhere, but only one session is open now.
  f.Scan(f.CodeOf(f.lukasz));
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->confirmation().display_name == "Łukasz N.");
  auto a = f.store->GetAttendance(f.session_id, f.lukasz);
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK((*a)->method == store::CheckInMethod::kCode);
  // The next person scans while the confirmation still shows.
  f.Scan(f.CodeOf(f.anna));
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->confirmation().display_name == "Anna M.");
  // In the middle of a search: the code does not stay in the search field.
  f.vm->ResetForNextPerson();
  OpenRunningSession(f);
  f.TypeSlowly("Ant");
  f.Scan(f.CodeOf(f.anton));
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->confirmation().display_name == "Anton M.");
  CHECK(f.AttendanceCount() == 3);
  // Scanning again: already checked in.
  f.clock.Advance(1000);
  f.Scan(f.CodeOf(f.anton));
  CHECK(f.vm->screen() == Screen::kAlreadyCheckedIn);
  CHECK(f.AttendanceCount() == 3);
}

TEST_CASE("A scanned code that matches nobody says so and stores nothing", "[ui][viewmodel]") {
  KioskFixture f;
  const std::string before = f.Dump();
  f.Scan("ZZZZ9999");
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.vm->notice().id == "This code belongs to no one here. Please search for your name or ask a trainer.");
  OpenRunningSession(f);
  f.TypeSlowly("Ann");
  f.Scan("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80");  // emoji from a misconfigured scanner
  CHECK(f.vm->screen() == Screen::kCheckIn);
  CHECK(f.vm->field(FieldId::kSearch).text() == "Ann");
  CHECK(f.Dump() == before);
}

TEST_CASE("A person typing and pressing Enter is not taken for a scanner", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.TypeSlowly("Anna");
  f.clock.Advance(150);
  f.vm->OnEnter();  // one result: Enter checks in like a tap
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  auto a = f.store->GetAttendance(f.session_id, f.anna);
  REQUIRE(a->has_value());
  CHECK((*a)->method == store::CheckInMethod::kKioskSearch);
}

TEST_CASE("The participant code field checks in, and a wrong code is explained", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.vm->Focus(FieldId::kCode);
  f.vm->SubmitCode();
  CHECK(f.vm->notice().id == "Please type your participant code.");
  f.TypeSlowly("nope");
  f.vm->SubmitCode();
  CHECK(f.vm->screen() == Screen::kCheckIn);
  CHECK_FALSE(f.vm->notice().empty());
  for (int i = 0; i < 4; ++i) f.vm->OnBackspace();
  std::string code = f.CodeOf(f.anton);
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  f.TypeSlowly(code);  // lower case is fine
  f.vm->SubmitCode();
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->confirmation().display_name == "Anton M.");
}

TEST_CASE("Bad input in the search is harmless", "[ui][viewmodel]") {
  KioskFixture f;
  const std::string before = f.Dump();
  OpenRunningSession(f);
  f.vm->OnText(std::string(1000, 'x'));  // a 1 000-character paste
  CHECK(f.vm->field(FieldId::kSearch).text().size() == 60);
  CHECK(f.vm->results().empty());
  f.vm->ResetForNextPerson();
  OpenRunningSession(f);
  f.TypeSlowly("\xD8\xB9\xD9\x84\xD9\x8A");  // Arabic, right to left
  CHECK(f.vm->results().empty());
  CHECK_FALSE(f.vm->search_hint().empty());
  f.TypeSlowly("\xE2\x80\xAE\xF0\x9F\x98\x80");  // a bidi override and an emoji
  CHECK(f.vm->field(FieldId::kSearch).text() == "\xD8\xB9\xD9\x84\xD9\x8A");
  CHECK(f.Dump() == before);
}

TEST_CASE("A session that has ended meanwhile refuses the check-in with a message", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.TypeSlowly("Anna");
  f.clock.Set(test::kFixtureNowMs + 3 * 3600 * 1000);  // 12:00: the session is over
  f.vm->ChooseResult(0);
  CHECK(f.vm->screen() == Screen::kCheckIn);
  CHECK(f.vm->notice().is_error);
  CHECK(f.AttendanceCount() == 0);
}

TEST_CASE("A walk-in is validated field by field and needs consent", "[ui][viewmodel]") {
  KioskFixture f;
  const std::string before = f.Dump();
  OpenRunningSession(f);
  f.TypeSlowly("Zofia Wiśniewska");
  REQUIRE(f.vm->results().empty());
  f.vm->StartWalkIn();
  REQUIRE(f.vm->screen() == Screen::kWalkIn);
  // What was typed is offered as the name.
  CHECK(f.vm->field(FieldId::kFirstName).text() == "Zofia");
  CHECK(f.vm->field(FieldId::kLastName).text() == "Wiśniewska");
  f.vm->SubmitWalkIn();
  REQUIRE(f.vm->FieldError(FieldId::kSchool) != nullptr);
  CHECK(f.vm->FieldError(FieldId::kSchool)->id == "Please enter your school.");
  REQUIRE(f.vm->FieldError(FieldId::kNone) != nullptr);  // consent
  CHECK(f.vm->FieldError(FieldId::kFirstName) == nullptr);

  f.vm->Focus(FieldId::kFirstName);
  for (int i = 0; i < 5; ++i) f.vm->OnBackspace();
  f.TypeSlowly("Zofia \xF0\x9F\x98\x80 2");  // the emoji is dropped, the digit is refused
  f.vm->Focus(FieldId::kSchool);
  f.TypeSlowly("Gesamtschule Hessisch Lichtenau");
  f.vm->Focus(FieldId::kEmail);
  f.TypeSlowly("zofia@");
  f.vm->SetConsent(true);
  f.vm->SubmitWalkIn();
  REQUIRE(f.vm->FieldError(FieldId::kFirstName) != nullptr);
  CHECK(f.vm->FieldError(FieldId::kFirstName)->id == "Names may contain letters, spaces, hyphens and apostrophes only.");
  REQUIRE(f.vm->FieldError(FieldId::kEmail) != nullptr);
  CHECK(f.vm->FieldError(FieldId::kSchool) == nullptr);
  CHECK(f.Dump() == before);

  f.vm->Focus(FieldId::kFirstName);
  f.vm->OnBackspace();
  f.vm->OnBackspace();
  f.vm->Focus(FieldId::kEmail);
  f.TypeSlowly("schule.example");
  f.vm->ToggleSubject(store::Subject::kPhysics);
  f.vm->SetConsent(false);
  f.vm->SubmitWalkIn();
  CHECK(f.vm->screen() == Screen::kWalkIn);
  CHECK(f.Dump() == before);  // no consent: nothing stored
  f.vm->SetConsent(true);
  f.vm->SubmitWalkIn();
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(f.vm->confirmation().display_name == "Zofia W.");
  CHECK(f.vm->confirmation().walk_in);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE first_name = 'Zofia' AND consent_data = 1 AND consent_at IS NOT NULL "
                             "AND email = 'zofia@schule.example' AND subjects = 'physics'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM enrolments WHERE source = 'walk_in'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE method = 'walk_in'") == 1);
  // Nothing of the form remains.
  CHECK(f.vm->field(FieldId::kFirstName).empty());
  CHECK(f.vm->field(FieldId::kEmail).empty());
  CHECK_FALSE(f.vm->walk_in_consent());
  CHECK(f.vm->walk_in_subjects().empty());
}

TEST_CASE("The idle reset counts down, a touch extends it, and it forgets everything", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  f.TypeSlowly("Zofia");
  f.vm->StartWalkIn();
  f.vm->Focus(FieldId::kSchool);
  f.TypeSlowly("Schule");
  f.vm->ToggleSubject(store::Subject::kBiology);
  f.vm->SetConsent(true);
  f.vm->PressKey({KeyAction::kPage, "", 1});
  f.vm->PressKey({KeyAction::kShift, "", 1});
  const int generation = f.vm->generation();
  CHECK_FALSE(f.vm->IdleCountdown());
  f.clock.Advance(50000);
  f.vm->Update();
  CHECK(f.vm->IdleCountdown() == 10);
  f.vm->OnActivity();  // a touch
  CHECK_FALSE(f.vm->IdleCountdown());
  f.clock.Advance(59000);
  f.vm->Update();
  CHECK(f.vm->IdleCountdown() == 1);
  CHECK(f.vm->screen() == Screen::kWalkIn);
  f.clock.Advance(1000);
  f.vm->Update();
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.vm->generation() != generation);  // screens drop widget state and scroll positions
  for (int i = 0; i < static_cast<int>(FieldId::kCount); ++i) CHECK(f.vm->field(static_cast<FieldId>(i)).empty());
  CHECK(f.vm->results().empty());
  CHECK(f.vm->focused() == FieldId::kNone);
  CHECK(f.vm->walk_in_subjects().empty());
  CHECK_FALSE(f.vm->walk_in_consent());
  CHECK(f.vm->keyboard().page() == OnScreenKeyboard::Page::kLetters);
  CHECK_FALSE(f.vm->keyboard().shift());
  CHECK(f.vm->chosen_session() == nullptr);
  CHECK_FALSE(f.vm->TakeScrollRequest());
  CHECK_FALSE(f.vm->IdleCountdown());  // nothing to forget on a clean Home
  CHECK(f.AttendanceCount() == 0);
}

TEST_CASE("The idle time is a setting", "[ui][viewmodel]") {
  KioskFixture f;
  KioskSettings s;
  s.idle_seconds = 30;
  REQUIRE(SaveKioskSettings(f.dir.path(), s).ok());
  f.MakeViewModel();
  OpenRunningSession(f);
  f.clock.Advance(20000);
  CHECK(f.vm->IdleCountdown() == 10);
  f.clock.Advance(10000);
  f.vm->Update();
  CHECK(f.vm->screen() == Screen::kHome);
}

TEST_CASE("Closing the kiosk asks for the trainer PIN", "[ui][viewmodel]") {
  KioskFixture f;
  REQUIRE(SetTrainerPin(f.dir.path(), "2468").ok());
  f.vm->OnCloseRequested();
  REQUIRE(f.vm->screen() == Screen::kPinPrompt);
  CHECK(f.vm->pin_purpose() == PinPurpose::kExit);
  f.TypeSlowly("13x57");  // only digits go into a PIN
  CHECK(f.vm->field(FieldId::kPin).text() == "1357");
  f.vm->SubmitPin();
  CHECK(f.vm->notice().id == "Wrong PIN.");
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(f.vm->field(FieldId::kPin).empty());
  for (int i = 0; i < 2; ++i) {
    f.TypeSlowly("0000");
    f.vm->SubmitPin();
  }
  // Three wrong: the right PIN must wait now.
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  CHECK(f.vm->notice().id == "Too many wrong PINs. Please wait {0} seconds.");
  CHECK_FALSE(f.vm->exit_requested());
  f.clock.Advance(30000);
  f.vm->OnActivity();
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  CHECK(f.vm->exit_requested());
}

TEST_CASE("A windowed kiosk closes without a PIN", "[ui][viewmodel]") {
  KioskOptions options;
  options.kiosk_mode = false;
  KioskFixture f(options);
  f.vm->OnCloseRequested();
  CHECK(f.vm->exit_requested());
}

TEST_CASE("Settings behind the PIN are saved and the PIN can be changed", "[ui][viewmodel]") {
  KioskFixture f;
  REQUIRE(SetTrainerPin(f.dir.path(), "2468").ok());
  f.vm->RequestSettings();
  f.TypeSlowly("2468");
  f.vm->OnEnter();
  REQUIRE(f.vm->screen() == Screen::kSettings);
  f.vm->SetDraftIdleSeconds(120);
  f.vm->SetDraftLanguage(i18n::Language::kEnglish);
  f.vm->SetDraftUiScale(1.25f);
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org");
  const int before = f.vm->settings_generation();
  f.vm->SaveSettings();
  CHECK(f.vm->settings_generation() != before);
  CHECK(f.vm->settings().language == i18n::Language::kEnglish);
  auto saved = LoadKioskSettings(f.dir.path());
  REQUIRE(saved.ok());
  CHECK(saved->idle_seconds == 120);
  CHECK(saved->ui_scale == 1.25f);
  CHECK(saved->server_url == "https://mint.example.org");
  f.vm->Focus(FieldId::kNewPin);
  f.TypeSlowly("12");
  f.vm->ChangePin();
  CHECK(f.vm->notice().is_error);
  f.TypeSlowly("97531");
  f.vm->ChangePin();
  CHECK(*VerifyTrainerPin(f.dir.path(), "97531"));
  f.vm->CloseSettings();
  CHECK(f.vm->screen() == Screen::kHome);
}

TEST_CASE("The language switch on Home is for the current person; the setting stays", "[ui][viewmodel]") {
  KioskFixture f;
  CHECK(f.vm->language() == i18n::Language::kGerman);
  f.vm->SetLanguage(i18n::Language::kEnglish);
  CHECK(f.vm->language() == i18n::Language::kEnglish);
  CHECK(f.vm->IdleCountdown() == std::nullopt);
  f.clock.Advance(60000);
  f.vm->Update();  // the next person sees the kiosk's language again
  CHECK(f.vm->language() == i18n::Language::kGerman);
  CHECK(LoadKioskSettings(f.dir.path())->language == i18n::Language::kGerman);
  KioskOptions options;
  options.language = i18n::Language::kEnglish;  // --lang wins for one run
  f.MakeViewModel(options);
  CHECK(f.vm->language() == i18n::Language::kEnglish);
}

TEST_CASE("The sync indicator follows server.json", "[ui][viewmodel]") {
  KioskFixture f;
  CHECK(f.vm->sync().state == SyncIndicator::State::kNoServer);
  test::WriteFile(f.dir.File("server.json"), R"({"url":"https://sync.mint.example"})");
  f.MakeViewModel();
  CHECK(f.vm->sync().state == SyncIndicator::State::kConnectedNotSynced);
  CHECK(f.vm->sync().host == "sync.mint.example");
}

TEST_CASE("Settings enrol the device with the typed server and code", "[ui][viewmodel]") {
  std::string seen_url;
  std::string seen_code;
  test::TempDir* dir_for_enrol = nullptr;
  test::WakeSignal woken;
  int started_sync = 0;
  KioskOptions options;
  options.enrol = [&](const std::string& url, const std::string& code, const std::atomic<bool>&) -> Status {
    seen_url = url;
    seen_code = code;
    if (code != "K7QX2-MHT9C") return Status(ErrorCode::kPermissionDenied, "the enrolment code is not valid");
    test::WriteFile(dir_for_enrol->File("server.json"), R"({"url":")" + url + R"("})");
    return Status::Ok();
  };
  options.on_enrolled = [&] { ++started_sync; };
  options.wake_ui = [&] { woken.Notify(); };
  KioskFixture f(options);
  dir_for_enrol = &f.dir;
  f.OpenSettings();
  REQUIRE(f.vm->screen() == Screen::kSettings);
  REQUIRE(f.vm->can_enrol());
  f.vm->EnrolDevice();
  CHECK(f.vm->notice().id == "Please enter the server URL and the enrolment code.");
  CHECK_FALSE(f.vm->enrolling());
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org:8470");
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("WRONG");
  f.vm->EnrolDevice();
  CHECK(f.vm->field(FieldId::kEnrolCode).empty());  // a code is not kept on screen
  REQUIRE(woken.WaitFor(1));
  f.vm->Update();
  CHECK_FALSE(f.vm->enrolling());
  CHECK(f.vm->notice().id == "The device was not enrolled: {0}");
  CHECK(f.vm->notice().args == std::vector<std::string>{"the enrolment code is not valid"});
  CHECK(started_sync == 0);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->EnrolDevice();
  REQUIRE(woken.WaitFor(2));
  f.vm->Update();
  CHECK(seen_url == "https://mint.example.org:8470");
  CHECK(seen_code == "K7QX2-MHT9C");
  CHECK(f.vm->notice().id == "This device is enrolled with {0}.");
  CHECK(started_sync == 1);
  CHECK(f.vm->sync().state == SyncIndicator::State::kConnectedNotSynced);
  CHECK(f.vm->sync().host == "mint.example.org");
}

TEST_CASE("Enrolment runs off the UI thread: it says so, takes no second tap, and the result comes back", "[ui][viewmodel]") {
  std::latch server_answers(1);
  std::atomic<int> calls{0};
  std::thread::id enrol_thread;
  const std::thread::id ui_thread = std::this_thread::get_id();
  std::thread::id on_enrolled_thread;
  test::WakeSignal woken;
  test::TempDir* dir_for_enrol = nullptr;
  KioskOptions options;
  options.enrol = [&](const std::string& url, const std::string&, const std::atomic<bool>&) -> Status {
    ++calls;
    enrol_thread = std::this_thread::get_id();
    server_answers.wait();  // the network is slow
    test::WriteFile(dir_for_enrol->File("server.json"), R"({"url":")" + url + R"("})");
    return Status::Ok();
  };
  options.on_enrolled = [&] { on_enrolled_thread = std::this_thread::get_id(); };
  options.wake_ui = [&] { woken.Notify(); };
  KioskFixture f(options);
  dir_for_enrol = &f.dir;
  f.OpenSettings();
  REQUIRE(f.vm->screen() == Screen::kSettings);
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org");
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->EnrolDevice();

  // The call returned at once; the server has not answered yet.
  CHECK(f.vm->enrolling());
  CHECK(f.vm->notice().id == "Enrolling…");
  CHECK_FALSE(f.vm->notice().is_error);
  CHECK(f.vm->field(FieldId::kEnrolCode).empty());
  // The kiosk keeps working: frames, typing, a second tap (ignored), and no idle reset while
  // the trainer waits for the server.
  f.vm->Update();
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->EnrolDevice();
  CHECK(f.vm->field(FieldId::kEnrolCode).text() == "K7QX2-MHT9C");  // not taken by a second enrolment
  f.vm->SetDraftIdleSeconds(30);
  CHECK(f.vm->draft_settings().idle_seconds == 30);
  f.clock.Advance(10 * 60 * 1000);
  f.vm->Update();
  CHECK(f.vm->screen() == Screen::kSettings);
  CHECK(f.vm->enrolling());
  CHECK(f.vm->notice().id == "Enrolling…");
  CHECK(woken.count() == 0);

  server_answers.count_down();
  REQUIRE(woken.WaitFor(1));  // the window is woken when the answer is there
  CHECK(f.vm->enrolling());   // taken by the UI thread only, in Update
  f.vm->Update();
  CHECK_FALSE(f.vm->enrolling());
  CHECK(calls == 1);
  CHECK(enrol_thread != ui_thread);
  CHECK(on_enrolled_thread == ui_thread);
  CHECK(f.vm->notice().id == "This device is enrolled with {0}.");
  CHECK(f.vm->sync().host == "mint.example.org");
  // A new enrolment can start once the last one is done.
  f.vm->EnrolDevice();
  CHECK(f.vm->enrolling());
  REQUIRE(woken.WaitFor(2));
  f.vm->Update();
  CHECK(calls == 2);
}

TEST_CASE("Enrolment that ends after the settings were closed shows only in the sync indicator", "[ui][viewmodel]") {
  std::latch server_answers(1);
  test::WakeSignal woken;
  test::TempDir* dir_for_enrol = nullptr;
  KioskOptions options;
  options.enrol = [&](const std::string& url, const std::string&, const std::atomic<bool>&) -> Status {
    server_answers.wait();
    test::WriteFile(dir_for_enrol->File("server.json"), R"({"url":")" + url + R"("})");
    return Status::Ok();
  };
  options.wake_ui = [&] { woken.Notify(); };
  KioskFixture f(options);
  dir_for_enrol = &f.dir;
  f.OpenSettings();
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org");
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->EnrolDevice();
  REQUIRE(f.vm->enrolling());
  f.vm->CloseSettings();
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.vm->notice().empty());
  server_answers.count_down();
  REQUIRE(woken.WaitFor(1));
  f.vm->Update();
  CHECK_FALSE(f.vm->enrolling());
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK(f.vm->notice().empty());  // nothing for the next teacher to read
  CHECK(f.vm->sync().state == SyncIndicator::State::kConnectedNotSynced);
}

TEST_CASE("Closing the kiosk while an enrolment runs cancels it and waits for it", "[ui][viewmodel]") {
  std::atomic<bool> saw_cancel{false};
  test::WakeSignal started;
  KioskOptions options;
  options.enrol = [&](const std::string&, const std::string&, const std::atomic<bool>& cancel) -> Status {
    started.Notify();
    cancel.wait(false);  // a request that only ends when it is abandoned
    saw_cancel = true;
    return Status(ErrorCode::kUnavailable, "abandoned");
  };
  KioskFixture f(options);
  f.OpenSettings();
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org");
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->EnrolDevice();
  REQUIRE(started.WaitFor(1));
  f.vm.reset();  // returns only once the worker has ended
  CHECK(saw_cancel);
}

TEST_CASE("With no PIN set, closing the kiosk first asks to choose one, typed twice", "[ui][viewmodel]") {
  KioskFixture f;
  REQUIRE_FALSE(HasTrainerPin(f.dir.path()));
  f.vm->OnCloseRequested();
  REQUIRE(f.vm->screen() == Screen::kPinPrompt);
  CHECK(f.vm->pin_stage() == PinStage::kChoose);
  // OK with nothing, or too few digits, lets nobody through.
  f.vm->SubmitPin();
  CHECK(f.vm->notice().id == "The new PIN must have 4 to 12 digits.");
  f.TypeSlowly("123");
  f.vm->SubmitPin();
  CHECK(f.vm->notice().is_error);
  CHECK(f.vm->pin_stage() == PinStage::kChoose);
  CHECK_FALSE(f.vm->exit_requested());
  // Typed twice; a different second typing starts the choice again and stores nothing.
  f.TypeSlowly("2468");
  f.vm->OnEnter();
  CHECK(f.vm->pin_stage() == PinStage::kConfirm);
  CHECK(f.vm->field(FieldId::kPin).empty());
  f.TypeSlowly("2469");
  f.vm->SubmitPin();
  CHECK(f.vm->pin_stage() == PinStage::kChoose);
  CHECK(f.vm->notice().id == "The two PINs differ. Please choose a PIN again.");
  CHECK_FALSE(HasTrainerPin(f.dir.path()));
  CHECK_FALSE(f.vm->exit_requested());
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  CHECK(f.vm->exit_requested());
  // Stored as `mintkiosk pin set` stores it: an Argon2id hash that the PIN check accepts.
  CHECK(test::ReadFile(f.dir.File("kiosk-pin")).rfind("$argon2id$", 0) == 0);
  CHECK(*VerifyTrainerPin(f.dir.path(), "2468"));
  CHECK_FALSE(*VerifyTrainerPin(f.dir.path(), "2469"));
  // From now on the prompt asks for that PIN.
  f.MakeViewModel();
  f.vm->RequestSettings();
  CHECK(f.vm->pin_stage() == PinStage::kEnter);
  f.TypeSlowly("1111");
  f.vm->SubmitPin();
  CHECK(f.vm->notice().id == "Wrong PIN.");
  CHECK(f.vm->screen() == Screen::kPinPrompt);
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  CHECK(f.vm->screen() == Screen::kSettings);
}

TEST_CASE("With no PIN set, the settings also need a PIN chosen first; a half-chosen PIN is forgotten", "[ui][viewmodel]") {
  KioskOptions options;
  options.kiosk_mode = false;  // a trainer's laptop: the window closes freely, the settings do not open freely
  KioskFixture f(options);
  f.vm->RequestSettings();
  REQUIRE(f.vm->pin_stage() == PinStage::kChoose);
  f.TypeSlowly("1357");
  f.vm->SubmitPin();
  REQUIRE(f.vm->pin_stage() == PinStage::kConfirm);
  // Walking away: the idle reset forgets the first typing.
  f.clock.Advance(61000);
  f.vm->Update();
  REQUIRE(f.vm->screen() == Screen::kHome);
  f.vm->RequestSettings();
  CHECK(f.vm->pin_stage() == PinStage::kChoose);
  f.TypeSlowly("1357");
  f.vm->SubmitPin();
  f.vm->CancelPin();
  CHECK(f.vm->screen() == Screen::kHome);
  CHECK_FALSE(HasTrainerPin(f.dir.path()));
  // Chosen twice: the settings open and say so.
  f.vm->RequestSettings();
  f.TypeSlowly("1357");
  f.vm->SubmitPin();
  f.TypeSlowly("1357");
  f.vm->SubmitPin();
  REQUIRE(f.vm->screen() == Screen::kSettings);
  CHECK(f.vm->notice().id == "The trainer PIN has been set.");
  CHECK_FALSE(f.vm->notice().is_error);
  CHECK(*VerifyTrainerPin(f.dir.path(), "1357"));
}

TEST_CASE("A PIN file gone or set elsewhere while the prompt shows lets nobody through", "[ui][viewmodel]") {
  KioskFixture f;
  REQUIRE(SetTrainerPin(f.dir.path(), "2468").ok());
  f.vm->OnCloseRequested();
  REQUIRE(f.vm->pin_stage() == PinStage::kEnter);
  REQUIRE(std::filesystem::remove(f.dir.File("kiosk-pin")));
  f.TypeSlowly("2468");
  f.vm->SubmitPin();
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(f.vm->pin_stage() == PinStage::kChoose);
  // `mintkiosk pin set` runs while a PIN is being chosen here: that PIN counts.
  f.TypeSlowly("1111");
  f.vm->SubmitPin();
  REQUIRE(f.vm->pin_stage() == PinStage::kConfirm);
  REQUIRE(SetTrainerPin(f.dir.path(), "9753").ok());
  f.TypeSlowly("1111");
  f.vm->SubmitPin();
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(f.vm->pin_stage() == PinStage::kEnter);
  CHECK(f.vm->notice().id == "A trainer PIN has been set meanwhile. Please type it.");
  CHECK(*VerifyTrainerPin(f.dir.path(), "9753"));
  f.TypeSlowly("9753");
  f.vm->SubmitPin();
  CHECK(f.vm->exit_requested());
}

TEST_CASE("Scrolling the results puts the keyboard away until the search field is tapped", "[ui][viewmodel]") {
  KioskFixture f;
  OpenRunningSession(f);
  CHECK(f.vm->keyboard_visible());
  f.TypeSlowly("An");
  f.vm->CollapseKeyboard();
  CHECK_FALSE(f.vm->keyboard_visible());
  CHECK(f.vm->keyboard_collapsed());
  f.TypeSlowly("n");  // a hardware keyboard still types into the field
  CHECK(f.vm->field(FieldId::kSearch).text() == "Ann");
  f.vm->Focus(FieldId::kSearch);
  CHECK(f.vm->keyboard_visible());
  f.vm->CollapseKeyboard();
  f.vm->ShowKeyboard();
  CHECK(f.vm->keyboard_visible());
  f.vm->CollapseKeyboard();
  f.vm->ResetForNextPerson();  // the next person starts with the keyboard
  f.vm->OpenSession(f.session_id);
  CHECK(f.vm->keyboard_visible());
  CHECK_FALSE(f.vm->keyboard_collapsed());
}
