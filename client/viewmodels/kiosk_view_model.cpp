// The kiosk view-model: every rule of the check-in flow, none of the drawing.
#include "kiosk_view_model.h"

#include <algorithm>

#include "platform/paths.h"
#include "sync/common/utf8.h"

namespace mk::client {
namespace {

using i18n::Msg;

constexpr size_t kMaxResults = 8;
constexpr int64_t kRefreshEveryMs = 60 * 1000;
// Taps that arrive this soon after a check-in belong to the tap that caused it (a double
// tap) and are ignored, so the button under the finger on the next screen is not hit.
constexpr int64_t kDoubleTapGuardMs = 700;

size_t FieldMaxChars(FieldId id) {
  switch (id) {
    case FieldId::kSearch: return 60;
    case FieldId::kCode: return 32;
    case FieldId::kFirstName:
    case FieldId::kLastName: return 100;
    case FieldId::kSchool: return 200;
    case FieldId::kEmail: return 254;
    case FieldId::kPin:
    case FieldId::kNewPin: return 12;
    case FieldId::kServerUrl: return 500;
    case FieldId::kEnrolCode: return 40;
    case FieldId::kSurveyText: return feedback::kMaxFreeTextChars;
    case FieldId::kTrainerPin: return 12;
    case FieldId::kRosterNote: return store::kMaxNoteChars;
    case FieldId::kRosterLeftAt: return 5;
    default: return 100;
  }
}

bool OnlyDigits(FieldId id) { return id == FieldId::kPin || id == FieldId::kNewPin || id == FieldId::kTrainerPin; }

}  // namespace

std::string ShortDisplayName(std::string_view first_name, std::string_view last_name) {
  std::string out = utf8::NormalizeSpaces(first_name);
  const std::string last = utf8::NormalizeSpaces(last_name);
  if (!last.empty()) {
    size_t pos = 0;
    const char32_t cp = utf8::DecodeNext(last, &pos);
    if (!out.empty()) out += ' ';
    utf8::Append(&out, cp);
    out += '.';
  }
  return out;
}

Result<std::unique_ptr<KioskViewModel>> KioskViewModel::Create(store::Store& store, Clock& clock,
                                                                const KioskOptions& options) {
  std::unique_ptr<KioskViewModel> vm(new KioskViewModel(store, clock, options));
  MK_ASSIGN_OR_RETURN(store::Centre centre, store.HomeCentre());
  vm->centre_id_ = centre.id;
  vm->centre_name_ = centre.name;
  auto zone = TimeZone::Load(centre.time_zone, platform::ZoneInfoDir());
  if (!zone.ok()) return zone.status().WithContext("the time zone of centre '" + centre.name + "'");
  vm->zone_ = *zone;
  vm->survey_ = std::make_unique<SurveyViewModel>(store, centre.id, *zone);
  MK_ASSIGN_OR_RETURN(vm->settings_, LoadKioskSettings(options.data_dir));
  if (options.language) vm->settings_.language = *options.language;
  vm->draft_ = vm->settings_;
  vm->language_ = vm->settings_.language;
  vm->idle_ = IdleTimer(int64_t{vm->settings_.idle_seconds} * 1000, options.countdown_ms);
  for (size_t i = 0; i < vm->fields_.size(); ++i) vm->fields_[i] = TextField(FieldMaxChars(static_cast<FieldId>(i)));
  vm->sync_ = ReadSyncIndicator(options.data_dir);
  vm->idle_.Touch(clock.NowMs());
  vm->MakeTrainer();
  vm->RefreshSessions();
  return vm;
}

CivilTime KioskViewModel::Today() const { return zone_.ToCivil(clock_.NowMs() / 1000); }

const SessionItem* KioskViewModel::chosen_session() const {
  for (const SessionItem& s : sessions_) {
    if (s.id == session_id_) return &s;
  }
  return nullptr;
}

TextField* KioskViewModel::PanelField(FieldId id) const {
  switch (id) {
    case FieldId::kMaterialTitle: return materials_panel_ ? &materials_panel_->form().title : nullptr;
    case FieldId::kMaterialDescription: return materials_panel_ ? &materials_panel_->form().description : nullptr;
    case FieldId::kMaterialLicence: return materials_panel_ ? &materials_panel_->form().licence : nullptr;
    case FieldId::kMaterialPurpose: return materials_panel_ ? &materials_panel_->form().purpose : nullptr;
    case FieldId::kCertificatesFolder: return certificates_panel_ ? &certificates_panel_->folder_field() : nullptr;
    default: return nullptr;
  }
}

const TextField& KioskViewModel::field(FieldId id) const {
  if (const TextField* panel = PanelField(id)) return *panel;
  return fields_[static_cast<size_t>(id)];
}

TextField& KioskViewModel::MutableField(FieldId id) {
  if (TextField* panel = PanelField(id)) return *panel;
  return fields_[static_cast<size_t>(id)];
}

bool KioskViewModel::FieldShown(FieldId id) const {
  const bool in_session = screen_ == Screen::kTrainer && trainer_ && trainer_->stage() == TrainerStage::kSession;
  switch (id) {
    case FieldId::kMaterialTitle:
    case FieldId::kMaterialDescription:
    case FieldId::kMaterialLicence:
    case FieldId::kMaterialPurpose:
      return in_session && trainer_->tab() == TrainerTab::kMaterials && materials_panel_ &&
             materials_panel_->view() == MaterialsView::kAddForm;
    case FieldId::kCertificatesFolder: return in_session && trainer_->tab() == TrainerTab::kCertificates;
    default: return true;
  }
}

const Notice* KioskViewModel::FieldError(FieldId id) const {
  auto it = field_errors_.find(id);
  return it == field_errors_.end() ? nullptr : &it->second;
}

std::optional<int> KioskViewModel::IdleCountdown() const {
  if (!IsIdleRelevant()) return std::nullopt;
  return idle_.CountdownSeconds(clock_.NowMs());
}

int64_t KioskViewModel::NextWakeInMs() const {
  const int64_t now = clock_.NowMs();
  int64_t wake = kRefreshEveryMs - std::min(kRefreshEveryMs, now - last_refresh_ms_);
  if (IsIdleRelevant()) wake = std::min(wake, idle_.NextChangeInMs(now));
  if (screen_ == Screen::kConfirmation || screen_ == Screen::kAlreadyCheckedIn || screen_ == Screen::kSurveyThanks) {
    wake = std::min(wake, std::max<int64_t>(0, confirmation_since_ms_ + options_.confirmation_ms - now));
  }
  if (materials_panel_) {
    const int64_t materials = materials_panel_->NextWakeInMs(now);
    if (materials >= 0) wake = std::min(wake, materials);
  }
  return std::max<int64_t>(wake, 0);
}

bool KioskViewModel::IsIdleRelevant() const {
  if (screen_ != Screen::kHome || !notice_.empty() || language_ != settings_.language) return true;
  return std::any_of(fields_.begin(), fields_.end(), [](const TextField& f) { return !f.empty(); });
}

void KioskViewModel::Go(Screen screen) {
  screen_ = screen;
  keyboard_.Reset();
  keyboard_collapsed_ = false;
}

void KioskViewModel::SetNotice(const char* id, std::vector<std::string> args, bool error) {
  notice_ = Notice{id, std::move(args), error};
}

// ---------------------------------------------------------------------------------------
// Input

void KioskViewModel::OnActivity() { idle_.Touch(clock_.NowMs()); }

void KioskViewModel::OnText(std::string_view text, std::optional<int64_t> typed_at_ms) {
  const int64_t now = clock_.NowMs();
  idle_.Touch(now);
  const int64_t key_time = typed_at_ms.value_or(now);
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    utf8::DecodeNext(text, &pos);
    const std::string_view ch = text.substr(start, pos - start);
    const FieldId target = focused();
    if (scanner_.OnChar(ch, key_time)) {
      // A new run of characters: remember the field as it was, in case this is a scanner.
      burst_field_ = target;
      burst_field_before_ = target == FieldId::kNone ? std::string() : field(target).text();
    }
    if (target == FieldId::kNone) continue;
    if (OnlyDigits(target) && !(ch.size() == 1 && ch[0] >= '0' && ch[0] <= '9')) continue;
    MutableField(target).Append(ch);
  }
  if (const FieldId target = focused(); target != FieldId::kNone) {
    keyboard_.SetShift(false);  // shift is one-shot on any keyboard
    FieldChanged(target);
  }
}

