// The view-model's building blocks: text fields, scanner detection, idle timer, keyboard, settings, PIN, sync state.
#include <catch2/catch.hpp>

#include <set>

#include <sys/stat.h>

#include "client/viewmodels/idle_timer.h"
#include "client/viewmodels/kiosk_settings.h"
#include "client/viewmodels/kiosk_view_model.h"
#include "client/viewmodels/on_screen_keyboard.h"
#include "client/viewmodels/scanner_detector.h"
#include "client/viewmodels/sync_indicator.h"
#include "client/viewmodels/text_field.h"
#include "client/viewmodels/trainer_pin.h"
#include "sync/common/utf8.h"
#include "tests/support/test_support.h"

using namespace mk;
using namespace mk::client;

TEST_CASE("A text field keeps text a person can see, and no more of it than fits", "[ui][viewmodel]") {
  TextField f(10);
  f.Append("Grüße");
  CHECK(f.text() == "Grüße");
  f.Backspace();
  CHECK(f.text() == "Grüß");
  f.Append("\x01\xE2\x80\xAE\xFF!");  // a control, a bidi override, a malformed byte
  CHECK(f.text() == "Grüß!");
  CHECK(f.Append(std::string(1000, 'x')));
  CHECK(utf8::Length(f.text()) == 10);
  f.Set("a\nb");
  CHECK(f.text() == "a b");
  f.Clear();
  f.Backspace();
  CHECK(f.empty());
}

TEST_CASE("A scanner is told from a person by the speed of the keys", "[ui][viewmodel]") {
  ScannerDetector d;
  // A scanner: all characters within a few milliseconds, then Enter.
  int64_t t = 1000;
  CHECK(d.OnChar("A", t));
  for (char c : std::string("BC7XYZ")) CHECK_FALSE(d.OnChar(std::string(1, c), t += 3));
  CHECK(d.OnEnter(t + 5) == std::optional<std::string>("ABC7XYZ"));
  // A person: 150 ms per key.
  for (char c : std::string("anna")) d.OnChar(std::string(1, c), t += 150);
  CHECK_FALSE(d.OnEnter(t + 150));
  // Too short for a code.
  d.OnChar("a", t += 1000);
  d.OnChar("b", t);
  CHECK_FALSE(d.OnEnter(t));
  // A pause before Enter: not a scanner.
  for (char c : std::string("ABCDEF")) d.OnChar(std::string(1, c), t += 1);
  CHECK_FALSE(d.OnEnter(t + 500));
}

TEST_CASE("The idle timer counts down the last seconds and any touch extends it", "[ui][viewmodel]") {
  IdleTimer timer(60000, 10000);
  timer.Touch(0);
  CHECK_FALSE(timer.CountdownSeconds(49999));
  CHECK(timer.CountdownSeconds(50000) == 10);
  CHECK(timer.CountdownSeconds(50001) == 10);
  CHECK(timer.CountdownSeconds(59001) == 1);
  CHECK(timer.NextChangeInMs(0) == 50000);
  CHECK(timer.NextChangeInMs(55500) == 500);
  CHECK_FALSE(timer.Expired(59999));
  timer.Touch(55000);
  CHECK_FALSE(timer.CountdownSeconds(60000));
  CHECK(timer.Expired(115000));
}

TEST_CASE("The on-screen keyboard is QWERTZ with umlauts and a page of European letters", "[ui][viewmodel]") {
  OnScreenKeyboard k;
  auto labels = [&]() {
    std::string all;
    for (const auto& row : k.Rows())
      for (const auto& key : row) all += key.text + " ";
    return all;
  };
  const std::string letters = labels();
  for (const char* l : {"q w e r t z", "ü", "ö ä", "y x c", "ß", "-", "'"}) CHECK(letters.find(l) != std::string::npos);
  KeyboardKey shift{KeyAction::kShift, "", 1};
  CHECK(k.Press(shift).empty());
  CHECK(labels().find("Ü") != std::string::npos);
  CHECK(k.Press({KeyAction::kText, "Ü", 1}) == "Ü");
  CHECK_FALSE(k.shift());  // one-shot
  CHECK(k.Press({KeyAction::kPage, "", 1, KeyboardPage::kEuropean}).empty());
  CHECK(k.page() == OnScreenKeyboard::Page::kEuropean);
  k.SetShift(true);
  const std::string european = labels();
  for (const char* l : {"É", "È", "Ê", "Á", "À", "Ç", "Ñ", "Ł", "Ś", "Ż", "Ź", "Ć", "Ń", "Ø", "Å", "Æ", "Œ", "Š", "Č", "Ř",
                        "Ž", "Ő", "Ű", "İ", "Ğ", "Ş", "Ț", "Ș"}) {
    INFO(l);
    CHECK(european.find(l) != std::string::npos);
  }
  k.Reset();
  CHECK(k.page() == OnScreenKeyboard::Page::kLetters);
  CHECK_FALSE(k.shift());
}

