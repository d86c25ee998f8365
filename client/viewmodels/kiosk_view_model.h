// The kiosk's state machine and commands: Home, check-in, confirmation, walk-in, PIN, settings.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/i18n/catalogue.h"
#include "client/viewmodels/background_call.h"
#include "client/viewmodels/certificates_panel_view_model.h"
#include "client/viewmodels/feedback_panel_view_model.h"
#include "client/viewmodels/idle_timer.h"
#include "client/viewmodels/kiosk_settings.h"
#include "client/viewmodels/materials_view_model.h"
#include "client/viewmodels/notice.h"
#include "client/viewmodels/on_screen_keyboard.h"
#include "client/viewmodels/scanner_detector.h"
#include "client/viewmodels/survey_view_model.h"
#include "client/viewmodels/sync_indicator.h"
#include "client/viewmodels/text_field.h"
#include "client/viewmodels/trainer_pin.h"
#include "client/viewmodels/trainer_view_model.h"
#include "sync/common/civil_time.h"
#include "sync/common/clock.h"
#include "sync/common/time_zone.h"
#include "sync/store/store.h"

namespace mk::client {

// kTrainer: the trainer's side (sign-in, sessions, a session's tabs), state in trainer().
// kSurvey, kSurveyThanks: the anonymous survey Home offers at the end of a session (survey()).
enum class Screen { kHome, kCheckIn, kConfirmation, kAlreadyCheckedIn, kWalkIn, kPinPrompt, kSettings, kTrainer, kSurvey, kSurveyThanks };

// The text fields the kiosk has. Typed text (physical keyboard, on-screen keyboard, scanner
// bursts that turn out not to be codes) goes to the focused one. The trainer's forms keep their
// text in their panels' view-models (kMaterial*: MaterialsViewModel::form(); kCertificatesFolder:
// CertificatesPanelViewModel::folder_field()); field() and typing reach it there, and such a
// field has the focus only while its form is on screen.
enum class FieldId { kNone = -1, kSearch = 0, kCode, kFirstName, kLastName, kSchool, kEmail, kPin, kNewPin, kServerUrl, kEnrolCode,
                     kTrainerPin, kRosterNote, kRosterLeftAt, kSurveyText, kMaterialTitle, kMaterialDescription,
                     kMaterialLicence, kMaterialPurpose, kCertificatesFolder, kCount };

// One of today's sessions on Home.
struct SessionItem {
  std::string id;
  std::string title;
  std::string room;
  CivilTime starts;  // wall clock of the centre
  CivilTime ends;
  CivilTime opens;        // check-in opens (an hour before the start)
  bool running = false;   // started and not ended
  bool open = false;      // check-in is possible now
};

// What a search result may show at a shared kiosk: first name, initial of the last name, school.
struct PersonRow {
  std::string person_id;
  std::string display_name;  // "Anna M."
  std::string school;
};

struct ConfirmationView {
  std::string display_name;  // "Anna M."
  std::string course_title;
  std::string room;
  CivilTime checked_in_at;
  bool late = false;
  bool walk_in = false;
};

// Where a PIN prompt leads when the right PIN is entered.
enum class PinPurpose { kExit, kSettings };

// What the PIN prompt asks for. A shared kiosk is never left open: with no trainer PIN set, the
// prompt first asks to choose one (typed twice), stores it like `mintkiosk pin set`, and only
// then leads on.
enum class PinStage { kEnter, kChoose, kConfirm };

struct KioskOptions {
  std::string data_dir;
  std::string font_dir;  // DejaVu fonts for certificates (platform::FontDir)
  bool kiosk_mode = true;                 // fullscreen; leaving needs the trainer PIN
  int64_t confirmation_ms = 6000;         // the confirmation returns to Home by itself
  int64_t countdown_ms = 10000;           // the idle countdown shows this long
  int64_t opens_before_start_ms = 60 * 60 * 1000;
  std::optional<i18n::Language> language; // overrides the saved setting (--lang)
  // Enrols the device with a server (URL, one-time code); empty: enrolment is not offered.
  // Runs on a worker thread of its own, for as long as the network takes: it must not touch
  // the view-model or its store (open a connection of its own) and should give up soon after
  // `cancel` becomes true (the kiosk is closing).
  std::function<Status(const std::string& server_url, const std::string& code, const std::atomic<bool>& cancel)> enrol;
  // Called on the UI thread, from Update, after a successful enrolment (the app starts the
  // background sync).
  std::function<void()> on_enrolled;
  // Thread-safe: called from a worker thread when background work has finished, so the UI
  // thread runs Update soon (the app wakes its window's loop). Empty: the result is taken at
  // the next Update, whenever that comes.
  std::function<void()> wake_ui;
  // The background sync's status (called on every Update; cheap); empty or nullopt: no sync
  // runs and the indicator follows server.json.
  std::function<std::optional<sync::SyncStatus>()> sync_status;
  // Called after every write of a check-in or walk-in (the background sync then runs soon).
  std::function<void()> on_local_change;
  // The trainer's Materials tab: where the LAN share listens and which addresses it shows, the
  // file system (tests); data_dir, wake_ui, on_local_change and touch are filled in from here.
  MaterialsOptions materials;
};

// Thread safety: one thread (the UI thread). Reads and writes go through store::Store; the
// view-model never runs SQL. Time comes only from the injected clock. The one exception is
// enrolment, which runs options.enrol on a worker thread (BackgroundCall) and takes its result
// in Update; the destructor waits for it (after asking it to cancel).
// Invariants: after ResetForNextPerson() nothing of the previous person remains (fields,
// results, confirmation, notices, keyboard state, chosen session) and generation() changed,
// so screens put their scroll positions back (the kiosk has no ImGui text widgets: all text
// lives here).
class KioskViewModel {
 public:
  static Result<std::unique_ptr<KioskViewModel>> Create(store::Store& store, Clock& clock, const KioskOptions& options);