void KioskViewModel::OnBackspace() {
  idle_.Touch(clock_.NowMs());
  scanner_.Reset();
  const FieldId target = focused();
  if (target == FieldId::kNone) return;
  MutableField(target).Backspace();
  FieldChanged(target);
}

void KioskViewModel::OnEnter(std::optional<int64_t> typed_at_ms) {
  const int64_t now = clock_.NowMs();
  idle_.Touch(now);
  if (std::optional<std::string> code = scanner_.OnEnter(typed_at_ms.value_or(now))) {
    if (burst_field_ != FieldId::kNone) {
      MutableField(burst_field_).Set(burst_field_before_);
      FieldChanged(burst_field_);
    }
    burst_field_ = FieldId::kNone;
    // The next person may scan while the previous confirmation still shows.
    if ((screen_ == Screen::kConfirmation || screen_ == Screen::kAlreadyCheckedIn) &&
        now >= confirmation_since_ms_ + kDoubleTapGuardMs) {
      ResetForNextPerson();
    }
    HandleScannedCode(*code);
    return;
  }
  switch (focused()) {
    case FieldId::kCode: SubmitCode(); break;
    case FieldId::kPin: SubmitPin(); break;
    case FieldId::kTrainerPin: SubmitTrainerPin(); break;
    case FieldId::kRosterNote:
    case FieldId::kRosterLeftAt: SaveRosterEditor(); break;
    case FieldId::kSearch:
      if (results_.size() == 1) ChooseResult(0);
      break;
    case FieldId::kFirstName: Focus(FieldId::kLastName); break;
    case FieldId::kLastName: Focus(FieldId::kSchool); break;
    case FieldId::kSchool: Focus(FieldId::kEmail); break;
    case FieldId::kEmail: Focus(FieldId::kNone); break;
    case FieldId::kSurveyText: Focus(FieldId::kNone); break;
    // The trainer's forms: OK moves to the next field, and after the last one puts the keyboard away.
    case FieldId::kMaterialTitle: Focus(FieldId::kMaterialDescription); break;
    case FieldId::kMaterialDescription: Focus(FieldId::kMaterialLicence); break;
    case FieldId::kMaterialLicence: Focus(FieldId::kMaterialPurpose); break;
    case FieldId::kMaterialPurpose:
    case FieldId::kCertificatesFolder: Focus(FieldId::kNone); break;
    default: break;
  }
}

