// The screens driven headless through ImGui 1.86's input API: whole check-ins by clicks and typing.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <latch>

#include "client/screens/screens.h"
#include "client/screens/widgets.h"
#include "client/viewmodels/trainer_pin.h"
#include "kiosk_fixture.h"
#include "platform/fonts.h"
#include "sync/common/text_encoding.h"
#include "sync/common/utf8.h"

using namespace mk;
using namespace mk::client;
using test::Count;
using test::KioskFixture;

namespace {

constexpr int kKeyEnter = 13;
constexpr int kKeyBackspace = 8;

// An ImGui context with no renderer: frames are built and laid out, never drawn.
class HeadlessKiosk {
 public:
  HeadlessKiosk(KioskFixture& f, float width, float height, float scale = 1.0f) : f_(f) {
    auto de = i18n::Catalogue::Builtin(i18n::Language::kGerman);
    auto en = i18n::Catalogue::Builtin(i18n::Language::kEnglish);
    REQUIRE(de.ok());
    REQUIRE(en.ok());
    de_ = *de;
    en_ = *en;
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    if (!platform::LoadFonts(io, 20.0f * scale).ok()) io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    io.KeyMap[ImGuiKey_Enter] = kKeyEnter;
    io.KeyMap[ImGuiKey_KeyPadEnter] = 14;
    io.KeyMap[ImGuiKey_Backspace] = kKeyBackspace;
    io.KeyMap[ImGuiKey_V] = 'V';
    ui_.notes = &notes_;
    ui_.bold_font = platform::BoldFont(io);
    ui_.heading_fonts = platform::HeadingFonts(io);
    ui_.layout.scale = scale;
    Frame();
  }
  ~HeadlessKiosk() { ImGui::DestroyContext(context_); }

  void Frame() {
    f_.vm->Update();
    ui_.catalogue = f_.vm->language() == i18n::Language::kGerman ? &de_ : &en_;
    ImGui::NewFrame();
    DrawKiosk(ui_, *f_.vm);
    ImGui::Render();
  }

  bool Has(const std::string& name) const { return notes_.rects.count(name) > 0; }
  const WidgetRect& Rect(const std::string& name) const {
    INFO("widget " << name << " on screen " << notes_.screen);
    REQUIRE(Has(name));
    return notes_.rects.at(name);
  }
  const std::string& screen() const { return notes_.screen; }
  const WidgetNotes& notes() const { return notes_; }

  // A tap: move there, press, release, each in its own frame as a touch screen delivers it.
  void Click(const std::string& name) {
    const WidgetRect r = Rect(name);
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    INFO("widget " << name << " at " << r.cx() << "," << r.cy());
    REQUIRE(r.cx() >= 0);
    REQUIRE(r.cy() >= 0);
    REQUIRE(r.cx() < size.x);
    REQUIRE(r.cy() < size.y);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(r.cx(), r.cy());
    f_.clock.Advance(300);
    Frame();
    io.MouseDown[0] = true;
    f_.clock.Advance(80);
    Frame();
    io.MouseDown[0] = false;
    f_.clock.Advance(80);
    Frame();
    Frame();  // the frame that shows what the tap changed
  }
  // Types on the physical keyboard like a person (one character a frame, 150 ms apart).
  void Type(const std::string& text) {
    for (size_t pos = 0; pos < text.size();) {
      const size_t start = pos;
      utf8::DecodeNext(text, &pos);
      ImGui::GetIO().AddInputCharactersUTF8(text.substr(start, pos - start).c_str());
      f_.clock.Advance(150);
      Frame();
    }
    Frame();
  }
  // Taps keys of the on-screen keyboard by their labels.
  void TapKeys(const std::vector<std::string>& keys) {
    for (const std::string& k : keys) Click("key." + k);
  }
  void PressKey(int key) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[key] = true;
    Frame();
    io.KeysDown[key] = false;
    Frame();
    Frame();
  }
  // A USB scanner: the whole code in one frame, Enter in the next.
  void Scan(const std::string& code) {
    f_.clock.Advance(1000);
    ImGui::GetIO().AddInputCharactersUTF8(code.c_str());
    Frame();
    f_.clock.Advance(10);
    PressKey(kKeyEnter);
  }

