// MaterialsViewModel: commands of the Materials panel over the material library, the LAN share and the USB copy.
#include "materials_view_model.h"

#include <algorithm>

#include "client/materials/material_copy.h"
#include "sync/common/clock.h"

namespace mk::client {

using i18n::Msg;

namespace {

constexpr int64_t kRefreshWhileMovingMs = 1000;

std::string JoinPath(const std::string& a, const std::string& b) { return a.empty() || a.back() == '/' ? a + b : a + "/" + b; }

std::string TitleFromFileName(const std::string& name) {
  const size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

std::string MiB(int64_t bytes) { return std::to_string((bytes + (1 << 19)) >> 20) + " MB"; }

}  // namespace

Notice FileFailureNotice(sync::FileFailure code, const std::vector<std::string>& params, const std::string& message) {
  using sync::FileFailure;
  switch (code) {
    case FileFailure::kNone: return {};
    case FileFailure::kNoValidFile: return {Msg("The material's record names no valid file."), params, true};
    case FileFailure::kSizeMismatch: return {Msg("The file here has {0} bytes, the material says {1}."), params, true};
    case FileFailure::kHttpStatus: return {Msg("The server refused the transfer (HTTP {0})."), params, true};
    case FileFailure::kNoRanges:
      return {Msg("The server sent the whole file (HTTP {0}) instead of the part asked for; a proxy in between may not "
                  "pass partial downloads."),
              params, true};
    case FileFailure::kServerFileShort:
      return {Msg("The server's copy is shorter than the {0} bytes the material says."), params, true};
    case FileFailure::kWrongByteCount: return {Msg("The server sent {0} bytes where {1} were asked for."), params, true};
    case FileFailure::kDamaged: return {Msg("The downloaded file was damaged and has been discarded."), params, true};
    case FileFailure::kUploadRejected:
      return {Msg("The server found the uploaded file damaged and discarded it."), params, true};
    case FileFailure::kLocalStorage:
      return {Msg("This device could not store the file (is its disk full?)."), params, true};
    case FileFailure::kOther: break;
  }
  if (message.empty()) return {};
  return {Msg("Reason: {0}"), {message}, true};
}

Result<std::unique_ptr<MaterialsViewModel>> MaterialsViewModel::Create(store::Store& store, MaterialsOptions options) {
  MK_ASSIGN_OR_RETURN(sync::MaterialLibrary library,
                      sync::MaterialLibrary::Open(store, JoinPath(options.data_dir, "files")));
  return std::unique_ptr<MaterialsViewModel>(new MaterialsViewModel(store, std::move(options), std::move(library)));
}

MaterialsViewModel::MaterialsViewModel(store::Store& store, MaterialsOptions options, sync::MaterialLibrary library)
    : store_(store),
      options_(std::move(options)),
      fs_(options_.file_system ? *options_.file_system : platform::FileSystem::Real()),
      library_(std::move(library)),
      browser_(fs_) {}

MaterialsViewModel::~MaterialsViewModel() {
  copy_cancel_.store(true);
  if (copy_thread_.joinable()) copy_thread_.join();
  share_.reset();
}

void MaterialsViewModel::Touch() const {
  if (options_.touch) options_.touch();
}

void MaterialsViewModel::SetSession(const std::string& session_id, bool closed) {
  if (session_id != session_id_) {
    share_.reset();
    lan_url_.clear();
    lan_qr_ = {};
    lan_notice_ = {};
    notice_ = {};
    copy_notice_ = {};
    form_ = {};
    queue_.clear();
    browser_.Close();
    view_ = MaterialsView::kList;
    session_id_ = session_id;
    closed_ = closed;
    rows_.clear();
    if (!session_id_.empty()) Refresh();
  }
  if (rows_stale_ && !session_id_.empty()) Refresh();
  closed_ = closed;
  if (closed_ && share_) {
    share_.reset();
    lan_notice_ = {Msg("This session is closed; its materials are no longer shared."), {}, false};
  }
}

void MaterialsViewModel::ResetView() {
  // The list is read again when the panel is shown next; until then nothing wakes the kiosk
  // for it.
  rows_.clear();
  rows_stale_ = true;
  view_ = MaterialsView::kList;
  form_ = {};
  queue_.clear();
  remove_id_.clear();
  remove_title_.clear();
  browser_.Close();
  notice_ = {};
  copy_notice_ = {};
  lan_notice_ = {};
}

void MaterialsViewModel::Refresh() {
  rows_stale_ = false;
  if (session_id_.empty()) {
    rows_.clear();
    return;
  }
  auto list = library_.ListSession(session_id_);
  if (!list.ok()) {
    notice_ = {Msg("The materials cannot be read: {0}"), {list.status().message()}, true};
    return;
  }
  rows_.clear();
  for (const sync::MaterialStatus& m : *list) {
    MaterialRow& r = rows_.emplace_back();
    r.id = m.material.id;
    r.title = m.material.title;
    r.file_name = m.material.file_name;
    r.licence = m.material.licence;
    r.purpose = m.material.purpose;
    r.description = m.material.description;
    r.size_bytes = m.material.size_bytes;
    r.state = m.state;
    r.percent = m.percent;
    r.problem = m.problem;
    if (m.state == sync::MaterialState::kFailed) r.reason = FileFailureNotice(m.problem_code, m.problem_params, m.problem);
    r.whole_course = !m.material.session_id.has_value();
  }
}

void MaterialsViewModel::Update(int64_t now_ms) {
  TakeCopyResult();
  if (share_ && !share_->running()) {
    share_.reset();
    lan_url_.clear();
    lan_qr_ = {};
    lan_notice_ = {Msg("This session is closed; its materials are no longer shared."), {}, false};
  }
  const bool moving = std::any_of(rows_.begin(), rows_.end(), [](const MaterialRow& r) {
    return r.state == sync::MaterialState::kDownloading || r.state == sync::MaterialState::kWaiting;
  });
  if (moving && view_ == MaterialsView::kList && now_ms - last_refresh_ms_ >= kRefreshWhileMovingMs) {
    last_refresh_ms_ = now_ms;
    Refresh();
  }
}

int64_t MaterialsViewModel::NextWakeInMs(int64_t now_ms) const {
  if (copy_state().running) return 250;
  const bool moving = std::any_of(rows_.begin(), rows_.end(), [](const MaterialRow& r) {
    return r.state == sync::MaterialState::kDownloading || r.state == sync::MaterialState::kWaiting;
  });
  if (!moving) return -1;
  return std::max<int64_t>(50, kRefreshWhileMovingMs - (now_ms - last_refresh_ms_));
}

// --- adding

const std::vector<std::string>& MaterialsViewModel::LicenceChoices() {
  static const std::vector<std::string> kChoices = {"CC BY 4.0", "CC BY-SA 4.0", "CC BY-NC 4.0", "CC0 1.0"};
  return kChoices;
}

const std::vector<const char*>& MaterialsViewModel::PurposeChoices() {
  static const std::vector<const char*> kChoices = {Msg("Worksheet"), Msg("Slides"), Msg("Experiment guide"),
                                                    Msg("Further reading")};
  return kChoices;
}

void MaterialsViewModel::OpenForm(const std::string& path) {
  form_ = {};
  form_.path = path;
  form_.file_name = sync::BaseName(path);
  form_.title.Set(TitleFromFileName(form_.file_name));
  int64_t size = 0;
  sync::MaterialFileProblem problem = sync::MaterialFileProblem::kNone;
  if (Status s = sync::CheckMaterialFile(path, &size, &problem); !s.ok()) {
    switch (problem) {
      case sync::MaterialFileProblem::kMissing:
        form_.error = {Msg("“{0}” does not exist."), {form_.file_name}, true};
        break;
      case sync::MaterialFileProblem::kFolder:
        form_.error = {Msg("“{0}” is a folder. Add the files in it one by one."), {form_.file_name}, true};
        break;
      case sync::MaterialFileProblem::kNotAFile:
        form_.error = {Msg("“{0}” is not an ordinary file."), {form_.file_name}, true};
        break;
      case sync::MaterialFileProblem::kTooLarge:
        form_.error = {Msg("“{0}” is too large: a material may have at most {1}."),
                       {form_.file_name, MiB(sync::kMaxMaterialFileBytes)}, true};
        break;
      case sync::MaterialFileProblem::kBadName:
        form_.error = {Msg("The name “{0}” contains a path separator or a control character. Rename the file first."),
                       {form_.file_name}, true};
        break;
      default:
        form_.error = {Msg("“{0}” cannot be read."), {form_.file_name}, true};
    }
  }
  form_.size_bytes = size;
  if (!last_dir_.empty() || path.find('/') != std::string::npos) last_dir_ = platform::ParentDirectory(path);
  view_ = MaterialsView::kAddForm;
}

void MaterialsViewModel::OnFilesDropped(const std::vector<std::string>& paths) {
  if (paths.empty() || session_id_.empty()) return;
  Touch();
  if (view_ == MaterialsView::kAddForm) {
    queue_.insert(queue_.end(), paths.begin(), paths.end());
    return;
  }
  browser_.Close();
  queue_.assign(paths.begin() + 1, paths.end());
  OpenForm(paths.front());
}

void MaterialsViewModel::NextQueued() {
  if (queue_.empty()) {
    form_ = {};
    view_ = MaterialsView::kList;
    return;
  }
  const std::string next = queue_.front();
  queue_.erase(queue_.begin());
  OpenForm(next);
}

void MaterialsViewModel::BrowseForFile() {
  if (session_id_.empty()) return;
  Touch();
  browsing_for_copy_ = false;
  browser_.Open(BrowseFor::kFile, last_dir_);
  view_ = MaterialsView::kBrowse;
}

void MaterialsViewModel::SubmitAdd() {
  Touch();
  if (view_ != MaterialsView::kAddForm || session_id_.empty()) return;
  int64_t size = 0;
  sync::MaterialFileProblem problem = sync::MaterialFileProblem::kNone;
  if (Status s = sync::CheckMaterialFile(form_.path, &size, &problem); !s.ok()) {
    const std::string path = form_.path;
    const MaterialForm kept = form_;
    OpenForm(path);  // says what is wrong with the file, in the person's language
    form_.title = kept.title;
    form_.description = kept.description;
    form_.licence = kept.licence;
    form_.purpose = kept.purpose;
    form_.whole_course = kept.whole_course;
    return;
  }
  sync::AddMaterialRequest request;
  request.path = form_.path;
  if (form_.whole_course) {
    auto session = store_.GetSession(session_id_);
    if (!session.ok()) {
      form_.error = {Msg("The material could not be added: {0}"), {session.status().message()}, true};
      return;
    }
    request.course_id = session->session.course_id;
  } else {
    request.session_id = session_id_;
  }
  request.title = form_.title.text();
  if (request.title.find_first_not_of(" \t") == std::string::npos) {
    form_.error = {Msg("Please give the material a title."), {}, true};
    return;
  }
  request.description = form_.description.text();
  request.licence = form_.licence.text();
  request.purpose = form_.purpose.text();
  auto added = library_.Add(request);
  if (!added.ok()) {
    form_.error = {Msg("The material could not be added: {0}"), {added.status().message()}, true};
    return;
  }
  if (options_.on_local_change) options_.on_local_change();
  notice_ = {Msg("Added “{0}”. The other devices of the centre get it at their next sync."), {added->title}, false};
  Refresh();
  NextQueued();
}

void MaterialsViewModel::CancelAdd() {
  Touch();
  NextQueued();
}

// --- removing

void MaterialsViewModel::RequestRemove(const std::string& material_id) {
  Touch();
  for (const MaterialRow& r : rows_) {
    if (r.id == material_id) {
      remove_id_ = r.id;
      remove_title_ = r.title;
      view_ = MaterialsView::kConfirmRemove;
      return;
    }
  }
}

void MaterialsViewModel::ConfirmRemove() {
  Touch();
  if (view_ != MaterialsView::kConfirmRemove) return;
  view_ = MaterialsView::kList;
  if (Status s = library_.Remove(remove_id_); !s.ok()) {
    notice_ = {Msg("The material could not be removed: {0}"), {s.message()}, true};
  } else {
    notice_ = {Msg("Removed “{0}”."), {remove_title_}, false};
    if (options_.on_local_change) options_.on_local_change();
  }
  remove_id_.clear();
  remove_title_.clear();
  Refresh();
}

void MaterialsViewModel::CancelRemove() {
  Touch();
  remove_id_.clear();
  remove_title_.clear();
  view_ = MaterialsView::kList;
}

// --- browser

void MaterialsViewModel::BrowserActivate(size_t index) {
  Touch();
  if (auto chosen = browser_.Activate(index)) {
    last_dir_ = browser_.dir();
    OpenForm(*chosen);
  }
}

void MaterialsViewModel::BrowserUp() {
  Touch();
  browser_.Up();
}

void MaterialsViewModel::BrowserPlace(size_t index) {
  Touch();
  browser_.GoToPlace(index);
}

void MaterialsViewModel::BrowserChooseFolder() {
  Touch();
  if (!browser_.open() || browser_.mode() != BrowseFor::kFolder) return;
  const std::string dir = browser_.dir();
  browser_.Close();
  view_ = MaterialsView::kList;
  StartCopy(dir);
}

void MaterialsViewModel::BrowserCancel() {
  Touch();
  browser_.Close();
  view_ = MaterialsView::kList;
}

// --- LAN share

int MaterialsViewModel::lan_port() const { return share_ ? share_->port() : 0; }

void MaterialsViewModel::SetLanShare(bool on) {
  Touch();
  if (!on) {
    share_.reset();
    lan_url_.clear();
    lan_qr_ = {};
    lan_notice_ = {};
    return;
  }
  if (share_ || session_id_.empty()) return;
  if (closed_) {
    lan_notice_ = {Msg("This session is closed; its materials are no longer shared."), {}, true};
    return;
  }
  const std::vector<platform::LanAddress> addresses =
      options_.lan_addresses ? options_.lan_addresses() : platform::LanAddresses();
  if (addresses.empty()) {
    lan_notice_ = {Msg("This device is not on a network. Connect it to the centre's Wi-Fi, then share."), {}, true};
    return;
  }
  LanShareOptions o;
  o.database_path = JoinPath(options_.data_dir, "mintkiosk.db");
  o.files_dir = JoinPath(options_.data_dir, "files");
  o.session_id = session_id_;
  o.language = language_;
  o.bind_address = options_.lan_bind_address;
  o.port = options_.lan_port;
  o.requests_per_second = options_.lan_requests_per_second;
  auto share = LanShare::Start(o);
  if (!share.ok() && share.status().code() == ErrorCode::kUnavailable && o.port != 0) {
    o.port = 0;  // the usual port is taken (another program): any free one will do
    share = LanShare::Start(o);
  }
  if (!share.ok()) {
    lan_notice_ = {Msg("The materials could not be shared: {0}"), {share.status().message()}, true};
    return;
  }
  share_ = std::move(*share);
  lan_url_ = "http://" + addresses.front().address + ":" + std::to_string(share_->port()) + "/";
  auto qr = EncodeQr(lan_url_);
  lan_qr_ = qr.ok() ? *qr : QrCode{};
  lan_notice_ = {};
}

// --- copying

void MaterialsViewModel::BrowseForCopyTarget() {
  if (session_id_.empty() || copy_state().running) return;
  Touch();
  browsing_for_copy_ = true;
  browser_.Open(BrowseFor::kFolder, "");
  view_ = MaterialsView::kBrowse;
}

void MaterialsViewModel::StartCopy(const std::string& target_dir) {
  Touch();
  if (session_id_.empty()) return;
  TakeCopyResult();
  {
    std::lock_guard<std::mutex> lock(copy_mu_);
    if (copy_.running || copy_thread_.joinable()) return;
    copy_ = {};
    copy_.running = true;
    copy_.target_dir = target_dir;
    copy_result_.reset();
  }
  copy_notice_ = {};
  copy_cancel_.store(false);
  const std::string db_path = JoinPath(options_.data_dir, "mintkiosk.db");
  const std::string files_dir = JoinPath(options_.data_dir, "files");
  const std::string session = session_id_;
  copy_thread_ = std::thread([this, db_path, files_dir, session, target_dir] {
    Status result;
    auto store = store::Store::Open(db_path, SystemClock::Instance());
    if (!store.ok()) {
      result = store.status();
    } else {
      auto library = sync::MaterialLibrary::Open(**store, files_dir);
      if (!library.ok()) {
        result = library.status();
      } else {
        auto report = CopySessionMaterials(
            *library, session, target_dir, fs_,
            [this](const CopyProgress& p) {
              {
                std::lock_guard<std::mutex> lock(copy_mu_);
                copy_.file_index = p.file_index;
                copy_.file_count = p.file_count;
                copy_.file_name = p.file_name;
                copy_.bytes_done = p.bytes_done;
                copy_.bytes_total = p.bytes_total;
              }
              if (options_.wake_ui) options_.wake_ui();
            },
            &copy_cancel_);
        if (!report.ok()) {
          result = report.status();
        } else {
          std::lock_guard<std::mutex> lock(copy_mu_);
          copy_written_ = static_cast<int>(report->written.size() + report->already_there.size());
          copy_not_ready_ = static_cast<int>(report->not_ready.size());
        }
      }
    }
    {
      std::lock_guard<std::mutex> lock(copy_mu_);
      copy_result_ = result;
    }
    if (options_.wake_ui) options_.wake_ui();
  });
}

void MaterialsViewModel::TakeCopyResult() {
  std::optional<Status> result;
  CopyState state;
  int written = 0;
  int not_ready = 0;
  {
    std::lock_guard<std::mutex> lock(copy_mu_);
    if (!copy_result_) return;
    result = std::move(copy_result_);
    copy_result_.reset();
    copy_.running = false;
    state = copy_;
    written = copy_written_;
    not_ready = copy_not_ready_;
  }
  if (copy_thread_.joinable()) copy_thread_.join();
  const Status& s = *result;
  if (s.ok()) {
    if (written == 0 && not_ready == 0) {
      copy_notice_ = {Msg("This session has no materials to copy."), {}, false};
    } else if (not_ready > 0) {
      copy_notice_ = {Msg("Copied {0} files to {1}. {2} are not on this device yet and were not copied."),
                      {std::to_string(written), state.target_dir, std::to_string(not_ready)}, true};
    } else {
      copy_notice_ = {Msg("Copied {0} files to {1}. The stick can be removed."),
                      {std::to_string(written), state.target_dir}, false};
    }
    return;
  }
  const std::string& file = state.file_name;
  switch (s.code()) {
    case ErrorCode::kIo:
      copy_notice_ = {Msg("The drive is full: “{0}” could not be copied. No half-written file is left on it."),
                      {file}, true};
      break;
    case ErrorCode::kUnavailable:
      if (copy_cancel_.load()) {
        copy_notice_ = {Msg("Copying stopped. The files copied before are complete."), {}, false};
      } else {
        copy_notice_ = {Msg("The drive is gone (was the USB stick pulled out?): “{0}” could not be copied."), {file}, true};
      }
      break;
    case ErrorCode::kNotFound:
      copy_notice_ = {Msg("The folder {0} is not there (is the USB stick plugged in?)."), {state.target_dir}, true};
      break;
    case ErrorCode::kPermissionDenied:
      copy_notice_ = {Msg("The drive is read-only or may not be written: “{0}” could not be copied."), {file}, true};
      break;
    default:
      copy_notice_ = {Msg("Copying “{0}” failed: {1}"), {file, s.message()}, true};
  }
}

CopyState MaterialsViewModel::copy_state() const {
  std::lock_guard<std::mutex> lock(copy_mu_);
  return copy_;
}

void MaterialsViewModel::CancelCopy() {
  Touch();
  copy_cancel_.store(true);
}

}  // namespace mk::client
