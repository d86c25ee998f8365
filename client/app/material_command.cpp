// The material commands: thin wrappers around sync::MaterialLibrary and CopySessionMaterials.
#include "material_command.h"

#include "client/materials/material_copy.h"
#include "platform/file_system.h"
#include "platform/paths.h"
#include "sync/common/clock.h"
#include "sync/files/material_library.h"
#include "sync/store/store.h"

namespace mk::client {
namespace {

int Fail(std::ostream& err, const Status& s) { return cli::ReportFailure(err, "mintkiosk", s); }
int Usage(std::ostream& err, const std::string& message) {
  return cli::ReportUsage(err, "mintkiosk", message, "material");
}

struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sync::MaterialLibrary> library;
};

Result<Opened> Open(const std::string& data_dir) {
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(data_dir));
  Opened o;
  MK_ASSIGN_OR_RETURN(o.store, store::Store::Open(platform::JoinPath(data_dir, "mintkiosk.db"), SystemClock::Instance()));
  MK_ASSIGN_OR_RETURN(sync::MaterialLibrary lib,
                      sync::MaterialLibrary::Open(*o.store, platform::JoinPath(data_dir, "files")));
  o.library = std::make_unique<sync::MaterialLibrary>(std::move(lib));
  return o;
}

int Add(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const auto session = args.Get("session");
  const auto course = args.Get("course");
  if (!session && !course) return Usage(err, "--session ID is required (or --course ID for every session of a course)");
  if (args.words.size() < 3) return Usage(err, "which files? 'material add --session ID FILE...'");
  const std::vector<std::string> files(args.words.begin() + 2, args.words.end());
  if (args.Get("title") && files.size() > 1) {
    return Usage(err, "--title names one material; give one FILE, or leave --title out to use the file names");
  }
  // Every file is checked before the first is added: a mistake in the list adds nothing.
  for (const std::string& f : files) {
    if (Status s = sync::CheckMaterialFile(f); !s.ok()) return Fail(err, s);
  }
  auto opened = Open(data_dir);
  if (!opened.ok()) return Fail(err, opened.status());
  for (const std::string& f : files) {
    sync::AddMaterialRequest request;
    request.path = f;
    request.session_id = session;
    request.course_id = course;
    request.title = args.Get("title").value_or("");
    request.description = args.Get("description").value_or("");
    request.licence = args.Get("licence").value_or("");
    request.purpose = args.Get("purpose").value_or("");
    auto added = opened->library->Add(request);
    if (!added.ok()) return Fail(err, added.status());
    out << added->id << '\t' << added->sha256 << '\t' << added->file_name << '\t' << added->title << '\n';
  }
  return 0;
}

int List(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 2) return Usage(err, "'material list' takes options only");
  auto opened = Open(data_dir);
  if (!opened.ok()) return Fail(err, opened.status());
  Result<std::vector<sync::MaterialStatus>> list = Status(ErrorCode::kInternal, "unset");
  if (auto session = args.Get("session")) {
    list = opened->library->ListSession(*session);
  } else {
    auto centre = opened->store->HomeCentre();
    if (!centre.ok()) return Fail(err, centre.status());
    list = opened->library->ListCentre(centre->id);
  }
  if (!list.ok()) return Fail(err, list.status());
  for (const sync::MaterialStatus& m : *list) {
    out << m.material.id << '\t' << sync::MaterialStateName(m.state) << '\t' << m.percent << '\t'
        << m.material.size_bytes << '\t' << m.material.sha256 << '\t' << m.material.file_name << '\t'
        << m.material.title << '\t' << m.material.licence << '\t' << m.material.purpose << '\t' << m.problem << '\n';
  }
  return 0;
}

int Remove(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 3) return Usage(err, "which material? 'material remove ID'");
  auto opened = Open(data_dir);
  if (!opened.ok()) return Fail(err, opened.status());
  if (Status s = opened->library->Remove(args.words[2]); !s.ok()) return Fail(err, s);
  out << "Removed material " << args.words[2] << ".\n";
  return 0;
}

int Export(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 2) return Usage(err, "'material export' takes options only");
  const auto session = args.Get("session");
  const auto to = args.Get("to");
  if (!session) return Usage(err, "--session ID is required");
  if (!to || to->empty()) return Usage(err, "--to DIR is required: the folder to copy into (a USB stick)");
  auto opened = Open(data_dir);
  if (!opened.ok()) return Fail(err, opened.status());
  auto report = CopySessionMaterials(*opened->library, *session, *to, platform::FileSystem::Real());
  if (!report.ok()) return Fail(err, report.status());
  out << "Copied " << report->written.size() << (report->written.size() == 1 ? " file" : " files") << " to " << *to;
  if (!report->already_there.empty()) out << "; " << report->already_there.size() << " already there";
  out << ".\n";
  for (const std::string& title : report->not_ready) {
    err << "mintkiosk: note: '" << title << "' is not complete on this device yet and was not copied\n";
  }
  return 0;
}

}  // namespace

int RunMaterialCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() < 2) return Usage(err, "what to do? 'material add', 'list', 'remove' or 'export'");
  const std::string& verb = args.words[1];
  auto allow = [&](std::set<std::string> allowed) {
    allowed.insert("data");
    return cli::OnlyOptions(args, "material " + verb, allowed);
  };
  if (verb == "add") {
    if (Status s = allow({"session", "course", "title", "description", "licence", "purpose"}); !s.ok()) {
      return Usage(err, s.message());
    }
    return Add(data_dir, args, out, err);
  }
  if (verb == "list") {
    if (Status s = allow({"session"}); !s.ok()) return Usage(err, s.message());
    return List(data_dir, args, out, err);
  }
  if (verb == "remove") {
    if (Status s = allow({}); !s.ok()) return Usage(err, s.message());
    return Remove(data_dir, args, out, err);
  }
  if (verb == "export") {
    if (Status s = allow({"session", "to"}); !s.ok()) return Usage(err, s.message());
    return Export(data_dir, args, out, err);
  }
  return Usage(err, "unknown 'material " + verb + "'; use add, list, remove or export");
}

}  // namespace mk::client