 private:
  KioskFixture& f_;
  i18n::Catalogue de_;
  i18n::Catalogue en_;
  ImGuiContext* context_ = nullptr;
  WidgetNotes notes_;
  UiContext ui_;
};

bool IsText(const std::string& name) {
  return name == "sync" || name == "notice" || name == "idle.countdown" || name.rfind("confirmation.t", 0) == 0 ||
         name == "pin.choose" || name == "pin.confirm" || name.rfind("home.title.", 0) == 0 || name == "checkin.session";
}

// Taps a PIN on the keypad, then OK.
void TapPin(HeadlessKiosk& k, const std::string& pin) {
  for (char d : pin) k.Click(std::string("pin.") + d);
  k.Click("pin.ok");
}

// With no PIN set: chooses `pin` on the keypad, typed twice as the prompt asks.
void ChoosePinByTaps(HeadlessKiosk& k, const std::string& pin) {
  REQUIRE(k.screen() == "pin");
  REQUIRE(k.Has("pin.choose"));
  TapPin(k, pin);
  REQUIRE(k.Has("pin.confirm"));
  TapPin(k, pin);
}

// Whether any key of the on-screen keyboard is on screen.
bool KeyboardShown(const HeadlessKiosk& k) {
  for (const auto& [name, r] : k.notes().rects) {
    if (name.rfind("key.", 0) == 0) return true;
  }
  return false;
}

// Turns the mouse wheel over the scroll area noted as `area` until `name` is wholly inside it
// (a bounded number of turns); true when it is.
bool ScrollIntoView(HeadlessKiosk& k, const std::string& name, const std::string& area) {
  for (int turn = 0; turn < 30; ++turn) {
    const WidgetRect a = k.Rect(area);
    if (k.Has(name)) {
      const WidgetRect& r = k.Rect(name);
      if (r.y >= a.y - 0.5f && r.y + r.h <= a.y + a.h + 0.5f) return true;
    }
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(a.cx(), a.cy());
    io.MouseWheel = -1.0f;
    k.Frame();
    io.MouseWheel = 0.0f;
    k.Frame();
  }
  return false;
}

// Every named label (buttons, keys, one-line texts) fits the widget it is drawn in: nothing is
// cut off without an ellipsis.
void CheckLabelsFit(const HeadlessKiosk& k) {
  const float padding = 2 * ImGui::GetStyle().FramePadding.x;
  for (const auto& [name, label] : k.notes().labels) {
    auto it = k.notes().rects.find(name);
    if (it == k.notes().rects.end()) continue;  // not on screen
    const bool text_only = IsText(name);
    INFO(name << " '" << label << "' in " << it->second.w << " px on screen " << k.screen());
    CHECK(ImGui::CalcTextSize(label.c_str()).x + (text_only ? 0.0f : padding) <= it->second.w + 0.5f);
  }
}

}  // namespace

TEST_CASE("A whole check-in by taps on the tablet: session, on-screen keyboard, result", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  CHECK(k.screen() == "home");
  // No list of people on Home.
  for (const auto& [name, rect] : k.notes().rects) CHECK(name.rfind("checkin.result", 0) != 0);
  k.Click("home.session.0");
  REQUIRE(k.screen() == "checkin");
  CHECK_FALSE(k.Has("checkin.result.0"));  // and none before a search
  k.TapKeys({"A", "n", "n"});              // shift is on for the first letter
  CHECK(f.vm->field(FieldId::kSearch).text() == "Ann");
  REQUIRE(k.Has("checkin.result.0"));
  CHECK_FALSE(k.Has("checkin.result.1"));
  k.Click("checkin.result.0");
  REQUIRE(k.screen() == "confirmation");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE person_id = '" + f.anna + "' AND session_id = '" +
                                 f.session_id + "' AND method = 'kiosk_search'") == 1);
  // A second tap right away changes nothing; after the confirmation time Home is back.
  k.Click("confirmation.done");
  CHECK(k.screen() == "confirmation");
  f.clock.Advance(6000);
  k.Frame();
  k.Frame();
  CHECK(k.screen() == "home");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance") == 1);
}

