// The trainer view-model: sign-in, sessions of today, the roster's commands; none of the drawing.
#include "trainer_view_model.h"

#include <sodium.h>

#include <algorithm>

#include "client/i18n/catalogue.h"
#include "sync/common/utf8.h"
#include "sync/store/trainer_pins.h"

namespace mk::client {
namespace {

using i18n::Msg;

std::string TwoDigits(int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); }

}  // namespace

const char* TrainerTabName(TrainerTab tab) {
  switch (tab) {
    case TrainerTab::kRoster: return "roster";
    case TrainerTab::kMaterials: return "materials";
    case TrainerTab::kFeedback: return "feedback";
    case TrainerTab::kCertificates: return "certificates";
  }
  return "roster";
}

Status SetPersonalTrainerPin(store::Store& store, const std::string& person_id, std::string_view pin) {
  MK_RETURN_IF_ERROR(ValidatePinFormat(pin));
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("not enough memory to hash the PIN");
  }
  return store::SetTrainerPinHash(store, person_id, hash);
}

bool PinMatchesHash(const std::string& hash, std::string_view pin) {
  if (sodium_init() < 0 || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string copy(pin);
  return crypto_pwhash_str_verify(hash.c_str(), copy.c_str(), copy.size()) == 0;
}

TrainerViewModel::TrainerViewModel(store::Store& store, Clock& clock, TimeZone zone, std::string centre_id,
                                   std::function<void()> touch, std::function<void()> on_local_change)
    : store_(store),
      clock_(clock),
      zone_(std::move(zone)),
      centre_id_(std::move(centre_id)),
      touch_(std::move(touch)),
      on_local_change_(std::move(on_local_change)) {}

void TrainerViewModel::SetNotice(const char* id, std::vector<std::string> args, bool error) {
  notice_ = Notice{id, std::move(args), error};
}

void TrainerViewModel::StoreError(const Status& status) {
  // The roster library's refusals a trainer meets in daily work, in the screen's language;
  // anything else (a broken disk, say) with the store's own words.
  const std::string& m = status.message();
  if (status.code() == ErrorCode::kFailedPrecondition) {
    if (m.find("changed since") != std::string::npos) {
      SetNotice(Msg("This entry was changed meanwhile (on another device or by a sync), so it was not undone."));
      return;
    }
    if (m.find("is closed") != std::string::npos) {
      SetNotice(Msg("The session is closed. Reopen it to change the roster."));
      return;
    }
    if (m.find("not on the roster") != std::string::npos) {
      SetNotice(Msg("This person is not on the roster of this session."));
      return;
    }
    if (m.find("has not started") != std::string::npos) {
      SetNotice(Msg("The session has not started yet, so it cannot be closed."));
      return;
    }
    if (m.find("present or late") != std::string::npos) {
      SetNotice(Msg("Only people who are present or late can leave early. Mark them present first."));
      return;
    }
  }
  if (status.code() == ErrorCode::kInvalidArgument && m.rfind("note:", 0) == 0) {
    SetNotice(Msg("The note cannot be saved: at most 500 characters, no control characters."));
    return;
  }
  SetNotice(Msg("That did not work: {0}"), {m});
}

// ---------------------------------------------------------------------------------------
// Sign-in

void TrainerViewModel::Begin() {
  Touch();
  SignOut();
  auto list = store::ListTrainers(store_, centre_id_);
  if (!list.ok()) {
    StoreError(list.status());
    return;
  }
  for (const store::TrainerInfo& t : *list) {
    trainers_.push_back({t.person_id, utf8::NormalizeSpaces(t.first_name + " " + t.last_name), t.has_pin});
  }
  if (trainers_.empty()) SetNotice(Msg("This centre has no trainers yet."), {}, false);
}

void TrainerViewModel::ChooseTrainer(const std::string& person_id) {
  Touch();
  if (stage_ != TrainerStage::kSignIn) return;
  if (person_id.empty()) {  // "someone else": back to the list of names
    chosen_trainer_id_.clear();
    notice_ = Notice();
    return;
  }
  const auto it = std::find_if(trainers_.begin(), trainers_.end(),
                               [&](const TrainerChoice& t) { return t.person_id == person_id; });
  if (it == trainers_.end()) return;
  chosen_trainer_id_ = person_id;
  notice_ = Notice();
  if (!it->has_pin) {
    SetNotice(Msg("{0} has no trainer PIN yet. Centre staff set it with 'mintkiosk trainer pin set'."), {it->name});
  }
}

bool TrainerViewModel::SignIn(std::string_view pin) {
  Touch();
  if (stage_ != TrainerStage::kSignIn) return false;
  if (chosen_trainer_id_.empty()) {
    SetNotice(Msg("Please choose your name first."));
    return false;
  }
  const int64_t now = clock_.NowMs();
  if (const int64_t wait = limiter_.WaitMs(now); wait > 0) {
    SetNotice(Msg("Too many wrong PINs. Please wait {0} seconds."), {std::to_string((wait + 999) / 1000)});
    return false;
  }
  auto hash = store::TrainerPinHash(store_, chosen_trainer_id_);
  if (!hash.ok()) {
    StoreError(hash.status());
    return false;
  }
  if (!*hash) {
    SetNotice(Msg("{0} has no trainer PIN yet. Centre staff set it with 'mintkiosk trainer pin set'."),
              {NameOf(chosen_trainer_id_)});
    return false;
  }
  if (!PinMatchesHash(**hash, pin)) {
    limiter_.RecordFailure(now);
    SetNotice(Msg("Wrong PIN."));
    return false;
  }
  limiter_.RecordSuccess();
  trainer_id_ = chosen_trainer_id_;
  trainer_name_ = NameOf(trainer_id_);
  notice_ = Notice();
  stage_ = TrainerStage::kSessions;
  RefreshSessions();
  return true;
}

void TrainerViewModel::SignOut() {
  stage_ = TrainerStage::kSignIn;
  trainers_.clear();
  chosen_trainer_id_.clear();
  trainer_id_.clear();
  trainer_name_.clear();
  sessions_.clear();
  session_id_.clear();
  closed_ = false;
  session_record_ = store::TrainerSession();
  tab_ = TrainerTab::kRoster;
  roster_.clear();
  counts_ = store::RosterCounts();
  undo_.clear();
  editor_ = RosterEditor::kNone;
  editor_person_id_.clear();
  notice_ = Notice();
}

std::string TrainerViewModel::NameOf(const std::string& person_id) const {
  for (const TrainerChoice& t : trainers_) {
    if (t.person_id == person_id) return t.name;
  }
  for (const RosterRow& r : roster_) {
    if (r.person_id == person_id) return r.name;
  }
  return std::string();
}

// ---------------------------------------------------------------------------------------
// Sessions

void TrainerViewModel::RefreshSessions() {
  if (!signed_in()) return;
  const int64_t now = clock_.NowMs();
  CivilTime today = zone_.ToCivil(now / 1000);
  today.hour = today.minute = today.second = 0;
  CivilTime next{};
  CivilFromDays(DaysFromCivil(today.year, today.month, today.day) + 1, &next.year, &next.month, &next.day);
  auto list = store::ListTrainerSessions(store_, centre_id_, trainer_id_, zone_.FromCivil(today) * 1000,
                                         zone_.FromCivil(next) * 1000);
  if (!list.ok()) {
    StoreError(list.status());
    return;
  }
  sessions_.clear();
  for (const store::TrainerSession& t : *list) {
    TrainerSessionItem item;
    item.id = t.view.session.id;
    item.title = t.view.course_title;
    item.room = t.view.session.room;
    item.starts = zone_.ToCivil(t.view.session.starts_at / 1000);
    item.ends = zone_.ToCivil(t.view.session.ends_at / 1000);
    item.running = t.view.session.starts_at <= now && now < t.view.session.ends_at;
    item.closed = t.closed_at.has_value();
    sessions_.push_back(std::move(item));
  }
}

void TrainerViewModel::ChooseSession(const std::string& session_id) {
  Touch();
  if (!signed_in()) return;
  RefreshSessions();
  if (std::none_of(sessions_.begin(), sessions_.end(), [&](const TrainerSessionItem& s) { return s.id == session_id; })) {
    return;
  }
  session_id_ = session_id;
  tab_ = TrainerTab::kRoster;
  undo_.clear();
  editor_ = RosterEditor::kNone;
  notice_ = Notice();
  stage_ = TrainerStage::kSession;
  LoadRoster();
}

void TrainerViewModel::BackToSessions() {
  Touch();
  if (!signed_in()) return;
  session_id_.clear();
  roster_.clear();
  undo_.clear();
  editor_ = RosterEditor::kNone;
  notice_ = Notice();
  stage_ = TrainerStage::kSessions;
  RefreshSessions();
}

const TrainerSessionItem* TrainerViewModel::session() const {
  for (const TrainerSessionItem& s : sessions_) {
    if (s.id == session_id_) return &s;
  }
  return nullptr;
}

void TrainerViewModel::SetTab(TrainerTab tab) {
  Touch();
  if (stage_ != TrainerStage::kSession) return;
  tab_ = tab;
  editor_ = RosterEditor::kNone;
  notice_ = Notice();
  if (tab == TrainerTab::kRoster) LoadRoster();
}

// ---------------------------------------------------------------------------------------
// Roster

void TrainerViewModel::LoadRoster() {
  auto roster = store::ReadRoster(store_, session_id_);
  if (!roster.ok()) {
    StoreError(roster.status());
    return;
  }
  session_record_ = roster->session;
  closed_ = roster->session.closed_at.has_value();
  counts_ = roster->counts;
  roster_.clear();
  for (const store::RosterEntry& e : roster->entries) {
    RosterRow row;
    row.person_id = e.person_id;
    row.name = utf8::NormalizeSpaces(e.first_name + " " + e.last_name);
    row.school = e.school;
    row.status = e.status;
    row.walk_in = e.walk_in;
    if (e.record) {
      row.by_trainer = e.record->by_trainer;
      if (e.record->attendance.checked_in_at) row.checked_in = zone_.ToCivil(*e.record->attendance.checked_in_at / 1000);
      if (e.record->attendance.left_at) row.left_at = zone_.ToCivil(*e.record->attendance.left_at / 1000);
      row.note = e.record->attendance.note;
    }
    roster_.push_back(std::move(row));
  }
  for (TrainerSessionItem& s : sessions_) {
    if (s.id == session_id_) s.closed = closed_;
  }
}

const RosterRow* TrainerViewModel::Row(const std::string& person_id) const {
  for (const RosterRow& r : roster_) {
    if (r.person_id == person_id) return &r;
  }
  return nullptr;
}

void TrainerViewModel::Wrote() {
  if (on_local_change_) on_local_change_();
  LoadRoster();
}

void TrainerViewModel::Mark(const std::string& person_id, store::AttendanceStatus status) {
  Touch();
  if (stage_ != TrainerStage::kSession || tab_ != TrainerTab::kRoster) return;
  auto edit = store::MarkStatus(store_, session_id_, person_id, status);
  if (!edit.ok()) {
    StoreError(edit.status());
    LoadRoster();
    return;
  }
  notice_ = Notice();
  if (edit->before && edit->after == *edit->before) return;  // the same decision again
  undo_.push_back(std::move(*edit));
  Wrote();
}

void TrainerViewModel::Undo() {
  Touch();
  if (stage_ != TrainerStage::kSession || undo_.empty()) return;
  const store::RosterEdit edit = undo_.back();
  undo_.pop_back();
  if (Status s = store::UndoEdit(store_, edit); !s.ok()) {
    StoreError(s);
    LoadRoster();
    return;
  }
  SetNotice(Msg("Undone for {0}."), {NameOf(edit.person_id)}, false);
  Wrote();
}

std::string TrainerViewModel::OpenNoteEditor(const std::string& person_id) {
  Touch();
  const RosterRow* row = Row(person_id);
  if (stage_ != TrainerStage::kSession || row == nullptr || closed_) return std::string();
  editor_ = RosterEditor::kNote;
  editor_person_id_ = person_id;
  notice_ = Notice();
  return row->note;
}

std::string TrainerViewModel::OpenLeftAtEditor(const std::string& person_id) {
  Touch();
  const RosterRow* row = Row(person_id);
  if (stage_ != TrainerStage::kSession || row == nullptr || closed_) return std::string();
  editor_ = RosterEditor::kLeftAt;
  editor_person_id_ = person_id;
  notice_ = Notice();
  const CivilTime t = row->left_at ? *row->left_at : zone_.ToCivil(clock_.NowMs() / 1000);
  return TwoDigits(t.hour) + ":" + TwoDigits(t.minute);
}

void TrainerViewModel::SaveNote(std::string_view text) {
  Touch();
  if (editor_ != RosterEditor::kNote) return;
  auto edit = store::SetNote(store_, session_id_, editor_person_id_, text);
  if (!edit.ok()) {
    StoreError(edit.status());
    return;
  }
  editor_ = RosterEditor::kNone;
  notice_ = Notice();
  if (!(edit->before && edit->after == *edit->before)) undo_.push_back(std::move(*edit));
  Wrote();
}

void TrainerViewModel::SaveLeftAt(std::string_view hh_mm) {
  Touch();
  if (editor_ != RosterEditor::kLeftAt) return;
  std::optional<int64_t> at;
  if (!utf8::NormalizeSpaces(hh_mm).empty()) {
    auto parsed = store::ParseSessionTime(session_record_, zone_, hh_mm);
    if (!parsed.ok()) {
      SetNotice(Msg("Please type the time as HH:MM, e.g. 11:45."));
      return;
    }
    at = *parsed;
  }
  auto edit = store::SetLeftAt(store_, session_id_, editor_person_id_, at);
  if (!edit.ok()) {
    if (edit.status().code() == ErrorCode::kInvalidArgument) {
      SetNotice(Msg("The time of leaving must lie between the start and the end of the session, after the check-in."));
    } else {
      StoreError(edit.status());
    }
    return;
  }
  editor_ = RosterEditor::kNone;
  notice_ = Notice();
  if (!(edit->before && edit->after == *edit->before)) undo_.push_back(std::move(*edit));
  Wrote();
}

void TrainerViewModel::CloseEditor() {
  Touch();
  editor_ = RosterEditor::kNone;
  editor_person_id_.clear();
}

void TrainerViewModel::RequestClose() {
  Touch();
  if (stage_ != TrainerStage::kSession || closed_) return;
  editor_ = RosterEditor::kConfirmClose;
  editor_person_id_.clear();
  notice_ = Notice();
}

void TrainerViewModel::ConfirmClose() {
  Touch();
  if (editor_ != RosterEditor::kConfirmClose) return;
  editor_ = RosterEditor::kNone;
  auto closed = store::CloseSession(store_, session_id_);
  if (!closed.ok()) {
    StoreError(closed.status());
    LoadRoster();
    return;
  }
  undo_.clear();  // the close is not undone step by step; reopening is the way back
  if (closed->marked_absent > 0) {
    SetNotice(Msg("The session is closed. {0} people not marked were recorded as absent."),
              {std::to_string(closed->marked_absent)}, false);
  } else {
    SetNotice(Msg("The session is closed."), {}, false);
  }
  Wrote();
}

void TrainerViewModel::Reopen() {
  Touch();
  if (stage_ != TrainerStage::kSession || !closed_) return;
  if (Status s = store::ReopenSession(store_, session_id_); !s.ok()) {
    StoreError(s);
    return;
  }
  SetNotice(Msg("The session is open again."), {}, false);
  Wrote();
}

}  // namespace mk::client