  // --- state for the screens
  Screen screen() const { return screen_; }
  int generation() const { return generation_; }
  const std::string& centre_name() const { return centre_name_; }
  CivilTime Today() const;
  const std::vector<SessionItem>& sessions() const { return sessions_; }
  const SessionItem* chosen_session() const;
  const std::vector<PersonRow>& results() const { return results_; }
  const Notice& notice() const { return notice_; }
  const Notice& search_hint() const { return search_hint_; }
  const ConfirmationView& confirmation() const { return confirmation_; }
  const TextField& field(FieldId id) const;
  // The field that takes typed text; kNone also when the focused form is no longer on screen
  // (another tab, the form closed).
  FieldId focused() const { return FieldShown(focused_) ? focused_ : FieldId::kNone; }
  const Notice* FieldError(FieldId id) const;
  const std::set<store::Subject>& walk_in_subjects() const { return subjects_; }
  bool walk_in_consent() const { return consent_; }
  const OnScreenKeyboard& keyboard() const { return keyboard_; }
  // The on-screen keyboard shows while a text field (other than the PIN, which has a keypad)
  // has the focus and it is not collapsed; OK on the keyboard moves on and finally hides it.
  bool keyboard_visible() const {
    const FieldId f = focused();
    return f != FieldId::kNone && f != FieldId::kPin && f != FieldId::kTrainerPin && !keyboard_collapsed_;
  }
  // The keyboard was put away while the focus stayed (the person scrolls the results): the
  // screen offers to show it again.
  bool keyboard_collapsed() const {
    const FieldId f = focused();
    return keyboard_collapsed_ && f != FieldId::kNone && f != FieldId::kPin && f != FieldId::kTrainerPin;
  }
  // True once after the focus moved: the screen scrolls the focused field into view.
  bool TakeScrollRequest() {
    const bool r = scroll_to_focus_;
    scroll_to_focus_ = false;
    return r;
  }
  const KioskSettings& settings() const { return settings_; }
  // The language on screen now: the setting, or what this person chose on Home until the
  // next reset.
  i18n::Language language() const { return language_; }
  const KioskSettings& draft_settings() const { return draft_; }
  int settings_generation() const { return settings_generation_; }
  const SyncIndicator& sync() const { return sync_; }
  bool kiosk_mode() const { return options_.kiosk_mode; }
  bool exit_requested() const { return exit_requested_; }
  PinPurpose pin_purpose() const { return pin_purpose_; }
  PinStage pin_stage() const { return pin_stage_; }
  // Seconds left before the idle reset while the countdown shows.
  std::optional<int> IdleCountdown() const;
  // How long the loop may sleep before Update() has something to do (-1: until input).
  int64_t NextWakeInMs() const;