TEST_CASE("A check-in on a phone by typing on a hardware keyboard", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 412, 915);
  k.Click("home.session.0");
  REQUIRE(k.screen() == "checkin");
  k.Type("Łuk");
  REQUIRE(k.Has("checkin.result.0"));
  k.PressKey(kKeyBackspace);
  CHECK(f.vm->field(FieldId::kSearch).text() == "Łu");
  k.Click("checkin.result.0");
  REQUIRE(k.screen() == "confirmation");
  CHECK(f.vm->confirmation().display_name == "Łukasz N.");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE person_id = '" + f.lukasz + "'") == 1);
}

TEST_CASE("A walk-in by taps and typing on the full-HD portrait kiosk", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1080, 1920);
  k.Click("home.session.0");
  k.Type("Zofia Wiśniewska");
  CHECK_FALSE(k.Has("checkin.result.0"));
  k.Click("checkin.walkin");
  REQUIRE(k.screen() == "walkin");
  k.Click("walkin.school");
  k.Type("Schule am See");
  k.PressKey(kKeyEnter);  // on to the email
  CHECK(f.vm->focused() == FieldId::kEmail);
  k.PressKey(kKeyEnter);  // done: the keyboard goes away
  CHECK_FALSE(k.Has("key.a"));
  k.Click("walkin.subject.physics");
  k.Click("walkin.submit");
  REQUIRE(k.screen() == "walkin");  // no consent yet
  CHECK(k.Has("notice"));
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE first_name = 'Zofia'") == 0);
  k.Click("walkin.consent");
  CHECK(f.vm->walk_in_consent());
  k.Click("walkin.submit");
  REQUIRE(k.screen() == "confirmation");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE first_name = 'Zofia' AND last_name = 'Wiśniewska' "
                             "AND school = 'Schule am See' AND subjects = 'physics' AND consent_data = 1") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE method = 'walk_in'") == 1);
}

TEST_CASE("A badge scanned on Home checks in without a tap", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1920, 1080);
  k.Scan(f.CodeOf(f.anton));
  REQUIRE(k.screen() == "confirmation");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE method = 'code'") == 1);
}

TEST_CASE("Closing needs the PIN, typed on the keypad", "[ui][screens]") {
  KioskFixture f;
  REQUIRE(SetTrainerPin(f.dir.path(), "2468").ok());
  HeadlessKiosk k(f, 1280, 800);
  f.vm->OnCloseRequested();
  k.Frame();
  k.Frame();
  REQUIRE(k.screen() == "pin");
  for (const char* d : {"2", "4", "6", "9"}) k.Click(std::string("pin.") + d);
  k.Click("pin.ok");
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(k.Has("notice"));
  for (const char* d : {"2", "4", "6", "8"}) k.Click(std::string("pin.") + d);
  k.Click("pin.ok");
  CHECK(f.vm->exit_requested());
}

