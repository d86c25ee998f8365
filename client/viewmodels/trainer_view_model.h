// The trainer's side of the app: sign-in with a personal PIN, today's sessions, and one
// session's tabs (roster, materials, feedback, certificates). Plain C++, no ImGui.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/viewmodels/notice.h"
#include "client/viewmodels/trainer_pin.h"
#include "sync/common/civil_time.h"
#include "sync/common/clock.h"
#include "sync/common/time_zone.h"
#include "sync/store/roster.h"
#include "sync/store/store.h"

namespace mk::client {

// Where the trainer is: choosing themselves and typing the PIN, the list of their sessions of
// today, or one session with its tabs.
enum class TrainerStage { kSignIn, kSessions, kSession };

// The tabs of a session. HOW TO PLUG IN A TAB: the trainer screen
// (client/screens/trainer_screen.cpp, DrawTrainerScreen) draws the tab bar from kTrainerTabs and
// calls one draw function per tab, `void DrawXxxPanel(UiContext&, KioskViewModel&)` (declared in
// client/screens/screens.h). A panel reads the signed-in trainer and the chosen session from
// `vm.trainer()` (trainer_id(), session_id(), session(), session_closed()); state of its own
// belongs in a view-model of its own that the panel's feature owns, and its commands call
// `vm.trainer().Touch()` so the idle reset waits while the trainer works.
enum class TrainerTab { kRoster, kMaterials, kFeedback, kCertificates };
inline constexpr TrainerTab kTrainerTabs[] = {TrainerTab::kRoster, TrainerTab::kMaterials, TrainerTab::kFeedback,
                                              TrainerTab::kCertificates};
// The stable name of a tab ("roster", "materials", ...), for widget notes and screenshots.
const char* TrainerTabName(TrainerTab tab);

// One of the centre's trainers on the sign-in screen (names of trainers only, never teachers).
struct TrainerChoice {
  std::string person_id;
  std::string name;  // "Jana Ørsted"
  bool has_pin = false;
};

// One of the trainer's sessions of today.
struct TrainerSessionItem {
  std::string id;
  std::string title;
  std::string room;
  CivilTime starts;
  CivilTime ends;
  bool running = false;  // started and not ended
  bool closed = false;   // closed by the trainer
};

// One person on the roster (full name: the trainer's screen is behind their PIN).
struct RosterRow {
  std::string person_id;
  std::string name;
  std::string school;
  store::RosterStatus status = store::RosterStatus::kNotMarked;
  bool walk_in = false;
  bool by_trainer = false;
  std::optional<CivilTime> checked_in;
  std::optional<CivilTime> left_at;
  std::string note;
};

// What the roster's editor shows: nothing, the note of a person, their time of leaving, or the
// confirmation before closing the session.
enum class RosterEditor { kNone, kNote, kLeftAt, kConfirmClose };

// Thread safety: the UI thread only (like KioskViewModel, which owns it). Reads and writes go
// through store::Store and the roster library; time comes from the injected clock.
// Invariants: nothing of a trainer session (trainer, session, roster, undo history, notices,
// editor) survives SignOut(); stage() is kSignIn whenever signed_in() is false; undo entries
// belong to the signed-in trainer and the chosen session only.
class TrainerViewModel {
 public:
  // `touch` is called on every command (the owner extends its idle time); `on_local_change`
  // after every write (the background sync runs soon). Either may be empty.
  TrainerViewModel(store::Store& store, Clock& clock, TimeZone zone, std::string centre_id,
                   std::function<void()> touch = {}, std::function<void()> on_local_change = {});

  // --- sign-in
  // Starts at the sign-in: reads the centre's trainers, nobody chosen.
  void Begin();
  const std::vector<TrainerChoice>& trainers() const { return trainers_; }
  // An empty id goes back to the list of names.
  void ChooseTrainer(const std::string& person_id);
  const std::string& chosen_trainer_id() const { return chosen_trainer_id_; }
  // Checks `pin` against the chosen trainer's hash. Wrong PINs are rate-limited (3 free tries,
  // then 30 s doubling up to 10 min, across trainers). True when signed in.
  bool SignIn(std::string_view pin);
  // Ends the trainer session: forgets everything listed in the invariants.
  void SignOut();
  bool signed_in() const { return !trainer_id_.empty(); }
  const std::string& trainer_id() const { return trainer_id_; }
  const std::string& trainer_name() const { return trainer_name_; }
  TrainerStage stage() const { return stage_; }

