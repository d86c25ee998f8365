// The trainer, roster, mark, close and reopen commands.
#include "roster_command.h"
#include "command_support.h"

#include "client/viewmodels/trainer_view_model.h"
#include "platform/file_io.h"
#include "platform/paths.h"
#include "sync/common/time_zone.h"
#include "sync/store/roster.h"
#include "sync/store/store.h"
#include "sync/store/trainer_pins.h"

namespace mk::client {
namespace {

Result<TimeZone> HomeZone(store::Store& s) {
  MK_ASSIGN_OR_RETURN(store::Centre centre, s.HomeCentre());
  auto tz = TimeZone::Load(centre.time_zone, platform::ZoneInfoDir());
  if (!tz.ok()) return tz.status().WithContext("the time zone of centre '" + centre.name + "'");
  return *tz;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Tabs and line breaks in free text would break the columns.
std::string Cell(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string Iso(const TimeZone& tz, const std::optional<int64_t>& ms) { return ms ? tz.FormatIso(*ms / 1000) : ""; }

int TrainerPinSet(const std::string& data_dir, const cli::Args& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  auto person_id = args.Get("person");
  if (!person_id) return Usage(err, "--person ID is required (see 'mintkiosk trainer list')", "trainer");
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto person = (*st)->GetPerson(*person_id);
  if (!person.ok()) return Fail(err, person.status());
  if (person->kind != store::PersonKind::kTrainer) {
    return Fail(err, FailedPrecondition(person->first_name + " " + person->last_name +
                                        " is a teacher, not a trainer; nothing changed"));
  }
  std::string pin;
  if (platform::StdinIsTerminal()) {
    std::string again;
    const std::string prompt = "New sign-in PIN for " + person->first_name + " " + person->last_name + " (4-12 digits): ";
    if (!platform::ReadSecretLine(in, out, prompt, &pin) ||
        !platform::ReadSecretLine(in, out, "The same PIN again: ", &again)) {
      return Fail(err, InvalidArgument("no PIN was entered; nothing changed"));
    }
    pin = Trimmed(pin);
    if (pin != Trimmed(again)) return Fail(err, InvalidArgument("the two PINs differ; nothing changed"));
  } else {
    if (!std::getline(in, pin)) return Fail(err, InvalidArgument("no PIN on standard input; nothing changed"));
    pin = Trimmed(pin);
  }
  if (Status s = ValidatePinFormat(pin); !s.ok()) return Fail(err, s.WithContext("nothing changed"));
  if (Status s = SetPersonalTrainerPin(**st, *person_id, pin); !s.ok()) return Fail(err, s);
  out << "The sign-in PIN of " << person->first_name << " " << person->last_name
      << " is set; it reaches the centre's other devices with the next sync.\n";
  return 0;
}

}  // namespace

int RunTrainerCommand(const std::string& data_dir, const cli::Args& args, std::istream& in, std::ostream& out,
                      std::ostream& err) {
  const auto& w = args.words;
  if (w.size() == 3 && w[1] == "pin" && w[2] == "set") return TrainerPinSet(data_dir, args, in, out, err);
  if (w.size() != 2 || w[1] != "list") return Usage(err, "what to do? 'trainer list' or 'trainer pin set --person ID'", "trainer");
  if (args.Get("person")) return Usage(err, "'trainer list' takes no --person", "trainer");
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto centre = (*st)->HomeCentre();
  if (!centre.ok()) return Fail(err, centre.status());
  auto trainers = store::ListTrainers(**st, centre->id);
  if (!trainers.ok()) return Fail(err, trainers.status());
  for (const store::TrainerInfo& t : *trainers) {
    out << t.person_id << '\t' << Cell(t.first_name + " " + t.last_name) << '\t' << (t.has_pin ? "pin" : "no-pin") << '\n';
  }
  return 0;
}

int RunRosterCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'roster' takes options only", "roster");
  auto session_id = args.Get("session");
  if (!session_id) return Usage(err, "--session ID is required (see 'mintkiosk sessions')", "roster");
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto tz = HomeZone(**st);
  if (!tz.ok()) return Fail(err, tz.status());
  auto roster = store::ReadRoster(**st, *session_id);
  if (!roster.ok()) return Fail(err, roster.status());
  for (const store::RosterEntry& e : roster->entries) {
    const store::AttendanceRecord* r = e.record ? &*e.record : nullptr;
    out << e.person_id << '\t' << store::ToCode(e.status) << '\t' << (r ? (r->by_trainer ? "trainer" : "kiosk") : "")
        << '\t' << (r ? Iso(*tz, r->attendance.checked_in_at) : "") << '\t'
        << (r ? Iso(*tz, r->attendance.left_at) : "") << '\t' << (e.walk_in ? "walk_in" : "registered") << '\t'
        << Cell(e.last_name) << '\t' << Cell(e.first_name) << '\t' << Cell(e.school) << '\t'
        << (r ? Cell(r->attendance.note) : "") << '\n';
  }
  const store::RosterCounts& c = roster->counts;
  out << "#\texpected " << c.expected << "\twalk_ins " << c.walk_ins << "\tpresent " << c.present << "\tlate " << c.late
      << "\texcused " << c.excused << "\tabsent " << c.absent << "\tnot_marked " << c.not_marked << '\n';
  return 0;
}

int RunMarkCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'mark' takes options only", "mark");
  auto session_id = args.Get("session");
  auto person_id = args.Get("person");
  if (!session_id || !person_id) return Usage(err, "--session ID and --person ID are required", "mark");
  store::RosterChange change;
  if (auto s = args.Get("status")) {
    change.status = store::ParseAttendanceStatus(*s);
    if (!change.status) return Usage(err, "--status takes present, late, excused or absent", "mark");
  }
  change.note = args.Get("note");
  const auto left = args.Get("left-at");
  if (!change.status && !change.note && !left) {
    return Usage(err, "what to record? give --status, --note or --left-at", "mark");
  }
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  if (left) {
    change.set_left_at = true;
    if (!left->empty()) {
      auto tz = HomeZone(**st);
      if (!tz.ok()) return Fail(err, tz.status());
      auto session = store::ReadTrainerSession(**st, *session_id);
      if (!session.ok()) return Fail(err, session.status());
      auto at = store::ParseSessionTime(*session, *tz, *left);
      if (!at.ok()) return Usage(err, "--left-at: " + at.status().message(), "mark");
      change.left_at = *at;
    }
  }
  auto edit = store::ChangeRoster(**st, *session_id, *person_id, change);
  if (!edit.ok()) return Fail(err, edit.status());
  auto person = (*st)->GetPerson(*person_id);
  const std::string name = person.ok() ? person->first_name + " " + person->last_name : *person_id;
  if (edit->before && edit->after == *edit->before) {
    out << "Nothing changed for " << name << ".\n";
  } else {
    out << "Recorded for " << name << ": " << store::ToCode(edit->after.attendance.status)
        << (edit->after.by_trainer ? " (trainer)" : "") << ".\n";
  }
  return 0;
}

int RunCloseCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'close' takes options only", "close");
  auto session_id = args.Get("session");
  if (!session_id) return Usage(err, "--session ID is required", "close");
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto closed = store::CloseSession(**st, *session_id);
  if (!closed.ok()) return Fail(err, closed.status());
  out << "The session is closed; " << closed->marked_absent << " people not marked were recorded as absent.\n";
  return 0;
}

int RunReopenCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'reopen' takes options only", "reopen");
  auto session_id = args.Get("session");
  if (!session_id) return Usage(err, "--session ID is required", "reopen");
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  if (Status s = store::ReopenSession(**st, *session_id); !s.ok()) return Fail(err, s);
  out << "The session is open again.\n";
  return 0;
}

}  // namespace mk::client
