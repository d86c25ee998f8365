// mk_screenshots: renders every kiosk screen at the four target sizes in German and English into PNG files.
//
// Usage: mk_screenshots OUTPUT_DIR     (run with SDL_VIDEODRIVER=offscreen, or under Xvfb)
// Seeds the demo centre into a temporary directory with the built mintkiosk, drives the real
// view-model into each state and draws the real screens in a real window; writes
// SCREEN-LANG-WxH.png (home-de-1280x800.png, ...).
#include <imgui.h>

#include <atomic>
#include <cstdio>
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

const std::vector<Shot>& Shots() {
  static const std::vector<Shot> shots = {
      {"home", [](KioskViewModel&) {}},
      {"checkin", [](KioskViewModel& vm) { vm.OpenSession(FirstOpenSession(vm)); }},
      {"checkin-results", [](KioskViewModel& vm) { OpenAndSearch(vm, "Mül"); }},
      {"checkin-nobody", [](KioskViewModel& vm) { OpenAndSearch(vm, "Xyzzyq"); }},
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
      for (const Shot& shot : Shots()) {
        const bool compact = mk::client::ComputeLayout(static_cast<float>(size.width), static_cast<float>(size.height),
                                                       mk::client::WindowScale(static_cast<float>(size.width),
                                                                               static_cast<float>(size.height)))
                                 .compact_keyboard;
        if (shot.compact_keyboard_only && !compact) continue;
        mk::client::KioskOptions kiosk;
        kiosk.data_dir = data;
        kiosk.kiosk_mode = true;
        kiosk.language = language;
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
