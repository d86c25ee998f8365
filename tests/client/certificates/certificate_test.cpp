// Certificates of attendance on a real store, written as real PDF files and read back with pdftotext.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <algorithm>
#include <cstdlib>

#include "client/certificates/certificate_batch.h"
#include "client/certificates/certificate_issue.h"
#include "platform/paths.h"
#include "tests/sync/store/store_fixture.h"

namespace mk::certificates {
namespace {

using test::Count;
using test::kFixtureNowMs;
using test::StoreFixture;

constexpr int64_t kMinute = 60 * 1000;

std::string FontDir() {
  const char* dir = std::getenv("MINTKIOSK_FONT_DIR");
  return dir != nullptr && dir[0] != '\0' ? dir : "/usr/share/fonts/truetype/dejavu";
}

void Exec(StoreFixture& f, const std::string& sql) {
  Status s = f.store->db().Exec(sql);
  INFO(s.message());
  REQUIRE(s.ok());
}

// The fixture's session (09:00-12:00 Berlin) with a trainer, an accreditation, a centre address
// and five enrolled people in every situation the hours rule knows.
struct CertificateFixture : StoreFixture {
  std::string lukasz, anna, zoe, piotr, erased;
  CertificateFixture() {
    Exec(*this, "UPDATE centres SET address = 'Strandvej 3, 5970 Ærøskøbing'");
    Exec(*this, "UPDATE courses SET accreditation = 'HE-2026-0815'");
    const std::string trainer = AddPerson("Søren", "Kierkegård", "");
    Exec(*this, "UPDATE sessions SET trainer_id = '" + trainer + "'");
    lukasz = AddPerson("Łukasz", "Ørsted-Müller", "Skole i Ærøskøbing");
    anna = AddPerson("Anna", "Müller", "Gymnasium Eschwege");
    zoe = AddPerson("Zoë", "Brønnum", "Friskole Marstal");
    piotr = AddPerson("Piotr", "Wiśniewski", "Szkoła Podstawowa nr 3");
    erased = AddPerson("Gdpr", "Erased", "Somewhere");
    for (const std::string& p : {piotr, erased}) {
      REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
        return store::InsertEnrolment(ctx, session_id, p, store::EnrolmentSource::kImport).status();
      }).ok());
    }
    CheckInAt(anna, 0);
    CheckInAt(erased, 0);
    CheckInAt(lukasz, 40);  // late
    CheckInAt(zoe, 105);    // 75 of 180 minutes: below half
    Exec(*this, "UPDATE attendance SET left_at = " + std::to_string(kFixtureNowMs + 150 * kMinute) +
                    " WHERE person_id = '" + lukasz + "'");  // left at 11:30
    Exec(*this, "UPDATE people SET erased_at = 1, first_name = '', last_name = '', school = '', email = NULL, "
                "participant_code = id WHERE id = '" + erased + "'");
    clock.Set(kFixtureNowMs + 4 * 60 * kMinute);
  }
  void CheckInAt(const std::string& person, int64_t minutes) {
    clock.Set(kFixtureNowMs + minutes * kMinute);
    store::CheckInRequest r;
    r.session_id = session_id;
    r.person_id = person;
    auto result = store->CheckIn(r);
    INFO(result.status().message());
    REQUIRE(result.ok());
  }
  BatchRequest Request(const std::string& out, const std::string& language = "de") {
    BatchRequest r;
    r.session_id = session_id;
    r.language = language;
    r.out_dir = out;
    r.font_dir = FontDir();
    r.zoneinfo_dir = platform::ZoneInfoDir();
    return r;
  }
};

