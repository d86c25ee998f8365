// Fuzz target: any bytes a phone on the centre's Wi-Fi can send to the LAN share.
//
// The share serves one session of the demo centre with two ready materials; a third material
// belongs to another session. Each input is one raw HTTP request, answered through the share's
// own parsing, routing and checks (LanShare::AnswerRaw). What must hold for every input:
//   - an answer with a status line comes back, and it is never a 5xx;
//   - a file answer (200 or 206) carries exactly the bytes of one of the session's materials
//     at the offset its Content-Range names, under that material's name;
//   - nothing of the other session's material and no person's name is ever in an answer.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "client/lan_share/lan_share.h"
#include "fuzz_target.h"
#include "fuzz_world.h"
#include "sync/files/blob_store.h"
#include "sync/store/material_store.h"

using namespace mk;

namespace {

struct SharedFile {
  std::string id;
  std::string name;
  std::string bytes;
};

struct ShareWorld {
  std::unique_ptr<client::LanShare> share;
  std::vector<SharedFile> files;  // of the shared session
  std::string other_bytes;        // the other session's material
  std::vector<std::string> people;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "lan share world: %s\n", what.c_str());
  std::abort();
}

// Bytes that differ from position to position, so a wrong offset shows.
std::string Pattern(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = 2463534242u ^ seed;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>('a' + x % 26);
  }
  return out;
}

// Two sessions of different courses: the first of the demo week and the first of another course.
std::pair<std::string, std::string> TwoSessions(store::Database& db) {
  auto st = db.Prepare("SELECT id, course_id FROM sessions ORDER BY starts_at, id");
  if (!st.ok()) Die(st.status().message());
  std::string first, first_course, second;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) Die(row.status().message());
    if (!*row) break;
    if (first.empty()) {
      first = st->ColumnText(0);
      first_course = st->ColumnText(1);
    } else if (st->ColumnText(1) != first_course) {
      second = st->ColumnText(0);
      break;
    }
  }
  if (first.empty() || second.empty()) Die("the demo centre has no two sessions of different courses");
  return {first, second};
}

ShareWorld& TheShare() {
  static ShareWorld* world = [] {
    auto* w = new ShareWorld;
    fuzz::DeviceWorld& device = fuzz::TheDevice();
    store::Database& db = device.store->db();
    const auto [session, other_session] = TwoSessions(db);
    const std::string files_dir = fuzz::ScratchDir() + "/files";
    auto blobs = sync::BlobStore::Open(files_dir);
    if (!blobs.ok()) Die(blobs.status().message());

    w->files = {{"m-ready-1", "Arbeitsblatt Ørsted.pdf", Pattern(5000, 1)},
                {"m-ready-2", "leer.txt", ""}};
    w->other_bytes = "SECRET-OF-ANOTHER-SESSION-" + Pattern(300, 7);
    struct ToAdd {
      std::string id, name, bytes, session;
    };
    std::vector<ToAdd> adds;
    for (const SharedFile& f : w->files) adds.push_back({f.id, f.name, f.bytes, session});
    adds.push_back({"m-other", "geheim.pdf", w->other_bytes, other_session});

    const Status written = device.store->Write([&](store::WriteContext& ctx) -> Status {
      for (const ToAdd& a : adds) {
        const std::string path = fuzz::ScratchDir() + "/" + a.id;
        std::ofstream(path, std::ios::binary) << a.bytes;
        MK_ASSIGN_OR_RETURN(sync::BlobInfo blob, blobs->AddFile(path));
        store::Material m;
        m.id = a.id;
        m.session_id = a.session;
        m.title = "Material " + a.id;
        m.licence = "CC BY 4.0";
        m.purpose = "Arbeitsblatt";
        m.file_name = a.name;
        m.size_bytes = blob.size;
        m.sha256 = blob.sha256;
        MK_RETURN_IF_ERROR(store::InsertMaterial(ctx, m).status());
      }
      return Status::Ok();
    });
    if (!written.ok()) Die(written.message());

    auto people = db.Prepare("SELECT first_name || ' ' || last_name FROM people WHERE erased_at IS NULL");
    if (!people.ok()) Die(people.status().message());
    for (;;) {
      auto row = people->Step();
      if (!row.ok()) Die(row.status().message());
      if (!*row) break;
      w->people.push_back(people->ColumnText(0));
    }

    client::LanShareOptions o;
    o.database_path = fuzz::ScratchDir() + "/device.db";
    o.files_dir = files_dir;
    o.session_id = session;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.requests_per_second = 1e9;  // one fuzzing client sends millions of requests
    o.burst = 1e9;
    auto share = client::LanShare::Start(o);
    if (!share.ok()) Die(share.status().message());
    w->share = std::move(*share);
    return w;
  }();
  return *world;
}

std::string HeaderValue(const std::string& head, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const size_t at = head.find(key);
  if (at == std::string::npos) return {};
  const size_t from = at + key.size();
  return head.substr(from, head.find("\r\n", from) - from);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ShareWorld& w = TheShare();
  const std::string answer = w.share->AnswerRaw(fuzz::AsText(data, size));
  if (fuzz::Verbose()) fuzz::Note(answer.substr(0, answer.find("\r\n")));
  if (answer.empty()) return 0;  // httplib gave up on the connection without a word (no request line)

  MK_FUZZ_CHECK(answer.rfind("HTTP/1.1 ", 0) == 0 && answer.size() >= 12);
  const int status = std::atoi(answer.substr(9, 3).c_str());
  MK_FUZZ_CHECK(status >= 200 && status < 500);
  const size_t head_end = answer.find("\r\n\r\n");
  MK_FUZZ_CHECK(head_end != std::string::npos);
  const std::string head = answer.substr(0, head_end);
  const std::string body = answer.substr(head_end + 4);

  MK_FUZZ_CHECK(answer.find("SECRET-OF-ANOTHER-SESSION") == std::string::npos);
  MK_FUZZ_CHECK(answer.find("geheim.pdf") == std::string::npos);
  for (const std::string& person : w.people) MK_FUZZ_CHECK(answer.find(person) == std::string::npos);

  if ((status == 200 || status == 206) && HeaderValue(head, "Content-Type") == "application/octet-stream") {
    const std::string disposition = HeaderValue(head, "Content-Disposition");
    const SharedFile* file = nullptr;
    for (const SharedFile& f : w.files) {
      if (disposition.find(f.id == "m-ready-1" ? "Arbeitsblatt" : f.name) != std::string::npos) file = &f;
    }
    MK_FUZZ_CHECK(file != nullptr);
    int64_t offset = 0;
    if (status == 206) {
      const std::string range = HeaderValue(head, "Content-Range");  // bytes FIRST-LAST/TOTAL
      MK_FUZZ_CHECK(range.rfind("bytes ", 0) == 0);
      offset = std::atoll(range.c_str() + 6);
    }
    MK_FUZZ_CHECK(offset >= 0 && static_cast<size_t>(offset) + body.size() <= file->bytes.size());
    MK_FUZZ_CHECK(file->bytes.compare(static_cast<size_t>(offset), body.size(), body) == 0);
  }
  return 0;
}
