// mk_screenshots: renders every kiosk screen at the four target sizes in German and English into PNG files.
//
// Usage: mk_screenshots OUTPUT_DIR     (run with SDL_VIDEODRIVER=offscreen, or under Xvfb)
// Seeds the demo centre into a temporary directory with the built mintkiosk, drives the real
// view-model into each state and draws the real screens in a real window; writes
// SCREEN-LANG-WxH.png (home-de-1280x800.png, ...).
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "client/i18n/catalogue.h"
#include "client/screens/screens.h"
#include "client/viewmodels/kiosk_view_model.h"
#include "client/viewmodels/trainer_pin.h"
#include "platform/app_window.h"
#include "platform/fonts.h"
#include "sync/common/clock.h"
#include "sync/feedback/feedback_store.h"
#include "sync/files/material_library.h"
#include "sync/store/roster.h"
#include "sync/store/store.h"
#include "tests/support/test_support.h"

namespace {

using mk::client::KioskViewModel;
namespace i18n = mk::i18n;

constexpr const char* kPin = "2468";

struct Size {
  int width, height;
};

// One state of the kiosk: a name for the file and how to get there from a fresh view-model.
struct Shot {
  const char* name;
  std::function<void(KioskViewModel&)> prepare;
  bool compact_keyboard_only = false;  // a state only the phone's compact keyboard has
  bool without_pin = false;            // drawn with no trainer PIN set yet
};

std::string FirstOpenSession(const KioskViewModel& vm) {
  for (const auto& s : vm.sessions()) {
    if (s.open) return s.id;
  }
  return vm.sessions().empty() ? std::string() : vm.sessions().front().id;
}

void OpenAndSearch(KioskViewModel& vm, const char* text) {
  vm.OpenSession(FirstOpenSession(vm));
  vm.Focus(mk::client::FieldId::kSearch);
  vm.OnText(text);
}

// The survey and the trainer's Feedback tab need a session near its end with answers, and a
// trainer with a personal PIN: PrepareFeedback makes them in the demo data and notes them here.
std::string g_feedback_session;
std::string g_feedback_trainer;
constexpr const char* kTrainerPin = "4711";

void OpenSurveyShot(KioskViewModel& vm) {
  const auto& offers = vm.survey().offers();
  for (size_t i = 0; i < offers.size(); ++i) {
    if (offers[i].session_id == g_feedback_session && offers[i].kind == mk::feedback::SurveyKind::kEndOfSession) {
      vm.OpenSurvey(i);
    }
  }
  vm.RateSurvey(0, 4);
  vm.RateSurvey(1, 5);
  vm.RateSurvey(3, 4);
  vm.Focus(mk::client::FieldId::kSurveyText);
  vm.OnText(vm.language() == i18n::Language::kGerman ? "Mehr Zeit f\xC3\xBCr eigene Experimente"
                                                     : "More time for our own experiments");
  vm.Focus(mk::client::FieldId::kNone);  // the keyboard put away: the whole survey shows
}

void OpenTrainerTab(KioskViewModel& vm, mk::client::TrainerTab tab) {
  vm.OpenTrainer();
  vm.ChooseTrainer(g_feedback_trainer);
  vm.OnText(kTrainerPin);
  vm.SubmitTrainerPin();
  vm.trainer().ChooseSession(g_feedback_session);
  vm.trainer().SetTab(tab);
}

// A session of the demo's first course that ends in 10 minutes, with a trainer (PIN 4711) and
// seven anonymous answer sets.
mk::Status PrepareFeedback(mk::store::Store& store) {
  const int64_t now = mk::SystemClock::Instance()->NowMs();
  MK_ASSIGN_OR_RETURN(mk::store::Centre centre, store.HomeCentre());
  MK_ASSIGN_OR_RETURN(mk::store::Statement pick, store.db().Prepare(
      "SELECT c.id, (SELECT id FROM people WHERE centre_id = c.centre_id AND kind = 'trainer' ORDER BY id LIMIT 1) "
      "FROM courses c WHERE c.centre_id = ?1 "
      "AND EXISTS (SELECT 1 FROM sessions s WHERE s.course_id = c.id AND s.starts_at > ?2) ORDER BY c.title LIMIT 1"));
  // Ends 5 to 10 minutes from now, on a round time; its course has a later session (the follow-up).
  const int64_t five = 5 * 60 * 1000;
  const int64_t ends = (now / five) * five + 2 * five;
  pick.Bind(1, centre.id).Bind(2, ends);
  MK_ASSIGN_OR_RETURN(bool row, pick.Step());
  if (!row) return mk::NotFound("the demo centre has no course");
  const std::string course = pick.ColumnText(0);
  g_feedback_trainer = pick.ColumnText(1);
  MK_RETURN_IF_ERROR(store.Write([&](mk::store::WriteContext& ctx) -> mk::Status {
    mk::store::Session s;
    s.course_id = course;
    s.starts_at = ends - 180 * 60 * 1000;
    s.ends_at = ends;
    s.room = "Raum 1.12";
    MK_ASSIGN_OR_RETURN(g_feedback_session, mk::store::InsertSession(ctx, s));
    MK_ASSIGN_OR_RETURN(mk::store::Statement t, ctx.db.Prepare("UPDATE sessions SET trainer_id = ?1 WHERE id = ?2"));
    t.Bind(1, g_feedback_trainer).Bind(2, g_feedback_session);
    return t.Run();
  }));
  MK_RETURN_IF_ERROR(mk::client::SetPersonalTrainerPin(store, g_feedback_trainer, kTrainerPin));
  MK_ASSIGN_OR_RETURN(mk::store::SessionView session, store.GetSession(g_feedback_session));
  const int ratings[7][5] = {{5, 4, 5, 5, 5}, {4, 4, 5, 3, 4}, {5, 5, 4, 4, 5}, {3, 2, 4, 3, 3},
                             {4, 5, 5, 5, 4}, {5, 4, 4, 4, 5}, {4, 3, 5, 2, 4}};
  const char* texts[7] = {"Mehr Zeit f\xC3\xBCr eigene Experimente", "", "Die Materialien zum Mitnehmen sind super.", "",
                          "Gern eine Fortsetzung im Fr\xC3\xBChjahr", "", "Der Raum war zu warm."};
  const auto& items = mk::feedback::DefaultSurveyTemplate(mk::feedback::SurveyKind::kEndOfSession).items;
  for (int i = 0; i < 7; ++i) {
    mk::feedback::AnswerSet a;
    a.id = mk::feedback::NewAnswerSetId(session.session);
    a.session_id = g_feedback_session;
    for (size_t k = 0; k < items.size() && k < 5; ++k) a.likert[items[k].id] = ratings[i][k];
    a.free_text = texts[i];
    MK_RETURN_IF_ERROR(mk::feedback::SubmitAnswers(store, a).status());
  }
  return mk::Status::Ok();
}

// The trainer's roster: the demo's session running now, its trainer with PIN 4711, a few people
// checked in at the kiosk, some decided by the trainer, a note and an early leave.
std::string g_roster_session;
std::string g_roster_trainer;

mk::Status PrepareRoster(mk::store::Store& store) {
  const int64_t now = mk::SystemClock::Instance()->NowMs();
  MK_ASSIGN_OR_RETURN(mk::store::Centre centre, store.HomeCentre());
  MK_ASSIGN_OR_RETURN(mk::store::Statement pick, store.db().Prepare(
      "SELECT s.id, s.trainer_id FROM sessions s JOIN courses c ON c.id = s.course_id "
      "WHERE c.centre_id = ?1 AND s.starts_at <= ?2 AND ?2 < s.ends_at AND s.trainer_id IS NOT NULL "
      "AND s.id <> ?3 AND EXISTS (SELECT 1 FROM enrolments e WHERE e.session_id = s.id) ORDER BY s.starts_at LIMIT 1"));
  pick.Bind(1, centre.id).Bind(2, now).Bind(3, g_feedback_session);
  MK_ASSIGN_OR_RETURN(bool row, pick.Step());
  if (!row) return mk::NotFound("the demo centre has no session running now");
  g_roster_session = pick.ColumnText(0);
  g_roster_trainer = pick.ColumnText(1);
  MK_RETURN_IF_ERROR(mk::client::SetPersonalTrainerPin(store, g_roster_trainer, kTrainerPin));
  MK_ASSIGN_OR_RETURN(mk::store::Roster roster, mk::store::ReadRoster(store, g_roster_session));
  for (size_t i = 0; i < roster.entries.size(); ++i) {
    const std::string& person = roster.entries[i].person_id;
    if (i % 5 == 0 || i % 5 == 2 || i % 5 == 3) {
      MK_RETURN_IF_ERROR(store.CheckIn({g_roster_session, person, mk::store::CheckInMethod::kKioskSearch}).status());
    }
    if (i == 1) MK_RETURN_IF_ERROR(mk::store::MarkStatus(store, g_roster_session, person, mk::store::AttendanceStatus::kExcused).status());
    if (i == 1) MK_RETURN_IF_ERROR(mk::store::SetNote(store, g_roster_session, person, "Krankmeldung per E-Mail").status());
    if (i == 3) MK_RETURN_IF_ERROR(mk::store::MarkStatus(store, g_roster_session, person, mk::store::AttendanceStatus::kLate).status());
    if (i == 6) MK_RETURN_IF_ERROR(mk::store::MarkStatus(store, g_roster_session, person, mk::store::AttendanceStatus::kAbsent).status());
    if (i == 2) {
      const int64_t ends = roster.session.view.session.ends_at;
      const int64_t left = std::max(now + 60 * 1000, ends - 45 * 60 * 1000);
      if (left < ends) MK_RETURN_IF_ERROR(mk::store::SetLeftAt(store, g_roster_session, person, left).status());
    }
  }
  return mk::Status::Ok();
}

void SignInTrainer(KioskViewModel& vm) {
  vm.OpenTrainer();
  vm.ChooseTrainer(g_roster_trainer);
  vm.OnText(kTrainerPin);
  vm.SubmitTrainerPin();
}

void OpenRoster(KioskViewModel& vm) {
  SignInTrainer(vm);
  vm.trainer().ChooseSession(g_roster_session);
}

// The trainer's sign-in, sessions and roster.
const std::vector<Shot>& RosterShots() {
  static const std::vector<Shot> shots = {
      {"trainer-signin", [](KioskViewModel& vm) { vm.OpenTrainer(); }},
      {"trainer-pin",
       [](KioskViewModel& vm) {
         vm.OpenTrainer();
         vm.ChooseTrainer(g_roster_trainer);
         vm.OnText("47");
       }},
      {"trainer-sessions", SignInTrainer},
      {"trainer-roster", OpenRoster},
      {"trainer-roster-note",
       [](KioskViewModel& vm) {
         OpenRoster(vm);
         if (!vm.trainer().roster().empty()) vm.EditRosterNote(vm.trainer().roster()[0].person_id);
         vm.OnText(vm.language() == i18n::Language::kGerman ? "Bringt n\xC3\xA4""chstes Mal den Laptop mit"
                                                            : "Brings the laptop next time");
       }},
      {"trainer-roster-close",
       [](KioskViewModel& vm) {
         OpenRoster(vm);
         vm.trainer().RequestClose();
       }},
  };
  return shots;
}

const std::vector<Shot>& Shots() {
  static const std::vector<Shot> shots = {
      {"home", [](KioskViewModel&) {}},
      {"checkin", [](KioskViewModel& vm) { vm.OpenSession(FirstOpenSession(vm)); }},
      {"checkin-results", [](KioskViewModel& vm) { OpenAndSearch(vm, "Mül"); }},
      {"checkin-nobody", [](KioskViewModel& vm) { OpenAndSearch(vm, "Xyzzyq"); }},
      {"checkin-scrolled",
       [](KioskViewModel& vm) {
         // The results scrolled with a finger: the keyboard made room for them.
         OpenAndSearch(vm, "Mül");
         vm.CollapseKeyboard();
       }},
      {"checkin-european",
       [](KioskViewModel& vm) {
         vm.OpenSession(FirstOpenSession(vm));
         vm.PressKey({mk::client::KeyAction::kPage, "", 1, mk::client::KeyboardPage::kEuropean});
       }},
      {"checkin-european-more",
       [](KioskViewModel& vm) {
         vm.OpenSession(FirstOpenSession(vm));
         vm.PressKey({mk::client::KeyAction::kPage, "", 1, mk::client::KeyboardPage::kEuropeanMore});
       },
       true},
      {"checkin-digits",
       [](KioskViewModel& vm) {
         vm.OpenSession(FirstOpenSession(vm));
         vm.PressKey({mk::client::KeyAction::kPage, "", 1, mk::client::KeyboardPage::kSymbols});
       },
       true},
      {"confirmation",
       [](KioskViewModel& vm) {
         // A different teacher each time: the same one again would be "already checked in".
         static size_t next = 0;
         OpenAndSearch(vm, "Mül");
         if (!vm.results().empty()) vm.ChooseResult(next++ % vm.results().size());
       }},
      {"walkin",
       [](KioskViewModel& vm) {
         vm.OpenSession(FirstOpenSession(vm));
         vm.StartWalkIn();
       }},
      {"walkin-errors",
       [](KioskViewModel& vm) {
         vm.OpenSession(FirstOpenSession(vm));
         vm.StartWalkIn();
         vm.SubmitWalkIn();
       }},
      {"pin", [](KioskViewModel& vm) { vm.RequestSettings(); }},
      {"pin-choose", [](KioskViewModel& vm) { vm.RequestSettings(); }, false, true},
      {"pin-confirm",
       [](KioskViewModel& vm) {
         vm.RequestSettings();
         vm.OnText(kPin);
         vm.SubmitPin();
       },
       false, true},
      {"settings",
       [](KioskViewModel& vm) {
         vm.RequestSettings();
         vm.OnText(kPin);
         vm.SubmitPin();
       }},
      {"settings-enrolling",
       [](KioskViewModel& vm) {
         vm.RequestSettings();
         vm.OnText(kPin);
         vm.SubmitPin();
         vm.Focus(mk::client::FieldId::kServerUrl);
         vm.OnText("https://mint.example.org:8470");
         vm.Focus(mk::client::FieldId::kEnrolCode);
         vm.OnText("K7QX2-MHT9C");
         vm.Focus(mk::client::FieldId::kNone);
         vm.EnrolDevice();  // the server answers only when the view-model goes
       }},
  };
  return shots;
}

// The anonymous survey and the trainer's Feedback and Certificates tabs.
const std::vector<Shot>& FeedbackShots() {
  static const std::vector<Shot> shots = {
      {"survey", OpenSurveyShot},
      {"trainer-feedback", [](KioskViewModel& vm) { OpenTrainerTab(vm, mk::client::TrainerTab::kFeedback); }},
      {"trainer-certificates",
       [](KioskViewModel& vm) {
         OpenTrainerTab(vm, mk::client::TrainerTab::kCertificates);
         vm.certificates_panel().Show(g_feedback_session);
         vm.certificates_panel().SetFolder("/media/INTENSO/Bescheinigungen");  // a USB stick
       }},
  };
  return shots;
}

// The trainer's Materials tab of the feedback session: two materials ready, one on its way,
// one whose download failed, and the LAN share switched on.
mk::Status PrepareMaterials(mk::store::Store& store, const std::string& data, const std::string& temp) {
  MK_ASSIGN_OR_RETURN(mk::sync::MaterialLibrary library, mk::sync::MaterialLibrary::Open(store, data + "/files"));
  struct File {
    const char* name;
    const char* title;
    const char* licence;
    const char* purpose;
    size_t size;
  };
  const File files[] = {
      {"Arbeitsblatt Magnetfelder nach \xC3\x98rsted.pdf", "Magnetfelder nach \xC3\x98rsted", "CC BY 4.0", "Arbeitsblatt", 48 * 1024},
      {"Versuchsanleitung Kompass.odt", "Versuchsanleitung: Kompass selbst bauen", "CC BY-SA 4.0", "Versuchsanleitung",
       17 * 1024},
  };
  for (const File& f : files) {
    const std::string path = temp + "/" + f.name;
    mk::test::WriteFile(path, std::string(f.size, 'M'));
    mk::sync::AddMaterialRequest request;
    request.path = path;
    request.session_id = g_feedback_session;
    request.title = f.title;
    request.licence = f.licence;
    request.purpose = f.purpose;
    MK_RETURN_IF_ERROR(library.Add(request).status());
  }
  // Two whose files come from the server: one 40 % there, one failed.
  const std::string film(2500 * 1000, 'F');
  const std::string data_sheet(9000, 'D');
  const mk::Status rows = store.Write([&](mk::store::WriteContext& ctx) -> mk::Status {
    mk::store::Material m;
    m.session_id = g_feedback_session;
    m.title = "Windkraft in \xC3\x86r\xC3\xB8sk\xC3\xB8""bing (Film)";
    m.file_name = "Windkraft \xC3\x86r\xC3\xB8sk\xC3\xB8""bing.mp4";
    m.licence = "CC BY-NC 4.0";
    m.purpose = "Zum Weiterlesen";
    m.size_bytes = static_cast<int64_t>(film.size());
    m.sha256 = mk::sync::Sha256Hex(film);
    MK_RETURN_IF_ERROR(mk::store::InsertMaterial(ctx, m).status());
    m.title = "Messwerte \xC5\x81ukasz";
    m.file_name = "Messwerte.csv";
    m.licence = "CC0 1.0";
    m.purpose = "Arbeitsblatt";
    m.size_bytes = static_cast<int64_t>(data_sheet.size());
    m.sha256 = mk::sync::Sha256Hex(data_sheet);
    return mk::store::InsertMaterial(ctx, m).status();
  });
  MK_RETURN_IF_ERROR(rows);
  MK_RETURN_IF_ERROR(library.blobs().AppendChunk(mk::sync::Sha256Hex(film), 0, film.substr(0, 1000 * 1000)));
  return mk::sync::RecordFileFailures(data + "/files", {{mk::sync::Sha256Hex(data_sheet),
                                                        "the downloaded file did not match its SHA-256; it is sent again",
                                                        mk::sync::FileFailure::kDamaged,
                                                        {}}});
}

const std::vector<Shot>& MaterialsShots() {
  static const std::vector<Shot> shots = {
      {"trainer-materials",
       [](KioskViewModel& vm) {
         OpenTrainerTab(vm, mk::client::TrainerTab::kMaterials);
         mk::client::MaterialsViewModel* m = vm.materials_panel();
         if (m == nullptr) return;
         m->SetSession(g_feedback_session, false);
         m->SetLanguage(vm.language());
         m->SetLanShare(true);
       }},
  };
  return shots;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "mk_screenshots: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mk_screenshots OUTPUT_DIR\n");
    return 2;
  }
  const std::string out_dir = argv[1];
  mk::test::TempDir temp;
  const std::string data = temp.File("data");
  const auto seeded = mk::test::Run({mk::test::BinPath("mintkiosk"), "--data", data, "demo", "--teachers", "2000"});
  if (seeded.exit_code != 0) return Fail("seeding the demo centre failed: " + seeded.err);
  if (mk::Status s = mk::client::SetTrainerPin(data, kPin); !s.ok()) return Fail(s.message());
  auto store = mk::store::Store::Open(data + "/mintkiosk.db", mk::SystemClock::Instance());
  if (!store.ok()) return Fail(store.status().message());
  if (mk::Status s = PrepareFeedback(**store); !s.ok()) return Fail("preparing the feedback shots: " + s.message());
  if (mk::Status s = PrepareMaterials(**store, data, temp.path()); !s.ok()) {
    return Fail("preparing the materials shots: " + s.message());
  }
  if (mk::Status s = PrepareRoster(**store); !s.ok()) return Fail("preparing the roster shots: " + s.message());
  auto german = i18n::Catalogue::Builtin(i18n::Language::kGerman);
  auto english = i18n::Catalogue::Builtin(i18n::Language::kEnglish);
  if (!german.ok() || !english.ok()) return Fail("the built-in catalogues did not load");

  const Size sizes[] = {{412, 915}, {1280, 800}, {1920, 1080}, {1080, 1920}};
  int written = 0;
  for (const Size& size : sizes) {
    mk::platform::WindowOptions options;
    options.title = "mintkiosk screenshots";
    options.width = size.width;
    options.height = size.height;
    auto window = mk::platform::AppWindow::Create(options);
    if (!window.ok()) return Fail(window.status().message());
    for (const i18n::Language language : {i18n::Language::kGerman, i18n::Language::kEnglish}) {
      const char* lang = language == i18n::Language::kGerman ? "de" : "en";
      std::vector<Shot> all = Shots();
      all.insert(all.end(), FeedbackShots().begin(), FeedbackShots().end());
      all.insert(all.end(), MaterialsShots().begin(), MaterialsShots().end());
      all.insert(all.end(), RosterShots().begin(), RosterShots().end());
      for (const Shot& shot : all) {
        const bool compact = mk::client::ComputeLayout(static_cast<float>(size.width), static_cast<float>(size.height),
                                                       mk::client::WindowScale(static_cast<float>(size.width),
                                                                               static_cast<float>(size.height)))
                                 .compact_keyboard;
        if (shot.compact_keyboard_only && !compact) continue;
        // The trainer PIN is set for every state but the ones that show choosing it.
        const std::string pin_file = data + "/kiosk-pin";
        if (shot.without_pin) {
          std::filesystem::remove(pin_file);
        } else if (!std::filesystem::exists(pin_file)) {
          if (mk::Status s = mk::client::SetTrainerPin(data, kPin); !s.ok()) return Fail(s.message());
        }
        mk::client::KioskOptions kiosk;
        kiosk.data_dir = data;
        kiosk.kiosk_mode = true;
        kiosk.language = language;
        // The LAN share of the materials shot: on loopback only, with the address a centre's
        // Wi-Fi would give.
        kiosk.materials.lan_addresses = [] {
          return std::vector<mk::platform::LanAddress>{{"wlan0", "192.168.178.23", true}};
        };
        kiosk.materials.lan_bind_address = "127.0.0.1";
        // As in the kiosk: enrolment is offered. This server never answers; the request is
        // abandoned when the view-model goes.
        kiosk.enrol = [](const std::string&, const std::string&, const std::atomic<bool>& cancel) {
          cancel.wait(false);
          return mk::Status(mk::ErrorCode::kUnavailable, "abandoned");
        };
        auto vm = KioskViewModel::Create(**store, *mk::SystemClock::Instance(), kiosk);
        if (!vm.ok()) return Fail(vm.status().message());
        KioskViewModel& model = **vm;
        const float scale = model.settings().ui_scale * mk::client::WindowScale(static_cast<float>(options.width),
                                                                                 static_cast<float>(options.height));
        (*window)->SetUiScale(scale);
        shot.prepare(model);
        mk::client::UiContext ui;
        ui.catalogue = language == i18n::Language::kGerman ? &*german : &*english;
        ui.layout.scale = scale;
        int frames = 0;
        // A few frames: ImGui sizes windows and wrapped text in the frames after the first.
        const mk::Status run = (*window)->Run([&](const mk::platform::FrameInput&) {
          model.Update();
          ui.bold_font = mk::platform::BoldFont(ImGui::GetIO());
          ui.heading_fonts = mk::platform::HeadingFonts(ImGui::GetIO());
          mk::client::DrawKiosk(ui, model);
          ++frames;
          return mk::platform::FrameResult{.keep_running = frames < 4, .redraw_soon = true};
        });
        if (!run.ok()) return Fail(run.message());
        const std::string file = out_dir + "/" + shot.name + "-" + lang + "-" + std::to_string(size.width) + "x" +
                                 std::to_string(size.height) + ".png";
        if (mk::Status s = (*window)->SaveScreenshot(file); !s.ok()) return Fail(s.message());
        ++written;
      }
    }
  }
  std::printf("mk_screenshots: wrote %d screenshots to %s\n", written, out_dir.c_str());
  return 0;
}