TEST_CASE("While the server is asked the settings keep working and the enrol button takes no second tap", "[ui][screens]") {
  std::latch server_answers(1);
  std::atomic<int> calls{0};
  test::WakeSignal woken;
  KioskOptions options;
  options.enrol = [&](const std::string&, const std::string&, const std::atomic<bool>&) -> Status {
    ++calls;
    server_answers.wait();
    return Status(ErrorCode::kUnavailable, "the server did not answer");
  };
  options.wake_ui = [&] { woken.Notify(); };
  KioskFixture f(options);
  HeadlessKiosk k(f, 1280, 800);
  f.vm->RequestSettings();
  k.Frame();
  k.Frame();
  ChoosePinByTaps(k, "2468");  // no PIN set yet: one is chosen first
  REQUIRE(k.screen() == "settings");
  f.vm->Focus(FieldId::kServerUrl);
  f.TypeSlowly("https://mint.example.org");
  f.vm->Focus(FieldId::kEnrolCode);
  f.TypeSlowly("K7QX2-MHT9C");
  f.vm->Focus(FieldId::kNone);
  k.Frame();
  k.Frame();
  k.Click("settings.enrol");
  REQUIRE(f.vm->enrolling());
  CHECK(f.vm->notice().id == "Enrolling…");
  k.Click("settings.enrol");
  k.Click("settings.lang.en");  // the screen answers while the server does not
  CHECK(f.vm->draft_settings().language == i18n::Language::kEnglish);
  CHECK(f.vm->enrolling());
  server_answers.count_down();
  REQUIRE(woken.WaitFor(1));
  k.Frame();
  CHECK_FALSE(f.vm->enrolling());
  CHECK(calls == 1);
  CHECK(f.vm->notice().id == "The device was not enrolled: {0}");
  CHECK(k.Has("notice"));
}

TEST_CASE("Every screen fits every window with touch targets of 48 px or more", "[ui][screens]") {
  struct Size {
    float w, h, scale;
  };
  for (const Size size : {Size{412, 915, 1}, Size{1280, 800, 1}, Size{1920, 1080, 1}, Size{1080, 1920, 1}, Size{1920, 1080, 1.5f}}) {
    for (i18n::Language lang : {i18n::Language::kGerman, i18n::Language::kEnglish}) {
      KioskOptions options;
      options.language = lang;
      KioskFixture f(options);
      HeadlessKiosk k(f, size.w, size.h, size.scale);
      auto check_targets = [&]() {
        INFO("window " << size.w << "x" << size.h << " scale " << size.scale << " screen " << k.screen());
        CHECK(k.notes().rects.size() > 3);
        for (const auto& [name, r] : k.notes().rects) {
          INFO(name << " " << r.w << "x" << r.h << " at " << r.x << "," << r.y);
          // Nothing sticks out of the window, so no target is cut off at the side.
          CHECK(r.x >= -0.5f);
          CHECK(r.x + r.w <= size.w + 0.5f);
          if (IsText(name)) continue;
          CHECK(r.h >= 48.0f * size.scale - 0.5f);
        }
        CheckLabelsFit(k);
      };
      check_targets();
      k.Click("home.session.0");
      CHECK(k.screen() == "checkin");
      k.Type("An");
      check_targets();
      REQUIRE(ScrollIntoView(k, "checkin.walkin", size.w < 800 ? "checkin.results" : "checkin.walkin"));
      k.Click("checkin.walkin");
      CHECK(k.screen() == "walkin");
      check_targets();
      f.vm->ResetForNextPerson();
      f.vm->RequestSettings();
      k.Frame();
      k.Frame();
      CHECK(k.screen() == "pin");
      check_targets();
      // No PIN set yet: one is chosen (typed twice), then the settings open.
      TapPin(k, "2468");
      CHECK(k.Has("pin.confirm"));
      check_targets();
      TapPin(k, "2468");
      CHECK(k.screen() == "settings");
      check_targets();
      f.vm->ResetForNextPerson();
      k.Frame();
      k.Click("home.session.0");
      k.Type("Łuk");
      k.Click("checkin.result.0");
      CHECK(k.screen() == "confirmation");
      check_targets();
    }
  }
}