void KioskViewModel::PressKey(const KeyboardKey& key) {
  idle_.Touch(clock_.NowMs());
  switch (key.action) {
    case KeyAction::kBackspace:
      keyboard_.Press(key);
      if (const FieldId target = focused(); target != FieldId::kNone) {
        MutableField(target).Backspace();
        FieldChanged(target);
      }
      return;
    case KeyAction::kEnter:
      keyboard_.Press(key);
      scanner_.Reset();
      OnEnter();
      return;
    default: {
      const std::string text = keyboard_.Press(key);
      const FieldId target = focused();
      if (text.empty() || target == FieldId::kNone) return;
      if (OnlyDigits(target) && !(text.size() == 1 && text[0] >= '0' && text[0] <= '9')) return;
      MutableField(target).Append(text);
      FieldChanged(target);
    }
  }
}

void KioskViewModel::CollapseKeyboard() {
  idle_.Touch(clock_.NowMs());
  if (focused() != FieldId::kNone) keyboard_collapsed_ = true;
}

void KioskViewModel::ShowKeyboard() {
  idle_.Touch(clock_.NowMs());
  keyboard_collapsed_ = false;
}

void KioskViewModel::Focus(FieldId id) {
  idle_.Touch(clock_.NowMs());
  keyboard_collapsed_ = false;  // a tap on a field brings the keyboard back
  if (!FieldShown(id)) return;  // a form that is not on screen takes no focus
  if (focused_ == id) return;
  focused_ = id;
  scroll_to_focus_ = id != FieldId::kNone;
  // Names and titles start with a capital letter: shift is on for such a field while it is empty.
  keyboard_.SetShift((id == FieldId::kFirstName || id == FieldId::kLastName || id == FieldId::kSchool ||
                      id == FieldId::kMaterialTitle || id == FieldId::kMaterialDescription) &&
                     field(id).empty());
}

void KioskViewModel::FieldChanged(FieldId id) {
  field_errors_.erase(id);
  if (id == FieldId::kSearch) RunSearch();
  if (id == FieldId::kCode || id == FieldId::kPin) notice_ = Notice();
}

void KioskViewModel::Update() {
  const int64_t now = clock_.NowMs();
  if (std::optional<Status> enrolled = enrolment_.TakeResult()) FinishEnrolment(*enrolled);
  // A trainer waiting for the server is not idle (the wait is bounded by the HTTP timeouts).
  if (enrolling()) idle_.Touch(now);
  if (materials_panel_) materials_panel_->Update(now);
  // A form that left the screen (another tab, added or cancelled) gives up the focus.
  if (!FieldShown(focused_)) {
    focused_ = FieldId::kNone;
    keyboard_.Reset();
  }
  if ((screen_ == Screen::kConfirmation || screen_ == Screen::kAlreadyCheckedIn || screen_ == Screen::kSurveyThanks) &&
      now >= confirmation_since_ms_ + options_.confirmation_ms) {
    ResetForNextPerson();
    return;
  }
  if (IsIdleRelevant() && idle_.Expired(now)) {
    ResetForNextPerson();
    return;
  }
  if (now - last_refresh_ms_ >= kRefreshEveryMs) RefreshSessions();
  if (options_.sync_status) {
    if (std::optional<sync::SyncStatus> status = options_.sync_status()) sync_ = IndicatorFromStatus(*status, sync_.host, now);
  }
}

void KioskViewModel::OnCloseRequested() {
  idle_.Touch(clock_.NowMs());
  if (!options_.kiosk_mode) {
    exit_requested_ = true;
    return;
  }
  OpenPinPrompt(PinPurpose::kExit);
}

void KioskViewModel::OpenPinPrompt(PinPurpose purpose) {
  pin_purpose_ = purpose;
  MutableField(FieldId::kPin).Clear();
  chosen_pin_.clear();
  notice_ = Notice();
  pin_stage_ = HasTrainerPin(options_.data_dir) ? PinStage::kEnter : PinStage::kChoose;
  Go(Screen::kPinPrompt);
  focused_ = FieldId::kPin;
}

// ---------------------------------------------------------------------------------------
// Home

void KioskViewModel::RefreshSessions() {
  const int64_t now = clock_.NowMs();
  last_refresh_ms_ = now;
  survey_->RefreshOffers(now);
  const CivilTime today = zone_.ToCivil(now / 1000);
  CivilTime next{};
  CivilFromDays(DaysFromCivil(today.year, today.month, today.day) + 1, &next.year, &next.month, &next.day);
  const int64_t end_of_day = zone_.FromCivil(next) * 1000;
  auto list = store_.ListSessions(centre_id_, now, end_of_day);
  if (!list.ok()) {
    SetNotice(Msg("The list of sessions could not be read. Please ask a trainer."));
    return;
  }
  sessions_.clear();
  for (const store::SessionView& v : *list) {
    SessionItem item;
    item.id = v.session.id;
    item.title = v.course_title;
    item.room = v.session.room;
    item.starts = zone_.ToCivil(v.session.starts_at / 1000);
    item.ends = zone_.ToCivil(v.session.ends_at / 1000);
    item.opens = zone_.ToCivil((v.session.starts_at - options_.opens_before_start_ms) / 1000);
    item.running = v.session.starts_at <= now && now < v.session.ends_at;
    item.open = v.session.starts_at - options_.opens_before_start_ms <= now && now < v.session.ends_at;
    sessions_.push_back(std::move(item));
  }
}

