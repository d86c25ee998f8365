// MaterialsViewModel: the trainer's Materials panel: a session's materials with their state, adding
// (drop, file browser, form), removing, the LAN share with its QR code, and copying to a USB stick.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/i18n/catalogue.h"
#include "client/lan_share/lan_share.h"
#include "client/lan_share/qr_code.h"
#include "client/viewmodels/file_browser.h"
#include "client/viewmodels/notice.h"
#include "client/viewmodels/text_field.h"
#include "platform/file_system.h"
#include "platform/network_interfaces.h"
#include "sync/files/material_library.h"
#include "sync/store/store.h"

namespace mk::client {

struct MaterialsOptions {
  std::string data_dir;                          // DATA: mintkiosk.db and files/
  platform::FileSystem* file_system = nullptr;   // the real one when null
  // The device's LAN addresses (platform::LanAddresses when empty).
  std::function<std::vector<platform::LanAddress>()> lan_addresses;
  std::string lan_bind_address = "0.0.0.0";
  int lan_port = LanShareOptions::kDefaultPort;
  double lan_requests_per_second = 5;
  std::function<void()> wake_ui;          // from the copy thread: progress to show
  std::function<void()> on_local_change;  // after a write: the background sync runs soon
  std::function<void()> touch;            // every command: the trainer is at work
};

// What the panel shows besides the list.
enum class MaterialsView { kList, kAddForm, kBrowse, kConfirmRemove };

struct MaterialRow {
  std::string id;
  std::string title;
  std::string file_name;
  std::string licence;
  std::string purpose;
  std::string description;
  int64_t size_bytes = 0;
  sync::MaterialState state = sync::MaterialState::kWaiting;
  int percent = 0;
  std::string problem;  // kFailed: the reason in English, as recorded (the command line shows it)
  Notice reason;        // kFailed: the reason as a message id with its details, for the screen's language
  bool whole_course = false;  // attached to the course, so to every session of it
};

// The message a screen shows for a file's failure (FileFailure with its parameters); kOther
// (failures recorded without a code) shows the recorded English text.
Notice FileFailureNotice(sync::FileFailure code, const std::vector<std::string>& params, const std::string& message);

// The "add material" form. Its text fields are typed on the kiosk's keyboards (on-screen or
// hardware: KioskViewModel routes the focused FieldId::kMaterial* to them); SubmitAdd checks them.
struct MaterialForm {
  std::string path;       // the file, as dropped or chosen
  std::string file_name;  // its name
  int64_t size_bytes = 0;
  TextField title{store::kMaxMaterialTitle};
  TextField description{store::kMaxMaterialDescription};  // one line: the keyboards type no line breaks
  TextField licence{store::kMaxMaterialLicence};
  TextField purpose{store::kMaxMaterialPurpose};
  bool whole_course = false;  // for every session of the course instead of this one
  Notice error;
};

struct CopyState {
  bool running = false;
  std::string target_dir;
  int file_index = 0;
  int file_count = 0;
  std::string file_name;
  int64_t bytes_done = 0;
  int64_t bytes_total = 0;
  int percent() const { return bytes_total > 0 ? static_cast<int>(bytes_done * 100 / bytes_total) : 0; }
};

// Thread safety: the UI thread, except that the copy runs on a thread of its own (its own store
// connection) and hands progress and its result over under a mutex; LanShare serves on its own
// threads. Invariants: the LAN share serves the session set last and nothing else, and is off
// while no session is set or the session is closed; rows() are the materials of session_id()
// as last read; a copy's temporary files never stay behind (CopySessionMaterials).
class MaterialsViewModel {
 public:
  static Result<std::unique_ptr<MaterialsViewModel>> Create(store::Store& store, MaterialsOptions options);
  ~MaterialsViewModel();  // switches the LAN share off, stops a copy and waits for it
  MaterialsViewModel(const MaterialsViewModel&) = delete;
  MaterialsViewModel& operator=(const MaterialsViewModel&) = delete;

