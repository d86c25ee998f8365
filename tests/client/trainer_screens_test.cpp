// The trainer's side: the view-model's sign-in rules and a whole roster interaction driven
// headless through ImGui 1.86's input API (taps as a touch screen delivers them).
#include <catch2/catch.hpp>
#include <imgui.h>

#include "client/screens/screens.h"
#include "kiosk_fixture.h"
#include "platform/fonts.h"
#include "sync/common/utf8.h"
#include "sync/store/roster.h"

using namespace mk;
using namespace mk::client;
using test::Count;
using test::KioskFixture;

namespace {

constexpr int kKeyEnter = 13;

// Adds the trainer Jana Ørsted with PIN 4711, running the fixture's session (09:00-12:00).
std::string AddTrainer(KioskFixture& f, const std::string& pin = "4711") {
  store::Person p;
  p.centre_id = f.centre_id;
  p.kind = store::PersonKind::kTrainer;
  p.first_name = "Jana";
  p.last_name = "Ørsted";
  p.school = "MINT-Zentrum";
  std::string id;
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
                   MK_ASSIGN_OR_RETURN(id, store::InsertPerson(ctx, p));
                   MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare("UPDATE sessions SET trainer_id = ?1 WHERE id = ?2"));
                   st.Bind(1, id).Bind(2, f.session_id);
                   return st.Run();
                 }).ok());
  REQUIRE(SetPersonalTrainerPin(*f.store, id, pin).ok());
  return id;
}

store::RosterEntry EntryOf(KioskFixture& f, const std::string& person) {
  auto roster = store::ReadRoster(*f.store, f.session_id);
  REQUIRE(roster.ok());
  for (const store::RosterEntry& e : roster->entries) {
    if (e.person_id == person) return e;
  }
  FAIL("not on the roster");
  return {};
}

// An ImGui context with no renderer: frames are laid out, never drawn.
class Headless {
 public:
  Headless(KioskFixture& f, float width, float height) : f_(f) {
    de_ = *i18n::Catalogue::Builtin(i18n::Language::kGerman);
    en_ = *i18n::Catalogue::Builtin(i18n::Language::kEnglish);
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    if (!platform::LoadFonts(io, 20.0f).ok()) io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    io.KeyMap[ImGuiKey_Enter] = kKeyEnter;
    io.KeyMap[ImGuiKey_KeyPadEnter] = 14;
    io.KeyMap[ImGuiKey_Backspace] = 8;
    ui_.notes = &notes_;
    ui_.bold_font = platform::BoldFont(io);
    ui_.heading_fonts = platform::HeadingFonts(io);
    Frame();
  }
  ~Headless() { ImGui::DestroyContext(context_); }
  Headless(const Headless&) = delete;
  Headless& operator=(const Headless&) = delete;

  void Frame() {
    f_.vm->Update();
    ui_.catalogue = f_.vm->language() == i18n::Language::kGerman ? &de_ : &en_;
    ImGui::NewFrame();
    DrawKiosk(ui_, *f_.vm);
    ImGui::Render();
  }
  bool Has(const std::string& name) const { return notes_.rects.count(name) > 0; }
  const std::string& screen() const { return notes_.screen; }
  const WidgetNotes& notes() const { return notes_; }
  void Click(const std::string& name) {
    INFO("widget " << name << " on screen " << notes_.screen);
    REQUIRE(Has(name));
    const WidgetRect r = notes_.rects.at(name);
    const ImVec2 size = ImGui::GetIO().DisplaySize;
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
    Frame();
  }
  // Turns the mouse wheel over widget `name` (negative: towards the end), as a finger's drag would scroll.
  void Wheel(const std::string& name, float amount) {
    REQUIRE(Has(name));
    const WidgetRect r = notes_.rects.at(name);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(r.cx(), r.cy());
    Frame();
    io.MouseWheel = amount;
    Frame();
    io.MouseWheel = 0.0f;
    Frame();
    Frame();
  }
  void Type(const std::string& text) {
    for (size_t pos = 0; pos < text.size();) {
      const size_t start = pos;
      utf8::DecodeNext(text, &pos);
      ImGui::GetIO().AddInputCharactersUTF8(text.substr(start, pos - start).c_str());
      f_.clock.Advance(150);
      Frame();
    }
  }
  void Enter() {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[kKeyEnter] = true;
    Frame();
    io.KeysDown[kKeyEnter] = false;
    Frame();
  }
  void KeypadPin(const std::string& pin) {
    for (char c : pin) Click(std::string("trainer.pin.") + c);
    Click("trainer.pin.ok");
  }

 private:
  KioskFixture& f_;
  i18n::Catalogue de_;
  i18n::Catalogue en_;
  ImGuiContext* context_ = nullptr;
  WidgetNotes notes_;
  UiContext ui_;
};