void KioskViewModel::OpenSession(const std::string& session_id) {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kHome) return;
  RefreshSessions();
  const SessionItem* item = nullptr;
  for (const SessionItem& s : sessions_) {
    if (s.id == session_id) item = &s;
  }
  if (item == nullptr) {
    SetNotice(Msg("This session is over. Please choose another one."));
    return;
  }
  if (!item->open) {
    SetNotice(Msg("Check-in for this session opens one hour before it starts."));
    return;
  }
  notice_ = Notice();
  session_id_ = session_id;
  results_.clear();
  MutableField(FieldId::kSearch).Clear();
  MutableField(FieldId::kCode).Clear();
  search_hint_ = Notice{Msg("Type at least 2 letters of your name."), {}, false};
  Go(Screen::kCheckIn);
  focused_ = FieldId::kSearch;
  keyboard_.SetShift(true);
}

void KioskViewModel::SetLanguage(i18n::Language language) {
  idle_.Touch(clock_.NowMs());
  language_ = language;
}

void KioskViewModel::RequestSettings() {
  idle_.Touch(clock_.NowMs());
  OpenPinPrompt(PinPurpose::kSettings);
}

// ---------------------------------------------------------------------------------------
// Check-in

void KioskViewModel::RunSearch() {
  results_.clear();
  const std::string query = utf8::NormalizeSpaces(field(FieldId::kSearch).text());
  if (utf8::Length(query) < 2) {
    search_hint_ = Notice{Msg("Type at least 2 letters of your name."), {}, false};
    return;
  }
  store::SearchOptions options;
  options.centre_id = centre_id_;
  options.limit = kMaxResults;
  options.boost_session_id = session_id_;
  auto hits = store_.Search(query, options);
  if (!hits.ok()) {
    search_hint_ = Notice{Msg("The search did not work. Please try again or ask a trainer."), {}, true};
    return;
  }
  for (const store::PersonHit& h : *hits) {
    results_.push_back({h.id, ShortDisplayName(h.first_name, h.last_name), h.school});
  }
  search_hint_ = results_.empty()
                     ? Notice{Msg("No one found. Check the spelling, use your participant code, or register as a walk-in."), {}, false}
                     : Notice();
}

bool KioskViewModel::AcceptsCommand() {
  // A check-in has just been confirmed: a second tap of the same finger must not act again.
  if (screen_ == Screen::kConfirmation || screen_ == Screen::kAlreadyCheckedIn) return false;
  return true;
}

void KioskViewModel::ChooseResult(size_t index) {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kCheckIn || !AcceptsCommand() || index >= results_.size()) return;
  CheckInPerson(session_id_, results_[index].person_id, store::CheckInMethod::kKioskSearch);
}

void KioskViewModel::SubmitCode() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kCheckIn || !AcceptsCommand()) return;
  const std::string code = utf8::NormalizeSpaces(field(FieldId::kCode).text());
  if (code.empty()) {
    SetNotice(Msg("Please type your participant code."));
    return;
  }
  HandleScannedCode(code);
}

void KioskViewModel::HandleScannedCode(const std::string& code) {
  if (!AcceptsCommand()) return;
  if (screen_ == Screen::kPinPrompt || screen_ == Screen::kSettings || screen_ == Screen::kTrainer) return;  // trainers at work
  auto person = store_.FindByParticipantCode(centre_id_, code);
  if (!person.ok()) {
    ShowStoreError(person.status());
    return;
  }
  if (!*person) {
    SetNotice(Msg("This code belongs to no one here. Please search for your name or ask a trainer."));
    return;
  }
  const std::string person_id = (*person)->id;
  std::string session_id =
      (screen_ == Screen::kCheckIn || screen_ == Screen::kWalkIn) ? session_id_ : std::string();
  if (session_id.empty()) {
    RefreshSessions();
    std::vector<std::string> open;
    std::vector<std::string> enrolled;
    for (const SessionItem& s : sessions_) {
      if (!s.open) continue;
      open.push_back(s.id);
      auto is = store_.IsEnrolled(s.id, person_id);
      if (is.ok() && *is) enrolled.push_back(s.id);
    }
    if (enrolled.size() == 1) {
      session_id = enrolled.front();
    } else if (open.size() == 1) {
      session_id = open.front();
    } else if (open.empty()) {
      SetNotice(Msg("No session is open for check-in right now."));
      return;
    } else {
      Go(Screen::kHome);
      SetNotice(Msg("Please choose your session first, then scan your code again."), {}, false);
      return;
    }
  }
  CheckInPerson(session_id, person_id, store::CheckInMethod::kCode);
}

void KioskViewModel::CheckInPerson(const std::string& session_id, const std::string& person_id,
                                   store::CheckInMethod method) {
  store::CheckInRequest request;
  request.session_id = session_id;
  request.person_id = person_id;
  request.method = method;
  request.opens_before_start_ms = options_.opens_before_start_ms;
  auto result = store_.CheckIn(request);
  if (!result.ok()) {
    ShowStoreError(result.status());
    return;
  }
  if (!result->already_checked_in && options_.on_local_change) options_.on_local_change();
  ShowConfirmation(session_id, person_id, *result, method);
}

