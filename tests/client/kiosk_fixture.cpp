// The kiosk test fixture.
#include "kiosk_fixture.h"

#include <catch2/catch.hpp>

#include <chrono>

#include "client/viewmodels/trainer_pin.h"
#include "sync/common/utf8.h"

namespace mk::test {

KioskFixture::KioskFixture(client::KioskOptions options) {
  REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
    store::Session later;
    later.course_id = course_id;
    later.starts_at = kFixtureNowMs + 5 * 3600 * 1000;
    later.ends_at = later.starts_at + 2 * 3600 * 1000;
    later.room = "Labor 2";
    MK_ASSIGN_OR_RETURN(later_session_id, store::InsertSession(ctx, later));
    store::Session yesterday;
    yesterday.course_id = course_id;
    yesterday.starts_at = kFixtureNowMs - 24 * 3600 * 1000;
    yesterday.ends_at = yesterday.starts_at + 3 * 3600 * 1000;
    yesterday.room = "Raum 1.12";
    MK_ASSIGN_OR_RETURN(yesterday_session_id, store::InsertSession(ctx, yesterday));
    return Status::Ok();
  }).ok());
  anna = AddPerson("Anna", "Müller", "Gymnasium Eschwege");
  anton = AddPerson("Anton", "Meier", "Grundschule Witzenhausen");
  lukasz = AddPerson("Łukasz", "Nowak", "Berufsschule Kassel");
  REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
    return store::InsertEnrolment(ctx, session_id, anna, store::EnrolmentSource::kImport).status();
  }).ok());
  MakeViewModel(std::move(options));
}

void KioskFixture::MakeViewModel(client::KioskOptions options) {
  options.data_dir = dir.path();
  auto created = client::KioskViewModel::Create(*store, clock, options);
  INFO(created.status().message());
  REQUIRE(created.ok());
  vm = std::move(created).value();
}

void KioskFixture::TypeSlowly(const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    utf8::DecodeNext(text, &pos);
    clock.Advance(150);
    vm->OnText(text.substr(start, pos - start));
  }
}

void KioskFixture::Scan(const std::string& code) {
  clock.Advance(2000);
  vm->OnText(code);
  vm->OnEnter();
}

void KioskFixture::OpenSettings(const std::string& pin) {
  if (!client::HasTrainerPin(dir.path())) REQUIRE(client::SetTrainerPin(dir.path(), pin).ok());
  vm->RequestSettings();
  REQUIRE(vm->pin_stage() == client::PinStage::kEnter);
  TypeSlowly(pin);
  vm->SubmitPin();
  REQUIRE(vm->screen() == client::Screen::kSettings);
}

std::string KioskFixture::CodeOf(const std::string& person_id) {
  auto p = store->GetPerson(person_id);
  REQUIRE(p.ok());
  return p->participant_code;
}

void WakeSignal::Notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
  }
  changed_.notify_all();
}

int WakeSignal::count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

bool WakeSignal::WaitFor(int n) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::minutes(2), [&] { return count_ >= n; });
}

int64_t KioskFixture::AttendanceCount() { return Count(store->db(), "SELECT count(*) FROM attendance"); }

}  // namespace mk::test