namespace {

// Every character the text keys of the pages of `form` type, with shift off and on.
std::multiset<std::string> Characters(KeyboardForm form, const std::vector<KeyboardPage>& pages) {
  std::multiset<std::string> all;
  for (const KeyboardPage page : pages) {
    for (const bool shift : {false, true}) {
      OnScreenKeyboard k;
      k.Press({KeyAction::kPage, "", 1, page});
      k.SetShift(shift);
      for (const auto& row : k.Rows(form)) {
        for (const auto& key : row) {
          if (key.action == KeyAction::kText) all.insert(key.text);
        }
      }
    }
  }
  return all;
}

}  // namespace

TEST_CASE("The compact keyboard has at most 7 keys a row and every letter of the wide one", "[ui][viewmodel]") {
  using Page = KeyboardPage;
  for (const Page page : {Page::kLetters, Page::kSymbols, Page::kEuropean, Page::kEuropeanMore}) {
    OnScreenKeyboard k;
    k.Press({KeyAction::kPage, "", 1, page});
    CHECK(k.ShownPage(KeyboardForm::kCompact) == page);
    const auto rows = k.Rows(KeyboardForm::kCompact);
    float bottom_units = 0;
    for (const auto& key : rows.back()) bottom_units += key.width;
    CHECK(bottom_units == 7.5f);  // the same key size on every page
    for (const auto& row : rows) {
      CHECK(row.size() <= static_cast<size_t>(OnScreenKeyboard::kCompactMaxKeysPerRow));
      float units = 0;
      for (const auto& key : row) units += key.width;
      CHECK(units <= 7.5f);
    }
    // Every page leads back to the letters, and has space, backspace and OK.
    bool letters = page == Page::kLetters;
    int space = 0;
    int backspace = 0;
    int enter = 0;
    for (const auto& key : rows.back()) {
      letters = letters || (key.action == KeyAction::kPage && key.target == Page::kLetters);
      space += key.action == KeyAction::kSpace;
      backspace += key.action == KeyAction::kBackspace;
      enter += key.action == KeyAction::kEnter;
    }
    CHECK(letters);
    CHECK(space == 1);
    CHECK(backspace == 1);
    CHECK(enter == 1);
  }
  // The same characters as the wide keyboard, each once, only on more pages.
  const auto wide_letters = Characters(KeyboardForm::kWide, {Page::kLetters});
  const auto compact_letters = Characters(KeyboardForm::kCompact, {Page::kLetters, Page::kSymbols});
  for (const std::string& c : wide_letters) {
    INFO(c);
    CHECK(compact_letters.count(c) == wide_letters.count(c));
  }
  CHECK(Characters(KeyboardForm::kWide, {Page::kEuropean}) ==
        Characters(KeyboardForm::kCompact, {Page::kEuropean, Page::kEuropeanMore}));
  // QWERTZ in halves: the first row starts q w e r t z, the second u i o p ü.
  OnScreenKeyboard k;
  const auto rows = k.Rows(KeyboardForm::kCompact);
  std::string first;
  for (const auto& key : rows[0]) first += key.text;
  std::string second;
  for (const auto& key : rows[1]) second += key.text;
  CHECK(first == "qwertz");
  CHECK(second == "uiopü");
}

TEST_CASE("The wide keyboard types folders: _ and / beside the space bar of the letters page", "[ui][viewmodel]") {
  OnScreenKeyboard k;
  for (const KeyboardPage page : {KeyboardPage::kLetters, KeyboardPage::kEuropean}) {
    k.Press({KeyAction::kPage, "", 1, page});
    const auto rows = k.Rows(KeyboardForm::kWide);
    // OK in the same place on both pages: the bottom row is 11 units, OK the last 2.
    float units = 0;
    float space_end = 0;
    for (const auto& key : rows.back()) {
      units += key.width;
      if (key.action == KeyAction::kSpace) space_end = units;
    }
    CHECK(units == 11.0f);
    CHECK(rows.back().back().action == KeyAction::kEnter);
    CHECK(rows.back().back().width == 2.0f);
    std::string texts;
    for (const auto& key : rows.back()) texts += key.action == KeyAction::kText ? key.text : "";
    if (page == KeyboardPage::kLetters) {
      CHECK(texts == "_/");
      CHECK(space_end == 8.0f);
    } else {
      CHECK(texts.empty());
      CHECK(space_end == 9.0f);
    }
  }
  // Shift does not change them.
  k.Press({KeyAction::kPage, "", 1, KeyboardPage::kLetters});
  k.SetShift(true);
  const auto shifted = k.Rows(KeyboardForm::kWide);
  for (const auto& key : shifted.back()) {
    if (key.action != KeyAction::kText) continue;
    CHECK((key.text == "_" || key.text == "/"));
  }
  // The phone's keyboard has both on its page of digits and punctuation.
  const auto compact = Characters(KeyboardForm::kCompact, {KeyboardPage::kSymbols});
  CHECK(compact.count("_") == 2);
  CHECK(compact.count("/") == 2);
}