void KioskViewModel::ShowConfirmation(const std::string& session_id, const std::string& person_id,
                                      const store::CheckInResult& result, store::CheckInMethod method) {
  auto person = store_.GetPerson(person_id);
  auto session = store_.GetSession(session_id);
  if (!person.ok() || !session.ok()) {
    ShowStoreError(!person.ok() ? person.status() : session.status());
    return;
  }
  confirmation_ = ConfirmationView();
  confirmation_.display_name = ShortDisplayName(person->first_name, person->last_name);
  confirmation_.course_title = session->course_title;
  confirmation_.room = session->session.room;
  confirmation_.checked_in_at = zone_.ToCivil(result.attendance.checked_in_at.value_or(clock_.NowMs()) / 1000);
  confirmation_.late = result.attendance.status == store::AttendanceStatus::kLate;
  confirmation_.walk_in = method == store::CheckInMethod::kWalkIn;
  notice_ = Notice();
  // Nothing typed by this person stays behind the confirmation.
  for (TextField& f : fields_) f.Clear();
  results_.clear();
  focused_ = FieldId::kNone;
  confirmation_since_ms_ = clock_.NowMs();
  Go(result.already_checked_in ? Screen::kAlreadyCheckedIn : Screen::kConfirmation);
}

void KioskViewModel::ShowStoreError(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kFailedPrecondition:
      SetNotice(Msg("Check-in is not possible for this session now: it has ended or has not opened yet."));
      RefreshSessions();
      break;
    case ErrorCode::kNotFound:
      SetNotice(Msg("This person or session is no longer here. Please ask a trainer."));
      break;
    case ErrorCode::kBusy:
      SetNotice(Msg("The kiosk is busy. Please tap again in a moment."));
      break;
    default:
      SetNotice(Msg("Something went wrong and nothing was saved. Please ask a trainer. ({0})"), {status.message()});
  }
}

void KioskViewModel::StartWalkIn() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kCheckIn) return;
  // What was typed into the search is most likely the name: offer it as a start.
  const std::string typed = utf8::NormalizeSpaces(field(FieldId::kSearch).text());
  for (FieldId id : {FieldId::kFirstName, FieldId::kLastName, FieldId::kSchool, FieldId::kEmail}) MutableField(id).Clear();
  const size_t space = typed.find(' ');
  MutableField(FieldId::kFirstName).Set(typed.substr(0, space));
  if (space != std::string::npos) MutableField(FieldId::kLastName).Set(typed.substr(space + 1));
  subjects_.clear();
  consent_ = false;
  field_errors_.clear();
  notice_ = Notice();
  Go(Screen::kWalkIn);
  // No field has the focus yet: the whole form shows first, the keyboard comes with a tap.
  focused_ = FieldId::kNone;
}

void KioskViewModel::BackToHome() {
  idle_.Touch(clock_.NowMs());
  if (screen_ == Screen::kWalkIn) {
    // Back from the walk-in form goes to the search, and forgets the form.
    for (FieldId id : {FieldId::kFirstName, FieldId::kLastName, FieldId::kSchool, FieldId::kEmail}) MutableField(id).Clear();
    subjects_.clear();
    consent_ = false;
    field_errors_.clear();
    notice_ = Notice();
    Go(Screen::kCheckIn);
    focused_ = FieldId::kSearch;
    return;
  }
  ResetForNextPerson();
}

// ---------------------------------------------------------------------------------------
// Walk-in

void KioskViewModel::ToggleSubject(store::Subject subject) {
  idle_.Touch(clock_.NowMs());
  focused_ = FieldId::kNone;  // a tap outside the text fields puts the keyboard away
  if (!subjects_.erase(subject)) subjects_.insert(subject);
}

void KioskViewModel::SetConsent(bool on) {
  idle_.Touch(clock_.NowMs());
  focused_ = FieldId::kNone;
  consent_ = on;
  if (on) field_errors_.erase(FieldId::kNone);
}

void KioskViewModel::ValidateWalkInField(FieldId id) {
  const std::string value = utf8::NormalizeSpaces(field(id).text());
  store::Person p;
  p.first_name = "A";
  p.last_name = "A";
  switch (id) {
    case FieldId::kFirstName:
      if (value.empty()) {
        field_errors_[id] = {Msg("Please enter your first name."), {}, true};
        return;
      }
      p.first_name = value;
      break;
    case FieldId::kLastName:
      if (value.empty()) {
        field_errors_[id] = {Msg("Please enter your last name."), {}, true};
        return;
      }
      p.last_name = value;
      break;
    case FieldId::kSchool:
      if (value.empty()) {
        field_errors_[id] = {Msg("Please enter your school."), {}, true};
        return;
      }
      p.school = value;
      break;
    case FieldId::kEmail:
      if (value.empty()) return;  // optional
      p.email = value;
      break;
    default:
      return;
  }
  if (store::ValidatePerson(p).ok()) return;
  switch (id) {
    case FieldId::kFirstName:
    case FieldId::kLastName:
      field_errors_[id] = {Msg("Names may contain letters, spaces, hyphens and apostrophes only."), {}, true};
      break;
    case FieldId::kSchool:
      field_errors_[id] = {Msg("The school name contains characters that cannot be stored."), {}, true};
      break;
    default:
      field_errors_[id] = {Msg("This email address does not look right (name@example.org)."), {}, true};
  }
}