TEST_CASE("Every key of every keyboard page is a touch target in both directions", "[ui][screens]") {
  struct Size {
    float w, h, scale;
  };
  for (const Size size : {Size{412, 915, 1}, Size{1280, 800, 1}, Size{1920, 1080, 1}, Size{1080, 1920, 1},
                          Size{1920, 1080, 1.5f}}) {
    KioskFixture f;
    HeadlessKiosk k(f, size.w, size.h, size.scale);
    k.Click("home.session.0");
    REQUIRE(k.screen() == "checkin");
    const bool phone = size.w < 800;
    // Each page of the keyboard, reached by its page keys.
    const std::vector<std::string> pages =
        phone ? std::vector<std::string>{"", "key.page.symbols", "key.page.european", "key.page.european_more"}
              : std::vector<std::string>{"", "key.page.european"};
    for (const std::string& page_key : pages) {
      if (!page_key.empty()) k.Click(page_key);
      INFO("window " << size.w << "x" << size.h << " scale " << size.scale << " page " << page_key);
      int keys = 0;
      for (const auto& [name, r] : k.notes().rects) {
        if (name.rfind("key.", 0) != 0) continue;
        INFO(name << " " << r.w << "x" << r.h << " at " << r.x << "," << r.y);
        ++keys;
        // At least 48 px at scale 1 (the kiosk's touch target; 44 px is the least a finger needs).
        CHECK(r.w >= 48.0f * size.scale - 0.5f);
        CHECK(r.h >= 48.0f * size.scale - 0.5f);
        CHECK(r.x >= 0.0f);
        CHECK(r.x + r.w <= size.w + 0.5f);
        CHECK(r.y + r.h <= size.h + 0.5f);
      }
      CHECK(keys >= 20);
    }
    // The keys still type: on a phone a digit from the digit page, a letter after going back.
    if (phone) {
      k.Click("key.page.letters");
      k.Click("key.page.symbols");
      k.Click("key.7");
      k.Click("key.page.letters");
      k.Click("key.a");
      CHECK(f.vm->field(FieldId::kSearch).text() == "7a");
    }
  }
}

TEST_CASE("The tablet and kiosk keyboards keep QWERTZ rows of 11 keys; the phone's are split", "[ui][screens]") {
  KioskFixture f;
  // Shift is on for the first letter of a name: the letter keys show capitals.
  auto row_of = [](HeadlessKiosk& k, const std::string& key) { return k.Rect("key." + key).y; };
  {
    HeadlessKiosk k(f, 1280, 800);
    k.Click("home.session.0");
    CHECK(row_of(k, "Q") == row_of(k, "Ü"));
    CHECK(row_of(k, "A") == row_of(k, "Ä"));
    CHECK(k.Has("key.1"));  // digits on the letters page
    CHECK_FALSE(k.Has("key.page.symbols"));
  }
  f.vm->ResetForNextPerson();
  {
    HeadlessKiosk k(f, 412, 915);
    k.Click("home.session.0");
    CHECK(row_of(k, "Q") == row_of(k, "Z"));
    CHECK(row_of(k, "U") > row_of(k, "Z"));
    CHECK(row_of(k, "U") == row_of(k, "Ü"));
    CHECK_FALSE(k.Has("key.1"));
    CHECK(k.Has("key.page.symbols"));
  }
}

TEST_CASE("After the idle reset nothing of the previous person is on screen", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  k.Click("home.session.0");
  k.Type("Anna");
  REQUIRE(k.Has("checkin.result.0"));
  f.clock.Advance(51000);
  k.Frame();
  CHECK(k.Has("idle.countdown"));
  f.clock.Advance(10000);
  k.Frame();
  k.Frame();
  CHECK(k.screen() == "home");
  CHECK_FALSE(k.Has("idle.countdown"));
  k.Click("home.session.0");
  CHECK(k.screen() == "checkin");
  CHECK(f.vm->field(FieldId::kSearch).empty());
  CHECK_FALSE(k.Has("checkin.result.0"));
}