  // The shell's chosen session ("" for none). A different session switches the LAN share off
  // and forgets forms and notices; a closed session switches it off too.
  void SetSession(const std::string& session_id, bool closed);
  const std::string& session_id() const { return session_id_; }
  // The kiosk's idle reset and the trainer's sign-out: forms, browser, confirmations and notices
  // are forgotten; a LAN share and a copy keep running (teachers download while the kiosk
  // waits; the share ends when the trainer switches it off or the session is closed).
  void ResetView();
  // The language of the LAN share's page (takes effect when it is switched on).
  void SetLanguage(i18n::Language language) { language_ = language; }

  // Once per frame: takes the copy's progress and result, reads the states again while files
  // are on their way (each second), and notices a LAN share that stopped by itself.
  void Update(int64_t now_ms);
  // When the panel wants the next frame without input (-1: none).
  int64_t NextWakeInMs(int64_t now_ms) const;

  MaterialsView view() const { return view_; }
  const std::vector<MaterialRow>& rows() const { return rows_; }
  const Notice& notice() const { return notice_; }
  void Refresh();

  // --- adding
  // Files dropped onto the window: the form opens with the first; the others follow, one form
  // each, after it is added or cancelled.
  void OnFilesDropped(const std::vector<std::string>& paths);
  void BrowseForFile();
  MaterialForm& form() { return form_; }
  size_t files_waiting() const { return queue_.size(); }
  // Licences the form offers with one tap (the field stays free text).
  static const std::vector<std::string>& LicenceChoices();
  // Purposes the form offers with one tap (catalogue ids; the translation is stored).
  static const std::vector<const char*>& PurposeChoices();
  void SubmitAdd();
  void CancelAdd();

  // --- removing
  void RequestRemove(const std::string& material_id);
  const std::string& remove_title() const { return remove_title_; }
  void ConfirmRemove();
  void CancelRemove();

  // --- the file browser (choosing a file to add, or the folder to copy to)
  FileBrowser& browser() { return browser_; }
  void BrowserActivate(size_t index);
  void BrowserUp();
  void BrowserPlace(size_t index);
  // Copies into the browser's current folder (when choosing a folder).
  void BrowserChooseFolder();
  void BrowserCancel();

  // --- LAN share
  bool lan_share_on() const { return share_ != nullptr; }
  const std::string& lan_url() const { return lan_url_; }
  const QrCode& lan_qr() const { return lan_qr_; }
  const Notice& lan_notice() const { return lan_notice_; }
  void SetLanShare(bool on);
  int lan_port() const;

  // --- copying to a USB stick
  void BrowseForCopyTarget();
  // Starts copying into `target_dir` (the browser calls it; tests may too).
  void StartCopy(const std::string& target_dir);
  CopyState copy_state() const;
  const Notice& copy_notice() const { return copy_notice_; }
  void CancelCopy();

 private:
  MaterialsViewModel(store::Store& store, MaterialsOptions options, sync::MaterialLibrary library);
  void Touch() const;
  void OpenForm(const std::string& path);
  void NextQueued();
  void TakeCopyResult();

  store::Store& store_;
  MaterialsOptions options_;
  platform::FileSystem& fs_;
  sync::MaterialLibrary library_;
  i18n::Language language_ = i18n::Language::kGerman;
  std::string session_id_;
  bool closed_ = false;
  MaterialsView view_ = MaterialsView::kList;
  std::vector<MaterialRow> rows_;
  int64_t last_refresh_ms_ = 0;
  bool rows_stale_ = false;  // ResetView emptied rows_: read them again when shown
  Notice notice_;
  MaterialForm form_;
  std::vector<std::string> queue_;
  std::string remove_id_;
  std::string remove_title_;
  FileBrowser browser_;
  bool browsing_for_copy_ = false;
  std::string last_dir_;

  std::unique_ptr<LanShare> share_;
  std::string lan_url_;
  QrCode lan_qr_;
  Notice lan_notice_;

  mutable std::mutex copy_mu_;
  CopyState copy_;               // GUARDED_BY(copy_mu_)
  std::optional<Status> copy_result_;  // GUARDED_BY(copy_mu_): set by the copy thread when done
  int copy_not_ready_ = 0;       // GUARDED_BY(copy_mu_)
  int copy_written_ = 0;         // GUARDED_BY(copy_mu_)
  std::atomic<bool> copy_cancel_{false};
  std::thread copy_thread_;
  Notice copy_notice_;
};

}  // namespace mk::client
