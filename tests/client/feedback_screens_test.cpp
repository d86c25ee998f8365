// The anonymous survey on the kiosk and the trainer's Feedback and Certificates tabs: view-model
// rules and whole interactions driven headless through ImGui 1.86's input API.
#include <catch2/catch.hpp>
#include <imgui.h>

#include "client/screens/screens.h"
#include "kiosk_fixture.h"
#include "platform/fonts.h"
#include "sync/common/utf8.h"
#include "sync/feedback/feedback_store.h"

using namespace mk;
using namespace mk::client;
using test::Count;
using test::KioskFixture;

namespace {

constexpr int64_t kMinute = 60 * 1000;

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
    io.KeyMap[ImGuiKey_Enter] = 13;
    io.KeyMap[ImGuiKey_KeyPadEnter] = 14;
    io.KeyMap[ImGuiKey_Backspace] = 8;
    ui_.notes = &notes_;
    ui_.bold_font = platform::BoldFont(io);
    ui_.heading_fonts = platform::HeadingFonts(io);
    Frame();
  }
  ~Headless() { ImGui::DestroyContext(context_); }

  void Frame() {
    f_.vm->Update();
    ui_.catalogue = f_.vm->language() == i18n::Language::kGerman ? &de_ : &en_;
    ImGui::NewFrame();
    DrawKiosk(ui_, *f_.vm);
    ImGui::Render();
  }
  bool Has(const std::string& name) const { return notes_.rects.count(name) > 0; }
  WidgetRect Rect(const std::string& name) const {
    INFO("widget " << name << " on screen " << notes_.screen);
    REQUIRE(Has(name));
    return notes_.rects.at(name);
  }
  const std::string& screen() const { return notes_.screen; }
  // Drags the scroll area up with a finger until the widget's centre is in the upper 60 % of
  // the window (a phone shows the form in parts). Bounded: a few drags at most.
  void ScrollTo(const std::string& name) {
    ImGuiIO& io = ImGui::GetIO();
    const float h = io.DisplaySize.y;
    for (int i = 0; i < 20 && (!Has(name) || Rect(name).cy() > h * 0.6f); ++i) {
      io.MousePos = ImVec2(io.DisplaySize.x / 2, h * 0.7f);
      Frame();
      io.MouseDown[0] = true;
      Frame();
      for (int step = 0; step < 4; ++step) {
        io.MousePos.y -= h * 0.05f;
        Frame();
      }
      io.MouseDown[0] = false;
      Frame();
      Frame();
    }
  }
  // A tap at the widget's centre: move, press, release, each in a frame of its own.
  void Click(const std::string& name, int64_t advance_ms = 300) {
    ClickAt(Rect(name), advance_ms);
  }
  void ClickAt(const WidgetRect& r, int64_t advance_ms = 300) {
    ImGuiIO& io = ImGui::GetIO();
    REQUIRE(r.cy() < io.DisplaySize.y);
    io.MousePos = ImVec2(r.cx(), r.cy());
    f_.clock.Advance(advance_ms);
    Frame();
    io.MouseDown[0] = true;
    f_.clock.Advance(40);
    Frame();
    io.MouseDown[0] = false;
    f_.clock.Advance(40);
    Frame();
    Frame();
  }

 private:
  KioskFixture& f_;
  i18n::Catalogue de_;
  i18n::Catalogue en_;
  ImGuiContext* context_ = nullptr;
  UiContext ui_;
  WidgetNotes notes_;
};

// The fixture's session runs 09:00-12:00; at 11:50 it is in its last 15 minutes.
void GoToSessionEnd(KioskFixture& f) {
  f.clock.Advance(170 * kMinute);
  f.vm->RefreshSessions();
}

int64_t FeedbackRows(KioskFixture& f) { return Count(f.store->db(), "SELECT count(*) FROM feedback"); }

std::string AddTrainer(KioskFixture& f) {
  store::Person p;
  p.centre_id = f.centre_id;
  p.kind = store::PersonKind::kTrainer;
  p.first_name = "Jana";
  p.last_name = "Ørsted";
  std::string id;
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(id, store::InsertPerson(ctx, p));
    MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare("UPDATE sessions SET trainer_id = ?1"));
    st.Bind(1, id);
    return st.Run();
  }).ok());
  REQUIRE(SetPersonalTrainerPin(*f.store, id, "4711").ok());
  return id;
}

void SignInTrainer(KioskFixture& f, const std::string& trainer) {
  f.vm->OpenTrainer();
  f.vm->ChooseTrainer(trainer);
  f.vm->OnText("4711");
  f.vm->SubmitTrainerPin();
  REQUIRE(f.vm->trainer().signed_in());
  f.vm->trainer().ChooseSession(f.session_id);
  REQUIRE(f.vm->trainer().stage() == TrainerStage::kSession);
}