void KioskViewModel::SubmitWalkIn() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kWalkIn || !AcceptsCommand()) return;
  field_errors_.clear();
  for (FieldId id : {FieldId::kFirstName, FieldId::kLastName, FieldId::kSchool, FieldId::kEmail}) ValidateWalkInField(id);
  if (!consent_) field_errors_[FieldId::kNone] = {Msg("Please read the consent text and tick the box."), {}, true};
  if (!field_errors_.empty()) {
    SetNotice(Msg("Please check the marked fields."));
    return;
  }
  store::WalkInRequest request;
  request.session_id = session_id_;
  request.consent = consent_;
  request.person.first_name = field(FieldId::kFirstName).text();
  request.person.last_name = field(FieldId::kLastName).text();
  request.person.school = field(FieldId::kSchool).text();
  if (!utf8::NormalizeSpaces(field(FieldId::kEmail).text()).empty()) request.person.email = field(FieldId::kEmail).text();
  request.person.subjects.assign(subjects_.begin(), subjects_.end());
  auto result = store_.RegisterWalkIn(request);
  if (!result.ok()) {
    if (result.status().code() == ErrorCode::kInvalidArgument) {
      SetNotice(Msg("Please check your entries: {0}"), {result.status().message()});
    } else {
      ShowStoreError(result.status());
    }
    return;
  }
  if (options_.on_local_change) options_.on_local_change();
  subjects_.clear();
  consent_ = false;
  ShowConfirmation(session_id_, result->person_id, result->check_in, store::CheckInMethod::kWalkIn);
}

// ---------------------------------------------------------------------------------------
// Confirmation, PIN, settings

void KioskViewModel::Done() {
  if ((screen_ == Screen::kConfirmation || screen_ == Screen::kAlreadyCheckedIn || screen_ == Screen::kSurveyThanks) &&
      clock_.NowMs() < confirmation_since_ms_ + kDoubleTapGuardMs) {
    return;
  }
  ResetForNextPerson();
}

void KioskViewModel::SubmitPin() {
  const int64_t now = clock_.NowMs();
  idle_.Touch(now);
  if (screen_ != Screen::kPinPrompt) return;
  const std::string typed = field(FieldId::kPin).text();
  MutableField(FieldId::kPin).Clear();
  switch (pin_stage_) {
    case PinStage::kChoose:
      if (!ValidatePinFormat(typed).ok()) {
        SetNotice(Msg("The new PIN must have 4 to 12 digits."));
        return;
      }
      chosen_pin_ = typed;
      pin_stage_ = PinStage::kConfirm;
      notice_ = Notice();
      return;
    case PinStage::kConfirm: {
      if (typed != chosen_pin_) {
        chosen_pin_.clear();
        pin_stage_ = PinStage::kChoose;
        SetNotice(Msg("The two PINs differ. Please choose a PIN again."));
        return;
      }
      chosen_pin_.clear();
      if (HasTrainerPin(options_.data_dir)) {
        // Set meanwhile (`mintkiosk pin set`): that one counts, not a second choice here.
        pin_stage_ = PinStage::kEnter;
        SetNotice(Msg("A trainer PIN has been set meanwhile. Please type it."));
        return;
      }
      if (Status s = SetTrainerPin(options_.data_dir, typed); !s.ok()) {
        pin_stage_ = PinStage::kChoose;
        SetNotice(Msg("The PIN was not set: {0}"), {s.message()});
        return;
      }
      pin_limiter_.RecordSuccess();
      PinAccepted();
      if (screen_ == Screen::kSettings) SetNotice(Msg("The trainer PIN has been set."), {}, false);
      return;
    }
    case PinStage::kEnter: break;
  }
  if (const int64_t wait = pin_limiter_.WaitMs(now); wait > 0) {
    SetNotice(Msg("Too many wrong PINs. Please wait {0} seconds."), {std::to_string((wait + 999) / 1000)});
    return;
  }
  if (!HasTrainerPin(options_.data_dir)) {
    // The PIN file went away while the prompt showed: nobody gets through; a PIN is chosen first.
    pin_stage_ = PinStage::kChoose;
    SetNotice(Msg("No trainer PIN is set yet. Choose one of 4 to 12 digits: it guards leaving the kiosk and its settings."),
              {}, false);
    return;
  }
  auto verified = VerifyTrainerPin(options_.data_dir, typed);
  if (!verified.ok()) {
    SetNotice(Msg("The PIN could not be checked: {0}"), {verified.status().message()});
    return;
  }
  if (!*verified) {
    pin_limiter_.RecordFailure(now);
    SetNotice(Msg("Wrong PIN."));
    return;
  }
  pin_limiter_.RecordSuccess();
  PinAccepted();
}

void KioskViewModel::PinAccepted() {
  notice_ = Notice();
  if (pin_purpose_ == PinPurpose::kExit) {
    exit_requested_ = true;
    return;
  }
  draft_ = settings_;
  MutableField(FieldId::kServerUrl).Set(settings_.server_url);
  MutableField(FieldId::kNewPin).Clear();
  Go(Screen::kSettings);
  focused_ = FieldId::kNone;
}

void KioskViewModel::CancelPin() { ResetForNextPerson(); }

void KioskViewModel::SetDraftIdleSeconds(int seconds) {
  idle_.Touch(clock_.NowMs());
  draft_.idle_seconds = std::clamp(seconds, 15, 600);
}

void KioskViewModel::SetDraftLanguage(i18n::Language language) {
  idle_.Touch(clock_.NowMs());
  draft_.language = language;
}

void KioskViewModel::SetDraftUiScale(float scale) {
  idle_.Touch(clock_.NowMs());
  draft_.ui_scale = std::clamp(scale, 0.75f, 2.5f);
}

