// The Certificates tab's state: the folder, the language, and issuing a session's certificates.
#include "certificates_panel_view_model.h"

#include "client/certificates/certificate_batch.h"
#include "sync/common/utf8.h"

namespace mk::client {

using i18n::Msg;

void CertificatesPanelViewModel::Show(const std::string& session_id) {
  if (session_id == session_id_) return;
  session_id_ = session_id;
  outcome_.reset();
  notice_ = Notice();
  browser_.Close();
  if (folder_.empty()) ProposeFolder();
}

void CertificatesPanelViewModel::ProposeFolder() {
  const std::vector<platform::Place> places = fs_.Places();
  for (const platform::Place& p : places) {
    if (p.removable) {
      folder_.Set(p.path);
      return;
    }
  }
  if (!places.empty()) folder_.Set(places.front().path);
}

void CertificatesPanelViewModel::OpenBrowser() {
  Touch();
  browser_.Open(BrowseFor::kFolder, folder_.text());
}

void CertificatesPanelViewModel::UseBrowserFolder() {
  Touch();
  if (!browser_.open()) return;
  folder_.Set(browser_.dir());
  browser_.Close();
}

void CertificatesPanelViewModel::CloseBrowser() {
  Touch();
  browser_.Close();
}

void CertificatesPanelViewModel::SetLanguage(i18n::Language language) {
  Touch();
  language_ = language;
}

void CertificatesPanelViewModel::Issue() {
  Touch();
  outcome_.reset();
  notice_ = Notice();
  if (session_id_.empty()) return;
  const std::string folder = utf8::NormalizeSpaces(folder_.text());
  if (folder.empty()) {
    notice_ = Notice{Msg("Choose a folder for the certificates first."), {}, true};
    return;
  }
  certificates::BatchRequest request;
  request.session_id = session_id_;
  request.language = std::string(i18n::LanguageCode(language_));
  request.out_dir = folder;
  request.font_dir = options_.font_dir;
  request.zoneinfo_dir = options_.zoneinfo_dir;
  auto result = certificates::WriteCertificates(store_, request, fs_);
  if (options_.on_local_change) options_.on_local_change();  // codes may be recorded even when a file failed
  if (!result.ok()) {
    switch (result.status().code()) {
      case ErrorCode::kNotFound:
        notice_ = Notice{Msg("The folder {0} does not exist."), {folder}, true};
        break;
      case ErrorCode::kIo:
        notice_ = Notice{Msg("The drive is full: not every certificate could be written. ({0})"),
                         {result.status().message()}, true};
        break;
      default:
        notice_ = Notice{Msg("The certificates could not be written. ({0})"), {result.status().message()}, true};
    }
    return;
  }
  CertificatesOutcome o;
  o.written = static_cast<int>(result->written.size());
  o.folder = folder;
  o.refused = result->refused;
  outcome_ = std::move(o);
}

}  // namespace mk::client
