// mk_fuzz_seeds: writes the seed corpora of the fuzz targets from the real encoders.
//
// Usage: mk_fuzz_seeds OUT_DIR    (OUT_DIR/TARGET/NAME for each target; the checked-in corpora
// live in tests/fuzz/corpus). The batches, pages and bundles carry changes of the demo centre
// the targets' world holds (fuzz_world.h), so their ids name real rows there.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_world.h"
#include "sync/common/status.h"
#include "sync/files/blob_store.h"
#include "sync/protocol/bundle.h"
#include "sync/protocol/outbox.h"
#include "sync/protocol/wire.h"
#include "sync/server/secret.h"
#include "sync/store/demo_data.h"

using namespace mk;

namespace {

std::string g_out;

void Put(const std::string& target, const std::string& name, const std::string& bytes) {
  const std::string dir = g_out + "/" + target;
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

// The two forms a stateful target takes: byte 0 then the bytes as sent, or byte 0 | 1 then the
// JSON inside the zstd frame.
void PutBothForms(const std::string& target, const std::string& name, const std::string& encoded, int flags) {
  Put(target, name + "-sent", std::string(1, static_cast<char>(flags)) + encoded);
  auto plain = sync::Decompress(encoded);
  if (plain.ok()) Put(target, name + "-json", std::string(1, static_cast<char>(flags | 1)) + *plain);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "mk_fuzz_seeds: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().message());
  return std::move(*r);
}

}  // namespace

// Fields text as the capture triggers store it in the outbox: an attendance row (whole-row
// merge, key columns left out on the wire) and a person's edit (merged per field).
std::vector<std::pair<std::string, std::string>> StoredFieldsSeeds() {
  return {
      {"stored-attendance",
       R"({"session_id":"0193a000-0000-7000-8000-000000000001","person_id":"0193a000-0000-7000-8000-000000000002",)"
       R"("status":"late","checked_in_at":1795766400000,"method":"kiosk_search","device_id":"kiosk-1",)"
       R"("left_at":null,"note":"\"Ærøskøbing\"\\\n","updated_at":1795766400000,"status_by":"trainer"})"},
      {"stored-person", R"({"last_name":"Ørsted-Müller","first_name":"Łukasz","share":0.25,"visits":-3})"},
  };
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mk_fuzz_seeds OUT_DIR\n");
    return 2;
  }
  g_out = argv[1];
  const std::string work = g_out + "/.work";
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);

  // A kiosk of the demo centre does what kiosks do; its outbox becomes batches and pages.
  FakeClock clock(fuzz::kWorldNowMs);
  auto store = Must(store::Store::Open(work + "/device.db", &clock), "opening a store");
  Must(store::SeedDemo(*store, fuzz::WorldDemoOptions()), "seeding the demo");
  const store::Centre centre = Must(store->HomeCentre(), "reading the centre");
  const auto sessions =
      Must(store->ListSessions(centre.id, fuzz::kWorldNowMs - 3600000, fuzz::kWorldNowMs + 3600000), "listing sessions");
  if (sessions.empty()) Die("the demo has no session around its instant");
  const std::string session_id = sessions.front().session.id;
  std::vector<std::string> enrolled;
  {
    auto st = Must(store->db().Prepare("SELECT person_id FROM enrolments WHERE session_id = ?1 LIMIT 3"), "reading enrolments");
    st.Bind(1, session_id);
    while (Must(st.Step(), "reading enrolments")) enrolled.push_back(st.ColumnText(0));
  }
  for (const std::string& person_id : enrolled) {
    store::CheckInRequest request;
    request.session_id = session_id;
    request.person_id = person_id;
    clock.Advance(61000);
    Must(store->CheckIn(request), "checking in");
  }
  store::WalkInRequest walk_in;
  walk_in.session_id = session_id;
  walk_in.person.first_name = "Łukasz";
  walk_in.person.last_name = "Ørsted-Müller";
  walk_in.person.school = "Ærøskøbing Skole";
  walk_in.person.email = "lukasz@example.org";
  walk_in.consent = true;
  Must(store->RegisterWalkIn(walk_in), "registering a walk-in");

  const auto entries = Must(sync::ReadOutbox(store->db(), 0, 1000000, size_t{1} << 30), "reading the outbox");
  if (entries.size() < 20) Die("the outbox is unexpectedly short");
  auto batch_of = [&](size_t from, size_t count) {
    sync::PushBatch batch;
    batch.first_seq = entries[from].seq;
    for (size_t i = from; i < from + count && i < entries.size(); ++i) batch.changes.push_back(entries[i].change);
    return batch;
  };
  const sync::PushBatch first = batch_of(0, 40);
  const sync::PushBatch last = batch_of(entries.size() - 12, 12);
  sync::PushBatch erasure = batch_of(entries.size() - 1, 1);
  erasure.changes.front().op = sync::ChangeOp::kErase;
  erasure.changes.front().table = "people";
  {  // the last change is the walk-in's attendance (session|person): erase that person
    std::string& key = erasure.changes.front().key;
    key = key.substr(key.find(sync::kKeySeparator) + 1);
  }
  erasure.changes.front().fields = nlohmann::json::object();

  PutBothForms("push_batch", "first-40", sync::EncodePushBatch(first), 0);
  PutBothForms("push_batch", "check-ins", sync::EncodePushBatch(last), 2);
  PutBothForms("push_batch", "erasure", sync::EncodePushBatch(erasure), 2);
  Put("push_batch", "empty", std::string(1, '\0'));

  auto page_of = [](const sync::PushBatch& batch, int64_t cursor) {
    sync::PullPage page;
    page.cursor = cursor;
    page.server_time_ms = fuzz::kWorldNowMs;
    page.changes = batch.changes;
    return page;
  };
  PutBothForms("pull_page", "first-40", sync::EncodePullPage(page_of(first, 40)), 0);
  PutBothForms("pull_page", "check-ins", sync::EncodePullPage(page_of(last, 52)), 0);
  PutBothForms("pull_page", "erasure", sync::EncodePullPage(page_of(erasure, 53)), 0);

  sync::BundleHeader header;
  header.kind = sync::BundleKind::kDeviceToServer;
  header.device_id = fuzz::kWorldDeviceId;
  header.centre_id = centre.id;
  header.created_at_ms = fuzz::kWorldNowMs;
  const std::string key = server::HashSecret(fuzz::kWorldDeviceToken);
  Put("bundle", "check-ins-file", std::string(1, '\0') + sync::EncodeBundle(header, sync::EncodePushBatch(last), key));
  Put("bundle", "first-40-file", std::string(1, '\0') + sync::EncodeBundle(header, sync::EncodePushBatch(first), key));
  Put("bundle", "check-ins-json", std::string(1, '\3') + *sync::Decompress(sync::EncodePushBatch(last)));

  // Outbox entries' stored fields as the capture triggers write them (json_object), which a
  // device copies to the wire unparsed: the push_batch target checks that copy.
  for (const auto& [name, text] : StoredFieldsSeeds()) Put("push_batch", name, std::string(1, '\0') + text);

  // Registration spreadsheets as centres keep them.
  const std::string course = sessions.front().course_code.empty() ? sessions.front().course_title
                                                                   : sessions.front().course_code;
  Put("csv_import", "german-semicolon.csv",
      "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende;Raum\n"
      "Jürgen;Müller;Gesamtschule Kassel;jm@example.org;" + course + ";27.11.2026 09:00;27.11.2026 12:30;A 1.02\n"
      "\"Łukasz\";\"Ørsted\";\"Skole \"\"Ærøskøbing\"\"\";;" + course + ";27.11.2026 09:00;27.11.2026 12:30;\n");
  Put("csv_import", "english-bom-comma.csv",
      "\xEF\xBB\xBF" "first_name,last_name,school,email,course_code,course_title,start,end,room\r\n"
      "Anna,Schmidt,Realschule Fulda,,NEW-1,Neuer Kurs,2026-11-28T09:00,2026-11-28T12:00,B 2\r\n");
  Put("csv_import", "windows-1252-tab.csv",
      "Vorname\tNachname\tSchule\tKurs\tDatum\tBeginn\tEnde\n"
      "J\xFCrgen\tGro\xDF\tSchule am M\xFChlbach\t" + course + "\t27.11.2026\t09:00\t12:30\n");

  // Both ends of enrolment.
  Put("enrolment", "request",
      std::string(1, '\0') + R"({"code":"K7QX2-MHT9C","device_name":"Kiosk Foyer Ærøskøbing","device_id":")" +
          fuzz::kWorldDeviceId + "\"}");
  Put("enrolment", "request-code-only", std::string(1, '\0') + R"({"code":"k7qx2 mht9c"})");
  Put("enrolment", "answer",
      std::string(1, '\1') + R"({"device_id":")" + fuzz::kWorldDeviceId +
          R"(","token":"tok_abc123","centre":{"id":")" + centre.id +
          R"(","name":"MINT-Fortbildungszentrum Nordhessen","time_zone":"Europe/Berlin","organisation_model":"state_institute","min_attendance_share":0.5,"late_after_minutes":15}})");

  // Chunks of the 700-byte file the target expects (offset: 2 bytes, length: 1 byte, bytes).
  std::string original;
  for (int i = 0; i < 700; ++i) original.push_back(static_cast<char>('a' + (i * 7) % 26));
  std::string whole, resumed, corrupt;
  for (int64_t at = 0; at < 700; at += 250) {
    const int64_t n = std::min<int64_t>(250, 700 - at);
    const std::string head = {static_cast<char>(at >> 8), static_cast<char>(at & 0xff), static_cast<char>(n)};
    whole += head + original.substr(static_cast<size_t>(at), static_cast<size_t>(n));
    corrupt += head + std::string(static_cast<size_t>(n), 'x');
  }
  resumed = whole.substr(0, 3 + 250) + whole;  // the first chunk again: an offset mismatch
  Put("file_chunk", "whole", whole);
  Put("file_chunk", "resumed", resumed);
  Put("file_chunk", "corrupt", corrupt);

  Put("po", "sample.po",
      "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
      "#: client/screens/home_screen.cpp\nmsgctxt \"button\"\nmsgid \"Check in\"\nmsgstr \"Einchecken\"\n\n"
      "#, fuzzy\nmsgid \"Welcome, {0}\"\nmsgstr \"Willkommen, {0} – schön, dass Sie da sind\"\n\n"
      "msgid \"multi\"\n\"line\"\nmsgstr \"\"\n\"mehr\\tzeilig \\\"zitiert\\\"\"\n");

  std::filesystem::remove_all(work);
  std::printf("seed corpora written under %s\n", g_out.c_str());
  return 0;
}