void AddAnswers(KioskFixture& f, int n) {
  auto session = f.store->GetSession(f.session_id);
  REQUIRE(session.ok());
  for (int i = 0; i < n; ++i) {
    feedback::AnswerSet a;
    a.id = feedback::NewAnswerSetId(session->session);
    a.session_id = f.session_id;
    a.likert = {{"useful", 1 + i % 5}, {"overall", 4}};
    a.free_text = i == 0 ? "Mehr Zeit für Experimente" : "";
    REQUIRE(feedback::SubmitAnswers(*f.store, a).ok());
  }
}

TEST_CASE("Home offers the survey only near a session's end", "[ui][viewmodel][feedback]") {
  KioskFixture f;
  CHECK(f.vm->survey().offers().empty());  // 09:00, the session has just begun
  f.clock.Advance(164 * kMinute);
  f.vm->RefreshSessions();
  CHECK(f.vm->survey().offers().empty());
  f.clock.Advance(1 * kMinute);  // 11:45
  f.vm->RefreshSessions();
  REQUIRE(f.vm->survey().offers().size() == 1);
  CHECK(f.vm->survey().offers()[0].session_id == f.session_id);
  f.clock.Advance(15 * kMinute + 119 * kMinute);  // 13:59: ended 1 h 59 min ago
  f.vm->RefreshSessions();
  CHECK(f.vm->survey().offers().size() == 1);
  f.clock.Advance(1 * kMinute);
  f.vm->RefreshSessions();
  CHECK(f.vm->survey().offers().empty());
}

TEST_CASE("A survey is stored once, anonymously, and the kiosk thanks and returns", "[ui][viewmodel][feedback]") {
  KioskFixture f;
  GoToSessionEnd(f);
  KioskViewModel& vm = *f.vm;
  vm.OpenSurvey(0);
  REQUIRE(vm.screen() == Screen::kSurvey);
  // Nothing answered: refused with a calm hint, nothing stored.
  vm.SubmitSurvey();
  CHECK(vm.notice().id == "Please rate at least one statement or write a few words.");
  CHECK(FeedbackRows(f) == 0);
  vm.RateSurvey(0, 4);
  vm.RateSurvey(1, 5);
  vm.RateSurvey(1, 5);  // the same again takes it back
  vm.RateSurvey(4, 3);
  CHECK(vm.survey().ratings() == std::vector<int>{4, 0, 0, 0, 3});
  vm.Focus(FieldId::kSurveyText);
  f.TypeSlowly("Gut erklärt, Łukasz!");
  vm.SubmitSurvey();
  REQUIRE(vm.screen() == Screen::kSurveyThanks);
  CHECK(vm.field(FieldId::kSurveyText).empty());
  vm.SubmitSurvey();  // a second tap: ignored
  CHECK(FeedbackRows(f) == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM feedback WHERE answers_json = "
                             "'{\"likert\":{\"overall\":3,\"useful\":4},\"text\":\"Gut erklärt, Łukasz!\"}'") == 1);
  // The thank-you returns to Home by itself.
  f.clock.Advance(6000);
  vm.Update();
  CHECK(vm.screen() == Screen::kHome);
  CHECK_FALSE(vm.survey().open());
}

TEST_CASE("The idle reset forgets a half-filled survey", "[ui][viewmodel][feedback]") {
  KioskFixture f;
  GoToSessionEnd(f);
  KioskViewModel& vm = *f.vm;
  const int generation = vm.generation();
  vm.OpenSurvey(0);
  vm.RateSurvey(2, 1);
  vm.Focus(FieldId::kSurveyText);
  f.TypeSlowly("halb");
  f.clock.Advance(61 * 1000);
  vm.Update();
  CHECK(vm.screen() == Screen::kHome);
  CHECK(vm.generation() != generation);
  CHECK_FALSE(vm.survey().open());
  CHECK(vm.survey().ratings().empty());
  CHECK(vm.field(FieldId::kSurveyText).empty());
  CHECK(FeedbackRows(f) == 0);
  // Opened again, it starts empty.
  vm.OpenSurvey(0);
  CHECK(vm.survey().ratings() == std::vector<int>(5, 0));
}