TEST_CASE("A walk-in on the tablet: the keyboard comes with a field and goes with a tap elsewhere", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  k.Click("home.session.0");
  k.Click("checkin.walkin");
  REQUIRE(k.screen() == "walkin");
  CHECK_FALSE(k.Has("key.a"));  // the whole form first
  CHECK(k.Has("walkin.submit"));
  k.Click("walkin.first");
  CHECK(k.Has("key.J"));        // shift for the capital letter
  k.Type("Jördis");
  k.Click("walkin.last");
  k.Type("Straßberger");
  k.Click("walkin.school");
  k.Type("Gesamtschule Nord");
  k.Click("walkin.subject.physics");
  CHECK_FALSE(k.Has("key.a"));
  k.Click("walkin.consent");
  k.Click("walkin.submit");
  REQUIRE(k.screen() == "confirmation");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE first_name = 'Jördis' AND last_name = 'Straßberger' "
                             "AND school = 'Gesamtschule Nord' AND consent_data = 1") == 1);
}

TEST_CASE("A scanner is recognised when the kiosk sees its characters a frame apart", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  k.Click("home.session.0");
  const std::string code = f.CodeOf(f.anton);
  f.clock.Advance(1000);
  for (char c : code) {  // one character a frame, a slow renderer's 30 ms apart
    ImGui::GetIO().AddInputCharactersUTF8(std::string(1, c).c_str());
    f.clock.Advance(30);
    k.Frame();
  }
  f.clock.Advance(30);
  k.PressKey(kKeyEnter);
  REQUIRE(k.screen() == "confirmation");
  CHECK(f.vm->confirmation().display_name == "Anton M.");
  CHECK(f.vm->field(FieldId::kSearch).empty());
}

TEST_CASE("A scrolled form starts at the top again for the next person", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  k.Click("home.session.0");
  k.Click("checkin.walkin");
  k.Click("walkin.first");  // the keyboard takes the room: the form scrolls
  const float top = k.Rect("walkin.first").y;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(k.Rect("walkin.first").cx(), k.Rect("walkin.first").cy());
  k.Frame();
  io.MouseWheel = -5.0f;
  k.Frame();
  io.MouseWheel = 0.0f;
  k.Frame();
  CHECK((!k.Has("walkin.first") || k.Rect("walkin.first").y < top));  // scrolled away
  f.clock.Advance(61000);
  k.Frame();
  k.Frame();
  REQUIRE(k.screen() == "home");
  k.Click("home.session.0");
  k.Click("checkin.walkin");
  k.Click("walkin.first");
  CHECK(k.Rect("walkin.first").y == top);
}

namespace {

constexpr const char* kLongTitle =
    "Ernährung und Gesundheit in beruflichen Bildungsgängen: Experimente von Ørsted bis Łukasiewicz für Ærøskøbing";
constexpr const char* kLongSchool =
    "Staatliches Berufliches Schulzentrum für Ernährung, Hauswirtschaft und Sozialwesen Müller-Ærøskøbing";

// A course with a long title, running now and again later today (its check-in not open yet).
void AddLongTitleSessions(KioskFixture& f) {
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = f.centre_id;
    course.code = "BI-330";
    course.title = kLongTitle;
    course.hours = 2;
    course.target_groups.push_back({store::Subject::kBiology, store::SchoolLevel::kUpperSecondary, store::Role::kTeacher});
    MK_ASSIGN_OR_RETURN(std::string course_id, store::InsertCourse(ctx, course));
    for (int64_t start : {test::kFixtureNowMs, test::kFixtureNowMs + 4 * 3600 * 1000}) {
      store::Session session;
      session.course_id = course_id;
      session.starts_at = start;
      session.ends_at = start + 2 * 3600 * 1000;
      session.room = "Raum 2.05 (Makerspace und Mathematikwerkstatt)";
      MK_ASSIGN_OR_RETURN(std::string id, store::InsertSession(ctx, session));
    }
    return Status::Ok();
  }).ok());
  f.vm->RefreshSessions();
}

// Eight teachers "Mül..." at schools with long names (Anna Müller of the fixture is the ninth).
void AddManyMuellers(KioskFixture& f) {
  for (const char* first : {"Birgit", "Bożena", "Jörg", "Łukasz", "Søren", "Åsa", "Ørjan", "Zoë"}) {
    f.AddPerson(first, "Müller", kLongSchool);
  }
}