bool AnyNoteStartsWith(const WidgetNotes& notes, const std::string& prefix) {
  for (const auto& [name, rect] : notes.rects) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Signs the trainer of AddTrainer in (PIN 4711), opens the first session's Materials tab and
// drops a file called `name` holding `bytes` onto the window: the add form shows.
void OpenAddMaterialForm(KioskFixture& f, Headless& k, const std::string& name, const std::string& bytes) {
  k.Click("home.trainer");
  k.Click("trainer.choose.0");
  k.KeypadPin("4711");
  REQUIRE(f.vm->trainer().signed_in());
  k.Click("trainer.session.0");
  k.Click("trainer.tab.materials");
  REQUIRE(f.vm->materials_panel() != nullptr);
  const std::string file = f.dir.File(name);
  test::WriteFile(file, bytes);
  f.vm->OnFilesDropped({file});
  k.Frame();
}

}  // namespace

TEST_CASE("Trainer sign-in lists trainers only, refuses wrong PINs with a wait, and signs out completely", "[ui][viewmodel]") {
  KioskFixture f;
  const std::string jana = AddTrainer(f);
  KioskViewModel& vm = *f.vm;
  vm.OpenTrainer();
  REQUIRE(vm.screen() == Screen::kTrainer);
  TrainerViewModel& t = vm.trainer();
  REQUIRE(t.trainers().size() == 1);  // Anna, Anton and Łukasz are teachers
  CHECK(t.trainers()[0].name == "Jana Ørsted");

  vm.ChooseTrainer(jana);
  CHECK(vm.focused() == FieldId::kTrainerPin);
  for (int i = 0; i < 3; ++i) {
    vm.OnText("0000");
    vm.SubmitTrainerPin();
    CHECK(t.notice().id == "Wrong PIN.");
    CHECK_FALSE(t.signed_in());
  }
  // The fourth try waits, even with the right PIN.
  vm.OnText("4711");
  vm.SubmitTrainerPin();
  CHECK(t.notice().id == "Too many wrong PINs. Please wait {0} seconds.");
  CHECK_FALSE(t.signed_in());
  CHECK(vm.field(FieldId::kTrainerPin).empty());
  f.clock.Advance(30 * 1000);
  vm.OnActivity();
  vm.OnText("4711");
  vm.SubmitTrainerPin();
  REQUIRE(t.signed_in());
  CHECK(t.trainer_name() == "Jana Ørsted");
  REQUIRE(t.sessions().size() == 1);  // only her session of today
  CHECK(t.sessions()[0].id == f.session_id);

  t.ChooseSession(f.session_id);
  REQUIRE(t.stage() == TrainerStage::kSession);
  t.Mark(f.anna, store::AttendanceStatus::kPresent);
  CHECK(t.can_undo());
  vm.TrainerSignOut();
  CHECK(vm.screen() == Screen::kHome);
  CHECK_FALSE(t.signed_in());
  CHECK(t.trainers().empty());
  CHECK(t.roster().empty());
  CHECK_FALSE(t.can_undo());
  CHECK(t.session_id().empty());
  CHECK(t.stage() == TrainerStage::kSignIn);
}

TEST_CASE("The kiosk's idle reset ends the trainer session", "[ui][viewmodel]") {
  KioskFixture f;
  const std::string jana = AddTrainer(f);
  KioskViewModel& vm = *f.vm;
  vm.OpenTrainer();
  vm.ChooseTrainer(jana);
  vm.OnText("4711");
  vm.SubmitTrainerPin();
  REQUIRE(vm.trainer().signed_in());
  vm.trainer().ChooseSession(f.session_id);
  vm.EditRosterNote(f.anna);
  vm.OnText("Zug");
  f.clock.Advance(61 * 1000);
  vm.Update();
  CHECK(vm.screen() == Screen::kHome);
  CHECK_FALSE(vm.trainer().signed_in());
  CHECK(vm.trainer().roster().empty());
  CHECK(vm.field(FieldId::kRosterNote).empty());
  CHECK(vm.trainer().editor() == RosterEditor::kNone);
}

