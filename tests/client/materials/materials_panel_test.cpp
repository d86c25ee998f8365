// The Materials panel and its view-model, driven headless through ImGui 1.86's input API over a real store.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "client/screens/layout.h"
#include "client/screens/materials_panel.h"
#include "materials_fixture.h"
#include "platform/fonts.h"
#include "raw_http.h"

namespace mk {
namespace {

using client::MaterialsView;
using client::MaterialsViewModel;

// The real file system whose only "drive" is the test's stick folder.
class StickFileSystem : public platform::FileSystem {
 public:
  explicit StickFileSystem(std::string stick) : stick_(std::move(stick)) {}
  Result<std::vector<platform::DirEntry>> List(const std::string& d) override { return real().List(d); }
  bool IsDirectory(const std::string& p) override { return real().IsDirectory(p); }
  bool Exists(const std::string& p) override { return real().Exists(p); }
  std::vector<platform::Place> Places() override { return {{stick_, "MINT-STICK", true}}; }
  Result<std::unique_ptr<platform::WritableFile>> CreateNew(const std::string& p) override { return real().CreateNew(p); }
  Status RenameNoReplace(const std::string& a, const std::string& b) override { return real().RenameNoReplace(a, b); }
  Status Remove(const std::string& p) override { return real().Remove(p); }
  Status SyncDirectory(const std::string& d) override { return real().SyncDirectory(d); }

 private:
  static platform::FileSystem& real() { return platform::FileSystem::Real(); }
  std::string stick_;
};

// Counts the view-model's wake-ups from its copy thread, so the test waits for them instead of sleeping.
struct Wakes {
  std::mutex mu;
  std::condition_variable cv;
  int count = 0;
  void Wake() {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++count;
    }
    cv.notify_all();
  }
  void WaitBeyond(int seen) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return count > seen; });  // a bound, not a delay
  }
};