  // --- input from any screen
  void OnActivity();                  // a touch or click anywhere: extends the idle time
  // Typed or pasted text, scanner characters. `typed_at_ms`, when the platform knows it, is
  // when the key event arrived (any monotonic clock, the same for text and Enter): the scanner
  // check then measures the gaps between keys exactly, not between frames.
  void OnText(std::string_view utf8, std::optional<int64_t> typed_at_ms = std::nullopt);
  void OnEnter(std::optional<int64_t> typed_at_ms = std::nullopt);
  void OnBackspace();
  void Update();                      // timers: confirmation return, idle reset; call every frame
  void OnCloseRequested();            // the window's close button or the system's quit

  // --- Home
  void RefreshSessions();
  void OpenSession(const std::string& session_id);
  void SetLanguage(i18n::Language language);  // for the current person only
  void RequestSettings();

  // --- the trainer's side (Screen::kTrainer; state and roster commands in trainer())
  TrainerViewModel& trainer() { return *trainer_; }
  const TrainerViewModel& trainer() const { return *trainer_; }
  // The Feedback and Certificates tabs' own state (their panels call Show with the session).
  FeedbackPanelViewModel& feedback_panel() { return *feedback_panel_; }
  CertificatesPanelViewModel& certificates_panel() { return *certificates_panel_; }
  // The Materials tab's own state (its panel sets the session); null when the device's file
  // store cannot be opened (the tab then says so).
  MaterialsViewModel* materials_panel() { return materials_panel_.get(); }
  // Files dropped onto the window: on the trainer's session they open the Materials tab's
  // "add material" form; anywhere else they are ignored.
  void OnFilesDropped(const std::vector<std::string>& paths);
  // The calm "Trainer" entry on Home: the trainer sign-in.
  void OpenTrainer();
  // Chooses the trainer on the sign-in and puts the focus on the PIN keypad.
  void ChooseTrainer(const std::string& person_id);
  // OK on the trainer PIN keypad: signs in with the typed PIN (the field is cleared either way).
  void SubmitTrainerPin();
  // Opens the roster's note or leave editor for a person, with the text field filled.
  void EditRosterNote(const std::string& person_id);
  void EditRosterLeftAt(const std::string& person_id);
  // Saves the open note or leave editor from its text field.
  void SaveRosterEditor();
  // "No early leave" in the leave editor: clears the recorded time.
  void ClearRosterLeftAt();
  void CancelRosterEditor();
  // Ends the trainer session; Home shows, nothing of it stays (the idle reset does the same).
  void TrainerSignOut();

  // --- the anonymous survey (Screen::kSurvey, kSurveyThanks). Nothing of it names the person;
  // the free text is the field kSurveyText; the idle reset forgets a half-filled survey.
  const SurveyViewModel& survey() const { return *survey_; }
  // From Home: opens one of survey().offers() with nothing answered.
  void OpenSurvey(size_t offer_index);
  // Rates statement `item` 1..5 (the same value again takes the rating back).
  void RateSurvey(size_t item, int value);
  // Stores the answers once and thanks; ignored anywhere but on the survey (a double tap).
  void SubmitSurvey();

  // --- check-in
  void Focus(FieldId id);
  void ChooseResult(size_t index);
  void SubmitCode();
  void StartWalkIn();
  void BackToHome();
  void PressKey(const KeyboardKey& key);
  // The person scrolls the results: the keyboard makes room for them until the search field is
  // tapped again (or ShowKeyboard). Typing on a hardware keyboard still goes to the field.
  void CollapseKeyboard();
  void ShowKeyboard();

  // --- walk-in
  void ToggleSubject(store::Subject subject);
  void SetConsent(bool on);
  void SubmitWalkIn();

  // --- confirmation
  void Done();