TEST_CASE("A page the form does not have shows as its nearest one", "[ui][viewmodel]") {
  OnScreenKeyboard k;
  k.Press({KeyAction::kPage, "", 1, KeyboardPage::kSymbols});
  CHECK(k.ShownPage(KeyboardForm::kWide) == KeyboardPage::kLetters);  // digits are on the letters page
  k.Press({KeyAction::kPage, "", 1, KeyboardPage::kEuropeanMore});
  CHECK(k.ShownPage(KeyboardForm::kWide) == KeyboardPage::kEuropean);
  CHECK(k.ShownPage(KeyboardForm::kCompact) == KeyboardPage::kEuropeanMore);
}

TEST_CASE("Kiosk settings are saved atomically and read back", "[ui][viewmodel]") {
  test::TempDir dir;
  auto defaults = LoadKioskSettings(dir.path());
  REQUIRE(defaults.ok());
  CHECK(defaults->idle_seconds == 60);
  KioskSettings s;
  s.idle_seconds = 90;
  s.language = i18n::Language::kEnglish;
  s.ui_scale = 1.5f;
  s.server_url = "https://mint.example.org";
  REQUIRE(SaveKioskSettings(dir.path(), s).ok());
  auto back = LoadKioskSettings(dir.path());
  REQUIRE(back.ok());
  CHECK(*back == s);
  s.idle_seconds = 5;
  CHECK_FALSE(SaveKioskSettings(dir.path(), s).ok());
  s.idle_seconds = 90;
  s.server_url = "ftp://x";
  CHECK_FALSE(SaveKioskSettings(dir.path(), s).ok());
  CHECK(LoadKioskSettings(dir.path())->server_url == "https://mint.example.org");
  test::WriteFile(dir.File("kiosk.json"), "{not json");
  CHECK(LoadKioskSettings(dir.path()).status().code() == ErrorCode::kCorrupt);
}

TEST_CASE("The trainer PIN is stored as a hash only, readable by the owner only", "[ui][viewmodel]") {
  test::TempDir dir;
  CHECK_FALSE(HasTrainerPin(dir.path()));
  CHECK(VerifyTrainerPin(dir.path(), "1234").status().code() == ErrorCode::kNotFound);
  CHECK_FALSE(SetTrainerPin(dir.path(), "12a4").ok());
  CHECK_FALSE(SetTrainerPin(dir.path(), "123").ok());
  CHECK_FALSE(SetTrainerPin(dir.path(), "1234567890123").ok());
  REQUIRE(SetTrainerPin(dir.path(), "4711").ok());
  const std::string stored = test::ReadFile(dir.File("kiosk-pin"));
  CHECK(stored.find("4711") == std::string::npos);
  CHECK(stored.rfind("$argon2", 0) == 0);
  struct stat st{};
  REQUIRE(::stat(dir.File("kiosk-pin").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(*VerifyTrainerPin(dir.path(), "4711"));
  CHECK_FALSE(*VerifyTrainerPin(dir.path(), "4712"));
  CHECK_FALSE(*VerifyTrainerPin(dir.path(), ""));
}

TEST_CASE("Wrong PINs slow down further tries", "[ui][viewmodel]") {
  PinAttemptLimiter limiter;
  limiter.RecordFailure(0);
  limiter.RecordFailure(0);
  CHECK(limiter.WaitMs(0) == 0);
  limiter.RecordFailure(0);
  CHECK(limiter.WaitMs(0) == 30000);
  CHECK(limiter.WaitMs(30000) == 0);
  limiter.RecordFailure(30000);
  CHECK(limiter.WaitMs(30000) == 60000);
  for (int i = 0; i < 20; ++i) limiter.RecordFailure(100000);
  CHECK(limiter.WaitMs(100000) == 600000);
  limiter.RecordSuccess();
  CHECK(limiter.WaitMs(100000) == 0);
}

TEST_CASE("The sync indicator tells only what is true today", "[ui][viewmodel]") {
  test::TempDir dir;
  CHECK(ReadSyncIndicator(dir.path()).state == SyncIndicator::State::kNoServer);
  test::WriteFile(dir.File("server.json"), R"({"url": "https://user@mint.example.org:8443/api"})");
  const SyncIndicator s = ReadSyncIndicator(dir.path());
  CHECK(s.state == SyncIndicator::State::kConnectedNotSynced);
  CHECK(s.host == "mint.example.org");
  test::WriteFile(dir.File("server.json"), "garbage");
  CHECK(ReadSyncIndicator(dir.path()).state == SyncIndicator::State::kConnectedNotSynced);
}

TEST_CASE("Search results show the first name and the initial of the last name", "[ui][viewmodel]") {
  CHECK(ShortDisplayName("Anna", "Müller") == "Anna M.");
  CHECK(ShortDisplayName("Łukasz", "Ørsted") == "Łukasz Ø.");
  CHECK(ShortDisplayName(" Jean  Luc ", "  ") == "Jean Luc");
}