void KioskViewModel::SaveSettings() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kSettings) return;
  KioskSettings next = draft_;
  next.server_url = utf8::NormalizeSpaces(field(FieldId::kServerUrl).text());
  if (Status s = ValidateKioskSettings(next); !s.ok()) {
    SetNotice(Msg("The settings were not saved: {0}"), {s.message()});
    return;
  }
  if (Status s = SaveKioskSettings(options_.data_dir, next); !s.ok()) {
    SetNotice(Msg("The settings were not saved: {0}"), {s.message()});
    return;
  }
  settings_ = next;
  draft_ = next;
  language_ = next.language;
  ++settings_generation_;
  idle_.SetIdleMs(int64_t{settings_.idle_seconds} * 1000);
  sync_ = ReadSyncIndicator(options_.data_dir);
  SetNotice(Msg("Settings saved."), {}, false);
}

void KioskViewModel::ChangePin() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kSettings) return;
  const std::string pin = field(FieldId::kNewPin).text();
  MutableField(FieldId::kNewPin).Clear();
  if (!ValidatePinFormat(pin).ok()) {
    SetNotice(Msg("The new PIN must have 4 to 12 digits."));
    return;
  }
  if (Status s = SetTrainerPin(options_.data_dir, pin); !s.ok()) {
    SetNotice(Msg("The PIN was not changed: {0}"), {s.message()});
    return;
  }
  SetNotice(Msg("The trainer PIN has been changed."), {}, false);
}

void KioskViewModel::EnrolDevice() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kSettings || !options_.enrol || enrolling()) return;
  const std::string url = utf8::NormalizeSpaces(field(FieldId::kServerUrl).text());
  const std::string code = utf8::NormalizeSpaces(field(FieldId::kEnrolCode).text());
  if (url.empty() || code.empty()) {
    SetNotice(Msg("Please enter the server URL and the enrolment code."));
    return;
  }
  MutableField(FieldId::kEnrolCode).Clear();  // a code is not kept on screen
  enrolling_url_ = url;
  auto enrol = options_.enrol;
  const bool started = enrolment_.Start(
      [enrol, url, code](const std::atomic<bool>& cancel) { return enrol(url, code, cancel); }, options_.wake_ui);
  if (!started) return;
  SetNotice(Msg("Enrolling…"), {}, false);
}

void KioskViewModel::FinishEnrolment(const Status& s) {
  // The trainer may have closed the settings meanwhile: the outcome then shows in the sync
  // indicator only.
  const bool show = screen_ == Screen::kSettings;
  if (!s.ok()) {
    if (show) SetNotice(Msg("The device was not enrolled: {0}"), {s.message()});
    return;
  }
  if (options_.on_enrolled) options_.on_enrolled();
  sync_ = ReadSyncIndicator(options_.data_dir);
  // Enrolment makes the server's centre this device's centre.
  if (auto centre = store_.HomeCentre(); centre.ok()) {
    centre_id_ = centre->id;
    centre_name_ = centre->name;
    if (auto zone = TimeZone::Load(centre->time_zone, platform::ZoneInfoDir()); zone.ok()) zone_ = *zone;
    MakeTrainer();
  }
  RefreshSessions();
  if (show) SetNotice(Msg("This device is enrolled with {0}."), {sync_.host.empty() ? enrolling_url_ : sync_.host}, false);
}

void KioskViewModel::CloseSettings() { ResetForNextPerson(); }

void KioskViewModel::ExitKiosk() {
  if (screen_ == Screen::kSettings) exit_requested_ = true;
}

void KioskViewModel::ResetForNextPerson() {
  for (TextField& f : fields_) f.Clear();
  results_.clear();
  notice_ = Notice();
  search_hint_ = Notice();
  confirmation_ = ConfirmationView();
  field_errors_.clear();
  subjects_.clear();
  consent_ = false;
  session_id_.clear();
  focused_ = FieldId::kNone;
  scroll_to_focus_ = false;
  scanner_.Reset();
  burst_field_ = FieldId::kNone;
  burst_field_before_.clear();
  draft_ = settings_;
  language_ = settings_.language;
  keyboard_.Reset();
  keyboard_collapsed_ = false;
  chosen_pin_.clear();
  pin_stage_ = PinStage::kEnter;
  trainer_->SignOut();  // the idle reset and "sign out" end the trainer session alike
  survey_->Reset();     // a half-filled survey goes with the person
  feedback_panel_->Show("");
  certificates_panel_->Show("");
  if (materials_panel_) materials_panel_->ResetView();
  screen_ = Screen::kHome;
  ++generation_;
  idle_.Touch(clock_.NowMs());
  RefreshSessions();
}

// ---------------------------------------------------------------------------------------
// The trainer's side

void KioskViewModel::MakeTrainer() {
  trainer_ = std::make_unique<TrainerViewModel>(
      store_, clock_, zone_, centre_id_, [this] { idle_.Touch(clock_.NowMs()); },
      [this] {
        if (options_.on_local_change) options_.on_local_change();
      });
  auto touch = [this] { idle_.Touch(clock_.NowMs()); };
  auto changed = [this] {
    if (options_.on_local_change) options_.on_local_change();
  };
  feedback_panel_ = std::make_unique<FeedbackPanelViewModel>(store_, zone_, touch, changed);
  certificates_panel_ = std::make_unique<CertificatesPanelViewModel>(
      store_, platform::FileSystem::Real(),
      CertificatesPanelOptions{options_.font_dir, platform::ZoneInfoDir(), touch, changed});
  if (!materials_panel_) {  // kept across enrolment: a LAN share keeps running
    MaterialsOptions materials = options_.materials;
    materials.data_dir = options_.data_dir;
    materials.wake_ui = options_.wake_ui;
    materials.on_local_change = changed;
    materials.touch = touch;
    if (auto created = MaterialsViewModel::Create(store_, materials); created.ok()) materials_panel_ = std::move(*created);
  }
}