TEST_CASE("A roster driven by taps: mark, undo, note, early leave, close", "[ui][screens]") {
  struct Size {
    float w, h;
  };
  for (const Size size : {Size{1280, 800}, Size{412, 915}}) {
    DYNAMIC_SECTION(size.w << "x" << size.h) {
      KioskFixture f;
      AddTrainer(f);
      Headless k(f, size.w, size.h);
      REQUIRE(k.screen() == "home");
      k.Click("home.trainer");
      REQUIRE(k.screen() == "trainer");
      CHECK_FALSE(k.Has("trainer.choose.1"));  // one trainer; no teacher is offered
      k.Click("trainer.choose.0");
      k.KeypadPin("1234");
      CHECK(f.vm->trainer().notice().id == "Wrong PIN.");
      k.KeypadPin("4711");
      REQUIRE(f.vm->trainer().signed_in());
      k.Click("trainer.session.0");
      REQUIRE(f.vm->trainer().stage() == TrainerStage::kSession);
      REQUIRE(k.Has("roster.0.present"));
      CHECK(k.Has("trainer.tab.materials"));
      CHECK(k.Has("roster.count.not_marked"));
      // Touch targets: every button of the roster is at least 48 px high.
      for (const auto& [name, rect] : k.notes().rects) {
        if (name.rfind("roster.0.", 0) == 0 && name != "roster.0.details") {
          INFO(name);
          CHECK(rect.h >= 48.0f);
          CHECK(rect.w >= 48.0f);
        }
      }

      // Anna (enrolled, not marked) is marked excused with one tap, then the tap is undone.
      k.Click("roster.0.excused");
      CHECK(EntryOf(f, f.anna).status == store::RosterStatus::kExcused);
      CHECK(EntryOf(f, f.anna).record->by_trainer);
      CHECK(f.vm->trainer().counts().excused == 1);
      k.Click("roster.undo");
      CHECK(EntryOf(f, f.anna).status == store::RosterStatus::kNotMarked);
      CHECK(f.vm->trainer().counts().not_marked == 1);
      k.Click("roster.0.late");
      CHECK(EntryOf(f, f.anna).status == store::RosterStatus::kLate);

      // A note typed on a hardware keyboard and saved with Enter.
      k.Click("roster.0.note");
      REQUIRE(k.Has("roster.note"));
      k.Type("Zug verspätet, Ärger mit der Bahn");
      k.Enter();
      CHECK(EntryOf(f, f.anna).record->attendance.note == "Zug verspätet, Ärger mit der Bahn");
      CHECK_FALSE(k.Has("roster.note"));

      // Early leave: a time outside the session is refused with a clear message, 11:30 is kept.
      k.Click("roster.0.left");
      REQUIRE(k.Has("roster.left_at"));
      CHECK(f.vm->field(FieldId::kRosterLeftAt).text() == "09:00");  // now, as a start
      f.vm->OnBackspace();
      f.vm->OnBackspace();
      f.vm->OnBackspace();
      f.vm->OnBackspace();
      f.vm->OnBackspace();
      k.Type("13:00");
      k.Click("roster.editor.save");
      CHECK(f.vm->trainer().notice().id ==
            "The time of leaving must lie between the start and the end of the session, after the check-in.");
      CHECK_FALSE(EntryOf(f, f.anna).record->attendance.left_at);
      for (int i = 0; i < 5; ++i) f.vm->OnBackspace();
      k.Type("11:30");
      k.Click("roster.editor.save");
      CHECK(EntryOf(f, f.anna).record->attendance.left_at == test::kFixtureNowMs + 150 * 60000);

      // Close with a confirmation; the roster is locked afterwards.
      k.Click("roster.close");
      CHECK(store::ReadTrainerSession(*f.store, f.session_id)->closed_at == std::nullopt);
      k.Click("roster.close.confirm");
      CHECK(store::ReadTrainerSession(*f.store, f.session_id)->closed_at.has_value());
      CHECK(f.vm->trainer().session_closed());
      k.Click("roster.0.present");  // disabled: nothing changes
      CHECK(EntryOf(f, f.anna).status == store::RosterStatus::kLate);

      // Sign out: Home, and nothing of the roster is drawn any more.
      k.Click("trainer.sign_out");
      CHECK(k.screen() == "home");
      CHECK_FALSE(AnyNoteStartsWith(k.notes(), "roster."));
      CHECK_FALSE(AnyNoteStartsWith(k.notes(), "trainer."));
      CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE status_by = 'trainer'") == 1);
    }
  }
}

TEST_CASE("Text boxes of the trainer's forms take the keys typed on a keyboard", "[ui][screens]") {
  KioskFixture f;
  AddTrainer(f);
  Headless k(f, 1280, 800);
  OpenAddMaterialForm(f, k, "Arbeitsblatt.pdf", "%PDF-1.4 Ein Arbeitsblatt zum Teilchenmodell\n");
  REQUIRE(k.Has("materials.form.description"));
  const std::string before = f.vm->materials_panel()->form().description.text();
  k.Click("materials.form.description");
  CHECK(f.vm->focused() == FieldId::kMaterialDescription);
  k.Type("Für Łukasz & Ørsted");
  // The keys reached the form's text box (through the kiosk's focus, past its scanner check).
  CHECK(f.vm->materials_panel()->form().description.text() == before + "Für Łukasz & Ørsted");
  CHECK(f.vm->trainer().signed_in());
  CHECK(f.vm->focused() == FieldId::kMaterialDescription);
}