bool EndsWithEllipsis(const std::string& s) {
  return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE2\x80\xA6") == 0;
}

}  // namespace

TEST_CASE("Long course titles on Home stay in their own column, beside the button, at every size", "[ui][screens]") {
  struct Size {
    float w, h, scale;
  };
  for (const Size size : {Size{412, 915, 1}, Size{1280, 800, 1}, Size{1920, 1080, 1.2f}, Size{1080, 1920, 1.2f}}) {
    for (i18n::Language lang : {i18n::Language::kGerman, i18n::Language::kEnglish}) {
      KioskOptions options;
      options.language = lang;
      KioskFixture f(options);
      AddLongTitleSessions(f);
      HeadlessKiosk k(f, size.w, size.h, size.scale);
      k.Frame();
      INFO("window " << size.w << "x" << size.h << " language " << static_cast<int>(lang));
      int long_titles = 0;
      for (size_t i = 0; i < f.vm->sessions().size(); ++i) {
        const std::string title = "home.title." + std::to_string(i);
        const std::string button = "home.session." + std::to_string(i);
        if (!k.Has(title) || !k.Has(button)) continue;
        const WidgetRect& t = k.Rect(title);
        const WidgetRect& b = k.Rect(button);
        INFO(f.vm->sessions()[i].title << ": title " << t.x << "+" << t.w << ", button " << b.x << "+" << b.w);
        if (f.vm->sessions()[i].title == kLongTitle) ++long_titles;
        CHECK(t.x + t.w <= size.w + 0.5f);
        const bool beside = b.y < t.y + t.h && t.y < b.y + b.h;
        if (beside) {
          CHECK(t.x + t.w <= b.x + 0.5f);  // the title wraps before the button
        } else {
          CHECK(b.y >= t.y + t.h - 0.5f);  // or the button is below it (a phone)
        }
      }
      CHECK(long_titles >= 1);
      CheckLabelsFit(k);  // "Check-in opens at 12:00" fits its button
    }
  }
}

TEST_CASE("Long school names in the results end with an ellipsis on every size", "[ui][screens]") {
  struct Size {
    float w, h;
  };
  for (const Size size : {Size{412, 915}, Size{1280, 800}, Size{1920, 1080}, Size{1080, 1920}}) {
    KioskFixture f;
    f.AddPerson("Łukasz", "Ørsted", kLongSchool);
    HeadlessKiosk k(f, size.w, size.h, WindowScale(size.w, size.h));
    k.Click("home.session.0");
    k.Type("Ørs");
    INFO("window " << size.w << "x" << size.h);
    REQUIRE(k.Has("checkin.result.0"));
    const std::string label = k.notes().labels.at("checkin.result.0");
    CHECK(label.rfind("Łukasz Ø.", 0) == 0);  // the name whole, the school shortened
    if (size.w < 1000) CHECK(EndsWithEllipsis(label));
    CHECK(IsValidUtf8(label));
    CheckLabelsFit(k);
    // The session line beside Back on a phone is one line, shortened too.
    if (size.w < 800) CHECK(k.Has("checkin.session"));
  }
}

