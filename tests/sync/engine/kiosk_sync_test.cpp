// The kiosk's side of the background sync: the view-model asks for a sync after each write
// and shows the worker's status in its indicator.
#include <catch2/catch.hpp>

#include "tests/client/kiosk_fixture.h"

namespace mk::engine_test {
namespace {

using client::FieldId;
using client::Screen;
using client::SyncIndicator;

TEST_CASE("The kiosk asks for a sync after a check-in or walk-in, not after a repeated one", "[sync][ui]") {
  int notified = 0;
  client::KioskOptions options;
  options.on_local_change = [&notified] { ++notified; };
  test::KioskFixture f(options);
  f.vm->OpenSession(f.session_id);
  f.TypeSlowly("Anna");
  REQUIRE(f.vm->results().size() == 1);
  f.vm->ChooseResult(0);
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(notified == 1);

  f.clock.Advance(1000);  // past the double-tap guard
  f.vm->Done();
  f.vm->OpenSession(f.session_id);
  f.TypeSlowly("Anna");
  f.vm->ChooseResult(0);
  REQUIRE(f.vm->screen() == Screen::kAlreadyCheckedIn);
  CHECK(notified == 1);  // nothing was written

  f.clock.Advance(1000);  // past the double-tap guard
  f.vm->Done();
  f.vm->OpenSession(f.session_id);
  f.TypeSlowly("Zofia Wisniewska");
  f.vm->StartWalkIn();
  REQUIRE(f.vm->screen() == Screen::kWalkIn);
  f.vm->Focus(FieldId::kSchool);
  f.TypeSlowly("Gesamtschule Hessisch Lichtenau");
  f.vm->SetConsent(true);
  f.vm->SubmitWalkIn();
  REQUIRE(f.vm->screen() == Screen::kConfirmation);
  CHECK(notified == 2);
}

TEST_CASE("The kiosk's indicator shows the background sync's status", "[sync][ui]") {
  std::optional<sync::SyncStatus> status;
  client::KioskOptions options;
  options.sync_status = [&status] { return status; };
  test::KioskFixture f(options);
  test::WriteFile(f.dir.File("server.json"), R"({"url":"https://mint.example.org:8470"})");
  f.MakeViewModel(options);
  f.vm->Update();
  CHECK(f.vm->sync().state == SyncIndicator::State::kConnectedNotSynced);  // no worker status yet
  CHECK(f.vm->sync().host == "mint.example.org");

  sync::SyncStatus s;
  s.enrolled = true;
  s.online = false;
  s.last_error = "no connection to mint.example.org";
  s.waiting_changes = 12;
  status = s;
  f.vm->Update();
  CHECK(f.vm->sync().state == SyncIndicator::State::kOffline);
  CHECK(f.vm->sync().waiting_changes == 12);
  CHECK(f.vm->sync().host == "mint.example.org");

  s.online = true;
  s.last_error.clear();
  s.waiting_changes = 0;
  s.last_success_ms = f.clock.NowMs() - 3 * 60 * 1000;
  status = s;
  f.vm->Update();
  CHECK(f.vm->sync().state == SyncIndicator::State::kSynced);
  CHECK(f.vm->sync().minutes_since_sync == 3);
}

}  // namespace
}  // namespace mk::engine_test