class HeadlessPanel {
 public:
  HeadlessPanel(MaterialsViewModel& vm, float width, float height, i18n::Language language) : vm_(vm) {
    auto cat = i18n::Catalogue::Builtin(language);
    REQUIRE(cat.ok());
    catalogue_ = *cat;
    context_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(context_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    const float scale = client::WindowScale(width, height);
    if (!platform::LoadFonts(io, 20.0f * scale).ok()) io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0;
    int h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    ui_.catalogue = &catalogue_;
    ui_.layout = client::ComputeLayout(width, height, scale);
    ui_.notes = &notes_;
    ui_.bold_font = platform::BoldFont(io);
    ui_.heading_fonts = platform::HeadingFonts(io);
    Frame();
  }
  ~HeadlessPanel() { ImGui::DestroyContext(context_); }

  void Frame() {
    vm_.Update(SystemClock::Instance()->NowMs());
    notes_.Clear();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("panel", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    client::DrawMaterialsPanel(ui_, vm_);
    ImGui::End();
    ImGui::Render();
  }
  bool Has(const std::string& name) const { return notes_.rects.count(name) > 0; }
  const client::WidgetRect& Rect(const std::string& name) const {
    INFO("widget " << name);
    REQUIRE(Has(name));
    return notes_.rects.at(name);
  }
  void Click(const std::string& name) {
    const client::WidgetRect r = Rect(name);
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    INFO("widget " << name << " at " << r.cx() << "," << r.cy());
    REQUIRE(r.cx() >= 0);
    REQUIRE(r.cy() >= 0);
    REQUIRE(r.cx() < size.x);
    REQUIRE(r.cy() < size.y);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(r.cx(), r.cy());
    Frame();
    io.MouseDown[0] = true;
    Frame();
    io.MouseDown[0] = false;
    Frame();
    Frame();
  }
  // Every button-like widget the panel drew is a touch target of at least 48 px each way.
  void CheckTouchTargets() const {
    for (const auto& [name, r] : notes_.rects) {
      const bool target = name.find(".row.") != std::string::npos ? name.size() > 7 && name.substr(name.size() - 7) == ".remove"
                                                                   : notes_.labels.count(name) > 0;
      const bool text = name.size() > 4 && (name.substr(name.size() - 4) == ".dir" || name.substr(name.size() - 5) == ".file");
      if (!target || text) continue;
      INFO(name << " " << r.w << "x" << r.h);
      CHECK(r.h >= 47.5f);
      CHECK(r.w >= 47.5f);
    }
  }
  const client::WidgetNotes& notes() const { return notes_; }

 private:
  MaterialsViewModel& vm_;
  i18n::Catalogue catalogue_;
  ImGuiContext* context_ = nullptr;
  client::UiContext ui_;
  client::WidgetNotes notes_;
};

struct PanelFixture : test::MaterialsFixture {
  PanelFixture() : fs(stick.path()) {
    client::MaterialsOptions o;
    o.data_dir = dir.path();
    o.file_system = &fs;
    o.lan_addresses = [] { return std::vector<platform::LanAddress>{{"lo", "127.0.0.1", false}}; };
    o.lan_bind_address = "127.0.0.1";
    o.lan_port = 0;
    o.wake_ui = [this] { wakes.Wake(); };
    o.on_local_change = [this] { ++local_changes; };
    auto created = MaterialsViewModel::Create(*store, o);
    REQUIRE(created.ok());
    vm = std::move(*created);
    vm->SetSession(session_id, false);
  }
  test::TempDir stick;
  StickFileSystem fs;
  Wakes wakes;
  int local_changes = 0;
  std::unique_ptr<MaterialsViewModel> vm;
};

TEST_CASE("Dropping a file opens the add form prefilled; adding shows it ready", "[materials][ui]") {
  PanelFixture f;
  HeadlessPanel panel(*f.vm, 1280, 800, i18n::Language::kGerman);
  CHECK(panel.Has("materials.add"));
  CHECK(panel.Has("materials.share"));
  CHECK(panel.Has("materials.copy"));
  panel.CheckTouchTargets();

  const std::string dropped = f.dir.File("Łukasz – Versuchsprotokoll.pdf");
  test::WriteFile(dropped, test::Pattern(2048, 7));
  f.vm->OnFilesDropped({dropped});
  panel.Frame();
  REQUIRE(f.vm->view() == MaterialsView::kAddForm);
  CHECK(f.vm->form().title.text() == "Łukasz – Versuchsprotokoll");
  CHECK(f.vm->form().size_bytes == 2048);
  CHECK(panel.Has("materials.form.title"));
  panel.CheckTouchTargets();
  panel.Click("materials.form.licence.1");
  CHECK(f.vm->form().licence.text() == "CC BY-SA 4.0");
  panel.Click("materials.form.purpose.0");
  CHECK(f.vm->form().purpose.text() == "Arbeitsblatt");  // the German purpose is stored as shown
  panel.Click("materials.form.submit");
  REQUIRE(f.vm->view() == MaterialsView::kList);
  REQUIRE(f.vm->rows().size() == 1);
  CHECK(f.vm->rows()[0].title == "Łukasz – Versuchsprotokoll");
  CHECK(f.vm->rows()[0].licence == "CC BY-SA 4.0");
  CHECK(f.vm->rows()[0].state == sync::MaterialState::kReady);
  CHECK(f.local_changes == 1);
  CHECK(panel.Has("materials.row.0"));
  CHECK(panel.Has("materials.row.0.state"));
  CHECK(panel.notes().labels.count("materials.row.0.remove") == 1);

  // Removing asks first.
  panel.Click("materials.row.0.remove");
  REQUIRE(f.vm->view() == MaterialsView::kConfirmRemove);
  panel.Click("materials.remove.confirm");
  CHECK(f.vm->rows().empty());
}

TEST_CASE("A dropped folder or several files: a clear notice, one form after the other", "[materials][ui]") {
  PanelFixture f;
  HeadlessPanel panel(*f.vm, 412, 915, i18n::Language::kEnglish);
  const std::string a = f.dir.File("eins.pdf");
  const std::string b = f.dir.File("zwei.pdf");
  test::WriteFile(a, "1");
  test::WriteFile(b, "2");
  f.vm->OnFilesDropped({f.dir.path(), a, b});
  panel.Frame();
  REQUIRE(f.vm->view() == MaterialsView::kAddForm);
  CHECK(f.vm->form().error.is_error);
  CHECK(f.vm->form().error.id == "“{0}” is a folder. Add the files in it one by one.");
  CHECK(f.vm->files_waiting() == 2);
  panel.Click("materials.form.submit");  // refused again: still the folder's form
  CHECK(f.vm->rows().empty());
  panel.Click("materials.form.cancel");
  CHECK(f.vm->form().file_name == "eins.pdf");
  panel.Click("materials.form.submit");
  CHECK(f.vm->form().file_name == "zwei.pdf");
  panel.Click("materials.form.submit");
  CHECK(f.vm->view() == MaterialsView::kList);
  CHECK(f.vm->rows().size() == 2);
  panel.CheckTouchTargets();
}

TEST_CASE("The built-in file browser picks a file from a USB stick", "[materials][ui]") {
  PanelFixture f;
  test::WriteFile(f.stick.File("Ærøskøbing Exkursion.pdf"), "Exkursion");
  HeadlessPanel panel(*f.vm, 1920, 1080, i18n::Language::kGerman);
  panel.Click("materials.add");
  REQUIRE(f.vm->view() == MaterialsView::kBrowse);
  CHECK(f.vm->browser().dir() == f.stick.path());
  CHECK(panel.Has("materials.browser.place.0"));
  panel.CheckTouchTargets();
  panel.Click("materials.browser.entry.0");
  REQUIRE(f.vm->view() == MaterialsView::kAddForm);
  CHECK(f.vm->form().file_name == "Ærøskøbing Exkursion.pdf");
  panel.Click("materials.form.submit");
  CHECK(f.vm->rows().size() == 1);
}

TEST_CASE("A failed download shows its reason in the screen's language, with its details", "[materials][ui]") {
  PanelFixture f;
  // Two materials whose files come from the server: one failed with a code, one with the plain
  // English text an older version recorded.
  const std::string video(3000, 'V');
  const std::string sheet(700, 'S');
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Material m;
    m.session_id = f.session_id;
    m.title = "Film Ærøskøbing";
    m.file_name = "film.mp4";
    m.size_bytes = static_cast<int64_t>(video.size());
    m.sha256 = sync::Sha256Hex(video);
    MK_RETURN_IF_ERROR(store::InsertMaterial(ctx, m).status());
    m.title = "Messwerte Müller";
    m.file_name = "messwerte.csv";
    m.size_bytes = static_cast<int64_t>(sheet.size());
    m.sha256 = sync::Sha256Hex(sheet);
    return store::InsertMaterial(ctx, m).status();
  }).ok());
  REQUIRE(sync::RecordFileFailures(f.files_dir(), {{sync::Sha256Hex(video), "the server answered HTTP 502",
                                                    sync::FileFailure::kHttpStatus, {"502"}}})
              .ok());
  auto reason_of = [&](const std::string& title) {
    for (const client::MaterialRow& r : f.vm->rows()) {
      if (r.title == title) return r.reason;
    }
    return client::Notice();
  };
  f.vm->Refresh();
  CHECK(reason_of("Film Ærøskøbing").id == "The server refused the transfer (HTTP {0}).");
  CHECK(reason_of("Film Ærøskøbing").args == std::vector<std::string>{"502"});
  CHECK(reason_of("Messwerte Müller").empty());  // waiting, not failed

  auto label_of = [&](HeadlessPanel& panel, const std::string& title) {
    for (size_t i = 0; i < f.vm->rows().size(); ++i) {
      if (f.vm->rows()[i].title != title) continue;
      const auto it = panel.notes().labels.find("materials.row." + std::to_string(i) + ".state.reason");
      return it == panel.notes().labels.end() ? std::string() : it->second;
    }
    return std::string();
  };
  {
    HeadlessPanel panel(*f.vm, 1280, 800, i18n::Language::kGerman);
    CHECK(label_of(panel, "Film Ærøskøbing") == "Der Server hat die Übertragung abgelehnt (HTTP 502).");
    CHECK(label_of(panel, "Messwerte Müller").empty());
  }
  {
    HeadlessPanel panel(*f.vm, 1280, 800, i18n::Language::kEnglish);
    CHECK(label_of(panel, "Film Ærøskøbing") == "The server refused the transfer (HTTP 502).");
  }

  // A failure file of an older version (plain English text) stays readable; the next pass
  // replaces it with coded ones.
  REQUIRE(sync::RecordTransferFailures(f.files_dir(), {{sync::Sha256Hex(sheet), "the server's copy is damaged"}}).ok());
  f.vm->Refresh();
  {
    HeadlessPanel panel(*f.vm, 1280, 800, i18n::Language::kGerman);
    CHECK(label_of(panel, "Messwerte Müller") == "Grund: the server's copy is damaged");
    CHECK(label_of(panel, "Film Ærøskøbing").empty());  // that pass had no failure for it
  }
  REQUIRE(sync::RecordFileFailures(f.files_dir(), {{sync::Sha256Hex(sheet), "the server sent 10 bytes where 700 were asked for",
                                                    sync::FileFailure::kWrongByteCount, {"10", "700"}}})
              .ok());
  f.vm->Refresh();
  {
    HeadlessPanel panel(*f.vm, 412, 915, i18n::Language::kGerman);
    CHECK(label_of(panel, "Messwerte Müller") == "Der Server hat 10 Bytes geschickt, angefragt waren 700.");
  }
  // Every code has a message of its own; none shows a bare id or an empty line.
  for (const sync::FileFailure code :
       {sync::FileFailure::kNoValidFile, sync::FileFailure::kSizeMismatch, sync::FileFailure::kHttpStatus,
        sync::FileFailure::kNoRanges, sync::FileFailure::kServerFileShort, sync::FileFailure::kWrongByteCount,
        sync::FileFailure::kDamaged, sync::FileFailure::kUploadRejected, sync::FileFailure::kLocalStorage}) {
    const client::Notice n = client::FileFailureNotice(code, {"1", "2"}, "english text");
    INFO(sync::FileFailureKey(code));
    CHECK_FALSE(n.empty());
    CHECK(n.id != "Reason: {0}");
    CHECK(sync::FileFailureFromKey(sync::FileFailureKey(code)) == code);
  }
  CHECK(sync::FileFailureFromKey("a key of a newer version") == sync::FileFailure::kOther);
}