void KioskViewModel::OnFilesDropped(const std::vector<std::string>& paths) {
  if (paths.empty() || screen_ != Screen::kTrainer || !materials_panel_) return;
  if (!trainer_->signed_in() || trainer_->session_id().empty()) return;
  idle_.Touch(clock_.NowMs());
  trainer_->SetTab(TrainerTab::kMaterials);
  materials_panel_->SetSession(trainer_->session_id(), trainer_->session_closed());
  materials_panel_->OnFilesDropped(paths);
}

void KioskViewModel::OpenTrainer() {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kHome) return;
  notice_ = Notice();
  trainer_->Begin();
  MutableField(FieldId::kTrainerPin).Clear();
  Go(Screen::kTrainer);
  focused_ = FieldId::kNone;
}

void KioskViewModel::ChooseTrainer(const std::string& person_id) {
  if (screen_ != Screen::kTrainer) return;
  trainer_->ChooseTrainer(person_id);
  MutableField(FieldId::kTrainerPin).Clear();
  if (!trainer_->chosen_trainer_id().empty()) Focus(FieldId::kTrainerPin);
}

void KioskViewModel::SubmitTrainerPin() {
  if (screen_ != Screen::kTrainer) return;
  const std::string pin = field(FieldId::kTrainerPin).text();
  MutableField(FieldId::kTrainerPin).Clear();
  if (trainer_->SignIn(pin)) focused_ = FieldId::kNone;
}

void KioskViewModel::EditRosterNote(const std::string& person_id) {
  if (screen_ != Screen::kTrainer) return;
  const std::string text = trainer_->OpenNoteEditor(person_id);
  if (trainer_->editor() != RosterEditor::kNote) return;
  MutableField(FieldId::kRosterNote).Set(text);
  focused_ = FieldId::kNone;
  Focus(FieldId::kRosterNote);
}

void KioskViewModel::EditRosterLeftAt(const std::string& person_id) {
  if (screen_ != Screen::kTrainer) return;
  const std::string text = trainer_->OpenLeftAtEditor(person_id);
  if (trainer_->editor() != RosterEditor::kLeftAt) return;
  MutableField(FieldId::kRosterLeftAt).Set(text);
  focused_ = FieldId::kNone;
  Focus(FieldId::kRosterLeftAt);
}

void KioskViewModel::SaveRosterEditor() {
  if (screen_ != Screen::kTrainer) return;
  switch (trainer_->editor()) {
    case RosterEditor::kNote: trainer_->SaveNote(field(FieldId::kRosterNote).text()); break;
    case RosterEditor::kLeftAt: trainer_->SaveLeftAt(field(FieldId::kRosterLeftAt).text()); break;
    default: return;
  }
  if (trainer_->editor() == RosterEditor::kNone) CancelRosterEditor();
}

void KioskViewModel::ClearRosterLeftAt() {
  if (screen_ != Screen::kTrainer || trainer_->editor() != RosterEditor::kLeftAt) return;
  trainer_->SaveLeftAt("");
  if (trainer_->editor() == RosterEditor::kNone) CancelRosterEditor();
}

void KioskViewModel::CancelRosterEditor() {
  trainer_->CloseEditor();
  MutableField(FieldId::kRosterNote).Clear();
  MutableField(FieldId::kRosterLeftAt).Clear();
  focused_ = FieldId::kNone;
  keyboard_.Reset();
}

void KioskViewModel::TrainerSignOut() { ResetForNextPerson(); }

// ---------------------------------------------------------------------------------------
// The anonymous survey

void KioskViewModel::OpenSurvey(size_t offer_index) {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kHome) return;
  if (!survey_->Open(offer_index).ok()) {
    SetNotice(Msg("This survey is no longer open."));
    survey_->RefreshOffers(clock_.NowMs());
    return;
  }
  MutableField(FieldId::kSurveyText).Clear();
  notice_ = Notice();
  Go(Screen::kSurvey);
  focused_ = FieldId::kNone;
}

void KioskViewModel::RateSurvey(size_t item, int value) {
  idle_.Touch(clock_.NowMs());
  if (screen_ != Screen::kSurvey) return;
  survey_->Rate(item, value);
  notice_ = Notice();
}

void KioskViewModel::SubmitSurvey() {
  const int64_t now = clock_.NowMs();
  idle_.Touch(now);
  if (screen_ != Screen::kSurvey) return;
  const std::string text = field(FieldId::kSurveyText).text();
  if (!survey_->HasAnswers(text)) {
    SetNotice(Msg("Please rate at least one statement or write a few words."));
    return;
  }
  auto stored = survey_->Submit(text);
  if (!stored.ok()) {
    SetNotice(Msg("Your answers could not be saved. Please ask a trainer. ({0})"), {stored.status().message()});
    return;
  }
  if (options_.on_local_change) options_.on_local_change();
  // The answers are stored: nothing of them stays on screen or in the field.
  MutableField(FieldId::kSurveyText).Clear();
  focused_ = FieldId::kNone;
  notice_ = Notice();
  Go(Screen::kSurveyThanks);
  confirmation_since_ms_ = now;
}

}  // namespace mk::client