TEST_CASE("The survey screen: big rating buttons, the keyboard, one answer for a double tap", "[ui][feedback]") {
  for (const auto& [w, h] : {std::pair{1280.0f, 800.0f}, std::pair{412.0f, 915.0f}}) {
    DYNAMIC_SECTION(w << "x" << h) {
      KioskFixture f;
      GoToSessionEnd(f);
      Headless ui(f, w, h);
      REQUIRE(ui.Has("home.survey.0"));
      ui.Click("home.survey.0");
      REQUIRE(ui.screen() == "survey");
      for (int v = 1; v <= 5; ++v) {
        const WidgetRect r = ui.Rect("survey.item.0." + std::to_string(v));
        CHECK(r.w >= 48.0f);
        CHECK(r.h >= 48.0f);
      }
      ui.Click("survey.item.0.5");
      CHECK(f.vm->survey().ratings()[0] == 5);
      ui.ScrollTo("survey.text");
      ui.Click("survey.text");
      REQUIRE(f.vm->focused() == FieldId::kSurveyText);
      REQUIRE(ui.Has("key.g"));
      for (const char* k : {"g", "u", "t"}) ui.Click(std::string("key.") + k, 150);
      CHECK(f.vm->field(FieldId::kSurveyText).text() == "gut");
      // OK on the keyboard puts it away, so the send button shows.
      if (ui.Has("key.enter")) ui.Click("key.enter");
      // The send button may be below the fold on a phone.
      ui.ScrollTo("survey.submit");
      const WidgetRect submit = ui.Rect("survey.submit");
      ui.ClickAt(submit);
      REQUIRE(ui.screen() == "survey-thanks");
      // A second tap of the same finger right after: nothing more is stored, the thanks stay.
      ui.ClickAt(submit, 100);
      CHECK(ui.screen() == "survey-thanks");
      CHECK(FeedbackRows(f) == 1);
      ui.Click("survey.done", 1000);
      CHECK(ui.screen() == "home");
    }
  }
}

TEST_CASE("The Feedback tab hides the numbers below 5 answers and schedules the follow-up", "[ui][feedback]") {
  KioskFixture f;
  const std::string jana = AddTrainer(f);
  AddAnswers(f, 4);
  SignInTrainer(f, jana);
  f.vm->trainer().SetTab(TrainerTab::kFeedback);
  Headless ui(f, 1280, 800);
  REQUIRE(ui.screen() == "trainer");
  CHECK(ui.Has("feedback.not_enough"));
  CHECK_FALSE(ui.Has("feedback.count"));
  AddAnswers(f, 1);
  ui.Click("feedback.refresh");
  CHECK(ui.Has("feedback.count"));
  CHECK_FALSE(ui.Has("feedback.not_enough"));
  REQUIRE(f.vm->feedback_panel().summary());
  CHECK(f.vm->feedback_panel().summary()->answer_sets == 5);

  // The later session today (14:00) is offered for the follow-up.
  REQUIRE(f.vm->feedback_panel().follow_up_choices().size() == 1);
  ui.Click("feedback.follow_up.0");
  CHECK(Count(f.store->db(), "SELECT follow_up FROM sessions WHERE id = '" + f.later_session_id + "'") == 1);
  CHECK(f.vm->feedback_panel().follow_up_choices()[0].scheduled);
  ui.Click("feedback.kind.follow_up");
  CHECK(ui.Has("feedback.not_enough"));
}

TEST_CASE("The Certificates tab writes the session's certificates into the chosen folder", "[ui][certificates]") {
  KioskOptions options;
  options.font_dir = "/usr/share/fonts/truetype/dejavu";
  KioskFixture f(options);
  const std::string jana = AddTrainer(f);
  store::CheckInRequest r;
  r.session_id = f.session_id;
  r.person_id = f.anna;
  REQUIRE(f.store->CheckIn(r).ok());
  f.clock.Advance(190 * kMinute);  // 12:10: the session is over
  SignInTrainer(f, jana);
  f.vm->trainer().SetTab(TrainerTab::kCertificates);
  test::TempDir out;
  f.vm->certificates_panel().Show(f.session_id);
  f.vm->certificates_panel().SetFolder(out.path());
  Headless ui(f, 1280, 800);
  ui.Click("certificates.lang.en");
  ui.Click("certificates.issue");
  REQUIRE(f.vm->certificates_panel().outcome());
  CHECK(f.vm->certificates_panel().outcome()->written == 1);
  CHECK(ui.Has("certificates.outcome"));
  CHECK(platform::FileSystem::Real().Exists(out.File("Certificate of attendance - Anna Müller - 2026-11-27.pdf")));
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates") == 1);
  // A folder that is not there: a clear notice, nothing written.
  f.vm->certificates_panel().SetFolder(out.File("gone"));
  ui.Click("certificates.issue");
  CHECK(f.vm->certificates_panel().notice().id == "The folder {0} does not exist.");
}

}  // namespace