TEST_CASE("LAN share on: QR code and URL on screen and the page served, off: gone", "[materials][ui][lan]") {
  PanelFixture f;
  f.Add(f.session_id, "Skript.pdf", "Skript");
  f.vm->Refresh();
  HeadlessPanel panel(*f.vm, 1080, 1920, i18n::Language::kGerman);
  panel.Click("materials.share");
  REQUIRE(f.vm->lan_share_on());
  CHECK(panel.Has("materials.qr"));
  CHECK(panel.Has("materials.url"));
  CHECK(panel.Rect("materials.qr").w >= 200);
  const int port = f.vm->lan_port();
  CHECK(f.vm->lan_url() == "http://127.0.0.1:" + std::to_string(port) + "/");
  CHECK(f.vm->lan_qr().size >= 21);
  const auto page = test::RawRequest(port, "GET", "/");
  CHECK(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("Skript"));
  panel.Click("materials.share");
  CHECK_FALSE(f.vm->lan_share_on());
  CHECK(test::ConnectionRefused(port));
  CHECK_FALSE(panel.Has("materials.qr"));

  // Closing the session switches it off.
  panel.Click("materials.share");
  REQUIRE(f.vm->lan_share_on());
  f.vm->SetSession(f.session_id, true);
  CHECK_FALSE(f.vm->lan_share_on());
  CHECK_FALSE(f.vm->lan_notice().empty());
}