  // --- sessions of today
  void RefreshSessions();
  const std::vector<TrainerSessionItem>& sessions() const { return sessions_; }
  void ChooseSession(const std::string& session_id);
  void BackToSessions();
  const std::string& session_id() const { return session_id_; }
  const TrainerSessionItem* session() const;
  bool session_closed() const { return closed_; }
  // The centre's setting: closing records the people not marked as absent.
  bool close_marks_absent() const { return session_record_.close_marks_absent; }

  // --- tabs
  TrainerTab tab() const { return tab_; }
  void SetTab(TrainerTab tab);

  // --- roster
  const std::vector<RosterRow>& roster() const { return roster_; }
  const store::RosterCounts& counts() const { return counts_; }
  const RosterRow* Row(const std::string& person_id) const;
  // One tap: the person's status as the trainer's decision.
  void Mark(const std::string& person_id, store::AttendanceStatus status);
  bool can_undo() const { return !undo_.empty(); }
  // Undoes the most recent change not undone yet (several in a row go further back).
  void Undo();
  RosterEditor editor() const { return editor_; }
  const std::string& editor_person_id() const { return editor_person_id_; }
  // Opens the note or leave editor for a person; returns the text the field starts with (the
  // note, or the time of leaving as HH:MM: the recorded one, else now).
  std::string OpenNoteEditor(const std::string& person_id);
  std::string OpenLeftAtEditor(const std::string& person_id);
  // Saves the open editor's text; the editor closes when it was saved. An empty time clears
  // the early leave.
  void SaveNote(std::string_view text);
  void SaveLeftAt(std::string_view hh_mm);
  void CloseEditor();
  // Closing asks first (kConfirmClose); ConfirmClose closes the session.
  void RequestClose();
  void ConfirmClose();
  void Reopen();

  const Notice& notice() const { return notice_; }
  // Called by every command; panels of other tabs call it too.
  void Touch() const {
    if (touch_) touch_();
  }

 private:
  void LoadRoster();
  void Wrote();
  void SetNotice(const char* id, std::vector<std::string> args = {}, bool error = true);
  void StoreError(const Status& status);
  std::string NameOf(const std::string& person_id) const;

  store::Store& store_;
  Clock& clock_;
  TimeZone zone_;
  std::string centre_id_;
  std::function<void()> touch_;
  std::function<void()> on_local_change_;

  TrainerStage stage_ = TrainerStage::kSignIn;
  std::vector<TrainerChoice> trainers_;
  std::string chosen_trainer_id_;
  std::string trainer_id_;
  std::string trainer_name_;
  std::vector<TrainerSessionItem> sessions_;
  std::string session_id_;
  bool closed_ = false;
  store::TrainerSession session_record_;
  TrainerTab tab_ = TrainerTab::kRoster;
  std::vector<RosterRow> roster_;
  store::RosterCounts counts_;
  std::vector<store::RosterEdit> undo_;
  RosterEditor editor_ = RosterEditor::kNone;
  std::string editor_person_id_;
  Notice notice_;
  PinAttemptLimiter limiter_;  // kept across sign-outs: waiting out an idle reset does not reset it
};

// Hashes a personal trainer PIN (4 to 12 digits) with crypto_pwhash_str and stores it for the
// trainer through the store's write path (`mintkiosk trainer pin set` and tests use it).
Status SetPersonalTrainerPin(store::Store& store, const std::string& person_id, std::string_view pin);
// True when `pin` matches the crypto_pwhash string `hash`.
bool PinMatchesHash(const std::string& hash, std::string_view pin);

}  // namespace mk::client