  // --- PIN prompt and settings
  // OK on the prompt: checks the PIN (kEnter), or takes a new PIN of 4 to 12 digits (kChoose)
  // and its repetition (kConfirm; a mismatch starts the choice again). A missing PIN file never
  // lets anyone through: the prompt then asks to choose a PIN.
  void SubmitPin();
  void CancelPin();
  void SetDraftIdleSeconds(int seconds);
  void SetDraftLanguage(i18n::Language language);
  void SetDraftUiScale(float scale);
  void SaveSettings();
  void ChangePin();
  // Starts enrolment with the server URL field and the enrolment code field on a worker
  // thread and shows "Enrolling…"; the result shows once Update has taken it. Ignored while an
  // enrolment runs (a second tap).
  void EnrolDevice();
  bool can_enrol() const { return static_cast<bool>(options_.enrol); }
  bool enrolling() const { return enrolment_.running(); }
  void CloseSettings();
  void ExitKiosk();  // from settings: leave the kiosk

  // Forgets everything of the current person and shows Home (the idle reset, "Done").
  void ResetForNextPerson();

 private:
  KioskViewModel(store::Store& store, Clock& clock, KioskOptions options)
      : store_(store), clock_(clock), options_(std::move(options)), idle_(60000, 10000) {}

  TextField& MutableField(FieldId id);
  // The panel's own field behind `id` (the trainer's forms), null for the kiosk's own fields.
  TextField* PanelField(FieldId id) const;
  // Whether the form of field `id` is on screen (always for the kiosk's own fields).
  bool FieldShown(FieldId id) const;
  void RunSearch();
  void CheckInPerson(const std::string& session_id, const std::string& person_id, store::CheckInMethod method);
  void ShowConfirmation(const std::string& session_id, const std::string& person_id,
                        const store::CheckInResult& result, store::CheckInMethod method);
  void HandleScannedCode(const std::string& code);
  void ShowStoreError(const Status& status);
  void SetNotice(const char* id, std::vector<std::string> args = {}, bool error = true);
  void FieldChanged(FieldId id);
  bool AcceptsCommand();
  bool IsIdleRelevant() const;
  void Go(Screen screen);
  void ValidateWalkInField(FieldId id);
  void FinishEnrolment(const Status& status);
  void OpenPinPrompt(PinPurpose purpose);
  void MakeTrainer();
  void PinAccepted();

  store::Store& store_;
  Clock& clock_;
  KioskOptions options_;
  TimeZone zone_ = TimeZone::Utc();
  std::string centre_id_;
  std::string centre_name_;

  Screen screen_ = Screen::kHome;
  int generation_ = 0;
  std::vector<SessionItem> sessions_;
  std::string session_id_;
  std::vector<PersonRow> results_;
  Notice notice_;
  Notice search_hint_;
  ConfirmationView confirmation_;
  int64_t confirmation_since_ms_ = 0;
  std::array<TextField, static_cast<size_t>(FieldId::kCount)> fields_;
  FieldId focused_ = FieldId::kNone;
  std::map<FieldId, Notice> field_errors_;
  std::set<store::Subject> subjects_;
  bool consent_ = false;
  OnScreenKeyboard keyboard_;
  ScannerDetector scanner_;
  FieldId burst_field_ = FieldId::kNone;
  std::string burst_field_before_;
  IdleTimer idle_;
  KioskSettings settings_;
  KioskSettings draft_;
  i18n::Language language_ = i18n::Language::kGerman;
  int settings_generation_ = 0;
  SyncIndicator sync_;
  PinPurpose pin_purpose_ = PinPurpose::kExit;
  PinStage pin_stage_ = PinStage::kEnter;
  std::string chosen_pin_;  // the new PIN between its first and second typing; never stored as is
  PinAttemptLimiter pin_limiter_;
  bool exit_requested_ = false;
  int64_t last_refresh_ms_ = 0;
  bool scroll_to_focus_ = false;
  bool keyboard_collapsed_ = false;
  std::string enrolling_url_;
  // Last, so it is destroyed first: a running enrolment is cancelled and joined before the
  // rest of the view-model goes.
  std::unique_ptr<TrainerViewModel> trainer_;
  std::unique_ptr<SurveyViewModel> survey_;
  std::unique_ptr<FeedbackPanelViewModel> feedback_panel_;
  std::unique_ptr<CertificatesPanelViewModel> certificates_panel_;
  std::unique_ptr<MaterialsViewModel> materials_panel_;
  BackgroundCall enrolment_;
};

// "Anna M." from first and last name (the last name's first letter only).
std::string ShortDisplayName(std::string_view first_name, std::string_view last_name);

}  // namespace mk::client