namespace {

// Taps `text` on the on-screen keyboard (wide form) key by key, as a finger on a touch-only
// kiosk: the page of European letters and shift as each letter needs them.
void TapKeys(Headless& k, KioskFixture& f, const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    utf8::DecodeNext(text, &pos);
    const std::string ch = text.substr(start, pos - start);
    INFO("typing " << ch);
    if (ch == " ") {
      k.Click("key.space");
      continue;
    }
    // Which page and shift state have this letter.
    bool found = false;
    for (const KeyboardPage page : {KeyboardPage::kLetters, KeyboardPage::kEuropean}) {
      for (const bool shift : {false, true}) {
        OnScreenKeyboard probe;
        probe.Press({KeyAction::kPage, "", 1.0f, page});
        probe.SetShift(shift);
        for (const auto& row : probe.Rows(KeyboardForm::kWide)) {
          for (const KeyboardKey& key : row) {
            if (found || key.action != KeyAction::kText || key.text != ch) continue;
            found = true;
            if (f.vm->keyboard().ShownPage(KeyboardForm::kWide) != page) {
              k.Click(page == KeyboardPage::kLetters ? "key.page.letters" : "key.page.european");
            }
            if (f.vm->keyboard().shift() != shift) k.Click("key.shift");
            k.Click("key." + ch);
          }
        }
      }
    }
    REQUIRE(found);
  }
}

}  // namespace

TEST_CASE("A touch-only trainer types a material's title and the certificates folder on the on-screen keyboard",
          "[ui][screens]") {
  KioskFixture f;
  AddTrainer(f);
  Headless k(f, 1280, 800);
  OpenAddMaterialForm(f, k, "Exkursion.pdf", "%PDF-1.4 Exkursion nach Ærøskøbing\n");
  REQUIRE(k.Has("materials.form.title"));
  CHECK_FALSE(k.Has("key.space"));  // no keyboard before a field is tapped

  // A tap on the title: the kiosk's keyboard shows, with the form above it.
  k.Click("materials.form.title");
  CHECK(f.vm->focused() == FieldId::kMaterialTitle);
  REQUIRE(k.Has("key.space"));
  REQUIRE(k.Has("key.page.european"));
  CHECK(k.notes().rects.at("materials.form.title").y + k.notes().rects.at("materials.form.title").h <=
        k.notes().rects.at("key.q").y);
  const std::string prefilled = f.vm->materials_panel()->form().title.text();
  CHECK(prefilled == "Exkursion");
  for (size_t i = 0; i < utf8::Length(prefilled); ++i) k.Click("key.backspace");
  CHECK(f.vm->materials_panel()->form().title.empty());
  TapKeys(k, f, "Ærøskøbing Müller");
  CHECK(f.vm->materials_panel()->form().title.text() == "Ærøskøbing Müller");
  // OK moves on to the description; a hardware keyboard types there as well.
  k.Click("key.enter");
  CHECK(f.vm->focused() == FieldId::kMaterialDescription);
  k.Type("Łukasz");
  CHECK(f.vm->materials_panel()->form().description.text() == "Łukasz");

  // Another tab: the form's focus and the keyboard go; back again, nothing is typed by accident.
  k.Click("trainer.tab.roster");
  CHECK(f.vm->focused() == FieldId::kNone);
  CHECK_FALSE(k.Has("key.space"));
  k.Click("trainer.tab.materials");
  k.Wheel("materials.form.title", -10.0f);  // the form is longer than the window: its end
  REQUIRE(k.Has("materials.form.submit"));
  CHECK_FALSE(k.Has("key.space"));
  k.Click("materials.form.submit");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM materials WHERE title = 'Ærøskøbing Müller' AND description = 'Łukasz'") == 1);
  CHECK_FALSE(k.Has("key.space"));

  // The certificates folder: a folder name typed key by key after the proposed folder.
  k.Click("trainer.tab.certificates");
  REQUIRE(k.Has("certificates.folder"));
  test::TempDir out;
  f.vm->certificates_panel().SetFolder(out.path());
  k.Click("certificates.folder");
  CHECK(f.vm->focused() == FieldId::kCertificatesFolder);
  REQUIRE(k.Has("key.space"));
  TapKeys(k, f, "/Ærøskøbing Müller");
  CHECK(f.vm->certificates_panel().folder() == out.path() + "/Ærøskøbing Müller");
  k.Click("key.backspace");
  k.Type("r 2");  // and a hardware keyboard
  CHECK(f.vm->certificates_panel().folder() == out.path() + "/Ærøskøbing Müller 2");
  k.Click("key.enter");  // OK puts the keyboard away
  CHECK(f.vm->focused() == FieldId::kNone);
  CHECK_FALSE(k.Has("key.space"));
}