std::string PdfText(const std::string& path) {
  auto r = test::Run({"/usr/bin/pdftotext", "-enc", "UTF-8", path, "-"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // One line per line of the page; runs of spaces do not matter here.
  std::string out;
  for (char c : r.out) {
    if (c == '\n' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

const WrittenCertificate& For(const BatchResult& r, const std::string& person) {
  for (const WrittenCertificate& w : r.written) {
    if (w.person_id == person) return w;
  }
  FAIL("no certificate for " << person);
  return r.written.front();
}

TEST_CASE("the hours rule: late arrival and early leave reduce the hours", "[certificates]") {
  store::Session s;
  s.starts_at = 1'000'000'000'000;
  s.ends_at = s.starts_at + 180 * kMinute;
  store::Attendance a;
  a.checked_in_at = s.starts_at - 20 * kMinute;  // early is on time
  AttendedTime t = ComputeAttendedTime(s, a);
  CHECK(t.attended_ms == 180 * kMinute);
  CHECK_FALSE(t.late_arrival);
  CHECK_FALSE(t.early_leave);
  a.checked_in_at = s.starts_at + 40 * kMinute;
  a.left_at = s.starts_at + 150 * kMinute;
  t = ComputeAttendedTime(s, a);
  CHECK(t.attended_ms == 110 * kMinute);
  CHECK(t.late_arrival == a.checked_in_at);
  CHECK(t.early_leave == a.left_at);
  a.left_at = s.starts_at + 10 * kMinute;  // left before arriving: nothing
  CHECK(ComputeAttendedTime(s, a).attended_ms == 0);
  a.checked_in_at.reset();  // marked present by the trainer: from the start
  a.left_at.reset();
  CHECK(ComputeAttendedTime(s, a).attended_ms == 180 * kMinute);

  CHECK(CertifiedHours(110 * kMinute) == 1.75);
  CHECK(CertifiedHours(119 * kMinute) == 1.75);  // rounded down to the quarter hour
  CHECK(FormatHours(1.75, ",") == "1,75");
  CHECK(FormatHours(3, ",") == "3");
  CHECK(FormatHours(2.5, ".") == "2.5");
  CHECK(PlaceFromAddress("Am Kirchberg 7, 37213 Witzenhausen") == "Witzenhausen");
  CHECK(PlaceFromAddress("Strandvej 3, DK-5970 Ærøskøbing") == "Ærøskøbing");
  CHECK(PlaceFromAddress("") == "");
}

TEST_CASE("file names are safe on every file system and keep European letters", "[certificates]") {
  CHECK(SafeFileName("Teilnahmebescheinigung - Łukasz Ørsted-Müller - 2026-11-27") ==
        "Teilnahmebescheinigung - Łukasz Ørsted-Müller - 2026-11-27");
  CHECK(SafeFileName("a/b\\c:d*e?f\"g<h>i|j") == "abcdefghij");
  CHECK(SafeFileName("../../etc/passwd") == "etcpasswd");
  CHECK(SafeFileName(" .hidden\x01\tname. ") == "hidden name");
  CHECK(SafeFileName("\xE2\x80\xAEtxt.exe") == "txt.exe");
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "Ø";
  const std::string cut = SafeFileName(long_name);
  CHECK(cut.size() <= 180);
  CHECK(cut.size() % 2 == 0);  // never half of a two-byte letter
}

TEST_CASE("a session's certificates: names, school, course, hours and notes in the PDF", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  auto result = WriteCertificates(*f.store, f.Request(out.path()));
  INFO(result.status().message());
  REQUIRE(result.ok());
  REQUIRE(result->written.size() == 2);  // Anna and Łukasz
  CHECK(FilesIn(out.path()) == std::vector<std::string>{
                                    "Teilnahmebescheinigung - Anna Müller - 2026-11-27.pdf",
                                    "Teilnahmebescheinigung - Łukasz Ørsted-Müller - 2026-11-27.pdf"});

  const std::string lukasz = PdfText(For(*result, f.lukasz).path);
  CHECK_THAT(lukasz, Catch::Contains("Teilnahmebescheinigung"));
  CHECK_THAT(lukasz, Catch::Contains("Łukasz Ørsted-Müller"));
  CHECK_THAT(lukasz, Catch::Contains("Skole i Ærøskøbing"));
  CHECK_THAT(lukasz, Catch::Contains("Optik im Schülerlabor"));
  CHECK_THAT(lukasz, Catch::Contains("am Freitag, 27. November 2026, 09:00–12:00 Uhr"));
  CHECK_THAT(lukasz, Catch::Contains("im Umfang von 1,75 Zeitstunden"));
  CHECK_THAT(lukasz, Catch::Contains("Ankunft um 09:40 Uhr, nach Beginn der Fortbildung."));
  CHECK_THAT(lukasz, Catch::Contains("Vorzeitiges Ende der Teilnahme um 11:30 Uhr."));
  CHECK_THAT(lukasz, Catch::Contains("von 3 Zeitstunden"));
  CHECK_THAT(lukasz, Catch::Contains("Akkreditierungsnummer: HE-2026-0815"));
  CHECK_THAT(lukasz, Catch::Contains("MINT-Zentrum Ærøskøbing"));
  CHECK_THAT(lukasz, Catch::Contains("Søren Kierkegård"));
  CHECK_THAT(lukasz, Catch::Contains("Ærøskøbing, den 27.11.2026"));
  CHECK_THAT(lukasz, Catch::Contains("Prüfcode: " + For(*result, f.lukasz).verification_code));

  const std::string anna = PdfText(For(*result, f.anna).path);
  CHECK_THAT(anna, Catch::Contains("Anna Müller"));
  CHECK_THAT(anna, Catch::Contains("im Umfang von 3 Zeitstunden"));
  CHECK_THAT(anna, !Catch::Contains("Ankunft um"));
  CHECK_THAT(anna, !Catch::Contains("Vorzeitiges"));

  // The fonts are embedded: the PDF prints the same anywhere.
  auto fonts = test::Run({"/usr/bin/pdffonts", For(*result, f.lukasz).path});
  REQUIRE(fonts.exit_code == 0);
  CHECK_THAT(fonts.out, Catch::Contains("DejaVuSans-Bold"));
  CHECK(fonts.out.find(" no  ") == std::string::npos);  // the "emb" column says yes for every font

  // Refused, each with its reason; the erased person without a name.
  REQUIRE(result->refused.size() == 3);
  std::map<std::string, std::string> reasons;
  for (const Refusal& r : result->refused) reasons[r.person_id] = r.name + ": " + r.reason;
  CHECK(reasons[f.zoe] == "Zoë Brønnum: attended 1.25 of 3 hours (41 %), below the centre's minimum of 50 %");
  CHECK(reasons[f.piotr] == "Piotr Wiśniewski: no attendance recorded (did not check in)");
  CHECK(reasons[f.erased] == ": this person has been erased: no certificate");

  // Stored so they sync, with hours and the note.
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates") == 2);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates WHERE person_id = '" + f.lukasz +
                                 "' AND hours_attended = 1.75 AND note LIKE 'Ankunft um 09:40%'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'certificates'") == 2);
}

TEST_CASE("issuing again keeps the verification code, and English works too", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  auto first = WriteCertificates(*f.store, f.Request(out.path()));
  REQUIRE(first.ok());
  CHECK_FALSE(For(*first, f.lukasz).reissued);
  const std::string code = For(*first, f.lukasz).verification_code;
  CHECK(code.size() == 11);
  CHECK(code[5] == '-');

  test::TempDir out_en;
  BatchRequest one = f.Request(out_en.path(), "en");
  one.person_id = f.lukasz;
  auto again = WriteCertificates(*f.store, one);
  INFO(again.status().message());
  REQUIRE(again.ok());
  REQUIRE(again->written.size() == 1);
  CHECK(again->written[0].reissued);
  CHECK(again->written[0].verification_code == code);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates") == 2);
  CHECK(FilesIn(out_en.path()) ==
        std::vector<std::string>{"Certificate of attendance - Łukasz Ørsted-Müller - 2026-11-27.pdf"});
  const std::string text = PdfText(again->written[0].path);
  CHECK_THAT(text, Catch::Contains("Certificate of Attendance"));
  CHECK_THAT(text, Catch::Contains("Łukasz Ørsted-Müller"));
  CHECK_THAT(text, Catch::Contains("on Friday, 27 November 2026, 09:00–12:00"));
  CHECK_THAT(text, Catch::Contains("for 1.75 hours."));
  CHECK_THAT(text, Catch::Contains("Arrived at 09:40, after the start of the course."));
  CHECK_THAT(text, Catch::Contains("Left early at 11:30."));
  CHECK_THAT(text, Catch::Contains("Verification code: " + code));

  // The same folder again: the files are replaced, not duplicated.
  auto third = WriteCertificates(*f.store, f.Request(out.path()));
  REQUIRE(third.ok());
  CHECK(FilesIn(out.path()).size() == 2);
  CHECK(For(*third, f.anna).verification_code == For(*first, f.anna).verification_code);
}

TEST_CASE("one person: below the minimum or erased gives no PDF and a reason", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  for (const std::string& who : {f.zoe, f.erased}) {
    BatchRequest r = f.Request(out.path());
    r.person_id = who;
    auto result = WriteCertificates(*f.store, r);
    REQUIRE(result.ok());
    CHECK(result->written.empty());
    REQUIRE(result->refused.size() == 1);
  }
  BatchRequest stranger = f.Request(out.path());
  stranger.person_id = f.AddPerson("Ærle", "Nobody", "");
  auto none = WriteCertificates(*f.store, stranger);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.status().message(), Catch::Contains("is not enrolled in the session 'Optik im Schülerlabor'"));
  CHECK(FilesIn(out.path()).empty());
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates") == 0);
}

TEST_CASE("a missing output folder is a clear error and issues nothing", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  auto missing = WriteCertificates(*f.store, f.Request(out.File("nowhere")));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "the output folder " + out.File("nowhere") + " does not exist (create it first)");
  test::WriteFile(out.File("plain.txt"), "x");
  auto file = WriteCertificates(*f.store, f.Request(out.File("plain.txt")));
  REQUIRE_FALSE(file.ok());
  CHECK(file.status().message() == "the output folder " + out.File("plain.txt") + " is not a folder");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM certificates") == 0);
}

// The real file system, except that the disk fills up after `room` certificates.
class FillingFileSystem final : public platform::FileSystem {
 public:
  explicit FillingFileSystem(int room) : room_(room) {}
  Result<std::vector<platform::DirEntry>> List(const std::string& dir) override { return real().List(dir); }
  bool IsDirectory(const std::string& path) override { return real().IsDirectory(path); }
  bool Exists(const std::string& path) override { return real().Exists(path); }
  std::vector<platform::Place> Places() override { return real().Places(); }
  Result<std::unique_ptr<platform::WritableFile>> CreateNew(const std::string& path) override {
    auto file = real().CreateNew(path);
    if (!file.ok() || room_-- > 0) return file;
    struct Full final : platform::WritableFile {
      std::unique_ptr<platform::WritableFile> inner;
      std::string path;
      Status Write(std::string_view bytes) override {
        (void)inner->Write(bytes.substr(0, bytes.size() / 2));
        return IoError("writing failed: the disk is full (" + path + ")");
      }
      Status Sync() override { return inner->Sync(); }
      Status Close() override { return inner->Close(); }
    };
    auto full = std::make_unique<Full>();
    full->inner = std::move(file).value();
    full->path = path;
    return std::unique_ptr<platform::WritableFile>(std::move(full));
  }
  Status RenameNoReplace(const std::string& from, const std::string& to) override {
    return real().RenameNoReplace(from, to);
  }
  Status Remove(const std::string& path) override { return real().Remove(path); }
  Status SyncDirectory(const std::string& dir) override { return real().SyncDirectory(dir); }

 private:
  static platform::FileSystem& real() { return platform::FileSystem::Real(); }
  int room_;
};

TEST_CASE("a full disk stops the batch with a clear message and leaves no half file", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  FillingFileSystem fs(1);
  auto result = WriteCertificates(*f.store, f.Request(out.path()), fs);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == ErrorCode::kIo);
  CHECK_THAT(result.status().message(), Catch::StartsWith("the certificate of Łukasz Ørsted-Müller (1 written before it): "
                                                          "writing failed: the disk is full"));
  // The first certificate is whole; of the second there is nothing, not even the temporary file.
  CHECK(FilesIn(out.path()) == std::vector<std::string>{"Teilnahmebescheinigung - Anna Müller - 2026-11-27.pdf"});
  CHECK_THAT(PdfText(out.File("Teilnahmebescheinigung - Anna Müller - 2026-11-27.pdf")), Catch::Contains("Anna Müller"));
}

TEST_CASE("a certificate renders to an image", "[certificates]") {
  CertificateFixture f;
  test::TempDir out;
  BatchRequest r = f.Request(out.path());
  r.person_id = f.lukasz;
  auto result = WriteCertificates(*f.store, r);
  REQUIRE(result.ok());
  REQUIRE(result->written.size() == 1);
  auto png = test::Run({"/usr/bin/pdftoppm", "-png", "-r", "40", "-singlefile", result->written[0].path, out.File("page")});
  INFO(png.err);
  REQUIRE(png.exit_code == 0);
  CHECK(test::ReadFile(out.File("page.png")).substr(1, 3) == "PNG");
}

}  // namespace
}  // namespace mk::certificates