TEST_CASE("Copy to a USB stick: choose the folder, progress, then a notice", "[materials][ui][copy]") {
  PanelFixture f;
  f.Add(f.session_id, "Skript.pdf", test::Pattern(600 * 1024, 4));
  f.Add(f.session_id, "Folien.pdf", test::Pattern(1000, 5));
  f.vm->Refresh();
  HeadlessPanel panel(*f.vm, 1280, 800, i18n::Language::kEnglish);
  panel.Click("materials.copy");
  REQUIRE(f.vm->view() == MaterialsView::kBrowse);
  CHECK(f.vm->browser().mode() == client::BrowseFor::kFolder);
  panel.Click("materials.browser.choose");
  // Wait for the copy thread's wake-ups (bounded), drawing a frame after each.
  for (int i = 0; i < 1000 && (f.vm->copy_state().running || f.vm->copy_notice().empty()); ++i) {
    int seen = 0;
    {
      std::lock_guard<std::mutex> lock(f.wakes.mu);
      seen = f.wakes.count;
    }
    panel.Frame();
    if (!f.vm->copy_state().running) break;
    f.wakes.WaitBeyond(seen);
  }
  panel.Frame();
  CHECK_FALSE(f.vm->copy_state().running);
  CHECK(f.vm->copy_notice().id == "Copied {0} files to {1}. The stick can be removed.");
  CHECK(test::ReadFile(f.stick.File("Skript.pdf")) == test::Pattern(600 * 1024, 4));
  CHECK(test::ReadFile(f.stick.File("Folien.pdf")) == test::Pattern(1000, 5));
}

}  // namespace
}  // namespace mk
