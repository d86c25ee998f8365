// The LAN share over real HTTP on 127.0.0.1: what it serves, and everything it refuses.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "client/lan_share/lan_share.h"
#include "client/lan_share/qr_code.h"
#include "client/lan_share/share_page.h"
#include "materials_fixture.h"
#include "raw_http.h"

namespace mk {
namespace {

using client::LanShare;
using client::LanShareOptions;
using test::RawRequest;

struct ShareFixture : test::MaterialsFixture {
  ShareFixture() {
    // A name that must be escaped, European letters, and a person the page must not show.
    sheet = Add(session_id, "Arbeitsblatt Ørsted.pdf", test::Pattern(70000, 1), "Ørsted & <Kompass> \"Versuch\"");
    video = Add(session_id, "Łukasz – Film.mp4", test::Pattern(300000, 2), "Film aus Ærøskøbing", "CC0 1.0");
    other = Add(other_session_id, "Säuren.pdf", test::Pattern(5000, 3), "Säuren und Basen");
    AddPerson("Łukasz", "Müller");
  }
  LanShareOptions Options(double rps = 1000, double burst = 1000) {
    LanShareOptions o;
    o.database_path = db_path();
    o.files_dir = files_dir();
    o.session_id = session_id;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.requests_per_second = rps;
    o.burst = burst;
    return o;
  }
  std::unique_ptr<LanShare> Start(const LanShareOptions& o) {
    auto share = LanShare::Start(o);
    INFO((share.ok() ? std::string() : share.status().message()));
    REQUIRE(share.ok());
    return std::move(*share);
  }
  static std::string Link(const store::Material& m) {
    client::SharedMaterial s;
    s.id = m.id;
    s.file_name = m.file_name;
    return client::MaterialPath(s);
  }
  store::Material sheet, video, other;
};

TEST_CASE("The LAN share's page lists the session's materials, escaped, and no one's name", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const auto page = RawRequest(share->port(), "GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.headers.at("content-type") == "text/html; charset=utf-8");
  CHECK(page.headers.at("x-content-type-options") == "nosniff");
  CHECK_THAT(page.body, Catch::Contains("<html lang=\"de\">"));
  CHECK_THAT(page.body, Catch::Contains("name=\"viewport\""));
  CHECK_THAT(page.body, Catch::Contains("Optik im Schülerlabor"));
  CHECK_THAT(page.body, Catch::Contains("Ørsted &amp; &lt;Kompass&gt; &quot;Versuch&quot;"));
  CHECK_THAT(page.body, !Catch::Contains("<Kompass>"));
  CHECK_THAT(page.body, Catch::Contains("Film aus Ærøskøbing"));
  CHECK_THAT(page.body, Catch::Contains("CC0 1.0"));
  CHECK_THAT(page.body, Catch::Contains("Arbeitsblatt"));    // purpose
  CHECK_THAT(page.body, Catch::Contains("300 kB"));           // the film's size
  CHECK_THAT(page.body, Catch::Contains(ShareFixture::Link(f.video)));
  CHECK_THAT(page.body, !Catch::Contains("Säuren"));         // another session's
  CHECK_THAT(page.body, !Catch::Contains("Müller"));         // people never appear
  CHECK_THAT(page.body, !Catch::Contains("Łukasz M"));

  LanShareOptions english = f.Options();
  english.language = i18n::Language::kEnglish;
  share->Stop();
  auto share_en = f.Start(english);
  const auto page_en = RawRequest(share_en->port(), "GET", "/");
  CHECK_THAT(page_en.body, Catch::Contains("<html lang=\"en\">"));
  CHECK_THAT(page_en.body, Catch::Contains("Download"));
  CHECK(client::FormatFileSize(1'234'567, i18n::Language::kGerman) == "1,2 MB");
  CHECK(client::FormatFileSize(1'234'567, i18n::Language::kEnglish) == "1.2 MB");
}

TEST_CASE("The LAN share serves a material's file whole and in ranges", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const std::string content = test::Pattern(300000, 2);
  const auto whole = RawRequest(share->port(), "GET", ShareFixture::Link(f.video));
  REQUIRE(whole.status == 200);
  CHECK(whole.body == content);
  CHECK(whole.headers.at("content-length") == "300000");
  CHECK(whole.headers.at("accept-ranges") == "bytes");
  CHECK_THAT(whole.headers.at("content-disposition"),
             Catch::StartsWith("attachment;") && Catch::Contains("filename*=UTF-8''%C5%81ukasz%20%E2%80%93%20Film.mp4"));

  const auto middle = RawRequest(share->port(), "GET", ShareFixture::Link(f.video), "Range: bytes=1000-1999\r\n");
  REQUIRE(middle.status == 206);
  CHECK(middle.body == content.substr(1000, 1000));
  CHECK(middle.headers.at("content-range") == "bytes 1000-1999/300000");

  const auto rest = RawRequest(share->port(), "GET", ShareFixture::Link(f.video), "Range: bytes=299990-\r\n");
  REQUIRE(rest.status == 206);
  CHECK(rest.body == content.substr(299990));
  const auto tail = RawRequest(share->port(), "GET", ShareFixture::Link(f.video), "Range: bytes=-7\r\n");
  REQUIRE(tail.status == 206);
  CHECK(tail.body == content.substr(300000 - 7));
  const auto past = RawRequest(share->port(), "GET", ShareFixture::Link(f.video), "Range: bytes=300000-\r\n");
  CHECK(past.status == 416);
  CHECK(past.headers.at("content-range") == "bytes */300000");
  const auto several = RawRequest(share->port(), "GET", ShareFixture::Link(f.video), "Range: bytes=0-1,5-6\r\n");
  CHECK(several.status == 416);
  // A page ignores a Range header: it is never cut.
  const auto page = RawRequest(share->port(), "GET", "/", "Range: bytes=0-9\r\n");
  CHECK(page.status == 200);
  CHECK(page.body.size() > 10);
  const auto head = RawRequest(share->port(), "HEAD", ShareFixture::Link(f.sheet));
  CHECK(head.status == 200);
  CHECK(head.body.empty());
}

TEST_CASE("The LAN share refuses traversal in every encoding, other sessions' files, listings and other methods",
          "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const std::string db_bytes = test::ReadFile(f.db_path()).substr(0, 16);  // "SQLite format 3"
  const std::string other_link = ShareFixture::Link(f.other);
  const std::string sheet_id = f.sheet.id;
  const std::vector<std::string> refused = {
      other_link,                                             // a material of another session
      "/f/" + sheet_id + "/anderer-name.pdf",                 // the right id, another name
      "/f/" + f.other.id + "/Arbeitsblatt%20%C3%98rsted.pdf",  // another session's id, this one's name
      "/f/" + f.sheet.sha256,                                 // a file by its hash
      "/f/", "/f", "/files/", "/sha256/", "/partial/", "/index.html", "/mintkiosk.db",
      "/../mintkiosk.db", "/../../../../etc/passwd", "/..%2fmintkiosk.db", "/%2e%2e/mintkiosk.db",
      "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/f/..%2f..%2fmintkiosk.db", "/f/%2e%2e/%2e%2e%2fmintkiosk.db",
      "/f/" + sheet_id + "/..%2F..%2F..%2Fmintkiosk.db", "/f/" + sheet_id + "%2F..%2F" + f.other.id + "/S%C3%A4uren.pdf",
      "/f/" + sheet_id + "/%2e%2e", "/f/" + sheet_id + "/..", "/f/%2e%2e%2f" + sheet_id + "/x",
      "/%252e%252e/mintkiosk.db", "/f/..%5c..%5cmintkiosk.db", "/f/" + sheet_id + "/..%5cmintkiosk.db",
      "//etc/passwd", "/" + f.db_path(), "/f/" + sheet_id + "/" + f.db_path(), "/f/" + sheet_id + "/%00",
      "/f/" + sheet_id + "/Arbeitsblatt%20%C3%98rsted.pdf%00.txt", "/f/" + sheet_id + "/Arbeitsblatt%20%C3%98rsted.pdf/",
      "/./f/" + sheet_id + "/x", "/files/" + f.sheet.sha256.substr(0, 2) + "/" + f.sheet.sha256,
  };
  const std::string other_content = test::Pattern(5000, 3);
  for (const std::string& target : refused) {
    INFO("GET " << target);
    const auto r = RawRequest(share->port(), "GET", target);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK_THAT(r.body, !Catch::Contains(db_bytes));
    CHECK_THAT(r.body, !Catch::Contains("root:"));
    CHECK(r.body != other_content);
    CHECK_THAT(r.body, !Catch::Contains("Säuren"));
  }
  // Only GET and HEAD.
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    INFO(method);
    const auto r = RawRequest(share->port(), method, "/", "Content-Length: 0\r\n");
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
  }
  // The share still works after all that.
  CHECK(RawRequest(share->port(), "GET", ShareFixture::Link(f.sheet)).status == 200);
}

TEST_CASE("The LAN share does not follow a symbolic link in the blob store", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const std::string blob = f.library->blobs().BlobPath(f.sheet.sha256);
  // A file of the same size elsewhere, put in the blob's place as a link.
  const std::string elsewhere = f.dir.File("elsewhere.bin");
  test::WriteFile(elsewhere, std::string(70000, 'S'));
  REQUIRE(::unlink(blob.c_str()) == 0);
  REQUIRE(::symlink(elsewhere.c_str(), blob.c_str()) == 0);
  const auto r = RawRequest(share->port(), "GET", ShareFixture::Link(f.sheet));
  CHECK(r.status == 404);
  CHECK_THAT(r.body, !Catch::Contains("SSSS"));
  CHECK_THAT(RawRequest(share->port(), "GET", "/").body, !Catch::Contains("Kompass"));
}

TEST_CASE("The LAN share limits requests per client address", "[materials][lan]") {
  ShareFixture f;
  // One request a minute after a burst of three: the fourth in a row is refused.
  auto share = f.Start(f.Options(1.0 / 60.0, 3));
  for (int i = 0; i < 3; ++i) CHECK(RawRequest(share->port(), "GET", "/").status == 200);
  const auto refused = RawRequest(share->port(), "GET", ShareFixture::Link(f.sheet));
  CHECK(refused.status == 429);
  CHECK(refused.headers.count("retry-after") == 1);
  CHECK(refused.body.find(test::Pattern(70000, 1).substr(0, 100)) == std::string::npos);
}

TEST_CASE("Switched off, the LAN share answers nothing", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const int port = share->port();
  CHECK(RawRequest(port, "GET", "/").status == 200);
  share->Stop();
  CHECK_FALSE(share->running());
  CHECK(test::ConnectionRefused(port));
  share->Stop();  // again: nothing happens
}

TEST_CASE("The LAN share stops when its session is closed", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  const int port = share->port();
  REQUIRE(RawRequest(port, "GET", ShareFixture::Link(f.sheet)).status == 200);
  f.CloseSession(f.session_id);
  const auto gone = RawRequest(port, "GET", ShareFixture::Link(f.sheet));
  CHECK(gone.status == 410);
  CHECK(gone.body.find(test::Pattern(70000, 1).substr(0, 100)) == std::string::npos);
  CHECK_FALSE(share->running());
  share->Stop();
  CHECK(test::ConnectionRefused(port));

  // A closed session cannot be shared at all.
  auto again = LanShare::Start(f.Options());
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == ErrorCode::kFailedPrecondition);
}

TEST_CASE("A session closed while nobody asks stops the share at its next check", "[materials][lan]") {
  ShareFixture f;
  auto share = f.Start(f.Options());
  CHECK(share->CheckSession());
  f.CloseSession(f.session_id);
  CHECK_FALSE(share->CheckSession());
  CHECK_FALSE(share->running());
  share->Stop();
  CHECK(test::ConnectionRefused(share->port()));
}

TEST_CASE("QR codes of the share's URL", "[materials][lan]") {
  auto qr = client::EncodeQr("http://192.168.178.23:8471/");
  REQUIRE(qr.ok());
  CHECK(qr->size >= 21);
  CHECK(qr->modules.size() == static_cast<size_t>(qr->size * qr->size));
  // The three finder patterns: dark corners.
  CHECK(qr->dark(0, 0));
  CHECK(qr->dark(qr->size - 1, 0));
  CHECK(qr->dark(0, qr->size - 1));
  CHECK_FALSE(client::EncodeQr("").ok());
}

}  // namespace
}  // namespace mk
