// The data the stateful fuzz targets run against: the demo centre on a server and on a device,
// seeded once per run at a fixed instant, so ids in the seed corpora name real rows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sync/common/clock.h"
#include "sync/server/sqlite_server_storage.h"
#include "sync/store/store.h"

namespace mk::fuzz {

// Wednesday 2026-11-25 09:30 UTC: the demo week's sessions are laid out around it.
inline constexpr int64_t kWorldNowMs = 1795685400000;
// A small demo centre: every id of it is the same in every run and in tools/seed generation.
inline constexpr int kWorldTeachers = 30;
inline constexpr int kWorldTrainers = 3;
// The enrolled kiosk's id and token on the server: bundles in the corpora are signed for it.
inline constexpr const char* kWorldDeviceId = "0190f5c2-7a3b-7cde-8f01-23456789abcd";
inline constexpr const char* kWorldDeviceToken = "fuzz-device-token";

store::DemoOptions WorldDemoOptions();

struct ServerWorld {
  FakeClock clock{kWorldNowMs};
  std::unique_ptr<server::SqliteServerStorage> storage;
  server::DeviceRecord device;  // an enrolled kiosk of the demo centre
};

struct DeviceWorld {
  FakeClock clock{kWorldNowMs};
  std::unique_ptr<store::Store> store;
};

// Created on first use, under ScratchDir(); aborts the run when the world cannot be built.
ServerWorld& TheServer();
DeviceWorld& TheDevice();

}  // namespace mk::fuzz
