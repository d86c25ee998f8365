// CertificatesPanelViewModel: the trainer's Certificates tab: issue a session's certificates into a folder.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/certificates/certificate_issue.h"
#include "client/i18n/catalogue.h"
#include "client/viewmodels/file_browser.h"
#include "client/viewmodels/notice.h"
#include "client/viewmodels/text_field.h"
#include "platform/file_system.h"
#include "sync/store/store.h"

namespace mk::client {

struct CertificatesPanelOptions {
  std::string font_dir;       // DejaVuSans.ttf, DejaVuSans-Bold.ttf
  std::string zoneinfo_dir;
  std::function<void()> touch;            // every command: the trainer is at work
  std::function<void()> on_local_change;  // after issuing: the background sync runs soon
};

// What the last "issue" did.
struct CertificatesOutcome {
  int written = 0;
  std::string folder;
  std::vector<certificates::Refusal> refused;  // who got none, and why (English reasons)
};

// Thread safety: the UI thread. Writing a session's PDFs takes a moment (tens of milliseconds
// each) and runs on the UI thread: the trainer waits for it, nothing else needs the screen.
class CertificatesPanelViewModel {
 public:
  static constexpr size_t kMaxFolderChars = 1024;
  CertificatesPanelViewModel(store::Store& store, platform::FileSystem& fs, CertificatesPanelOptions options)
      : store_(store), fs_(fs), options_(std::move(options)), browser_(fs) {}

  // Shows `session_id`; a different session starts afresh (the folder stays).
  void Show(const std::string& session_id);
  const std::string& session_id() const { return session_id_; }

  // The folder to write into, typed (on the kiosk's keyboards: KioskViewModel routes
  // FieldId::kCertificatesFolder to folder_field()) or chosen in the browser. Empty at first:
  // the first removable drive, else the home folder, is proposed.
  const std::string& folder() const { return folder_.text(); }
  TextField& folder_field() { return folder_; }
  void SetFolder(std::string_view folder) { folder_.Set(folder); }
  void ProposeFolder();

  const FileBrowser& browser() const { return browser_; }
  FileBrowser& browser() { return browser_; }
  void OpenBrowser();
  // Takes the browser's current folder as the folder and closes the browser.
  void UseBrowserFolder();
  void CloseBrowser();

  i18n::Language language() const { return language_; }
  void SetLanguage(i18n::Language language);

  // Issues every attendee's certificate into folder(): outcome() says how many and who got none.
  void Issue();
  const std::optional<CertificatesOutcome>& outcome() const { return outcome_; }
  const Notice& notice() const { return notice_; }

 private:
  void Touch() const {
    if (options_.touch) options_.touch();
  }

  store::Store& store_;
  platform::FileSystem& fs_;
  CertificatesPanelOptions options_;
  FileBrowser browser_;
  std::string session_id_;
  TextField folder_{kMaxFolderChars};
  i18n::Language language_ = i18n::Language::kGerman;
  std::optional<CertificatesOutcome> outcome_;
  Notice notice_;
};

}  // namespace mk::client