TEST_CASE("On a phone the results have room above the keyboard, and scrolling them puts it away", "[ui][screens]") {
  KioskFixture f;
  AddManyMuellers(f);
  HeadlessKiosk k(f, 412, 915);
  k.Click("home.session.0");
  k.Type("Mül");
  REQUIRE(KeyboardShown(k));
  // Rows wholly inside the results list, whose bottom is above the keyboard.
  auto whole_rows = [&] {
    const WidgetRect& list = k.Rect("checkin.results");
    int n = 0;
    for (int i = 0; i < 8; ++i) {
      const std::string name = "checkin.result." + std::to_string(i);
      if (!k.Has(name)) continue;
      const WidgetRect& r = k.Rect(name);
      if (r.y >= list.y - 0.5f && r.y + r.h <= list.y + list.h + 0.5f) ++n;
    }
    return n;
  };
  float keyboard_top = 915;
  for (const auto& [name, r] : k.notes().rects) {
    if (name.rfind("key.", 0) == 0) keyboard_top = std::min(keyboard_top, r.y);
  }
  CHECK(k.Rect("checkin.results").y + k.Rect("checkin.results").h <= keyboard_top);
  const int with_keyboard = whole_rows();
  CHECK(with_keyboard >= 5);
  // A finger drags the list up: the keyboard goes, more rows show, nobody is checked in.
  ImGuiIO& io = ImGui::GetIO();
  const WidgetRect row = k.Rect("checkin.result.1");
  io.MousePos = ImVec2(row.cx(), row.cy());
  k.Frame();
  io.MouseDown[0] = true;
  k.Frame();
  for (int step = 1; step <= 6; ++step) {
    io.MousePos = ImVec2(row.cx(), row.cy() - 12.0f * static_cast<float>(step));
    f.clock.Advance(16);
    k.Frame();
  }
  io.MouseDown[0] = false;
  k.Frame();
  k.Frame();
  CHECK(k.screen() == "checkin");
  CHECK(f.AttendanceCount() == 0);
  CHECK_FALSE(KeyboardShown(k));
  REQUIRE(k.Has("checkin.keyboard"));
  CHECK(whole_rows() > with_keyboard);
  CHECK(whole_rows() == static_cast<int>(f.vm->results().size()));  // all of them
  // Every key and target is still at least 48 px; the keyboard comes back with a tap.
  CHECK(k.Rect("checkin.keyboard").h >= 47.5f);
  k.Click("checkin.keyboard");
  CHECK(KeyboardShown(k));
  CHECK(k.Rect("key.page.symbols").h >= 47.5f);
  // The walk-in and the code are below the results, reachable in the list.
  REQUIRE(ScrollIntoView(k, "checkin.walkin", "checkin.results"));
  k.Click("checkin.walkin");
  CHECK(k.screen() == "walkin");
}

TEST_CASE("With no PIN set, leaving the kiosk by taps needs a PIN chosen first", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 412, 915);
  f.vm->OnCloseRequested();
  k.Frame();
  k.Frame();
  REQUIRE(k.screen() == "pin");
  REQUIRE(k.Has("pin.choose"));
  k.Click("pin.ok");  // nothing typed: nobody gets through
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(k.Has("notice"));
  TapPin(k, "2468");
  REQUIRE(k.Has("pin.confirm"));
  TapPin(k, "1357");  // not the same: choose again
  CHECK_FALSE(f.vm->exit_requested());
  CHECK(k.Has("pin.choose"));
  CHECK_FALSE(HasTrainerPin(f.dir.path()));
  ChoosePinByTaps(k, "2468");
  CHECK(f.vm->exit_requested());
  CHECK(*VerifyTrainerPin(f.dir.path(), "2468"));
}

TEST_CASE("Ellipsize keeps whole characters and fits the width", "[ui][screens]") {
  KioskFixture f;
  HeadlessKiosk k(f, 1280, 800);
  ImGui::NewFrame();
  const std::string text = "Łukasz Ørsted, Ærøskøbing – Müller";
  const float full = ImGui::CalcTextSize(text.c_str()).x;
  CHECK(Ellipsize(text, full + 1) == text);
  for (float w = 8; w < full; w += 3) {
    const std::string cut = Ellipsize(text, w);
    INFO(w << " '" << cut << "'");
    CHECK(IsValidUtf8(cut));
    CHECK(ImGui::CalcTextSize(cut.c_str()).x <= w + 0.01f);
    if (!cut.empty()) CHECK(EndsWithEllipsis(cut));
  }
  CHECK(Ellipsize(text, 1.0f).empty());
  ImGui::EndFrame();
}
