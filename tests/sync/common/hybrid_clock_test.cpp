// Tests for the hybrid logical clock: monotonic under clock jumps, merging, drift bound.
#include <catch2/catch.hpp>

#include "sync/common/hybrid_clock.h"

using namespace mk;

TEST_CASE("HLC follows the wall clock when it moves forward", "[common][hlc]") {
  FakeClock wall(1'795'766'400'000);
  HybridClock hlc(&wall);
  const HlcStamp a = hlc.Now();
  CHECK(HlcMillis(a) == 1'795'766'400'000);
  CHECK(HlcCounter(a) == 0);
  const HlcStamp b = hlc.Now();  // same millisecond: the counter steps
  CHECK(HlcMillis(b) == HlcMillis(a));
  CHECK(HlcCounter(b) == 1);
  wall.Advance(5);
  const HlcStamp c = hlc.Now();
  CHECK(HlcMillis(c) == HlcMillis(a) + 5);
  CHECK(HlcCounter(c) == 0);
}

TEST_CASE("HLC never goes backwards when the wall clock jumps back", "[common][hlc]") {
  FakeClock wall(1'795'766'400'000);
  HybridClock hlc(&wall);
  HlcStamp prev = hlc.Now();
  wall.Advance(-24LL * 3600 * 1000);  // a day back
  for (int i = 0; i < 70000; ++i) {   // more than one counter's worth
    const HlcStamp s = hlc.Now();
    REQUIRE(s > prev);
    prev = s;
  }
  CHECK(HlcMillis(prev) == 1'795'766'400'000 + 1);  // the counter overflowed into the next ms
  wall.Advance(365LL * 24 * 3600 * 1000);  // a year forward
  CHECK(HlcMillis(hlc.Now()) == wall.NowMs());
}

TEST_CASE("HLC resumes after a restart from the persisted stamp", "[common][hlc]") {
  FakeClock wall(1'000'000);
  const HlcStamp persisted = MakeHlc(2'000'000, 7);
  HybridClock hlc(&wall, persisted);
  CHECK(hlc.Now() == MakeHlc(2'000'000, 8));
}

TEST_CASE("HLC orders local events after observed remote ones, within a bound", "[common][hlc]") {
  FakeClock wall(1'000'000);
  HybridClock hlc(&wall);
  REQUIRE(hlc.Observe(MakeHlc(1'000'500, 3)).ok());
  CHECK(hlc.Now() == MakeHlc(1'000'500, 4));
  // An older remote stamp changes nothing.
  REQUIRE(hlc.Observe(MakeHlc(10, 0)).ok());
  CHECK(hlc.Now() == MakeHlc(1'000'500, 5));
  // A stamp two days ahead is refused and not merged.
  Status far = hlc.Observe(MakeHlc(1'000'000 + 2LL * 86400000, 0));
  CHECK(far.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(far.message(), Catch::Contains("ahead of this device's clock"));
  CHECK(HlcMillis(hlc.Now()) == 1'000'500);
}
