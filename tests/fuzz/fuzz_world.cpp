// The fuzz targets' demo centre (fuzz_world.h).
#include "fuzz_world.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "fuzz_target.h"
#include "sync/server/secret.h"
#include "sync/store/demo_data.h"

namespace mk::fuzz {
namespace {

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "fuzz world: %s: %s\n", what, r.status().message().c_str());
    std::abort();
  }
  return std::move(*r);
}

void OrDie(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz world: %s: %s\n", what, s.message().c_str());
    std::abort();
  }
}

}  // namespace

store::DemoOptions WorldDemoOptions() {
  store::DemoOptions o;
  o.teachers = kWorldTeachers;
  o.trainers = kWorldTrainers;
  o.now_ms = kWorldNowMs;
  return o;
}

ServerWorld& TheServer() {
  static ServerWorld* world = [] {
    auto* w = new ServerWorld;
    std::filesystem::create_directories(ScratchDir() + "/server");
    w->storage = OrDie(server::SqliteServerStorage::Open(ScratchDir() + "/server", &w->clock, 1), "opening the server");
    const store::DemoSummary demo = OrDie(w->storage->SeedDemo(WorldDemoOptions()), "seeding the server");
    OrDie(w->storage->AddEnrolmentCode(server::HashSecret("FUZZCODE"), demo.centre_id, kWorldNowMs,
                                       kWorldNowMs + 3600000),
          "adding an enrolment code");
    const server::RedeemResult redeemed =
        OrDie(w->storage->RedeemEnrolmentCode(server::HashSecret("FUZZCODE"), server::HashSecret(kWorldDeviceToken), "fuzz", kWorldDeviceId,
                                              kWorldNowMs),
              "enrolling the kiosk");
    if (redeemed.outcome != server::RedeemOutcome::kOk) OrDie(Internal("enrolment refused"), "enrolling the kiosk");
    w->device = redeemed.device;
    return w;
  }();
  return *world;
}

DeviceWorld& TheDevice() {
  static DeviceWorld* world = [] {
    auto* w = new DeviceWorld;
    w->store = OrDie(store::Store::Open(ScratchDir() + "/device.db", &w->clock), "opening the device store");
    OrDie(store::SeedDemo(*w->store, WorldDemoOptions()), "seeding the device");
    return w;
  }();
  return *world;
}

}  // namespace mk::fuzz
